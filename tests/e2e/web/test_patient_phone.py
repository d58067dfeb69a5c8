"""The patient's phone, issue 16 (besides the session player in test_patient_pages.py): a
reassessment questionnaire in week 4, one question per screen, resumed after a reload, reaching
the clinician's progress page; every patient page passes the plain-language scan."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from tests.e2e.web.conftest import Server
from tests.helpers import example_intake_in_program


def _week4_patient(server: Server, email: str, password: str) -> str:
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
    intake["preferences"]["start_date"] = (date.today() - timedelta(days=22)).isoformat()
    person = journey.init_person(ctx.store.uow(), json.dumps(intake), owner_id=owner).person.id
    create_user(
        ctx.store, ctx.settings, email=email, password=password, role="patient", person_id=person
    )
    return person


def test_reassessment_questionnaire_one_item_per_screen_resumes_and_reaches_the_clinician(
    browsing: Any, server: Server
) -> None:
    person = _week4_patient(server, "week4@x.test", "week four horse battery")
    me = browsing("patient-week4", phone=True)
    page = me.page
    me.login("week4@x.test", "week four horse battery")
    me.check("today-week4", scan="patient")
    page.click("#questionnaire-due a")
    page.wait_for_load_state("load")
    assert me.path() == f"/patients/{person}/questionnaires"
    me.check("questionnaire-start", scan="patient")
    assert page.inner_text("#questionnaire-size").startswith("18 questions")
    page.click("#start-questionnaire")
    assert (
        page.inner_text("#question-count") == "Question 1 of 18"
    )  # pain, 10 ODI, 4 PROMIS, 3 PSFS
    assert "back pain right now" in page.inner_text("#question-text")
    page.click("#next")
    assert "nothing is filled in for you" in page.inner_text("#answer-error")
    me.check("questionnaire-unanswered", scan="patient")
    page.check("#answer-2")
    page.click("#next")
    # ODI: the statements are not reproduced (licence); the section heading and number are
    assert "Section 1 of 10: pain intensity" in page.inner_text("#question-text")
    me.check("questionnaire-odi", scan="patient")
    for _ in range(4):
        page.check("#answer-1")
        page.click("#next")
    page.click("#skip-question")  # an ODI section may be left out
    page.reload()  # a reload in the middle continues at the same question
    me.check("questionnaire-resume", scan="patient")
    assert "Continue at question 7" in page.inner_text("#start-questionnaire")
    page.click("#start-questionnaire")
    assert page.inner_text("#question-count") == "Question 7 of 18"
    for _ in range(5):
        page.check("#answer-1")
        page.click("#next")
    # PROMIS pain interference: the topic and the paper form, never the item wording or its id
    text = page.inner_text("#question-text")
    assert "Pain question 1 of 4" in text and "PROMIS form your clinician gave you" in text
    me.check("questionnaire-promis", scan="patient")
    for _ in range(4):
        page.check("#answer-3")
        page.click("#next")
    assert "lifting my daughter" in page.inner_text(
        "#question-text"
    ) or "meeting" in page.inner_text("#question-text")
    for n in (6, 7, 5):
        page.check(f"#answer-{n}")
        page.click("#next")
    page.wait_for_function(
        "() => document.querySelector('#questionnaire-state').textContent.includes('saved')"
    )
    me.check("questionnaire-done", scan="patient")
    stored = page.request.get(f"/api/patients/{person}/questionnaires").json()
    assert len(stored) == 1 and stored[0]["kind"] == "reassessment" and stored[0]["week"] == 4
    rows = {r["label"]: r for r in stored[0]["rows"]}
    assert rows["Pain now (0-10)"]["now"] == 2
    assert rows["PSFS mean (0-10)"]["now"] == 6.0 and rows["PSFS mean (0-10)"]["change"] == 2.0
    promis = rows["PROMIS pain interference (T-score)"]  # 4a raw 12 against the baseline's 10
    assert (promis["baseline"], promis["now"], promis["change"]) == (58.5, 61.2, 2.7)
    me.goto(f"/patients/{person}/questionnaires")
    me.check("questionnaire-nothing-due", scan="patient")
    assert page.locator("#nothing-due").count() == 1

    # the plan's lessons so far, one marked as read
    me.goto(f"/patients/{person}/lessons")
    me.check("lessons", scan="patient")
    first = page.locator("article.lesson").first
    lesson_id = first.get_attribute("id")
    assert lesson_id is not None and page.locator("article.lesson").count() >= 1
    first.locator("button").click()
    page.wait_for_load_state("load")
    me.check("lessons-read", scan="patient")
    assert "read" in page.inner_text(f"#{lesson_id} h2")

    dr = browsing("clinician-week4")
    dr.login(server.accounts.clinician_email, server.accounts.clinician_password)
    dr.check("patients")
    dr.goto(f"/patients/{person}/progress")
    dr.check("progress-with-phone-questionnaire", scan="clinician")
    table = dr.page.inner_text("#phone-questionnaires")
    assert "week 4 reassessment" in table and "PSFS mean" in table and "PROMIS" in table


def test_intake_questionnaire_before_the_first_visit_every_item_answerable(
    browsing: Any, server: Server
) -> None:
    """A patient with no plan yet answers the whole intake set (ODI, STarT Back, FABQ, PROMIS):
    tapped answers for the STarT Back items, numbers for the others; the domain scores it."""
    from lumbo.services.accounts import create_user
    from lumbo.store.records import PersonRecord

    ctx = server.app.state.lumbo
    with ctx.store.uow() as uow:
        demo = uow.journeys.get_person(server.accounts.person_id)
        assert demo is not None
        person = PersonRecord(external_ref="first-visit", owner_id=demo.owner_id)
        uow.journeys.add_person(person)
        uow.commit()
    create_user(ctx.store, ctx.settings, email="first@x.test", password="first visit horse",
                role="patient", person_id=person.id)  # fmt: skip
    me = browsing("patient-intake", phone=True)
    page = me.page
    me.login("first@x.test", "first visit horse")
    me.check("welcome-intake", scan="patient")
    page.click("#welcome-questionnaire a")
    page.wait_for_load_state("load")
    me.check("intake-questionnaire-start", scan="patient")
    assert page.inner_text("#questionnaire-size").startswith("45 questions")
    assert page.locator("#questionnaire-forms").count() == 1
    page.click("#start-questionnaire")
    seen: set[str] = set()
    for n in range(1, 41):
        assert page.inner_text("#question-count") == f"Question {n} of 45"
        text = page.inner_text("#question-text")
        if n == 12 or n == 20 or n == 21:  # STarT Back 1 and 9, FABQ 1
            me.check(f"intake-questionnaire-{n}", scan="patient")
        if "STarT Back question 9" in text:
            page.check("#answer-very_much")
            seen.add("bother")
        elif "STarT Back" in text:
            assert page.inner_text("label[for=answer-1]") == "Agree"
            page.check("#answer-1")
            seen.add("start_back")
        else:
            page.check("#answer-2")
        page.click("#next")
    assert seen == {"bother", "start_back"}
    # No activities known yet (no clinician has seen the patient): the patient names their own,
    # one per screen, and rates each; "No more activities" ends the list.
    assert page.inner_text("#question-count") == "Question 41 of 45"
    assert "Name an activity" in page.inner_text("#question-text")
    me.check("intake-questionnaire-name-activity", scan="patient")
    page.check("#answer-3")
    page.click("#next")  # no activity written: nothing is recorded for the patient
    assert "Write the activity first" in page.inner_text("#answer-error")
    me.check("intake-questionnaire-name-missing", scan="patient")
    page.fill("#activity-name", "lifting my grandson")
    page.click("#next")
    assert "Name another activity" in page.inner_text("#question-text")
    page.fill("#activity-name", "sitting through a film")
    page.check("#answer-6")
    me.check("intake-questionnaire-name-second", scan="patient")
    page.click("#next")
    assert page.inner_text("#skip-question") == "No more activities"
    page.click("#skip-question")
    page.wait_for_function(
        "() => document.querySelector('#questionnaire-state').textContent.includes('saved')"
    )
    me.check("intake-questionnaire-done", scan="patient")
    stored = page.request.get(f"/api/patients/{person.id}/questionnaires").json()
    rows = {r["label"]: r["now"] for r in stored[0]["rows"]}
    assert rows["PSFS mean (0-10)"] == 4.5  # (3 + 6) / 2
    from lumbo.services import phone_questionnaires

    pre = phone_questionnaires.prefill(ctx.store.uow(), person.id, "intake")
    assert pre is not None and pre.psfs is not None
    assert [(a.activity, a.score) for a in pre.psfs] == [
        ("lifting my grandson", 3), ("sitting through a film", 6)
    ]  # fmt: skip
    assert stored[0]["kind"] == "intake" and rows["ODI (%)"] == 40.0
    assert rows["STarT Back total (0-9)"] == 9 and rows["STarT Back psychosocial (0-5)"] == 5
    assert rows["FABQ physical activity (0-24)"] == 8 and rows["FABQ work (0-42)"] == 14
    assert rows["PROMIS pain interference (T-score)"] == 55.6  # 4a raw 8


def test_reminders_calendar_feed_and_a_reminder_email(browsing: Any, server: Server) -> None:
    """The patient chooses days and a time and e-mail reminders, makes a private calendar link
    (parsed as iCalendar), gets a reminder and the exercise sheet on the local SMTP server, and
    stops the link (it then answers 404)."""
    import urllib.error
    import urllib.request
    from datetime import UTC, datetime

    from icalendar import Calendar

    from lumbo.services import journey, reminders
    from lumbo.services.accounts import create_user
    from lumbo.services.mail import SmtpMailer

    ctx = server.app.state.lumbo
    intake = example_intake_in_program()  # today is a day of the program
    intake["person"]["id"] = "remind"
    person = journey.init_person(ctx.store.uow(), json.dumps(intake)).person.id
    create_user(
        ctx.store, ctx.settings, email="remind@x.test", password="remind horse battery",
        role="patient", person_id=person,
    )  # fmt: skip
    me = browsing("patient-reminders", phone=True)
    page = me.page
    me.login("remind@x.test", "remind horse battery")
    me.check("today-reminders", scan="patient")
    me.goto(f"/patients/{person}/reminders")
    me.check("reminders", scan="patient")
    today = date.today()
    for n in range(7):
        page.set_checked(f"#day-{n}", n in (today.weekday(), (today.weekday() + 2) % 7))
    page.fill("#at", "07:30")
    page.check("#email")
    page.click("#reminders-form button[type=submit]")
    page.wait_for_load_state("load")
    me.check("reminders-saved", scan="patient")
    assert "saved" in page.inner_text("#reminders-notice")

    page.click("#make-calendar")
    page.wait_for_load_state("load")
    me.check("calendar-link", scan="patient")
    url = page.input_value("#calendar-link")
    assert url.startswith(server.url + "/calendar/") and url.endswith(".ics")
    with urllib.request.urlopen(url) as answer:  # no cookie: the token is the credential
        assert answer.headers["Content-Type"].startswith("text/calendar")
        cal = Calendar.from_ical(answer.read())
    events = list(cal.walk("VEVENT"))
    sessions = [e for e in events if str(e["SUMMARY"]) == "lumbo: your back exercises"]
    assert len(sessions) == 48  # 12 weeks x 4 sessions, none done yet
    assert {e.decoded("DTSTART").weekday() for e in sessions} <= {
        today.weekday(),
        (today.weekday() + 2) % 7,
    }
    assert all(e.decoded("DTSTART").strftime("%H:%M") == "07:30" for e in sessions)
    assert sum(str(e["SUMMARY"]) == "lumbo: your questionnaire" for e in events) == 3

    before = len(server.mailbox)
    mailer = SmtpMailer(ctx.settings.mail)
    at = datetime.combine(today, datetime.min.time()).replace(hour=8, tzinfo=UTC)  # the clinic's
    sent = reminders.send_due(ctx.store.uow, mailer, at, {person: "remind@x.test"}, server.url)
    assert sent == [person]
    assert (
        reminders.send_due(ctx.store.uow, mailer, at, {person: "remind@x.test"}, server.url) == []
    )
    mails = server.mailbox[before:]
    assert len(mails) == 1 and mails[0]["To"] == "remind@x.test"
    assert "exercise days" in mails[0].get_content()

    page.click("#email-handout")
    page.wait_for_load_state("load")
    me.check("handout-emailed", scan="patient")
    handout = server.mailbox[-1]
    assert handout["Subject"] == "lumbo: your home exercises"
    pdf = [p for p in handout.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdf) == 1 and pdf[0].get_content().startswith(b"%PDF")

    page.click("#revoke-calendar")
    page.wait_for_load_state("load")
    me.check("calendar-stopped", scan="patient")
    with pytest.raises(urllib.error.HTTPError) as stopped:
        urllib.request.urlopen(url)
    assert stopped.value.code == 404
