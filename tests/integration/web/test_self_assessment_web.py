"""The guided self-assessment's screens (issue 20) through the web app: a person who signed up
walks every screen (one question per screen, resumable), gets a plan and their first session; an
emergency answer stops everything; a stop, an unanswered safety question or a forged finish never
makes a plan; other roles are refused."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from lumbo.web.app import create_app
from tests.integration.web.conftest import make_settings
from tests.integration.web.test_signup import account_of, sign_up
from tests.integration.web.world import Client, build_world


@pytest.fixture
def home(tmp_path: Path, database_url: str) -> Any:
    app = create_app(make_settings(tmp_path / "d", database_url, signup=True))
    try:
        yield app
    finally:
        app.state.lumbo.store.close()


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found is not None
    return found.group(1)


def screen(client: Client) -> tuple[str, str, str, str]:
    """(step id, kind, page text, csrf) of the screen /start shows now."""
    page = client.get("/start")
    if page.status_code == 303:  # nothing left to ask: the today page
        return "", "", page.headers["location"], ""
    assert page.status_code == 200, page.text
    found = re.search(r'data-step="([^"]+)" data-kind="([^"]+)"', page.text)
    if found is None:
        return "", "", page.text, _csrf(page.text)
    return found.group(1), found.group(2), page.text, _csrf(page.text)


def _values(text: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(r'name="value" value="([^"]*)"', text)]


def plain_answer(step: str, kind: str, text: str) -> dict[str, Any]:
    """An answer that lets the flow go on to a plan (no red flag, nothing that stops it)."""
    if step == "age":
        return {"value": "44"}
    if kind == "yes_no":
        return {"value": "false"}
    if kind == "choice":
        return {"value": _values(text)[0]}  # the first: "no", "stays in my back", ...
    if kind == "choices":
        return {}
    if kind == "scale":
        return {"value": _values(text)[1]}
    if kind == "number":
        return {"value": "12" if step != "duration_weeks" else "8"}
    if kind == "activities":
        return {"activity_1": "Putting on socks", "score_1": "5"}
    return {"skip": "1"}  # the filmed movement: measured with a tape instead


def answer(client: Client, step: str, csrf: str, data: dict[str, Any]) -> Any:
    return client.post("/start/answer", data={"csrf_token": csrf, "step_id": step, **data})


def walk(client: Client, limit: int = 200) -> list[str]:
    seen: list[str] = []
    for _ in range(limit):
        step, kind, text, csrf = screen(client)
        if not step:
            return seen
        seen.append(step)
        done = answer(client, step, csrf, plain_answer(step, kind, text))
        assert done.status_code == 303, (step, done.text)
    raise AssertionError("the flow did not end")


def _plans(app: FastAPI, email: str) -> int:
    person = account_of(app, email).person_id
    if person is None:
        return 0
    with app.state.lumbo.store.uow() as uow:
        return len(uow.journeys.plan_versions(person))


def test_a_person_walks_every_screen_to_a_plan_and_their_first_session(home: FastAPI) -> None:
    client, _ = sign_up(home, "walk@x.test")
    seen = walk(client)
    emergency = ["saddle_anaesthesia", "bladder_or_bowel_dysfunction"]
    assert seen[:2] == emergency and seen.index("age") < 5  # safety first, cauda equina first
    assert "trunk_flexion_video" in seen and "fingertip_to_floor" in seen  # no video: the tape
    assert len(seen) == len(set(seen)) > 40
    ready = client.get("/start")
    assert 'id="sa-finish"' in ready.text and 'id="sa-not-assessed"' in ready.text
    made = client.post("/start/finish", data={"csrf_token": _csrf(ready.text)})
    assert made.status_code == 303 and made.headers["location"].endswith("/today?first=1")
    assert _plans(home, "walk@x.test") == 1
    today = client.get(made.headers["location"])
    assert today.status_code == 200 and 'id="plan-ready"' in today.text
    assert 'id="fit-plan-start"' in today.text and 'id="player"' in today.text
    again = client.post("/start/finish", data={"csrf_token": _csrf(ready.text)})
    assert again.status_code == 303 and _plans(home, "walk@x.test") == 1  # once
    first_fit = client.get("/start")  # the self-tests that fit the plan, one per screen
    assert 'id="sa-fit-intro"' in first_fit.text and "Fitting your plan to you" in first_fit.text
    fitted = walk(client)  # both legs "nearly straight", bending backwards eased it
    assert fitted == ["hamstring_self_test_left", "hamstring_self_test_right", "repeated_movement"]
    assert _plans(home, "walk@x.test") == 2  # refitted with the recorded direction
    assert client.get("/start").headers["location"].endswith("/today")  # finished: the plan
    after = client.get(made.headers["location"].removesuffix("?first=1"))
    assert 'id="fit-plan-start"' not in after.text and 'id="player"' in after.text


def test_symptoms_spreading_in_a_test_after_the_plan_withhold_it_and_say_why(
    home: FastAPI,
) -> None:
    client, _ = sign_up(home, "spread@x.test")
    walk(client)
    ready = client.get("/start")
    made = client.post("/start/finish", data={"csrf_token": _csrf(ready.text)})
    today_url = made.headers["location"].removesuffix("?first=1")
    last = None
    for _ in range(3):
        step, _, _, csrf = screen(client)
        data = {"value": '"spread"'} if step == "repeated_movement" else {"skip": "1"}
        last = answer(client, step, csrf, data)
    assert last is not None and last.status_code == 303
    assert last.headers["location"] == today_url  # no "fitted": the plan is withheld
    page = client.get(today_url)
    assert page.status_code == 200 and 'id="referral-screen"' in page.text
    assert "spread further down your leg" in page.text and 'id="start-session"' not in page.text


def test_a_reload_resumes_and_back_shows_the_answer_given(home: FastAPI) -> None:
    client, _ = sign_up(home, "resume@x.test")
    for _ in range(3):
        step, kind, text, csrf = screen(client)
        answer(client, step, csrf, plain_answer(step, kind, text))
    step, _, _, csrf = screen(client)
    assert screen(client)[0] == step  # a reload shows the same screen
    client.post("/start/back", data={"csrf_token": csrf})
    back_step, _, text, _ = screen(client)
    assert back_step != step and "checked" in text  # the earlier answer is shown


@pytest.mark.parametrize(
    ("step", "value", "outcome"),
    [
        ("saddle_anaesthesia", "true", "emergency"),
        ("bladder_or_bowel_dysfunction", "true", "emergency"),
        ("history_of_cancer", "true", "see_clinician"),
    ],
)
def test_a_red_flag_stops_everything_and_says_what_to_do(
    home: FastAPI, step: str, value: str, outcome: str
) -> None:
    client, _ = sign_up(home, "flag@x.test")
    for _ in range(40):
        current, kind, text, csrf = screen(client)
        data = {"value": value} if current == step else plain_answer(current, kind, text)
        answer(client, current, csrf, data)
        if current == step:
            break
    stop = client.get("/start")
    assert f'data-outcome="{outcome}"' in stop.text and 'id="what-to-do"' in stop.text
    if outcome == "emergency":
        assert "emergency" in stop.text.lower() and 'id="sa-stop-signout"' in stop.text
    summary = client.get("/start/summary")
    assert summary.status_code == 200 and "Safety first" in summary.text
    assert 'href="/start/summary?format=pdf"' in stop.text  # the stop screen offers the PDF
    pdf = client.get("/start/summary?format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    finish = client.post("/start/finish", data={"csrf_token": _csrf(stop.text)})
    assert finish.status_code == 303 and finish.headers["location"] == "/start"
    assert _plans(home, "flag@x.test") == 0
    assert account_of(home, "flag@x.test").person_id is None  # no record made


def test_the_summary_pdf_holds_the_reasons_and_every_answer_in_words(
    home: FastAPI, tmp_path: Path
) -> None:
    """The PDF of the stop screen's summary: the reason lumbo stopped, the answers in words and
    what was not tested (its text read back with pdftotext)."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    client, _ = sign_up(home, "pdf@x.test")
    for _ in range(40):
        current, kind, text, csrf = screen(client)
        flag = current == "history_of_cancer"
        answer(
            client, current, csrf, {"value": "true"} if flag else plain_answer(current, kind, text)
        )
        if flag:
            break
    pdf = client.get("/start/summary?format=pdf")
    assert pdf.status_code == 200
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "Your answers, for a clinician" in flat and "pdf@x.test" in flat
    assert "Please see a doctor or physiotherapist" in flat  # the advice
    assert "Have you ever had cancer?" in flat and "Not tested" in flat
    assert "history_of_cancer" not in flat and "saddle_" not in flat  # words, never ids


