"""Reminders for the patient (issue 16): a private calendar feed (iCalendar) of the planned
sessions and questionnaires behind an unguessable token that the patient can revoke, and e-mail
reminders on the days and at the time the patient chooses (through the :mod:`mail` port; off
unless SMTP is configured).

Only the token's SHA-256 is stored: the feed URL is shown once, when made. Calendar entries say
"lumbo: your back exercises" and nothing about the patient's health (calendar services read them).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from icalendar import Calendar, Event

from lumbo.domain.errors import InvalidInput, NotFound, Problem, ReferralRequired
from lumbo.services._shared import active_plan, need_person
from lumbo.services.journey import stop_in_force
from lumbo.services.mail import Mail, Mailer
from lumbo.store.records import PatientSettings
from lumbo.store.unit_of_work import AbstractUnitOfWork

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_DAYS = (0, 2, 4, 5)  # lumbo policy: spread the week's sessions when no days are chosen
DEFAULT_TIME = "18:00"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
SESSION_MINUTES = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def current(uow: AbstractUnitOfWork, person_id: str) -> PatientSettings:
    with uow:
        need_person(uow.journeys, person_id)
        found = uow.journeys.get_patient_settings(person_id)
    return found or PatientSettings(person_id=person_id)


def choose(
    uow: AbstractUnitOfWork, person_id: str, days: list[int], at: str, email: bool
) -> PatientSettings:
    """Save the patient's reminder days (0=Monday..6), time (HH:MM) and e-mail choice."""
    problems = []
    if any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        problems.append(Problem("days", "must be days of the week, Monday to Sunday", days))
    if not _TIME.match(at):
        problems.append(Problem("time", "must be a time of day as HH:MM, 00:00-23:59", at))
    if email and not days:
        problems.append(Problem("days", "choose at least one day for e-mail reminders", days))
    if problems:
        raise InvalidInput(problems, "reminders")
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        old = repo.get_patient_settings(person_id) or PatientSettings(person_id=person_id)
        new = replace(
            old,
            reminder_days=tuple(sorted(set(days))),
            reminder_time=at,
            reminder_email=email,
            updated_at=datetime.now(UTC),
        )
        repo.put_patient_settings(new)
        uow.commit()
    return new


def new_calendar_token(uow: AbstractUnitOfWork, person_id: str) -> str:
    """Make (or replace) the private feed's token; the old feed URL stops working."""
    token = secrets.token_urlsafe(32)
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        old = repo.get_patient_settings(person_id) or PatientSettings(person_id=person_id)
        repo.put_patient_settings(
            replace(old, calendar_token_hash=_hash(token), updated_at=datetime.now(UTC))
        )
        uow.commit()
    return token


def revoke_calendar(uow: AbstractUnitOfWork, person_id: str) -> None:
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        old = repo.get_patient_settings(person_id)
        if old is not None and old.calendar_token_hash is not None:
            repo.put_patient_settings(
                replace(old, calendar_token_hash=None, updated_at=datetime.now(UTC))
            )
            uow.commit()


@dataclass(frozen=True, slots=True)
class Planned:
    kind: str  # "session" | "questionnaire"
    on: date
    week: int
    index: int


def planned(uow: AbstractUnitOfWork, person_id: str, settings: PatientSettings) -> list[Planned]:
    """The plan's sessions on the patient's chosen days (the default days when none), and the
    reassessment questionnaires on the first day of weeks 4, 8 and 12."""
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        plan = active_plan(repo, person_id)
        done = {(s.log.week, s.log.session_index) for s in repo.session_logs(person_id)}
    start = plan.plan.start_date or person.created_at.date()
    days = settings.reminder_days or DEFAULT_DAYS
    out = []
    for w in plan.plan.weeks:
        monday = start + timedelta(days=7 * (w.week - 1))
        slots = [monday + timedelta(days=(d - monday.weekday()) % 7) for d in days]
        slots.sort()
        for s in w.sessions:
            if (w.week, s.index) in done:
                continue
            on = slots[(s.index - 1) % len(slots)]
            out.append(Planned("session", on, w.week, s.index))
        if w.reassessment:
            out.append(Planned("questionnaire", monday, w.week, 0))
    return sorted(out, key=lambda p: (p.on, p.kind, p.index))


