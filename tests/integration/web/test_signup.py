"""Sign-up for individuals (issue 20): behind ``settings.signup``; e-mail and password with the
password rules; a confirmation link when SMTP is configured (a local aiosmtpd server); rate
limits; a self-directed person (no clinician) with the data rights of every patient."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from lumbo.services.mail import MailSettings
from lumbo.services.signup import SIGNUPS_PER_ADDRESS
from lumbo.web.app import create_app
from tests.integration.web.conftest import make_settings
from tests.integration.web.test_patient_app_web import form_login
from tests.integration.web.world import PASSWORD, Client, World, build_world

GOOD = "a quiet walk by the river"


def _token(client: Client) -> str:
    page = client.get("/signup")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def sign_up(app: FastAPI, email: str, password: str = GOOD, again: str | None = None) -> Any:
    client = Client(app)
    data = {"email": email, "password": password, "again": again or password}
    return client, client.post("/signup", data={**data, "csrf_token": _token(client)})


@pytest.fixture
def open_app(tmp_path: Path, database_url: str) -> Any:
    app = create_app(make_settings(tmp_path / "d", database_url, signup=True))
    try:
        yield app
    finally:
        app.state.lumbo.store.close()


def test_sign_up_is_closed_unless_the_setting_opens_it(world: World) -> None:
    anon = world.anonymous()
    assert anon.get("/signup").status_code == 404
    assert anon.post("/signup", data={"email": "x@y.test"}).status_code == 404
    assert "Create an account" not in anon.get("/login").text


def account_of(app: FastAPI, email: str) -> Any:
    with app.state.lumbo.store.uow() as uow:
        user = uow.accounts.user_by_email(email)
        assert user is not None and user.role == "patient"
        return user


def give_person(app: FastAPI, email: str) -> str:
    """The self-directed person the self-assessment makes once the safety questions are clear
    (``self_assessment.video_person`` / ``finish``), made directly here."""
    from lumbo.store.records import PersonRecord

    person, account = PersonRecord(self_directed=True), account_of(app, email)
    with app.state.lumbo.store.uow() as uow:
        uow.journeys.add_person(person)
        uow.accounts.set_person(account.id, person.id)
        uow.commit()
    return person.id


def test_without_mail_the_account_works_at_once_and_has_no_clinician(open_app: FastAPI) -> None:
    assert "Create an account" in Client(open_app).get("/login").text
    client, answer = sign_up(open_app, "Home@Person.test")
    assert answer.status_code == 303 and answer.headers["location"] == "/start"
    # no record yet: the self-assessment makes the person once the safety questions allow it
    assert account_of(open_app, "home@person.test").person_id is None
    me = client.get("/api/auth/me")
    assert me.status_code == 200 and me.json()["person_id"] is None
    signed = form_login(open_app, "home@person.test", GOOD, False)[1]
    assert signed.status_code == 303 and signed.headers["location"] == "/start"


@pytest.mark.parametrize(
    ("email", "password", "again", "status", "words"),
    [
        ("not-an-address", GOOD, None, 422, "Your e-mail address must be an e-mail address"),
        ("a@b.test", "short", None, 422, "Your password must be 10 to 1024"),
        ("a@b.test", "password123", None, 422, "too easy to guess"),
        ("a@b.test", GOOD, GOOD + "!", 422, "The two passwords are not the same"),
    ],
)
def test_bad_sign_ups_say_what_is_wrong_and_store_nothing(
    open_app: FastAPI, email: str, password: str, again: str | None, status: int, words: str
) -> None:
    _, answer = sign_up(open_app, email, password, again)
    assert answer.status_code == status and words in answer.text, answer.text
    with open_app.state.lumbo.store.uow() as uow:
        assert uow.accounts.users() == []


def test_a_taken_address_and_a_forged_form_are_refused(open_app: FastAPI) -> None:
    sign_up(open_app, "twice@x.test")
    _, again = sign_up(open_app, "twice@x.test")
    assert again.status_code == 409
    forged = Client(open_app).post(
        "/signup", data={"email": "f@x.test", "password": GOOD, "again": GOOD, "csrf_token": "x"}
    )
    assert forged.status_code == 403
    with open_app.state.lumbo.store.uow() as uow:
        assert len(uow.accounts.users()) == 1


def test_sign_ups_from_one_address_are_limited(open_app: FastAPI) -> None:
    for i in range(SIGNUPS_PER_ADDRESS):
        assert sign_up(open_app, f"p{i}@x.test")[1].status_code == 303
    _, refused = sign_up(open_app, "one-more@x.test")
    assert refused.status_code == 429 and "try again in" in refused.text
    with open_app.state.lumbo.store.uow() as uow:
        assert uow.accounts.user_by_email("one-more@x.test") is None


def test_with_mail_the_address_is_confirmed_first(
    tmp_path: Path, database_url: str, mailbox: Any
) -> None:
    smtp, got = mailbox
    mail = MailSettings(host="127.0.0.1", port=smtp.port, sender="lumbo@x.test", tls="none")
    app = create_app(make_settings(tmp_path / "d", database_url, mail=mail, signup=True))
    try:
        world = build_world(app)  # pa@x.test already has an account
        _, answer = sign_up(app, "new@x.test")
        assert answer.status_code == 200 and "Check your e-mail" in answer.text
        _, taken = sign_up(app, "pa@x.test")
        assert taken.status_code == 200 and taken.text == answer.text.replace(
            "new@x.test", "pa@x.test"
        )  # no account discovery
        assert [m["To"] for m in got] == ["new@x.test", "pa@x.test"]
        assert "already has one" in got[1].get_content()
        assert form_login(app, "pa@x.test", PASSWORD, False)[1].status_code == 303  # untouched
        # not confirmed yet: the password does not work
        assert form_login(app, "new@x.test", GOOD, False)[1].status_code == 401
        link = re.search(r"http://testserver(/signup/confirm/\S+)", got[0].get_content())
        assert link is not None
        anon = world.anonymous()
        assert anon.get(link.group(1)).status_code == 200
        assert form_login(app, "new@x.test", GOOD, False)[1].status_code == 401  # a GET is not it
        done = anon.post(link.group(1))
        assert done.status_code == 303 and done.headers["location"].startswith("/login?confirmed")
        assert "is confirmed" in anon.get(done.headers["location"]).text
        assert form_login(app, "new@x.test", GOOD, False)[1].status_code == 303
        assert anon.get(link.group(1)).status_code == 404  # spent
        assert anon.post(link.group(1)).status_code == 404
        assert anon.get("/signup/confirm/forged-token").status_code == 404
    finally:
        app.state.lumbo.store.close()


def test_a_self_directed_person_downloads_and_erases_their_own_data(open_app: FastAPI) -> None:
    client, _ = sign_up(open_app, "mine@x.test")
    person = give_person(open_app, "mine@x.test")
    page = client.get(f"/patients/{person}/data")
    assert page.status_code == 200 and 'id="erase-own"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    export = client.get(f"/api/patients/{person}/export")
    assert export.status_code == 200
    assert export.json()["records"]["account"]["email"] == "mine@x.test"
    assert client.get(f"/api/patients/{person}/fhir").status_code == 200
    unconfirmed = client.post("/account/erase", data={"csrf_token": csrf.group(1), "confirm": ""})
    assert unconfirmed.status_code == 422
    erased = client.post("/account/erase", data={"csrf_token": csrf.group(1), "confirm": "erase"})
    assert erased.status_code == 200 and "Your data is erased" in erased.text
    with open_app.state.lumbo.store.uow() as uow:
        assert uow.journeys.get_person(person) is None
        assert uow.accounts.user_by_email("mine@x.test") is None
    assert form_login(open_app, "mine@x.test", GOOD, False)[1].status_code == 401


def test_an_account_with_no_record_yet_is_erased_too(open_app: FastAPI) -> None:
    client, _ = sign_up(open_app, "early@x.test")
    page = client.get("/account")
    assert page.status_code == 200 and 'id="erase-own"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    erased = client.post("/account/erase", data={"csrf_token": csrf.group(1), "confirm": "ERASE"})
    assert erased.status_code == 200
    with open_app.state.lumbo.store.uow() as uow:
        assert uow.accounts.user_by_email("early@x.test") is None
        assert all("early@x.test" not in str(e) for e in uow.audit.entries(None, 1000))
        assert uow.audit.verify().ok


def test_a_patient_with_a_clinician_erases_through_them(world: World) -> None:
    page = world.patient_a.get(f"/patients/{world.person_a}/data")
    assert 'id="erase-own"' not in page.text and "ask your clinician" in page.text
    assert world.patient_a.post("/account/erase", data={"confirm": "ERASE"}).status_code == 409
    assert world.clinician_a.post("/account/erase", data={"confirm": "ERASE"}).status_code == 403
    with world.ctx.store.uow() as uow:
        assert uow.journeys.get_person(world.person_a) is not None
