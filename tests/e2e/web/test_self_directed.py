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
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.web.conftest import Browsing, Server, camera_browser, open_context
from tests.e2e.web.test_patient_pages import TEST_CLOCK, answer, run_block

PASSWORD = "a slow walk along the canal"
FLOW_SCREENS: list[str] = []  # the steps the full walk showed (for the docs' screen count)


def _open(browser: Any, server: Server, axe: Path, name: str, phone: bool = True) -> Browsing:
    from tests.e2e.web.conftest import SHOTS

    for stale in SHOTS.glob(f"test_self_directed-{name}-*.png"):
        stale.unlink()
    return open_context(
        browser,
        server,
        axe,
        f"test_self_directed-{name}",
        phone=phone,
        camera=True,
        timeout_ms=20_000,
    )


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


def quick_sign_up(me: Browsing, server: Server, email: str) -> None:
    """An account made through the sign-up service (no e-mail step: the full walk shows those
    screens), then signed in: ends on the first question."""
    from lumbo.services import signup

    settings = server.app.state.lumbo.settings
    signup.sign_up(
        server.store,
        settings,
        email=email,
        password=PASSWORD,
        client=f"e2e-{email}",
        mailer=None,
        link_base=server.url,
    )
    me.goto("/login")
    me.check("login", scan="patient")
    me.page.fill("#email", email)
    me.page.fill("#password", PASSWORD)
    me.page.click("main button[type=submit]")
    me.page.wait_for_selector("#sa-question")
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


def film_the_forward_bend(me: Browsing, server: Server) -> float:
    """Film, check the framing, record, upload, let the worker measure, and come back to the
    questions with the bend in the answers; returns the lower-back bend the video gave. The fake
    camera loops the clip from when the camera starts, so recording starts at the clip's
    standing start (as a person stands still first). That a result the video checks do not
    trust is refused in words is checked without a camera
    (tests/integration/web/test_self_assessment_web.py)."""
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
    m = job.result["measurements"]
    assert "lumbar_flexion_deg" in m["fields"], m  # trusted: within the 8-degree limit
    assert m["uncertainty_deg"]["lumbar_flexion_deg"] <= 8.0
    # back in the questions, the bend accepted into the answers (not the "could not measure" page)
    assert me.path() == "/start" and "filmed=1" in page.url, page.url
    return float(m["fields"]["lumbar_flexion_deg"])


CLIP_BEND_DEG = 12.0
CLIP_CROP = (164, 460, 960, 540)
"""The fake camera's clip: the hinge clip of the video tests (tests/integration/vision), built the
same way as the filming page's (tests/e2e/web/test_film_page.py: ``hinge_clip_file``, then
``write_y4m`` at 640 x 360), with a 12-degree trunk bend instead of 60 and the crop 80 pixels
lower (the knees in the picture). The video gives the lower back as half the trunk-on-thigh bend,
with a +/-0.2 share band and the pose jitter in its uncertainty (vision/estimates.py). The
60-degree clip's lower-back estimate is always wider than the 8-degree trust limit
(tests/integration/vision/test_trust.py), and in this edited clip the hip point drifts as the
upper body turns, so at 640 x 360 after the browser's video compression even 20 and 30 degrees read
as about 25 +/- 10 (refused). The 12-degree clip read 6.1 +/- 3.5 from the y4m file and 4.4 +/- 3.1
after VP8 compression (measured 2 December 2026): trusted. The limit itself is not changed."""


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("mediapipe")
    from tests.integration.vision.conftest import hinge_clip_file, write_y4m

    work = tmp_path_factory.mktemp("fake-camera-self")
    return write_y4m(hinge_clip_file(CLIP_BEND_DEG, 2), work / "camera.y4m", crop=CLIP_CROP)


@pytest.fixture(scope="module")
def camera(browser: Any, fake_camera: Path) -> Iterator[Any]:
    with camera_browser(browser, fake_camera) as b:
        yield b


