"""A clinician uploads a video, watches the analysis progress live (the job is moved along here,
through the job repository, as a worker would), and accepts the measurement into the record."""

from __future__ import annotations

import re
from typing import Any

from lumbo.store.jobs import JobRepository
from tests.e2e.web.conftest import Server

FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2048
RESULT = {
    "movement": "trunk_flexion",
    "measurements": {"lumbar_flexion_deg": 52.5},
    "warnings": ["camera slightly tilted"],
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
        jobs = JobRepository(uow.session)
        assert jobs.claim(job_id) is not None
        jobs.set_progress(job_id, 0.4)
        uow.commit()
    page.wait_for_function(
        f"() => document.querySelector('#job-{job_id} progress').value === 40", timeout=10_000
    )
    assert "running" in box.locator(".job-status").inner_text()
    dr.check("video-running")

    with server.store.uow() as uow:
        JobRepository(uow.session).finish(job_id, RESULT)
        uow.commit()
    page.wait_for_selector(f"#job-{job_id}[data-status=done] form button", timeout=10_000)
    dr.check("video-done")
    assert "52.5" in box.locator(".result").inner_text()
    assert "camera slightly tilted" in box.inner_text()
    box.locator("form button").click()
    page.wait_for_url(re.compile(r"accepted="))
    dr.check("video-accepted")
    assert "now part of the record" in page.inner_text("#notice")
    assert "In the record." in page.locator(f"#job-{job_id}").inner_text()

    dr.goto(f"/patients/{person}/progress")
    dr.check("progress-with-video")
    assert "lumbar flexion deg: 52.5" in page.inner_text("#video-measurements")