def calendar_feed(uow: AbstractUnitOfWork, token: str, base_url: str) -> bytes:
    """The iCalendar feed behind ``token`` (NotFound for an unknown or revoked one)."""
    if not token or len(token) > 100:
        raise NotFound("no such calendar")
    with uow:
        found = uow.journeys.settings_for_calendar(_hash(token))
    if found is None:
        raise NotFound("no such calendar")
    at = time.fromisoformat(found.reminder_time or DEFAULT_TIME)
    cal = Calendar()
    cal.add("prodid", "-//lumbo//patient reminders//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "lumbo: your back program")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for p in planned(uow, found.person_id, found):
        ev = Event()
        ev.add("uid", f"{found.person_id}-w{p.week}-{p.kind}-{p.index}@lumbo")
        ev.add("dtstamp", stamp)
        if p.kind == "session":
            ev.add("summary", "lumbo: your back exercises")
            begin = datetime.combine(p.on, at)
            ev.add("dtstart", begin)
            ev.add("dtend", begin + timedelta(minutes=SESSION_MINUTES))
            ev.add("description", f"Week {p.week}, session {p.index}. Open lumbo: {base_url}/")
        else:
            ev.add("summary", "lumbo: your questionnaire")
            ev.add("dtstart", p.on)
            ev.add("description", f"A short questionnaire for week {p.week}: {base_url}/")
        cal.add_component(ev)
    feed: bytes = cal.to_ical()
    return feed


def reminder_mail(to: str, today: list[Planned], base_url: str) -> Mail:
    sessions = [p for p in today if p.kind == "session"]
    lines = ["Hello,", ""]
    if sessions:
        lines.append("Today is one of your exercise days: your session takes about half an hour.")
    if any(p.kind == "questionnaire" for p in today):
        lines.append("A short questionnaire is due this week.")
    lines += [
        "",
        f"Open lumbo: {base_url}/",
        "",
        "You get this e-mail because you chose reminders in lumbo. To stop them, open "
        "Reminders in lumbo and turn e-mail reminders off.",
    ]
    return Mail(to=to, subject="lumbo: time for your back exercises", text="\n".join(lines))


def send_due(
    uow_factory: Any, mailer: Mailer, now: datetime, recipients: dict[str, str], base_url: str
) -> list[str]:
    """Send today's e-mail reminder to each patient (``recipients``: person id -> address) who
    chose e-mail on today's weekday, once the chosen time has passed (local server time), at
    most one a day. Returns the person ids reminded."""
    sent = []
    for person_id, address in sorted(recipients.items()):
        s = current(uow_factory(), person_id)
        if not s.reminder_email or now.weekday() not in s.reminder_days:
            continue
        if s.reminded_on == now.date().isoformat():
            continue
        if now.time() < time.fromisoformat(s.reminder_time or DEFAULT_TIME):
            continue
        if stop_in_force(uow_factory(), person_id) is not None:
            continue  # a warning sign stopped the plan: no reminder to exercise
        try:
            items = [p for p in planned(uow_factory(), person_id, s) if p.on == now.date()]
        except (NotFound, ReferralRequired):
            continue  # no plan, or it is withheld until a clinician has seen the patient
        if not items:
            continue
        mailer.send(reminder_mail(address, items, base_url))
        with uow_factory() as uow:
            uow.journeys.put_patient_settings(replace(s, reminded_on=now.date().isoformat()))
            uow.commit()
        sent.append(person_id)
    return sent


def recipients(uow: AbstractUnitOfWork) -> dict[str, str]:
    """Person id -> e-mail address of every active patient account."""
    with uow:
        return {
            u.person_id: u.email
            for u in uow.accounts.users()
            if u.role == "patient" and u.active and u.person_id is not None
        }


def send_all_due(uow_factory: Any, mailer: Mailer, now: datetime, base_url: str) -> list[str]:
    """:func:`send_due` for every patient account (``lumbo reminders send``, run e.g. every 15
    minutes by cron or a timer)."""
    return send_due(uow_factory, mailer, now, recipients(uow_factory()), base_url)