@pytest.mark.vision
def test_sign_up_assess_yourself_with_a_filmed_bend_get_a_plan_and_run_the_first_session(
    camera: Any, browser: Any, server: Server, axe_script: Path
) -> None:
    me = _open(camera, server, axe_script, "phone")
    page = me.page
    page.add_init_script(TEST_CLOCK)
    started = time.monotonic()
    try:
        sign_up(me, server, "home.person@e2e.test")
        seen: list[str] = []
        counts: list[tuple[int, int, int]] = []  # (part, n, of) as the counter shows them
        filmed: float | None = None
        for _ in range(120):
            if not page.locator("#sa-question").count():
                break
            step, kind = current(page)
            assert step not in seen, f"{step} asked twice"
            seen.append(step)
            me.check(f"sa-{len(seen):02d}-{step}", scan="patient")
            shown = re.fullmatch(
                r"Part (\d) of 5: .+ · (\d+) of (\d+)", page.inner_text(".sa-section")
            )
            assert shown is not None, page.inner_text(".sa-section")
            counts.append((int(shown[1]), int(shown[2]), int(shown[3])))
            if len(seen) == 1:
                # "Next" with nothing chosen: the browser asks for an answer; nothing is filled in
                page.click("#sa-next")
                assert current(page)[0] == step
            if kind == "video":
                filmed = film_the_forward_bend(me, server)
                assert page.is_visible("#sa-filmed")
                continue
            give_plain_answer(page, step, kind)
            page.wait_for_load_state("load")
        FLOW_SCREENS[:] = seen
        # the counter: within each part 1, 2, 3 ... of a total that never changes on this path
        for (part, n, of), (part2, n2, of2) in pairwise(counts):
            assert (part2, n2, of2) == (part, n + 1, of) or (
                (part2, n2) == (part + 1, 1) and n == of  # a part ends on "n of n"
            ), (part, n, of, part2, n2, of2)
        assert counts[0][0] == 1 and counts[-1][0] == 5 and counts[-1][1] == counts[-1][2]
        assert seen[0] == "saddle_anaesthesia" and "age" in seen[:5]  # cauda equina first
        assert "trunk_flexion_video" in seen
        assert filmed is not None and "fingertip_to_floor" not in seen  # filmed: no tape screen
        assert page.is_visible("#sa-finish")
        me.check("sa-ready", scan="patient")
        assert "spring test" in page.inner_text("#sa-not-assessed")  # clinician-only: not tested
        assert "not asked yet" in page.inner_text("#sa-asked-later")  # FABQ, PROMIS: after the plan
        page.set_viewport_size({"width": 1280, "height": 900})
        me.check("sa-ready-desktop", scan="patient")
        page.set_viewport_size({"width": 390, "height": 844})
        page.click("a[href='/start/summary']")
        me.check("sa-summary", scan="patient")
        assert "degrees, measured from a video" in page.inner_text("#sa-summary")
        page.go_back()
        page.click("#sa-finish")
        page.wait_for_selector("#plan-ready")
        me.check("sa-plan-ready-today", scan="patient")
        minutes = (time.monotonic() - started) / 60
        print(f"\nself-assessment: {len(seen)} question screens, {minutes:.1f} min of test time")

        # right after the plan: the two self-tests that fit it, then the plan is rebuilt
        assert page.is_visible("#fit-plan") and page.is_visible("#start-session")
        page.click("#fit-plan-start")
        fitted: list[str] = []
        for _ in range(10):
            if not page.locator("#sa-question").count():
                break
            step, kind = current(page)
            fitted.append(step)
            me.check(f"sa-fit-{len(fitted)}-{step}", scan="patient")
            shown = re.fullmatch(
                r"Fitting your plan to you · (\d) of 3", page.inner_text(".sa-section")
            )
            assert shown is not None and int(shown[1]) == len(fitted), page.inner_text(
                ".sa-section"
            )
            assert page.is_visible("#sa-fit-intro") is (len(fitted) == 1)
            if step == "hamstring_self_test_right":  # the short "the same" screen, desktop too
                assert "same test with your right leg" in page.inner_text(".sa-steps")
                page.set_viewport_size({"width": 1280, "height": 900})
                me.check("sa-hamstring-right-desktop", scan="patient")
                page.set_viewport_size({"width": 390, "height": 844})
            give_plain_answer(page, step, kind)  # nearly straight; bending backwards eased it
            page.wait_for_load_state("load")
        assert fitted == [
            "hamstring_self_test_left",
            "hamstring_self_test_right",
            "repeated_movement",
        ]
        page.wait_for_selector("#plan-fitted")
        assert page.is_visible("#start-session") and not page.locator("#fit-plan").count()
        me.check("sa-fitted-today", scan="patient")
        with server.store.uow() as uow:
            account = uow.accounts.user_by_email("home.person@e2e.test")
            assert account is not None and account.person_id is not None
            assert uow.journeys.latest_plan(account.person_id).version == 2
        FLOW_SCREENS.extend(fitted)

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

        # FABQ and PROMIS, left until after the plan, are the questionnaire due now
        with server.store.uow() as uow:
            account = uow.accounts.user_by_email("home.person@e2e.test")
            assert account is not None and account.person_id is not None
        me.goto(f"/patients/{account.person_id}/questionnaires")
        page.wait_for_selector("#questionnaire-later")
        assert page.inner_text("h1") == "The rest of your starting questions"
        size = page.inner_text("#questionnaire-size")  # pain, FABQ 16, PROMIS 4; the chair test
        assert size.startswith("21 questions and a short test"), size
        me.check("later-questionnaires", scan="patient")
        page.set_viewport_size({"width": 1280, "height": 900})
        me.check("later-questionnaires-desktop", scan="patient")
        page.set_viewport_size({"width": 390, "height": 844})
        # the questions are answered as in tests/e2e/web/test_patient_phone.py; here they are
        # taken as answered on this phone (kept as the page keeps them) to reach the last screen:
        # the 30-second sit-to-stand, left until after the plan
        items = page.evaluate(
            "() => JSON.parse(document.getElementById('questionnaire-data').textContent).items"
        )
        assert [i["id"] for i in items][-1] == "sit_to_stand_30s"
        page.evaluate(
            """(items) => {
                const meta = document.querySelector('meta[name="lumbo-account"]');
                const key = 'lumbo.q.v1:' + (meta ? meta.content : '') + ':intake:0';
                const answers = {};
                items.slice(0, -1).forEach(it => { answers[it.id] = it.low + 1; });
                const st = {id: 'q-e2e-later-baseline', at: items.length - 1, answers: answers};
                localStorage.setItem(key, JSON.stringify(st));
            }""",
            items,
        )
        page.reload()
        page.click("#start-questionnaire")
        page.wait_for_selector("#answer-number")
        assert "Standing up from a chair" in page.inner_text("#question-text")
        assert page.is_visible("#stop-if") and page.locator(".sa-steps li").count() >= 2
        me.check("later-sit-to-stand", scan="patient")
        page.set_viewport_size({"width": 1280, "height": 900})
        me.check("later-sit-to-stand-desktop", scan="patient")
        page.set_viewport_size({"width": 390, "height": 844})
        page.fill("#answer-number", "70")  # more than 60: refused in words
        page.click("#next")
        assert "whole number from 0 to 60" in page.inner_text("#answer-error")
        page.fill("#answer-number", "12")
        page.click("#next")
        page.wait_for_function(
            "() => (document.querySelector('#questionnaire-state') || {}).textContent"
            " === 'Your answers are saved.'"  # no clinician to see them
        )
        me.check("later-saved", scan="patient")
        with server.store.uow() as uow:
            user = uow.accounts.user_by_email("home.person@e2e.test")
            assert user is not None and user.person_id is not None
            assert len(uow.journeys.session_logs(user.person_id)) == 1
            owner = uow.journeys.get_person(user.person_id)
            assert owner is not None and owner.owner_id is None and owner.self_directed
            # the filmed bend is the baseline's lower-back flexion, and the assessment used it;
            # the tests that fit the plan added theirs (a second baseline), and the answers
            # after the plan completed it (a third, the chair test in it)
            baseline, fitted_in, completed = uow.journeys.intakes(user.person_id)
            assert fitted_in.kind == "baseline"
            assert fitted_in.intake.measurements.directional_preference == "extension"
            assert completed.intake.measurements.directional_preference == "extension"
            assert baseline.intake.measurements.lumbar_flexion_deg == round(filmed, 1)
            assert baseline.intake.measurements.fingertip_to_floor_cm is None
            assert baseline.intake.measurements.sit_to_stand_30s is None
            assert completed.kind == "baseline"
            assert completed.intake.measurements.sit_to_stand_30s == 12
            assert completed.intake.questionnaires.fabq is not None
            assert [m.movement for m in uow.journeys.video_measurements(user.person_id)] == [
                "trunk_flexion"
            ]
            assessed = uow.journeys.assessments(user.person_id)[0]
            assert assessed.intake_id == baseline.id
            # the plan and its fitted version; the questionnaires after it: no re-plan
            assert [v.version for v in uow.journeys.plan_versions(user.person_id)] == [1, 2]

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
    quick_sign_up(me, server, "red.flag@e2e.test")
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
    quick_sign_up(me, server, "no.answer@e2e.test")
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


