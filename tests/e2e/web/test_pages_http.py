"""The pages over HTTP without a browser: the wizard's form maps to the intake both ways and puts
server-side errors next to their fields; failures read as messages, never as stack traces; sign-in,
CSRF and patient scoping hold for pages as for the API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lumbo.domain.intake import intake_json_schema, parse_intake
from lumbo.settings import Settings
from lumbo.web.app import create_app
from lumbo.web.demo import DemoAccounts, ensure_demo
from lumbo.web.pages import views
from lumbo.web.pages.intake_form import all_fields, form_values, to_intake
from tests.conftest import EXAMPLE_INTAKE
from tests.e2e.web.conftest import FAST_HASHING


def sqlite_settings(data: Path) -> Settings:
    return Settings(
        data_dir=data,
        secret_key="pages-secret-" + "p" * 40,
        database_url=f"sqlite:///{data / 'lumbo.db'}",
        hashing=FAST_HASHING,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, DemoAccounts]]:
    settings = sqlite_settings(tmp_path_factory.mktemp("pages-http"))
    app = create_app(settings)
    accounts = ensure_demo(app.state.lumbo.store, settings)
    yield app, accounts
    app.state.lumbo.store.close()


def login_token(client: TestClient) -> str:
    """The sign-in form's CSRF token (its nonce cookie stays in the client)."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert match is not None
    return match.group(1)


def signed_in(app: Any, email: str, password: str | None) -> tuple[TestClient, str]:
    client = TestClient(app, raise_server_exceptions=False)
    form = {"email": email, "password": password or "", "next": "/"}
    r = client.post("/login", data={**form, "csrf_token": login_token(client)})
    assert r.status_code == 200
    match = re.search(r'name="csrf-token" content="([^"]+)"', r.text)
    assert match is not None
    return client, match.group(1)


def test_every_intake_field_is_in_the_wizard_and_the_example_round_trips() -> None:
    example = json.loads(EXAMPLE_INTAKE.read_text())
    assert parse_intake(to_intake(form_values(example))) == parse_intake(example)
    names = {f.name for f in all_fields()}
    schema = intake_json_schema()
    for section, ref in schema["properties"].items():
        if section == "schema_version":
            continue
        node = schema["$defs"][ref["$ref"].rsplit("/", 1)[-1]]
        for prop in node["properties"]:
            path = f"{section}.{prop}"
            if path.startswith("questionnaires.promis_pi_"):
                path = "questionnaires.promis"
            assert any(n == path or n.startswith(path + ".") for n in names), path


def test_empty_wizard_fields_are_not_assessed_and_bad_text_reaches_the_domain() -> None:
    doc = to_intake({"person.age": "43", "preferences.minutes_per_session": "25",
                     "preferences.sessions_per_week": "3", "questionnaires.odi.2": "4",
                     "measurements.slr_left_deg": "7O"})  # fmt: skip
    assert doc["questionnaires"] == {
        "odi": [None, None, 4, None, None, None, None, None, None, None]
    }
    assert doc["measurements"] == {"slr_left_deg": "7O"}  # a typo stays text: the domain names it
    assert "symptoms" not in doc and doc["red_flags"] == {}


def test_server_side_errors_sit_next_to_their_fields(site: tuple[Any, DemoAccounts]) -> None:
    app, accounts = site
    client, csrf = signed_in(app, accounts.clinician_email, accounts.clinician_password)
    intake = json.loads(EXAMPLE_INTAKE.read_text())
    intake["person"]["id"] = "http-case"
    form: dict[str, Any] = {**form_values(intake), "csrf_token": csrf}
    form["person.age"] = "4"
    form["questionnaires.odi.3"] = "9"
    r = client.post("/patients/new", data=form)
    assert r.status_code == 422
    assert re.search(r'id="f-person-age-err">must be between 10 and 110<', r.text)
    assert re.search(r'id="f-questionnaires-odi-3-err">must be between 0 and 5<', r.text)
    assert (
        'id="f-person-age" name="person.age" aria-describedby="f-person-age-err" aria-invalid="true"'
        in r.text
    )
    assert 'value="4"' in r.text  # what was typed is kept
    assert 'data-first-error-step="person"' in r.text


def test_a_failing_page_shows_a_message_not_a_trace(
    site: tuple[Any, DemoAccounts], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, accounts = site
    client, _ = signed_in(app, accounts.clinician_email, accounts.clinician_password)

    def broken(*_args: object, **_kw: object) -> dict[str, Any]:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(views, "plan_view", broken)
    r = client.get(f"/patients/{accounts.person_id}/plan")
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("text/html")
    assert "lumbo could not load this page" in r.text
    assert "hunter2" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text


def test_sign_in_csrf_and_scoping_hold_for_pages(site: tuple[Any, DemoAccounts]) -> None:
    app, accounts = site
    anonymous = TestClient(app, raise_server_exceptions=False)
    r = anonymous.get(f"/patients/{accounts.person_id}/plan", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/login?next=/patients/{accounts.person_id}/plan"

    form = {"email": accounts.clinician_email, "password": accounts.clinician_password or ""}
    forged = anonymous.post("/login", data={**form, "csrf_token": "0" * 64})
    assert forged.status_code == 403 and "expired" in forged.text  # login CSRF
    assert "lumbo_session" not in anonymous.cookies
    wrong = anonymous.post(
        "/login", data={**form, "password": "x" * 12, "csrf_token": login_token(anonymous)}
    )
    assert wrong.status_code == 401 and "wrong e-mail or password" in wrong.text

    clinician, _ = signed_in(app, accounts.clinician_email, accounts.clinician_password)
    r = clinician.post(f"/patients/{accounts.person_id}/plan/approve", data={"plan_version": "1"})
    assert r.status_code == 403 and "CSRF" in r.text

    patient, _ = signed_in(app, accounts.patient_email, accounts.patient_password)
    assert patient.get("/patients").status_code == 403
    assert patient.get(f"/patients/{accounts.person_id}/assessment").status_code == 403
    assert patient.get(f"/patients/{accounts.person_id}/today").status_code == 200
    other = patient.get("/patients/someone-else/progress")
    assert other.status_code == 404 and "no patient with id" in other.text
    assert patient.get("/login?next=//evil.example").text.count('value="/"') == 1


def test_static_assets_are_served(site: tuple[Any, DemoAccounts]) -> None:
    app, _ = site
    client = TestClient(app)
    for name in ("lumbo.css", "player.js", "outbox.js", "wizard.js", "jobs.js"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/../pages/common.py").status_code == 404


@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2027, 3, 1)])
def test_the_demo_patients_plan_starts_the_day_the_demo_is_made(
    tmp_path: Path, today: date
) -> None:
    """Made on any day, the demo patient's first session is due that day (week 1), whatever fixed
    start date the bundled example intake carries."""
    from lumbo.services import journey

    settings = sqlite_settings(tmp_path)
    app = create_app(settings)
    try:
        store = app.state.lumbo.store
        accounts = ensure_demo(store, settings, today=today)
        assert accounts.person_id is not None
        due = journey.today(store.uow(), accounts.person_id, today)
        assert (due.start_date, due.week, due.done_this_week) == (today, 1, 0)
        assert due.session is not None and due.session.index == 1
        assert journey.today(store.uow(), accounts.person_id, today + timedelta(days=7)).week == 2
    finally:
        app.state.lumbo.store.close()
