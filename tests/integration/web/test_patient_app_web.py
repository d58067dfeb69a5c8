"""The patient's phone app over HTTP on SQLite and PostgreSQL (issue 16): "remember this device"
sessions and the fresh sign-in that account changes need, password reset by e-mail (a local SMTP
server) and by a clinician's link (the forced-reset token of issue 18), questionnaires stored once,
the calendar feed's token."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import update

from lumbo.services.mail import MailSettings
from lumbo.store.tables import utcnow
from lumbo.store.web_tables import WebSessionRow
from lumbo.web.app import create_app
from tests.integration.web.conftest import make_settings
from tests.integration.web.world import PASSWORD, Client, World, build_world

NEW_PASSWORD = "a brand new staple battery"


def form_login(app: FastAPI, email: str, password: str, remember: bool) -> tuple[Client, Any]:
    client = Client(app)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    data = {"email": email, "password": password, "csrf_token": token.group(1)}
    if remember:
        data["remember"] = "on"
    answer = client.post("/login", data=data)
    return client, answer


def _max_age(answer: Any) -> int:
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("lumbo_session"))
    found = re.search(r"Max-Age=(\d+)", cookie)
    assert found is not None
    return int(found.group(1))


@pytest.mark.parametrize(
    ("email", "remember", "days"),
    [("pa@x.test", True, 30), ("pa@x.test", False, 0.5), ("a@x.test", True, 0.5)],
)
def test_remember_this_device_is_30_days_for_patients_only(
    world: World, email: str, remember: bool, days: float
) -> None:
    _, answer = form_login(world.app, email, PASSWORD, remember)
    assert answer.status_code == 303
    assert _max_age(answer) == int(days * 86_400)


def test_a_remembered_device_signs_in_again_for_account_changes(world: World) -> None:
    client, _ = form_login(world.app, "pa@x.test", PASSWORD, remember=True)
    page = client.get(f"/patients/{world.person_a}/reminders")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    data = {"csrf_token": csrf.group(1)}
    made = client.post(f"/patients/{world.person_a}/calendar", data=data)
    assert made.status_code == 200 and "/calendar/" in made.text  # signed in just now
    with world.ctx.store.uow() as uow:  # two days later, on the same remembered phone
        uow.session.execute(update(WebSessionRow).values(created_at=utcnow() - timedelta(days=2)))
        uow.commit()
    assert client.get(f"/patients/{world.person_a}/today").status_code == 200
    again = client.post(f"/patients/{world.person_a}/calendar/revoke", data=data)
    assert again.status_code == 303 and again.headers["location"].startswith("/login?again=1")
    assert "sign in again" in client.get(again.headers["location"]).text


def test_password_reset_by_email_then_the_link_works_once(
    tmp_path: Path, database_url: str, mailbox: Any
) -> None:
    smtp, got = mailbox
    mail = MailSettings(host="127.0.0.1", port=smtp.port,
                        sender="lumbo@x.test", tls="none")  # fmt: skip
    app = create_app(make_settings(tmp_path / "d", database_url, mail=mail))
    try:
        world = build_world(app)
        anon = world.anonymous()
        unknown = anon.post("/password/forgot", data={"email": "nobody@x.test"})
        known = anon.post("/password/forgot", data={"email": "PA@x.test"})
        assert unknown.status_code == known.status_code == 200
        assert unknown.text == known.text  # no account discovery
        assert len(got) == 1 and got[0]["To"] == "pa@x.test"
        link = re.search(r"http://testserver(/reset/\S+)", got[0].get_content())
        assert link is not None
        # asking for a link retires nothing: the old password still works until it is used
        assert form_login(app, "pa@x.test", PASSWORD, False)[1].status_code == 303
        assert anon.get(link.group(1)).status_code == 200
        done = anon.post(link.group(1), data={"password": NEW_PASSWORD, "again": NEW_PASSWORD})
        assert done.status_code in (200, 303)
        assert form_login(app, "pa@x.test", NEW_PASSWORD, False)[1].status_code == 303
        assert form_login(app, "pa@x.test", PASSWORD, False)[1].status_code == 401
        assert anon.get(link.group(1)).status_code == 404  # used: gone
        # no mail flood: 5 requests per address (and per account) in the window
        answers = {
            anon.post("/password/forgot", data={"email": "pa@x.test"}).text for _ in range(6)
        }
        assert answers == {known.text}
        assert len(got) == 1 + 3  # the address had asked twice already
    finally:
        app.state.lumbo.store.close()


def test_forgot_password_without_smtp_says_to_ask_the_clinician(world: World) -> None:
    page = world.anonymous().get("/password/forgot")
    assert "Ask your clinician" in page.text
    assert (
        world.anonymous().post("/password/forgot", data={"email": "pa@x.test"}).status_code == 409
    )


def test_the_clinician_issues_a_reset_link_for_their_own_patient_only(world: World) -> None:
    url = f"/patients/{world.person_a}/account/reset-link"
    assert world.clinician_b.post(url, data={"confirm": "yes"}).status_code == 404
    assert world.clinician_a.post(url).status_code == 422  # not confirmed: nothing changes
    assert world.patient_a.get(f"/api/patients/{world.person_a}/today").status_code == 200
    page = world.clinician_a.post(url, data={"confirm": "yes"})
    assert page.status_code == 200
    link = re.search(r'id="reset-link" readonly value="http://testserver(/reset/[^"]+)"', page.text)
    assert link is not None
    assert world.patient_a.get(f"/api/patients/{world.person_a}/today").status_code == 401
    anon = world.anonymous()
    anon.post(link.group(1), data={"password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert form_login(world.app, "pa@x.test", NEW_PASSWORD, False)[1].status_code == 303


def test_questionnaires_are_stored_once_and_checked(world: World) -> None:
    url = f"/api/patients/{world.person_a}/questionnaires"
    body = {
        "response_id": "q-test-000001",
        "kind": "reassessment",
        "week": 4,
        "answers": {"nprs": 2, "odi": [1, 1, 2, None, 1, 1, 0, 0, 1, 1],
                    "psfs": [{"activity": "running 5 km", "score": 6}]},
    }  # fmt: skip
    first = world.patient_a.post(url, json=body)
    assert first.status_code == 201 and first.json()["scores"]["odi_percent"] is not None
    again = world.patient_a.post(url, json=body)
    assert again.status_code == 200 and again.json()["created"] is False
    other = world.patient_a.post(url, json={**body, "answers": {"nprs": 9}})
    assert other.status_code == 409
    bad = world.patient_a.post(
        url, json={**body, "response_id": "q-test-2", "answers": {"nprs": 11}}
    )
    assert bad.status_code == 422 and "nprs" in str(bad.json()["detail"][0]["loc"])
    results = world.clinician_a.get(url).json()
    assert len(results) == 1 and results[0]["week"] == 4
    assert world.patient_b.post(url, json=body).status_code == 404
    # the intake's other instruments (issue 16): scored by the domain, shown against the baseline
    full = {**body, "response_id": "q-test-000003", "week": 8, "answers": {
        "nprs": 3, "rmdq": [1] * 6 + [0] * 18,
        "start_back": [1, 0, 1, 0, 1, 1, 0, 0, "very_much"],
        "fabq": [0, 6, 6, 6, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        "promis_pi_4a": {"PAININ9": 2, "PAININ22": 2, "PAININ31": 2, "PAININ34": 2}}}  # fmt: skip
    stored = world.patient_a.post(url, json=full)
    assert stored.status_code == 201
    assert {k: stored.json()["scores"][k] for k in (
        "rmdq_score", "start_back_total", "start_back_psychosocial", "fabq_pa", "fabq_w",
        "promis_pi_raw")} == {"rmdq_score": 6, "start_back_total": 5,
        "start_back_psychosocial": 3, "fabq_pa": 24, "fabq_w": 0, "promis_pi_raw": 8}  # fmt: skip
    wrong = {**full, "response_id": "q-test-000004",
             "answers": {"nprs": 3, "promis_pi_4a": {"PAININ9": 2}}}  # fmt: skip
    refused = world.patient_a.post(url, json=wrong)
    assert refused.status_code == 422 and "promis_pi_4a" in str(refused.json()["detail"])
    rows = {r["label"]: r for r in world.clinician_a.get(url).json()[-1]["rows"]}
    assert rows["FABQ physical activity (0-24)"]["now"] == 24
    assert rows["RMDQ (0-24)"]["now"] == 6


@pytest.mark.parametrize("token", ["x", "not-a-real-token-" + "a" * 30])
def test_an_unknown_calendar_token_is_not_found(world: World, token: str) -> None:
    assert world.anonymous().get(f"/calendar/{token}.ics").status_code == 404


def test_before_the_first_visit_the_patient_gets_the_intake_questionnaire(world: World) -> None:
    """A patient invited before their first visit (no assessment, no plan): Today welcomes them
    and offers the intake questionnaire; once sent, it is not due any more and the clinician sees
    it."""
    from lumbo.services.accounts import create_user
    from lumbo.store.records import PersonRecord
    from tests.integration.web.world import signed_in

    ctx = world.ctx
    with ctx.store.uow() as uow:
        owner = uow.accounts.user_by_email("a@x.test")
        assert owner is not None
        person = PersonRecord(external_ref="new-patient", owner_id=owner.id)
        uow.journeys.add_person(person)
        uow.commit()
    create_user(ctx.store, ctx.settings, email="new@x.test", password=PASSWORD, role="patient",
                person_id=person.id)  # fmt: skip
    me = signed_in(world.app, "new@x.test")
    today = me.get(f"/patients/{person.id}/today")
    assert today.status_code == 200 and 'id="welcome-questionnaire"' in today.text
    page = me.get(f"/patients/{person.id}/questionnaires")
    assert "before your first visit" in page.text
    body = {"response_id": "q-intake-0001", "kind": "intake",
            "answers": {"nprs": 5, "odi": [2, 1, 2, 1, 2, 1, 1, None, 1, 2]}}  # fmt: skip
    assert me.post(f"/api/patients/{person.id}/questionnaires", json=body).status_code == 201
    assert 'id="welcome-done"' in me.get(f"/patients/{person.id}/today").text
    assert 'id="nothing-due"' in me.get(f"/patients/{person.id}/questionnaires").text
    seen = world.clinician_a.get(f"/api/patients/{person.id}/questionnaires").json()
    assert [q["kind"] for q in seen] == ["intake"]
    assert {r["label"]: r["now"] for r in seen[0]["rows"]}["Pain now (0-10)"] == 5


def test_the_clinicians_forms_are_pre_filled_from_the_phone(world: World) -> None:
    """Answers the patient gave on the phone since the latest intake fill the clinician's
    reassessment form (pain now, ODI), saying when they were given; the intake correction is not
    pre-filled with a reassessment set."""
    reassess = f"/patients/{world.person_a}/reassess"
    before = world.clinician_a.get(reassess)
    assert before.status_code == 200 and "answered on the phone" not in before.text
    body = {"response_id": "q-prefill-0001", "kind": "reassessment", "week": 4,
            "answers": {"nprs": 7, "odi": [4, 1, 2, None, 1, 1, 0, 0, 1, 1]}}  # fmt: skip
    url = f"/api/patients/{world.person_a}/questionnaires"
    assert world.patient_a.post(url, json=body).status_code == 201
    page = world.clinician_a.get(reassess)
    assert page.status_code == 200
    assert re.search(
        r"Pain now and the Oswestry questionnaire were answered on the phone on "
        r"\d{1,2} [A-Z][a-z]+ \d{4}",
        page.text,
    )
    for name, value in (("symptoms.pain_now", "7"), ("questionnaires.odi.0", "4")):
        field = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page.text)
        assert field is not None and f'value="{value}"' in field.group(0), name
    edit = world.clinician_a.get(f"/patients/{world.person_a}/intake/edit")
    assert edit.status_code == 200 and "answered on the phone" not in edit.text


def test_today_counts_exercises_and_lessons_apart(world: World) -> None:
    """'Session 1: 7 exercises and 1 short lesson': a lesson is not called an exercise."""
    page = world.patient_a.get(f"/patients/{world.person_a}/today").text
    found = re.search(r"<h2>Session \d+: (\d+) exercises?(?: and (\d+) short lessons?)?</h2>", page)
    assert found is not None, page
    items = page.split('<ol class="block-list">', 1)[1].split("</ol>", 1)[0]
    reading = items.count("reading or listening")
    assert int(found.group(1)) + int(found.group(2) or 0) == items.count("<li")
    assert int(found.group(2) or 0) == reading
