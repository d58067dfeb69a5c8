"""Filming in the browser, on a phone-sized Chromium whose camera is a fake one playing an edited
fixture clip (a side-on person bending forward): open the camera, check the framing on the server,
record with MediaRecorder, upload, run the analysis job as the worker would, and read the result
in words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lumbo.jobs.measure import run_measure_job
from tests.e2e.web.conftest import Browsing, Server, camera_browser, open_context

pytestmark = pytest.mark.vision


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("mediapipe")
    from tests.integration.vision.conftest import HINGE_CROP, hinge_clip_file, write_y4m

    work = tmp_path_factory.mktemp("fake-camera")
    return write_y4m(hinge_clip_file(60.0, 2), work / "camera.y4m", crop=HINGE_CROP)


@pytest.fixture(scope="module")
def camera(browser: Any, fake_camera: Path) -> Iterator[Any]:
    with camera_browser(browser, fake_camera) as b:
        yield b


def _open(browser: Any, server: Server, axe: Path, name: str, phone: bool) -> Browsing:
    return open_context(
        browser, server, axe, f"test_film_page-{name}", phone=phone, camera=True, timeout_ms=20_000
    )


def test_film_check_record_upload_and_read_the_result(
    camera: Any, server: Server, axe_script: Path
) -> None:
    person = server.accounts.person_id
    phone = _open(camera, server, axe_script, "phone", phone=True)
    try:
        phone.login(server.accounts.clinician_email, server.accounts.clinician_password)
        phone.goto(f"/patients/{person}/videos")
        phone.check("videos")
        page = phone.page
        page.click("text=Film with this device's camera instead")
        page.wait_for_url(re.compile(r"/videos/film$"))
        page.select_option("#film-movement", "trunk_flexion")
        assert page.inner_text("#film-view-word") == "side"
        phone.check("film")
        page.click("#film-start")
        page.wait_for_function(
            "() => document.querySelector('#film-video').videoWidth > 0", timeout=20_000
        )
        assert "camera is on" in page.inner_text("#film-message")
        page.click("#film-check")
        page.wait_for_selector("#film-status[data-check]", timeout=90_000)
        phone.check("film-checked")
        verdict = page.get_attribute("#film-status", "data-check")
        assert verdict == "ok", page.inner_text("#film-status")
        assert "Ready" in page.inner_text("#film-message")

        page.click("#film-record")
        page.wait_for_timeout(7_000)
        page.click("#film-stop")
        page.wait_for_url(re.compile(r"/videos\?job="), timeout=60_000)
        job_id = page.url.rsplit("=", 1)[1]
        phone.check("film-uploaded")
        data_dir = server.app.state.lumbo.settings.data_dir
        outcome = run_measure_job(server.store, data_dir, job_id)
        with server.store.uow() as uow:
            job = uow.jobs.get_job(job_id)
        assert outcome == "done", None if job is None else job.error
        page.wait_for_selector(f"#job-{job_id}[data-status=done]", timeout=30_000)
        phone.check("film-result")
        box = page.locator(f"#job-{job_id}")
        text = box.inner_text()
        assert "forward bend" in text.lower()
        assert "{" not in text and "_deg" not in text, text

        desktop = _open(camera, server, axe_script, "desktop", phone=False)
        try:
            desktop.login(server.accounts.clinician_email, server.accounts.clinician_password)
            desktop.goto(f"/patients/{person}/videos/film")
            desktop.check("film")
            desktop.goto(f"/patients/{person}/videos?job={job_id}")
            desktop.check("film-result")
        finally:
            desktop.context.close()
    finally:
        phone.context.close()
