"""A clinician uploads a video, watches the analysis progress live (the job is moved along here,
through the job repository, as a worker would), and accepts the measurement into the record."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.web.conftest import Server

FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2048
RESULT = {
    "movement": "trunk-flexion",
    "summary": {"peak_deg": 70.4, "baseline_deg": 2.0, "uncertainty_deg": 5.9},
    "reps": [{"start": 1.0, "end": 4.0}],
    "measurements": {
        "fields": {"method": "video", "lumbar_flexion_deg": 32.4},
        "uncertainty_deg": {"lumbar_flexion_deg": 7.5},
        "unreliable": {},
    },
    "warnings": ["camera slightly tilted"],
    "verdict": {"measured": True, "reliable": True, "message": "A forward bend was measured."},
}


def test_video_upload_progress_and_accept(browsing: Any, server: Server) -> None:
    dr = browsing("clinician")
    dr.login(server.accounts.clinician_email, server.accounts.clinician_password)
    dr.check("patients")
    person = server.accounts.person_id
    page = dr.page
    dr.goto(f"/patients/{person}/videos")
    dr.check("videos")
    page.select_option("#movement", "trunk_flexion")
    page.set_input_files(
        "#file", files=[{"name": "bend.mp4", "mimeType": "video/mp4", "buffer": FAKE_MP4}]
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/videos\?job="))
    job_id = page.url.rsplit("=", 1)[1]
    box = page.locator(f"#job-{job_id}")
    assert box.get_attribute("data-status") == "queued"
    dr.check("video-queued")

    with server.store.uow() as uow:
        jobs = uow.jobs
        assert jobs.claim(job_id) is not None
        jobs.set_progress(job_id, 0.4)
        uow.commit()
    page.wait_for_function(
        f"() => document.querySelector('#job-{job_id} progress').value === 40", timeout=10_000
    )
    assert "running" in box.locator(".job-status").inner_text()
    dr.check("video-running")

    with server.store.uow() as uow:
        uow.jobs.finish(job_id, RESULT)
        uow.commit()
    page.wait_for_selector(f"#job-{job_id}[data-status=done] form button", timeout=10_000)
    dr.check("video-done")
    shown = box.locator(".result").inner_text()
    assert "32 degrees, give or take 8 degrees" in shown  # 7.5 rounds to 8 for the reader
    assert "68 degrees from your starting position" in shown
    assert "{" not in box.inner_text() and "_deg" not in box.inner_text()
    box.locator("summary").click()
    assert "camera slightly tilted" in box.inner_text()
    box.locator("form button").click()
    page.wait_for_url(re.compile(r"accepted="))
    dr.check("video-accepted")
    assert "now part of the record" in page.inner_text("#notice")
    assert "In the record." in page.locator(f"#job-{job_id}").inner_text()

    dr.goto(f"/patients/{person}/progress")
    dr.check("progress-with-video")
    assert "Low-back forward bending (estimate): 32 degrees" in page.inner_text(
        "#video-measurements"
    )
