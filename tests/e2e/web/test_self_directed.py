"""The individual at home (issue 20), on a phone-sized Chromium: sign up (with the e-mailed
confirmation link, from the local SMTP server), the guided self-assessment one screen at a time
including the forward bend filmed with the phone (a fake camera playing an edited fixture clip, the
filming page of issue 19), the plan, and the first session in the player; a red-flag answer leads
to the emergency screen; an unanswered cauda-equina question never leads to a plan; sharing with a
clinician through a take-on link. Every screen goes through ``check(label, scan="patient")``."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.web.conftest import AXE_URL, CHROMIUM, LAUNCH_ARGS, Browsing, Server
from tests.e2e.web.test_patient_pages import TEST_CLOCK, answer, run_block

PASSWORD = "a slow walk along the canal"
FLOW_SCREENS: list[str] = []  # the steps the full walk showed (for the docs' screen count)


def _open(browser: Any, server: Server, axe: Path, name: str, phone: bool = True) -> Browsing:
    from tests.e2e.web.conftest import SHOTS

    for stale in SHOTS.glob(f"test_self_directed-{name}-*.png"):
        stale.unlink()
    options: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
    if phone:
        options = {
            "viewport": {"width": 390, "height": 844},
            "device_scale_factor": 2,
            "is_mobile": True,
            "has_touch": True,
        }
    context = browser.new_context(base_url=server.url, **options)
    context.grant_permissions(["camera"], origin=server.url)
    context.route(
        "**" + AXE_URL,
        lambda route: route.fulfill(path=str(axe), content_type="text/javascript"),
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return Browsing(f"test_self_directed-{name}", context, page, server.url, axe)


def _mail_to(server: Server, email: str) -> Any:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = [m for m in server.mailbox if m["To"] == email]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no e-mail reached {email}")


def sign_up(me: Browsing, server: Server, email: str) -> None:
    """Sign up, confirm the address from the e-mail, sign in: ends on the first question."""
    page = me.page
    me.goto("/login")
    me.check("login", scan="patient")
    page.click("#signup-link a")
    me.check("signup", scan="patient")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#again", PASSWORD)
    page.click("#signup-form button[type=submit]")
    page.wait_for_selector("#signup-sent")
    me.check("signup-sent", scan="patient")
    link = re.search(
        r"http://127\.0\.0\.1:\d+(/signup/confirm/\S+)", _mail_to(server, email).get_content()
    )
    assert link is not None
    me.goto(link.group(1))
    me.check("signup-confirm", scan="patient")
    page.click("#confirm-button")
    page.wait_for_selector("#login-notice")
    me.check("login-confirmed", scan="patient")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("#sa-question")
    assert me.path() == "/start"


def current(page: Any) -> tuple[str, str]:
    q = page.locator("#sa-question")
    return q.get_attribute("data-step"), q.get_attribute("data-kind")


def give_plain_answer(page: Any, step: str, kind: str) -> None:
    """Answer as a person with no red flag would, by tapping or typing, then "Next"."""
    if step == "age":
        page.fill("#sa-number", "44")
    elif kind == "yes_no":
        page.click("label[for=sa-c2]")  # No
    elif kind == "choice":
        page.click("label[for=sa-c1]")
    elif kind == "scale":
        page.locator(".sa-point").nth(1).click()
    elif kind == "number":
        page.fill("#sa-number", "8" if step == "duration_weeks" else "12")
    elif kind == "activities":
        page.fill("#sa-a1", "Putting on my socks")
        page.fill("#sa-s1", "5")
    page.click("#sa-next")


CLIP_S = 9.0  # the hinge clip: 270 frames at 30 fps (0.8 s still, two bends), looped by Chromium


def film_the_forward_bend(me: Browsing, server: Server) -> bool:
    """Film, check the framing, record, upload, let the worker measure, and come back to the
    questions; True when the bend went into the answers. The fake camera loops the clip from when
    the camera starts, so recording starts at the clip's standing start (as a person stands still
    first). A result the video checks do not trust (the lumbar estimate of this fixture is wider
    than the 8-degree limit: tests/integration/vision/test_trust.py) comes back in words, with
    filming again or the tape as ways on."""
    from lumbo.jobs.measure import run_measure_job

    page = me.page
    page.click("#sa-film")
    page.wait_for_url(re.compile(r"/start/film$"))
    me.check("sa-film", scan="patient")
    assert page.inner_text("h1") == "Film your forward bend"
    assert page.inner_text("#film-view-word") == "side"
    page.click("#film-start")
    page.wait_for_function(
        "() => document.querySelector('#film-video').videoWidth > 0", timeout=20_000
    )
    page.click("#film-check")
    page.wait_for_selector("#film-status[data-check]", timeout=90_000)
    me.check("sa-film-checked", scan="patient")
    assert page.get_attribute("#film-status", "data-check") == "ok", page.inner_text("#film-status")
    page.wait_for_function(
        f"() => {{ const t = document.querySelector('#film-video').currentTime % {CLIP_S};"
        " return t > 8.7 || t < 0.05; }",
        polling=20,
        timeout=20_000,
    )
    page.click("#film-record")
    page.wait_for_timeout(int(CLIP_S * 1000) + 500)
    page.click("#film-stop")
    page.wait_for_url(re.compile(r"/start/video/"), timeout=60_000)
    me.check("sa-video-waiting", scan="patient")
    job_id = me.path().rsplit("/", 1)[1]
    data_dir = server.app.state.lumbo.settings.data_dir
    assert run_measure_job(server.store, data_dir, job_id) == "done"  # the worker's part
    page.wait_for_function(  # the page reloads itself when the job is finished
        "() => !document.querySelector('#sa-video-waiting')", timeout=30_000
    )
    page.wait_for_load_state("load")
    with server.store.uow() as uow:
        job = uow.jobs.get_job(job_id)
    assert job is not None and job.result is not None
    reliable = "lumbar_flexion_deg" in job.result["measurements"]["fields"]
    if me.path() == "/start":
        assert reliable and "filmed=1" in page.url
        return True
    assert not reliable  # refused only when the checks did not trust it
    me.check("sa-video-unusable", scan="patient")
    assert "not measure your lower back closely enough" in page.inner_text("#sa-video-unusable")
    page.click("#sa-skip")  # the tape instead
    page.wait_for_load_state("load")
    return False


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("mediapipe")
    from tests.integration.vision.conftest import HINGE_CROP, hinge_clip_file, write_y4m

    work = tmp_path_factory.mktemp("fake-camera-self")
    return write_y4m(hinge_clip_file(60.0, 2), work / "camera.y4m", crop=HINGE_CROP)


@pytest.fixture(scope="module")
def camera_browser(browser: Any, fake_camera: Path) -> Iterator[Any]:
    args = [
        *LAUNCH_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={fake_camera}",
    ]
    b = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)
    try:
        yield b
    finally:
        b.close()


@pytest.mark.vision
def test_sign_up_assess_yourself_with_a_filmed_bend_get_a_plan_and_run_the_first_session(
    camera_browser: Any, browser: Any, server: Server, axe_script: Path
) -> None:
    me = _open(camera_browser, server, axe_script, "phone")
    page = me.page
    page.add_init_script(TEST_CLOCK)
    started = time.monotonic()
    try:
        sign_up(me, server, "home.person@e2e.test")
        seen: list[str] = []
        filmed = False
        for _ in range(120):
            if not page.locator("#sa-question").count():
                break
            step, kind = current(page)
            assert step not in seen, f"{step} asked twice"
            seen.append(step)
            me.check(f"sa-{len(seen):02d}-{step}", scan="patient")
            if len(seen) == 1:
                # "Next" with nothing chosen: the browser asks for an answer; nothing is filled in
                page.click("#sa-next")
                assert current(page)[0] == step
            if kind == "video":
                filmed = film_the_forward_bend(me, server)
                assert page.is_visible("#sa-filmed") == filmed
                continue
            give_plain_answer(page, step, kind)
            page.wait_for_load_state("load")
        FLOW_SCREENS[:] = seen
        assert seen[0] == "saddle_anaesthesia" and "age" in seen[:5]  # cauda equina first
        assert "trunk_flexion_video" in seen
        assert ("fingertip_to_floor" not in seen) == filmed  # no usable video: the tape
        assert page.is_visible("#sa-finish")
        me.check("sa-ready", scan="patient")
        assert "spring test" in page.inner_text("#sa-not-assessed")  # clinician-only: not tested
        page.click("a[href='/start/summary']")
        me.check("sa-summary", scan="patient")
        if filmed:
            assert "degrees, measured from a video" in page.inner_text("#sa-summary")
        page.go_back()
        page.click("#sa-finish")
        page.wait_for_selector("#plan-ready")
        me.check("sa-plan-ready-today", scan="patient")
        minutes = (time.monotonic() - started) / 60
        print(f"\nself-assessment: {len(seen)} question screens, {minutes:.1f} min of test time")

        # the first session in the player (its timers on the test clock)
        page.click("#start-session")
        me.check("first-session-player", scan="patient")
        blocks = page.evaluate(
            "() => JSON.parse(document.getElementById('session-data').textContent).blocks"
        )
        for _ in blocks:
            run_block(page)
            answer(page, 3, 1, 1)
            page.click("#save-block")
        page.click("#save-session")
        page.wait_for_function(
            "() => document.querySelector('#sync-state').textContent === 'Session saved.'"
        )
        me.check("first-session-saved", scan="patient")
        person = page.get_attribute('meta[name="lumbo-account"]', "content")
        assert person
        with server.store.uow() as uow:
            user = uow.accounts.user_by_email("home.person@e2e.test")
            assert user is not None and user.person_id is not None
            assert len(uow.journeys.session_logs(user.person_id)) == 1
            owner = uow.journeys.get_person(user.person_id)
            assert owner is not None and owner.owner_id is None and owner.self_directed

        # checking your back again (weeks 4, 8, 12) is in the menu
        page.locator("header nav .more summary").click()
        page.click("header nav .more a[href$='/self-check']")
        page.wait_for_selector("#self-check-form")
        me.check("self-check", scan="patient")
        page.set_viewport_size({"width": 1280, "height": 900})
        me.check("self-check-desktop", scan="patient")
        page.set_viewport_size({"width": 390, "height": 844})

        # share with a clinician: a take-on link that the demo clinician opens
        me.goto("/share")
        me.check("share", scan="patient")
        page.set_viewport_size({"width": 1280, "height": 900})
        me.check("share-desktop", scan="patient")
        page.set_viewport_size({"width": 390, "height": 844})
        page.click("#make-take-on-link")
        me.check("share-link-made", scan="patient")
        link = page.input_value("#take-on-link")
        clinician = _open(browser, server, axe_script, "clinician-desktop", phone=False)
        try:
            clinician.login(server.accounts.clinician_email, server.accounts.clinician_password)
            clinician.goto(link.removeprefix(server.url))
            clinician.check("take-on")
            clinician.page.click("#take-on-confirm")
            clinician.page.wait_for_load_state("load")
            assert clinician.path().startswith(f"/patients/{user.person_id}")
        finally:
            clinician.context.close()
        me.goto("/share")
        assert server.accounts.clinician_email in page.inner_text("#share-clinician")
        me.check("share-taken-on", scan="patient")
    finally:
        me.context.close()


def test_a_red_flag_answer_leads_to_the_emergency_screen(browsing: Any, server: Server) -> None:
    me = browsing("red-flag", phone=True)
    page = me.page
    sign_up(me, server, "red.flag@e2e.test")
    assert current(page)[0] == "saddle_anaesthesia"  # the first question
    me.check("sa-saddle", scan="patient")
    page.click("label[for=sa-c1]")  # Yes
    page.click("#sa-next")
    page.wait_for_selector("#sa-stop")
    assert page.get_attribute("#sa-stop", "data-outcome") == "emergency"
    assert "same-day emergency care" in page.inner_text("#what-to-do")
    assert page.is_visible("#sa-stop-signout button")
    me.check("sa-emergency", scan="patient")
    page.set_viewport_size({"width": 1280, "height": 900})
    me.check("sa-emergency-desktop", scan="patient")
    page.set_viewport_size({"width": 390, "height": 844})
    # a reload, or asking for the plan anyway, stays on the emergency screen
    finish = page.request.post("/start/finish", headers={"X-CSRF-Token": me.csrf()})
    assert finish.ok and finish.url.endswith("/start")
    page.reload()
    assert page.get_attribute("#sa-stop", "data-outcome") == "emergency"
    page.click("#sa-summary-link")
    me.check("sa-summary-emergency", scan="patient")
    page.set_viewport_size({"width": 1280, "height": 900})
    me.check("sa-summary-emergency-desktop", scan="patient")
    page.go_back()
    page.click("#sa-stop-signout button")
    page.wait_for_url(re.compile(r"/login"))
    me.check("signed-out", scan="patient")
    with server.store.uow() as uow:
        user = uow.accounts.user_by_email("red.flag@e2e.test")
        assert user is not None and user.person_id is None  # no record, no plan


def test_an_unanswered_cauda_equina_question_never_leads_to_a_plan(
    browsing: Any, server: Server
) -> None:
    me = browsing("unanswered", phone=False)
    page = me.page
    sign_up(me, server, "no.answer@e2e.test")
    assert current(page)[0] == "saddle_anaesthesia"
    assert not page.locator("#sa-skip").count()  # a safety question cannot be skipped
    page.click("#sa-next")  # nothing chosen: the browser keeps the person on the question
    assert current(page)[0] == "saddle_anaesthesia"
    # with the browser's check removed, the server refuses in words
    page.evaluate(
        "() => document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))"
    )
    page.click("#sa-next")
    page.wait_for_selector("#sa-error")
    assert "Choose an answer to go on" in page.inner_text("#sa-error")
    me.check("sa-unanswered-desktop", scan="patient")
    page.set_viewport_size({"width": 390, "height": 844})
    me.check("sa-unanswered-phone", scan="patient")
    finish = page.request.post("/start/finish", headers={"X-CSRF-Token": me.csrf()})
    assert finish.ok and finish.url.endswith("/start")
    me.goto("/start")
    assert current(page)[0] == "saddle_anaesthesia"
    me.check("sa-still-the-question", scan="patient")
    with server.store.uow() as uow:
        user = uow.accounts.user_by_email("no.answer@e2e.test")
        assert user is not None and user.person_id is None