def test_under_16_stops(home: FastAPI) -> None:
    client, _ = sign_up(home, "young@x.test")
    for _ in range(10):
        step, kind, text, csrf = screen(client)
        if step == "age":
            break
        answer(client, step, csrf, plain_answer(step, kind, text))
    answer(client, "age", csrf, {"value": "14"})
    stop = client.get("/start")
    assert 'data-outcome="too_young"' in stop.text and "16" in stop.text


def test_an_unanswered_cauda_equina_question_never_leads_to_a_plan(home: FastAPI) -> None:
    client, _ = sign_up(home, "skip@x.test")
    step, _, text, csrf = screen(client)
    assert step == "saddle_anaesthesia" and 'id="sa-skip"' not in text  # first; no way to skip
    for data in ({}, {"skip": "1"}, {"value": ""}, {"value": "1"}, {"value": '"maybe"'}):
        refused = answer(client, step, csrf, data)
        assert refused.status_code == 422 and 'id="sa-error"' in refused.text, data
        shown = refused.text.split('id="sa-error"')[1].split("</div>")[0]
        assert "saddle_" not in shown and "true or false" not in shown, shown
    assert screen(client)[0] == step
    finish = client.post("/start/finish", data={"csrf_token": csrf})
    assert finish.status_code == 303 and finish.headers["location"] == "/start"
    assert _plans(home, "skip@x.test") == 0


