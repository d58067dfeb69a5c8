"""Reminders for the patient (issue 16): a private calendar feed (iCalendar) of the planned
sessions and questionnaires behind an unguessable token that the patient can revoke, and e-mail
reminders on the days and at the time the patient chooses (through the :mod:`mail` port; off
unless SMTP is configured).

Only the token's SHA-256 is stored: the feed URL is shown once, when made. Calendar entries say
"lumbo: your back exercises" and nothing about the patient's health (calendar services read them).

Times are the patient's local times in their time zone (an IANA name they choose on the reminders
page, else the clinic's ``time_zone`` setting, else UTC): the feed's session times carry that
``TZID`` with its ``VTIMEZONE``, and an e-mail goes once the chosen time has passed there.

E-mail reminders are sent by the worker's periodic task (``lumbo.jobs``) and by
``lumbo reminders send``; each day's reminder is claimed in the database first (one conditional
write), so two workers, or a worker and the command, never send it twice.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from icalendar import Calendar, Event

from lumbo.domain.errors import InvalidInput, NotFound, Problem, ReferralRequired
from lumbo.services._shared import active_plan, need_person
from lumbo.services.journey import stop_in_force
from lumbo.services.mail import Mail, Mailer
from lumbo.store.clinic_settings import TIME_ZONE
from lumbo.store.records import PatientSettings
from lumbo.store.unit_of_work import AbstractUnitOfWork

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_DAYS = (0, 2, 4, 5)  # lumbo policy: spread the week's sessions when no days are chosen
DEFAULT_TIME = "18:00"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
SESSION_MINUTES = 30
log = logging.getLogger("lumbo.reminders")


@cache
def time_zones() -> frozenset[str]:
    """Every IANA time zone name this machine knows (the ``tzdata`` package or the system's)."""
    return frozenset(available_timezones())


def time_zone_problem(name: str) -> str | None:
    """Why ``name`` is not a time zone lumbo accepts, or None: an IANA name such as
    ``Europe/Paris`` or ``UTC`` (no offsets like ``+02:00``, no abbreviations like ``CET``
    unless IANA lists them)."""
    if not name or len(name) > 64 or name not in time_zones():
        return "must be a time zone name such as Europe/Paris, America/New_York or UTC"
    return None


def zone_words(name: str) -> str:
    """A time zone name as a patient reads it: ``America/Port_of_Spain`` -> ``America: Port of
    Spain``, ``America/Argentina/Buenos_Aires`` -> ``America: Argentina, Buenos Aires``."""
    region, _, place = name.replace("_", " ").partition("/")
    return f"{region}: {place.replace('/', ', ')}" if place else region


def clinic_time_zone(uow: AbstractUnitOfWork) -> str:
    with uow:
        name = str(uow.clinic.all_settings()[TIME_ZONE])
    return name if time_zone_problem(name) is None else "UTC"


def set_clinic_time_zone(uow: AbstractUnitOfWork, name: str, actor_id: str | None) -> str:
    """The clinic's time zone (an administrator's setting): the default of every patient who
    chose none."""
    name = name.strip()
    if (problem := time_zone_problem(name)) is not None:
        raise InvalidInput([Problem("time_zone", problem, name)], "clinic settings")
    with uow:
        uow.clinic.set_setting(TIME_ZONE, name, actor_id)
        uow.commit()
    return name


def zone_of(settings: PatientSettings, clinic_zone: str) -> ZoneInfo:
    """The patient's time zone: their own choice, else the clinic's."""
    name = settings.time_zone or clinic_zone
    return ZoneInfo(name if time_zone_problem(name) is None else "UTC")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def current(uow: AbstractUnitOfWork, person_id: str) -> PatientSettings:
    with uow:
        need_person(uow.journeys, person_id)
        found = uow.journeys.get_patient_settings(person_id)
    return found or PatientSettings(person_id=person_id)


def choose(
    uow: AbstractUnitOfWork,
    person_id: str,
    days: list[int],
    at: str,
    email: bool,
    time_zone: str | None = None,
) -> PatientSettings:
    """Save the patient's reminder days (0=Monday..6), time (HH:MM), e-mail choice and time zone
    (an IANA name; None or empty: the clinic's)."""
    problems = []
    zone = (time_zone or "").strip() or None
    if zone is not None and (why := time_zone_problem(zone)) is not None:
        problems.append(Problem("time_zone", why, zone))
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
            time_zone=zone,
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
    zone = zone_of(found, clinic_time_zone(uow))
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
            begin = datetime.combine(p.on, at, tzinfo=zone)  # local time, TZID of the zone
            ev.add("dtstart", begin)
            ev.add("dtend", begin + timedelta(minutes=SESSION_MINUTES))
            ev.add("description", f"Week {p.week}, session {p.index}. Open lumbo: {base_url}/")
        else:
            ev.add("summary", "lumbo: your questionnaire")
            ev.add("dtstart", p.on)
            ev.add("description", f"A short questionnaire for week {p.week}: {base_url}/")
        cal.add_component(ev)
    cal.add_missing_timezones()  # the VTIMEZONE of every TZID used (none for UTC)
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
    chose e-mail on today's weekday, once the chosen time has passed in their time zone, at most
    one a day: the day is claimed in the database before the mail goes (a failed send releases
    it), so concurrent senders never send it twice. ``now`` is an aware datetime. Returns the
    person ids reminded."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    clinic_zone = clinic_time_zone(uow_factory())
    sent = []
    for person_id, address in sorted(recipients.items()):
        s = current(uow_factory(), person_id)
        local = now.astimezone(zone_of(s, clinic_zone))
        day = local.date().isoformat()
        if not s.reminder_email or local.weekday() not in s.reminder_days:
            continue
        if s.reminded_on == day:
            continue
        if local.time() < time.fromisoformat(s.reminder_time or DEFAULT_TIME):
            continue
        if stop_in_force(uow_factory(), person_id) is not None:
            continue  # a warning sign stopped the plan: no reminder to exercise
        try:
            items = [p for p in planned(uow_factory(), person_id, s) if p.on == local.date()]
        except (NotFound, ReferralRequired):
            continue  # no plan, or it is withheld until a clinician has seen the patient
        if not items:
            continue
        with uow_factory() as uow:
            claimed = uow.journeys.claim_reminder(person_id, day)
            uow.commit()
        if not claimed:
            continue  # another worker (or the command) sends this one
        try:
            mailer.send(reminder_mail(address, items, base_url))
        except Exception:
            with uow_factory() as uow:
                uow.journeys.release_reminder(person_id, day, s.reminded_on)
                uow.commit()
            log.exception("reminder for %s: the mail was not sent; tried again later", person_id)
            continue
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
