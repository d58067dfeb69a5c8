"""The patient's own account on a phone (issue 16): changing the password from the menu (other
sign-ins end, the page says so), the time zone of the reminders, the week-4 lessons with "What to
do in a flare-up"; each page also at desktop width."""

from __future__ import annotations

from typing import Any

from tests.e2e.web.conftest import Server

OLD = "pepper lantern harbour"
NEW = "violet kayak tangerine"


def _patient(server: Server, email: str, days_ago: int | None = None) -> str:
    import json
    from datetime import date, timedelta

    from lumbo.cli.demo import example_intake_text
    from lumbo.services import journey
    from lumbo.services.accounts import create_user

    ctx = server.app.state.lumbo
    with ctx.store.uow() as uow:
        demo = uow.journeys.get_person(server.accounts.person_id)
        assert demo is not None
        owner = demo.owner_id
    intake = json.loads(example_intake_text())
    intake["person"]["id"] = email.split("@")[0]
    if days_ago is not None:
        intake["preferences"]["start_date"] = (date.today() - timedelta(days=days_ago)).isoformat()
    person = journey.init_person(ctx.store.uow(), json.dumps(intake), owner_id=owner).person.id
    create_user(ctx.store, ctx.settings, email=email, password=OLD, role="patient",
                person_id=person)  # fmt: skip
    return person


def test_the_patient_changes_the_password_on_the_phone(browsing: Any, server: Server) -> None:
    person = _patient(server, "newpass@x.test")
    laptop = browsing("patient-laptop")  # signed in elsewhere: ends with the change
    laptop.login("newpass@x.test", OLD)
    laptop.check("laptop-today", scan="patient")
    laptop.goto("/account/password")
    laptop.check("password-change-desktop", scan="patient")

    me = browsing("patient-password", phone=True)
    page = me.page
    me.login("newpass@x.test", OLD)
    me.check("today", scan="patient")
    page.click("nav[aria-label=Main] summary")
    page.click("text=Change password")
    page.wait_for_load_state("load")
    assert me.path() == "/account/password"
    me.check("password-change", scan="patient")
    assert "signs you out on every other" in page.inner_text("main")
    button = page.locator("#change-password").bounding_box()
    assert button is not None and button["y"] + button["height"] <= 844  # no scrolling to submit

    page.fill("#current_password", "not my password")
    page.fill("#new_password", NEW)
    page.fill("#confirm_password", NEW)
    page.click("#change-password")
    page.wait_for_load_state("load")
    me.check("password-wrong-current", scan="patient")
    errors = page.inner_text("#password-errors")
    assert errors == "The current password you typed is not right."

    page.fill("#current_password", OLD)
    page.fill("#new_password", NEW)
    page.fill("#confirm_password", NEW + " ")
    page.click("#change-password")
    page.wait_for_load_state("load")
    me.check("password-mismatch", scan="patient")
    assert "repeat the new password" in page.inner_text("#password-errors")

    page.fill("#current_password", OLD)
    page.fill("#new_password", NEW)
    page.fill("#confirm_password", NEW)
    page.click("#change-password")
    page.wait_for_load_state("load")
    me.check("password-changed", scan="patient")
    done = page.inner_text("#password-changed")
    assert "Your password is changed" in done and "signed out on your other" in done
    page.click("text=Back to today")
    page.wait_for_load_state("load")
    assert me.path() == f"/patients/{person}/today"  # still signed in here
    me.check("today-after-change", scan="patient")

    laptop.goto(f"/patients/{person}/today")  # the other sign-in has ended
    laptop.page.wait_for_load_state("load")
    assert laptop.path() == "/login"
    laptop.check("laptop-signed-out", scan="patient")
    laptop.page.fill("#email", "newpass@x.test")
    laptop.page.fill("#password", NEW)
    laptop.page.click("button[type=submit]")
    laptop.page.wait_for_load_state("load")
    assert laptop.path() == f"/patients/{person}/today"
    laptop.check("laptop-new-password", scan="patient")


def test_time_zone_lessons_and_settings_at_both_widths(browsing: Any, server: Server) -> None:
    """The reminders page's time zone (phone and desktop), the lessons in week 4 with the flare-up
    lesson, and the admin's clinic time zone."""
    person = _patient(server, "zone@x.test", days_ago=22)  # week 4
    for name, phone in (("zone-phone", True), ("zone-desktop", False)):
        me = browsing(name, phone=phone)
        page = me.page
        me.login("zone@x.test", OLD)
        me.check("today", scan="patient")
        me.goto(f"/patients/{person}/reminders")
        me.check("reminders", scan="patient")
        page.select_option("#time-zone", "America/Argentina/Buenos_Aires")
        page.click("#reminders-form button[type=submit]")
        page.wait_for_load_state("load")
        me.check("reminders-time-zone-saved", scan="patient")
        assert page.input_value("#time-zone") == "America/Argentina/Buenos_Aires"
        me.goto(f"/patients/{person}/lessons")
        me.check("lessons", scan="patient")
        flare = page.locator("article.lesson", has_text="What to do in a flare-up")
        assert flare.count() == 1
        text = flare.inner_text()
        assert "next morning" in text and "emergency care" in text
    from lumbo.services.accounts import create_user

    ctx = server.app.state.lumbo
    create_user(ctx.store, ctx.settings, email="zone-admin@x.test", password=OLD, role="admin")
    for name, phone in (("admin-settings-desktop", False), ("admin-settings-phone", True)):
        admin = browsing(name, phone=phone)
        admin.login("zone-admin@x.test", OLD)
        admin.check("account")
        admin.goto("/settings")
        admin.check("settings")
        assert admin.page.input_value("#clinic-time-zone") == "UTC"


def test_naming_activities_at_desktop_width(browsing: Any, server: Server) -> None:
    """The PSFS naming screen before the first visit, at desktop width (the phone run is in
    test_patient_phone.py): resumed at question 41 from the state kept on the device."""
    from lumbo.services.accounts import create_user
    from lumbo.store.records import PersonRecord

    ctx = server.app.state.lumbo
    with ctx.store.uow() as uow:
        person = PersonRecord(external_ref="desk-first-visit")
        uow.journeys.add_person(person)
        uow.commit()
    create_user(ctx.store, ctx.settings, email="desk@x.test", password=OLD, role="patient",
                person_id=person.id)  # fmt: skip
    me = browsing("patient-desktop-intake")
    page = me.page
    me.login("desk@x.test", OLD)
    me.check("welcome", scan="patient")
    assert "name the everyday activities" in page.inner_text("#welcome-questionnaire")
    me.goto(f"/patients/{person.id}/questionnaires")
    me.check("questionnaire-start", scan="patient")
    page.evaluate(
        """() => {
            const account = document.querySelector('meta[name="lumbo-account"]').content;
            localStorage.setItem('lumbo.q.v1:' + account + ':intake:0',
                JSON.stringify({id: 'q-desk0000001', at: 40, answers: {}}));
        }"""
    )
    page.reload()
    me.check("questionnaire-resume", scan="patient")
    page.click("#start-questionnaire")
    assert page.inner_text("#question-count") == "Question 41 of 45"
    page.fill("#activity-name", "carrying the shopping")
    page.check("#answer-4")
    me.check("questionnaire-name-activity", scan="patient")