def test_the_flow_is_for_the_person_themselves(home: FastAPI) -> None:
    world = build_world(home)
    for path in ("/start", "/start/summary", "/start/film"):
        assert world.clinician_a.get(path).status_code == 403, path
        assert world.admin.get(path).status_code == 403, path
    # a clinician's patient has their plan from the clinician
    got = world.patient_a.get("/start")
    assert got.status_code == 303 and got.headers["location"].endswith("/today")


def test_an_answer_for_another_step_than_the_one_on_screen_changes_nothing(home: FastAPI) -> None:
    client, _ = sign_up(home, "stale@x.test")
    step, _, _, csrf = screen(client)
    stale = answer(client, "pregnant", csrf, {"value": "true"})
    assert stale.status_code == 303 and screen(client)[0] == step


def _planned(home: FastAPI, email: str) -> tuple[Client, str]:
    client, _ = sign_up(home, email)
    walk(client)
    ready = client.get("/start")
    client.post("/start/finish", data={"csrf_token": _csrf(ready.text)})
    person = account_of(home, email).person_id
    assert person is not None
    return client, person


def _check_form(
    home: FastAPI, person: str, red_flag: bool = False, spread: bool = False
) -> dict[str, Any]:
    import json

    from lumbo.services import self_assessment

    data: dict[str, Any] = {}
    for s in self_assessment.self_check_steps(home.state.lumbo.store.uow(), person):
        kind = s.kind.value
        if kind == "yes_no":
            data[s.id] = json.dumps(red_flag and s.id == "saddle_anaesthesia")
        elif kind == "choice" and spread and s.id == "repeated_movement":
            data[s.id] = json.dumps("spread")
        elif kind == "choice":
            data[s.id] = json.dumps(s.choices[0].value)
        elif kind == "scale":
            data[s.id] = str(int(s.low or 0))
        elif kind == "number":
            data[s.id] = "10"
        elif kind == "activities":
            data[f"{s.id}_activity_1"] = "Putting on socks"
            data[f"{s.id}_score_1"] = "7"
    return data


def test_a_self_check_at_week_4_is_stored_against_the_first_one(home: FastAPI) -> None:
    client, person = _planned(home, "check@x.test")
    page = client.get(f"/patients/{person}/self-check")
    assert page.status_code == 200 and 'id="self-check-form"' in page.text
    assert 'name="age"' not in page.text and 'name="saddle_anaesthesia"' in page.text
    csrf = _csrf(page.text)
    missing = client.post(f"/patients/{person}/self-check", data={"csrf_token": csrf})
    assert missing.status_code == 422 and 'id="self-check-errors"' in missing.text
    with home.state.lumbo.store.uow() as uow:
        assert uow.journeys.reassessments(person) == []
    done = client.post(
        f"/patients/{person}/self-check", data={"csrf_token": csrf, **_check_form(home, person)}
    )
    assert done.status_code == 303 and done.headers["location"].endswith("/today?checked=1")
    with home.state.lumbo.store.uow() as uow:
        assert len(uow.journeys.reassessments(person)) == 1
    assert 'id="self-checked"' in client.get(done.headers["location"]).text


def test_a_red_flag_in_a_self_check_stops_the_plan(home: FastAPI) -> None:
    client, person = _planned(home, "check-flag@x.test")
    csrf = _csrf(client.get(f"/patients/{person}/self-check").text)
    form = _check_form(home, person, red_flag=True)
    done = client.post(f"/patients/{person}/self-check", data={"csrf_token": csrf, **form})
    assert done.status_code == 303
    today = client.get(done.headers["location"])
    assert 'id="referral-screen"' in today.text and "emergency" in today.text.lower()


