"""Sharing with a clinician (issue 20): a self-directed person downloads their records for a
clinician, and makes a revocable, expiring take-on link that lets a clinician on this server take
them into their caseload (audited); the person sees who took them on."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import update

from lumbo.store.tables import utcnow
from lumbo.store.web_tables import TakeOnLinkRow
from lumbo.web.app import create_app
from tests.integration.web.conftest import make_settings
from tests.integration.web.test_signup import give_person, sign_up
from tests.integration.web.world import Client, World, build_world


@pytest.fixture
def home(tmp_path: Path, database_url: str) -> Any:
    app = create_app(make_settings(tmp_path / "d", database_url, signup=True))
    try:
        world = build_world(app)
        yield app, world
    finally:
        app.state.lumbo.store.close()


def _csrf(page: Any) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def _person(app: FastAPI, email: str) -> str:
    with app.state.lumbo.store.uow() as uow:
        user = uow.accounts.user_by_email(email)
        assert user is not None and user.person_id is not None
        return user.person_id


def _make_link(person: Client) -> str:
    page = person.get("/share")
    made = person.post("/share/link", data={"csrf_token": _csrf(page)})
    assert made.status_code == 200, made.text
    link = re.search(r'value="http://testserver(/take-on/[^"]+)"', made.text)
    assert link is not None
    return link.group(1)


def _owner(app: FastAPI, person_id: str) -> str | None:
    with app.state.lumbo.store.uow() as uow:
        person = uow.journeys.get_person(person_id)
        assert person is not None
        return person.owner_id


def test_a_clinician_takes_a_person_on_through_their_link(home: Any) -> None:
    app, w = home
    person, _ = sign_up(app, "home@x.test")
    nothing = person.get("/share")
    assert nothing.status_code == 200 and 'id="share-nothing-yet"' in nothing.text
    assert person.post("/share/link", data={"csrf_token": _csrf(nothing)}).status_code == 409
    person_id = give_person(app, "home@x.test")
    page = person.get("/share")
    assert page.status_code == 200 and 'id="make-take-on-link"' in page.text
    assert 'id="share-clinician"' not in page.text
    first = _make_link(person)
    link = _make_link(person)  # a new link retires the first
    assert w.clinician_b.get(first).status_code == 404
    assert w.anonymous().get(link).status_code == 303  # to the sign-in page
    assert w.patient_a.get(link).status_code == 403
    assert w.admin.get(link).status_code == 403
    shown = w.clinician_b.get(link)
    assert shown.status_code == 200 and "home@x.test" in shown.text
    assert _owner(app, person_id) is None  # looking changes nothing
    taken = w.clinician_b.post(link)
    assert taken.status_code == 303 and taken.headers["location"].startswith(
        f"/patients/{person_id}"
    )
    assert _owner(app, person_id) == _person_owner_id(app, "b@x.test")
    assert person_id in [p["id"] for p in w.clinician_b.get("/api/patients").json()]
    assert w.clinician_a.post(link).status_code == 404  # spent
    mine = person.get("/share")
    assert "Your clinician on lumbo: b@x.test" in mine.text
    assert 'id="make-take-on-link"' not in mine.text
    entries = w.admin.get("/api/audit", params={"limit": 1000}).json()
    took = [e for e in entries if e["route"] == "sharing: taken on"]
    assert len(took) == 1 and took[0]["person_id"] == person_id


def _person_owner_id(app: FastAPI, email: str) -> str:
    with app.state.lumbo.store.uow() as uow:
        user = uow.accounts.user_by_email(email)
        assert user is not None
        return user.id


def test_withdrawn_and_expired_links_lead_nowhere(home: Any) -> None:
    app, w = home
    person, _ = sign_up(app, "home2@x.test")
    give_person(app, "home2@x.test")
    link = _make_link(person)
    page = person.get("/share")
    assert 'id="share-link-open"' in page.text
    gone = person.post("/share/revoke", data={"csrf_token": _csrf(page)})
    assert gone.status_code == 303
    assert w.clinician_a.get(link).status_code == 404
    assert w.clinician_a.post(link).status_code == 404
    link = _make_link(person)
    with app.state.lumbo.store.uow() as uow:
        uow.session.execute(
            update(TakeOnLinkRow).values(expires_at=utcnow() - timedelta(minutes=1))
        )
        uow.commit()
    assert w.clinician_a.get(link).status_code == 404
    assert _owner(app, _person(app, "home2@x.test")) is None


def test_a_person_who_has_a_clinician_makes_no_link(world: World) -> None:
    page = world.patient_a.get("/share")
    assert page.status_code == 200 and "Your clinician on lumbo: a@x.test" in page.text
    assert world.patient_a.post("/share/link").status_code == 409
    assert world.clinician_a.get("/share").status_code == 403
    assert world.clinician_a.post("/share/link").status_code == 403


def test_the_assessment_report_of_a_patient_with_a_clinician_is_theirs(home: Any) -> None:
    _, w = home
    # the world's patient with a clinician may not: that report is for their clinician
    assert w.patient_a.get(f"/patients/{w.person_a}/report/assessment").status_code == 403
    assert w.clinician_a.get(f"/patients/{w.person_a}/report/assessment").status_code == 200
