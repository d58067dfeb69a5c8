"""The patient's time zone (issue 16): validated IANA names, the clinic's as the default, the
calendar feed's times with their TZID and VTIMEZONE (parsed back with icalendar), and e-mail
reminders due at the chosen time in that zone."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from lumbo.cli.demo import example_intake_text
from lumbo.domain.errors import InvalidInput
from lumbo.services import journey, reminders
from lumbo.services.mail import MemoryMailer
from lumbo.store.unit_of_work import FakeUnitOfWork


def _person(start: date | None = None) -> tuple[FakeUnitOfWork, str]:
    intake = json.loads(example_intake_text())
    if start is not None:
        intake["preferences"]["start_date"] = start.isoformat()
    uow = FakeUnitOfWork()
    return uow, journey.init_person(uow, json.dumps(intake)).person.id


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("UTC", True),
        ("Europe/Paris", True),
        ("America/New_York", True),
        ("Asia/Kolkata", True),
        ("America/Argentina/Buenos_Aires", True),
        ("", False),
        ("europe/paris", False),  # IANA names are case-sensitive
        ("Europe/Pariss", False),
        ("+02:00", False),
        ("GMT+2", False),
        ("../../etc/passwd", False),
        ("Mars/Olympus_Mons", False),
        ("Europe/" + "x" * 60, False),
    ],
)
def test_time_zone_names_are_validated(name: str, ok: bool) -> None:
    assert (reminders.time_zone_problem(name) is None) is ok


@pytest.mark.parametrize("bad", ["Europe/Pariss", "CEST+1", "localtime/"])
def test_a_bad_time_zone_is_refused_naming_the_field_and_nothing_is_written(bad: str) -> None:
    uow, person = _person()
    with pytest.raises(InvalidInput) as err:
        reminders.choose(uow, person, [0], "07:30", False, bad)
    assert [p.path for p in err.value.problems] == ["time_zone"]
    with uow:
        assert uow.journeys.get_patient_settings(person) is None


@pytest.mark.parametrize(
    ("chosen", "clinic", "expect"),
    [
        (None, None, "UTC"),  # nothing chosen anywhere: UTC
        (None, "Europe/Paris", "Europe/Paris"),  # the clinic's
        ("Asia/Tokyo", "Europe/Paris", "Asia/Tokyo"),  # the patient's own wins
        ("", "America/New_York", "America/New_York"),  # empty: back to the clinic's
    ],
)
def test_the_patient_zone_defaults_to_the_clinic_then_utc(
    chosen: str | None, clinic: str | None, expect: str
) -> None:
    uow, person = _person()
    if clinic is not None:
        reminders.set_clinic_time_zone(uow, clinic, None)
    saved = reminders.choose(uow, person, [0], "07:30", False, chosen)
    assert saved.time_zone == (chosen or None)
    zone = reminders.zone_of(saved, reminders.clinic_time_zone(uow))
    assert zone == ZoneInfo(expect)


def test_the_clinic_zone_is_validated() -> None:
    uow, _ = _person()
    with pytest.raises(InvalidInput) as err:
        reminders.set_clinic_time_zone(uow, "Paris", None)
    assert err.value.problems[0].path == "time_zone"
    assert reminders.clinic_time_zone(uow) == "UTC"


def _feed(uow: FakeUnitOfWork, person: str) -> Calendar:
    token = reminders.new_calendar_token(uow, person)
    return Calendar.from_ical(reminders.calendar_feed(uow, token, "https://lumbo.example"))


@pytest.mark.parametrize(
    ("zone", "offset_h"),
    [("Europe/Paris", 1), ("America/New_York", -5), ("Asia/Kolkata", 5.5), ("UTC", 0)],
)
def test_the_calendar_feed_carries_the_time_zone_and_parses_back(
    zone: str, offset_h: float
) -> None:
    """December: Paris is UTC+1, New York UTC-5, Kolkata UTC+5:30. Every session starts at the
    chosen local time in the zone; the feed says which zone (TZID with its VTIMEZONE, or UTC)."""
    uow, person = _person(date(2026, 12, 7))  # a Monday: the first weeks are in winter time
    reminders.choose(uow, person, [0, 3], "07:30", False, zone)
    cal = _feed(uow, person)
    sessions = [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "lumbo: your back exercises"]
    assert sessions
    first = sessions[0].decoded("DTSTART")
    assert first.tzinfo is not None and first.strftime("%H:%M") == "07:30"
    assert first.utcoffset() == timedelta(hours=offset_h)
    assert {s.decoded("DTSTART").strftime("%H:%M") for s in sessions} == {"07:30"}
    raw = reminders.calendar_feed(
        uow, reminders.new_calendar_token(uow, person), "https://x"
    ).decode()
    if zone == "UTC":
        assert "DTSTART:20261207T073000Z" in raw and "VTIMEZONE" not in raw
    else:
        assert f"DTSTART;TZID={zone}:20261207T073000" in raw
        zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
        assert zones == [zone]
    # the whole-day questionnaire entries stay dates (no time, no zone)
    quest = [e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "lumbo: your questionnaire"]
    assert quest and all(type(e.decoded("DTSTART")) is date for e in quest)


def test_summer_time_keeps_the_local_time() -> None:
    """A plan that crosses the change to summer time (Paris, 29 March 2026): the local time stays
    07:30, the UTC offset changes from +1 to +2."""
    uow, person = _person(date(2026, 3, 2))
    reminders.choose(uow, person, [0], "07:30", False, "Europe/Paris")
    starts = [
        e.decoded("DTSTART")
        for e in _feed(uow, person).walk("VEVENT")
        if str(e["SUMMARY"]) == "lumbo: your back exercises"
    ]
    assert {s.strftime("%H:%M") for s in starts} == {"07:30"}
    assert {s.utcoffset() for s in starts} == {timedelta(hours=1), timedelta(hours=2)}


@pytest.mark.parametrize(
    ("zone", "now_utc", "sent"),
    [
        ("UTC", "2026-12-07T07:45", True),
        ("UTC", "2026-12-07T07:15", False),  # before the chosen time
        ("Europe/Paris", "2026-12-07T06:45", True),  # 07:45 in Paris
        ("Europe/Paris", "2026-12-07T06:15", False),  # 07:15 in Paris
        ("America/New_York", "2026-12-07T07:45", False),  # 02:45 in New York
        ("America/New_York", "2026-12-07T12:45", True),  # 07:45 in New York
        ("Asia/Tokyo", "2026-12-06T22:45", True),  # Sunday in UTC, Monday 07:45 in Tokyo
        ("Asia/Tokyo", "2026-12-07T22:45", False),  # Tuesday in Tokyo: not a chosen day
    ],
)
def test_email_reminders_follow_the_patients_time_zone(zone: str, now_utc: str, sent: bool) -> None:
    """Reminders on Mondays at 07:30 local time (the plan starts Monday 7 December 2026)."""
    uow, person = _person(date(2026, 12, 7))
    reminders.choose(uow, person, [0], "07:30", True, zone)
    mailer = MemoryMailer()
    now = datetime.fromisoformat(now_utc).replace(tzinfo=UTC)
    got = reminders.send_due(lambda: uow, mailer, now, {person: "p@x.test"}, "https://x")
    assert (got == [person]) is sent and len(mailer.sent) == int(sent)
    if sent:
        local_day = now.astimezone(ZoneInfo(zone)).date().isoformat()
        assert reminders.current(uow, person).reminded_on == local_day
        again = reminders.send_due(lambda: uow, mailer, now, {person: "p@x.test"}, "https://x")
        assert again == [] and len(mailer.sent) == 1
        # the stored claim stops a second one even for a sender holding settings read before it
        with uow:
            assert uow.journeys.claim_reminder(person, local_day) is False


def test_a_naive_now_is_refused() -> None:
    uow, _ = _person()
    with pytest.raises(ValueError, match="timezone-aware"):
        reminders.send_due(lambda: uow, MemoryMailer(), datetime(2026, 12, 7, 8), {}, "x")


class _Broken:
    def __init__(self) -> None:
        self.tries = 0

    def send(self, mail: Any) -> None:
        self.tries += 1
        raise OSError("the SMTP server is down")


def test_a_failed_send_releases_the_day_so_a_later_run_sends_it() -> None:
    uow, person = _person(date(2026, 12, 7))
    reminders.choose(uow, person, [0], "07:30", True, "UTC")
    now = datetime(2026, 12, 7, 8, tzinfo=UTC)
    broken = _Broken()
    assert reminders.send_due(lambda: uow, broken, now, {person: "p@x.test"}, "x") == []
    assert broken.tries == 1 and reminders.current(uow, person).reminded_on is None
    mailer = MemoryMailer()
    assert reminders.send_due(lambda: uow, mailer, now, {person: "p@x.test"}, "x") == [person]
    assert len(mailer.sent) == 1