def test_symptoms_spreading_in_a_self_check_stop_the_plan_and_say_why(home: FastAPI) -> None:
    from tests.e2e.web.text_scan import problems

    client, person = _planned(home, "check-spread@x.test")
    assert 'id="session-data"' in client.get(f"/patients/{person}/today").text
    csrf = _csrf(client.get(f"/patients/{person}/self-check").text)
    form = _check_form(home, person, spread=True)
    done = client.post(f"/patients/{person}/self-check", data={"csrf_token": csrf, **form})
    assert done.status_code == 303
    with home.state.lumbo.store.uow() as uow:
        assert len(uow.journeys.reassessments(person)) == 1  # stored all the same
    after = client.get(done.headers["location"])
    text = html.unescape(after.text)
    assert 'id="referral-screen"' in text and 'id="self-checked"' in text
    assert "spread further down your leg" in text and "doctor or physiotherapist" in text
    assert 'id="session-data"' not in text
    said = re.sub(r"<[^>]+>", " ", text.split('id="referral-screen"')[1].split("</main>")[0])
    assert not problems(said, "patient")
    assert 'id="session-data"' not in client.get(f"/patients/{person}/today").text


def test_a_clinicians_patient_is_reassessed_by_the_clinician(home: FastAPI) -> None:
    world = build_world(home)
    page = world.patient_a.get(f"/patients/{world.person_a}/self-check")
    assert page.status_code == 200 and 'id="self-check-clinician"' in page.text
    assert world.patient_a.post(f"/patients/{world.person_a}/self-check").status_code == 409


def test_a_filmed_bend_the_video_checks_do_not_trust_is_refused_in_words(home: FastAPI) -> None:
    """The browser test films a bend the checks trust; here, without a camera, one they do not
    trust (a lower-back estimate wider than the 8-degree limit) is refused in words and the
    filming screen stays, then a trusted one is taken and the tape is not asked."""
    from lumbo.services import self_assessment as sa
    from tests.self_assessment_helpers import video_job

    client, _ = sign_up(home, "film@x.test")
    for _ in range(200):
        step, kind, text, csrf = screen(client)
        if step == "trunk_flexion_video":
            break
        assert answer(client, step, csrf, plain_answer(step, kind, text)).status_code == 303
    else:
        raise AssertionError("no filming screen")
    store = home.state.lumbo.store
    user = account_of(home, "film@x.test").id
    person = sa.video_person(store.uow(), user)
    untrusted = video_job(store.uow(), person, None)
    page = client.get(f"/start/video/{untrusted}")
    assert page.status_code == 200
    assert "could not measure your lower back closely enough" in html.unescape(page.text)
    assert "Measuring with a tape" in page.text
    assert screen(client)[0] == "trunk_flexion_video"  # nothing taken into the answers
    trusted = video_job(store.uow(), person, 41.26)
    taken = client.get(f"/start/video/{trusted}")
    assert taken.status_code == 303 and taken.headers["location"].endswith("?filmed=1")
    rest = walk(client)
    assert "trunk_flexion_video" not in rest and "fingertip_to_floor" not in rest


MENU_OF_A_PLAN = ("/today", "/checkin", "/lessons", "/progress", "/questionnaires", "/handout")


def _menu(text: str) -> str:
    found = re.search(r'<nav aria-label="Main">(.*?)</nav>', text, re.S)
    assert found is not None
    return found.group(1)


def test_before_the_plan_the_menu_and_links_lead_back_to_the_self_assessment(
    home: FastAPI,
) -> None:
    """Filming makes the person record before the plan exists: the plan's pages (today,
    check-in, ...) are not in the menu until the plan is made, and followed anyway they lead back
    to the self-assessment, not to an empty page or an error."""
    from lumbo.services import self_assessment as sa

    client, _ = sign_up(home, "menu@x.test")
    for _ in range(200):
        step, kind, text, csrf = screen(client)
        if step == "trunk_flexion_video":
            break
        assert answer(client, step, csrf, plain_answer(step, kind, text)).status_code == 303
    store = home.state.lumbo.store
    person = sa.video_person(store.uow(), account_of(home, "menu@x.test").id)
    page = client.get("/start")
    menu = _menu(page.text)
    assert 'href="/start"' in menu and f'href="/patients/{person}/data"' in menu
    assert not any(f"/patients/{person}{path}" in menu for path in MENU_OF_A_PLAN)
    for path in ("/today", "/checkin"):
        followed = client.get(f"/patients/{person}{path}")
        assert followed.status_code == 303 and followed.headers["location"] == "/start", path
    assert client.get(f"/patients/{person}/data").status_code == 200
    walk(client)
    ready = client.get("/start")
    made = client.post("/start/finish", data={"csrf_token": _csrf(ready.text)})
    assert made.status_code == 303
    today = client.get(made.headers["location"])
    menu = _menu(today.text)  # the plan is made: the plan's menu
    assert all(f"/patients/{person}{path}" in menu for path in MENU_OF_A_PLAN)
    assert client.get(f"/patients/{person}/checkin").status_code == 200
