"""Inviting a patient through the pages, on SQLite and PostgreSQL: the link sets a password once;
a new link retires the old one; a withdrawn invitation's link stops working and a new e-mail can
be invited; disabling ends the patient's sign-in; someone else's patient cannot be invited."""

from __future__ import annotations

import re

from fastapi import FastAPI

from lumbo.cli.demo import example_intake_text
from lumbo.services import journey
from tests.integration.web.world import Client, World

NEW_PASSWORD = "a long new password 42"


def _fresh_patient(w: World) -> str:
    with w.ctx.store.uow() as uow:
        owner = uow.accounts.user_by_email("a@x.test")
    assert owner is not None
    doc = example_intake_text().replace('"seed-case-43m"', '"invite-me"')
    return journey.init_person(w.ctx.store.uow(), doc, owner_id=owner.id).person.id


def _link(html: str) -> str:
    found = re.search(r'id="invite-link" href="https?://[^/]+(/reset/[^"]+)"', html)
    assert found, html
    return found.group(1)


def _csrf(client: Client) -> dict[str, str]:
    return {"csrf_token": client.csrf or ""}


def test_an_invitation_sets_a_password_once(world: World, app: FastAPI) -> None:
    w, c = world, world.clinician_a
    person = _fresh_patient(w)
    url = f"/patients/{person}/account"
    bad = c.post(f"{url}/invite", data={**_csrf(c), "email": "not an address"})
    assert bad.status_code == 422 and "e-mail address" in bad.text

    first = _link(c.post(f"{url}/invite", data={**_csrf(c), "email": "New@Example.org"}).text)
    again = c.post(f"{url}/invite", data={**_csrf(c), "email": "new@example.org"})
    assert again.status_code == 409 and "already been invited" in again.text
    second = _link(c.post(f"{url}/resend", data=_csrf(c)).text)
    anonymous = w.anonymous()
    assert anonymous.get(first).status_code == 404  # the new link retired the first
    done = anonymous.post(second, data={"password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert done.status_code == 303
    assert (
        anonymous.post(second, data={"password": NEW_PASSWORD, "again": NEW_PASSWORD}).status_code
        == 404
    )
    signed = Client(app).post(
        "/api/auth/login", json={"email": "new@example.org", "password": NEW_PASSWORD}
    )
    assert signed.status_code == 200 and signed.json()["user"]["person_id"] == person
    assert "signs in as new@example.org" in c.get(url).text

    refused = c.post(f"{url}/disable", data=_csrf(c))  # not confirmed
    assert refused.status_code == 422
    assert c.post(f"{url}/disable", data={**_csrf(c), "confirm": "yes"}).status_code == 303
    assert "disabled" in c.get(url).text
    again_in = Client(app).post(
        "/api/auth/login", json={"email": "new@example.org", "password": NEW_PASSWORD}
    )
    assert again_in.status_code == 401
    assert c.post(f"{url}/enable", data=_csrf(c)).status_code == 303


def test_a_withdrawn_invitation_stops_working(world: World) -> None:
    w, c = world, world.clinician_a
    person = _fresh_patient(w)
    url = f"/patients/{person}/account"
    link = _link(c.post(f"{url}/invite", data={**_csrf(c), "email": "typo@exmaple.org"}).text)
    assert c.post(f"{url}/revoke", data=_csrf(c)).status_code == 303
    assert w.anonymous().get(link).status_code == 404
    fixed = c.post(f"{url}/invite", data={**_csrf(c), "email": "right@example.org"})
    assert fixed.status_code == 200 and "right@example.org" in fixed.text
    taken = w.clinician_a.post(
        f"/patients/{w.person_a}/account/invite", data={**_csrf(c), "email": "x@example.org"}
    )
    assert taken.status_code == 409  # patient a already has a sign-in
    other = w.clinician_b.post(
        f"{url}/invite", data={**_csrf(w.clinician_b), "email": "y@example.org"}
    )
    assert other.status_code == 404