def test_symptoms_spreading_in_a_self_check_stop_the_plan_and_say_why(
    browsing: Any, server: Server
) -> None:
    """A self-check at week 4 whose repeated-movement answer is "spread further down my leg",
    answered on the page: saved, then today's page says why and what to do, with no session."""
    from datetime import date

    from lumbo.services import self_assessment
    from tests.self_assessment_helpers import answer_all

    me = browsing("self-check-spread", phone=True)
    page = me.page
    quick_sign_up(me, server, "spread@e2e.test")
    me.check("sa-first-question", scan="patient")
    with server.store.uow() as uow:
        user = uow.accounts.user_by_email("spread@e2e.test")
    assert user is not None
    answer_all(server.store.uow(), user.id)  # the first self-assessment, through the service
    person_id = self_assessment.finish(server.store.uow(), user.id, date.today()).person.id
    me.goto(f"/patients/{person_id}/today")
    page.wait_for_selector("#session-data", state="attached")
    me.check("today-before", scan="patient")
    me.goto(f"/patients/{person_id}/self-check")
    page.wait_for_selector("#self-check-form")
    for s in self_assessment.self_check_steps(server.store.uow(), person_id):
        group = page.locator(f"#self-check-form [name='{s.id}']")
        if s.kind.value == "yes_no":
            group.locator("xpath=self::*[@value='false']").check()
        elif s.kind.value == "choice":
            value = "spread" if s.id == "repeated_movement" else s.choices[0].value
            group.locator(f"xpath=self::*[@value='\"{value}\"']").check()
        elif s.kind.value == "scale":
            group.first.check()
        elif s.kind.value == "number":
            group.fill("10")
        elif s.kind.value == "activities":
            scores = page.locator(f"#self-check-form [name^='{s.id}_score_']")
            for i in range(scores.count()):
                scores.nth(i).fill("6")
    me.check("self-check-spread-filled", scan="patient")
    invalid = page.evaluate(
        "() => [...document.querySelectorAll('#self-check-form :invalid')].map(e => e.name)"
    )
    assert not invalid, invalid
    page.click("#self-check-save")
    page.wait_for_selector("#referral-screen")
    text = page.inner_text("main")
    assert "Your check is saved" in text and "spread further down your leg" in text
    assert "doctor or physiotherapist" in text
    assert page.locator("#session-data").count() == 0
    me.check("self-check-spread-stopped", scan="patient")
    page.set_viewport_size({"width": 1280, "height": 900})
    me.check("self-check-spread-stopped-desktop", scan="patient")
    with server.store.uow() as uow:
        assert len(uow.journeys.reassessments(person_id)) == 1
