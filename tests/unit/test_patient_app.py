"""services/patient_app: the referral screen, the player's blocks and the progress in words, in
patient words (issue 16)."""

from __future__ import annotations

import json
from datetime import UTC, date, timedelta
from typing import Any

import pytest

from lumbo.cli.demo import example_intake_text
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.model import Adjustment, Alert, Decision
from lumbo.services import journey, patient_app
from lumbo.store.unit_of_work import FakeUnitOfWork
from tests.e2e.web.text_scan import problems
from tests.helpers import program_day


def _person(flags: dict[str, Any]) -> tuple[FakeUnitOfWork, str]:
    intake = json.loads(example_intake_text())
    intake["red_flags"].update(flags)
    uow = FakeUnitOfWork()
    return uow, journey.init_person(uow, json.dumps(intake)).person.id


@pytest.mark.parametrize(
    ("flags", "emergency", "title", "reason"),
    [
        (
            {"saddle_anaesthesia": True},
            True,
            "Get emergency care today",
            "numbness between your legs",
        ),
        (
            {"bladder_or_bowel_dysfunction": True},
            True,
            "Get emergency care today",
            "urine or stool",
        ),
        ({"history_of_cancer": True}, False, "See your clinician before starting", "had cancer"),
        ({"major_trauma": True}, False, "See your clinician before starting", "broken bone"),
        ({"saddle_anaesthesia": None}, False, "A few questions first", None),
    ],
)
def test_referral_screen_says_what_to_do_in_patient_words(
    flags: dict[str, Any], emergency: bool, title: str, reason: str | None
) -> None:
    uow, person = _person(flags)
    screen = patient_app.referral_screen(uow, person)
    assert screen.emergency is emergency
    assert screen.title == title
    assert ("same-day emergency care" in screen.what_to_do.lower()) or not emergency
    if reason is None:
        assert screen.questions and "numbness between your legs" in screen.questions[0]
    else:
        assert any(reason in r for r in screen.reasons)
    text = " ".join([screen.title, screen.what_to_do, *screen.reasons, *screen.questions])
    assert problems(text, "patient") == []
    assert "this person" not in text


def test_player_blocks_time_holds_inside_reps_and_rest_between_sides() -> None:
    uow, person = _person({})
    due = journey.today(uow, person, program_day(uow, person))
    assert due.session is not None
    blocks = patient_app.player_blocks(due.session, library())
    by_id = {b["technique"]: b for b in blocks}
    for b in blocks:
        assert (
            problems(b["why"] + " " + b["role"] + " " + " ".join(b["equipment"]), "patient") == []
        )
        assert b["rep_hold_s"] == (b["hold_s"] if b["kind"] == "reps" and b["hold_s"] else None)
        assert b["side_rest_s"] == ((b["rest_s"] or 10) if b["per_side"] else 0)
    assert any(b["rep_hold_s"] for b in by_id.values())
    urls = patient_app.offline_urls(uow, person, program_day(uow, person))
    assert urls[0] == f"/patients/{person}/today"
    assert all(f"/illustrations/{b['technique']}.svg" in urls for b in blocks)


@pytest.mark.parametrize(
    ("action", "words"),
    [
        ("progress", "a little harder"),
        ("regress", "made easier"),
        ("swap", "swapped"),
        ("hold", None),
    ],
)
def test_decisions_in_patient_words(action: str, words: str | None) -> None:
    adj = Adjustment(
        decisions=(Decision(technique="glute-bridge", action=action, reason="x"),),
        alerts=(Alert(kind="clinician_review", reason="red responses in 2 of the last 3"),),
    )
    lines = patient_app.decision_lines(adj, library())
    if words is None:
        assert len(lines) == 1
    else:
        assert lines[0].startswith("Glute bridge: ") and words in lines[0]
    assert "clinician will look at your plan" in lines[-1]
    assert problems(" ".join(lines), "patient") == []


@pytest.mark.parametrize(
    ("checkins", "expect"),
    [
        ([], "Check in the morning after a session"),
        ([{"on": "2026-01-02", "pain": 4, "stiffness": 5}], "first morning check-in: pain 4"),
        (
            [
                {"on": "2026-01-02", "pain": 4, "stiffness": 5},
                {"on": "2026-01-09", "pain": 2, "stiffness": 6},
            ],
            "morning pain went from 4 to 2 out of 10 (better)",
        ),
    ],
)
def test_progress_words(checkins: list[dict[str, Any]], expect: str) -> None:
    prog = {
        "adherence": {"planned_sessions": 8, "completed_sessions": 3},
        "checkins": checkins,
        "rom": [{"measure": "lumbar_extension_deg", "baseline_deg": 15.0, "now_deg": 21.0}],
        "proms": [{"measure": "odi_percent", "baseline": 24.0, "now": 20.0, "better": "lower"}],
    }
    lines = patient_app.progress_words(prog)
    text = " ".join(lines)
    assert lines[0] == "You have done 3 of the 8 sessions planned so far."
    assert expect in text
    assert (
        "Bending your lower back backwards: 15 degrees at the start, 21 now (6 degrees gained)."
        in lines
    )
    assert "How much your back limits your daily life: better since your first answers." in lines
    assert problems(text, "patient") == []


def test_lessons_come_from_the_plans_education_blocks_and_are_marked_read() -> None:
    from lumbo.domain.errors import InvalidInput
    from lumbo.services import lessons

    uow, person = _person({})
    first = program_day(uow, person)
    found = lessons.lessons(uow, person, first)
    assert found and all(lesson.week == 1 for lesson in found)
    # every plan teaches the warning signs in week 1; what to do in a flare-up comes in week 4
    titles = {lesson.technique: lesson.title for lesson in found}
    assert titles.get("warning-signs-education") == "When to stop and seek help"
    assert "flare-up-education" not in titles
    later = {x.technique: x for x in lessons.lessons(uow, person, first + timedelta(weeks=3))}
    flare = later["flare-up-education"]
    assert (flare.title, flare.week, flare.read) == ("What to do in a flare-up", 4, False)
    assert any("next morning" in p for p in flare.points)
    assert not any(lesson.read for lesson in found)
    assert all(
        problems(lesson.title + " " + " ".join(lesson.points), "patient") == [] for lesson in found
    )
    lessons.mark_read(uow, person, found[0].technique, first)
    lessons.mark_read(uow, person, found[0].technique, first)  # twice: still one
    again = lessons.lessons(uow, person, first)
    assert again[0].read is True
    with pytest.raises(InvalidInput):
        lessons.mark_read(uow, person, "glute-bridge", first)  # not a lesson


@pytest.mark.parametrize(
    ("email", "hour", "today_chosen", "sent"),
    [(True, 8, True, 1), (True, 6, True, 0), (False, 8, True, 0), (True, 8, False, 0)],
    ids=["due", "before-the-time", "email-off", "not-a-chosen-day"],
)
def test_email_reminders_go_on_chosen_days_after_the_time_once_a_day(
    email: bool, hour: int, today_chosen: bool, sent: int
) -> None:
    from datetime import datetime

    from lumbo.services import reminders
    from lumbo.services.accounts import create_user
    from lumbo.services.mail import MemoryMailer
    from lumbo.settings import PasswordHashing, Settings

    uow, person = _person({})
    settings = Settings(
        data_dir=__import__("pathlib").Path("/nonexistent"),
        secret_key="s" * 40,
        database_url="sqlite://",
        hashing=PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1),
    )

    class Units:
        def uow(self) -> FakeUnitOfWork:
            return uow

    create_user(
        Units(),
        settings,
        email="p@x.test",
        password="correct horse battery",
        role="patient",
        person_id=person,
    )  # type: ignore[arg-type]
    today = program_day(uow, person, days=3)
    day = today.weekday() if today_chosen else (today.weekday() + 1) % 7
    reminders.choose(uow, person, [day], "07:30", email)
    mailer = MemoryMailer()
    now = datetime.combine(today, datetime.min.time()).replace(hour=hour, tzinfo=UTC)
    reminders.send_all_due(lambda: uow, mailer, now, "https://lumbo.example")
    reminders.send_all_due(lambda: uow, mailer, now, "https://lumbo.example")  # once a day
    assert len(mailer.sent) == sent
    if sent:
        assert mailer.sent[0].to == "p@x.test" and "https://lumbo.example/" in mailer.sent[0].text
        assert problems(mailer.sent[0].text, "patient") == []


@pytest.mark.parametrize(
    ("reason", "expect"),
    [
        ("contraindicated by SEGMENTAL_HYPERMOBILITY (technique entry)", "needs control rather"),
        ("contraindicated by osteoporosis (technique entry)", "thinning bones"),
        ("needs equipment not available: foam_roller, band", "a foam roller and a resistance band"),
        ("moves against the recorded directional preference", "makes your symptoms worse"),
        ("something new the words do not know yet", "does not suit something in your history"),
    ],
)
def test_exclusion_reasons_in_patient_words(reason: str, expect: str) -> None:
    words = patient_app.exclusion_words(reason)
    assert expect in words
    assert problems(words, "patient") == []


def test_every_exclusion_rule_has_patient_words() -> None:
    from lumbo.domain.safety import PERSON_RULES, RULES

    for rule in (*RULES, *PERSON_RULES):
        assert patient_app.exclusion_words(rule.reason).startswith("left out")


@pytest.mark.parametrize(
    ("codes", "role", "side", "expect", "never"),
    [
        (
            ("LUMBAR_EXTENSION_HYPOMOBILITY",),
            "mobilize",
            None,
            "Because your lower back bends backwards less than expected",
            "hypomobility",
        ),
        (
            ("HAMSTRING_LENGTH_RESTRICTION",),
            "release",
            "left",
            "thigh are tight, on your left side",
            "restriction",
        ),
        (
            ("MOTOR_CONTROL_DEFICIT", "MOTOR_CONTROL_DEFICIT"),
            "stabilize",
            "both",
            "need training. ",
            "both",
        ),
        ((), "breath", None, "Its part in your session: breathing.", "Because"),
    ],
)
def test_why_this_exercise_in_patient_words(
    codes: tuple[str, ...], role: str, side: str | None, expect: str, never: str
) -> None:
    words = patient_app.patient_why(codes, role, "Eases the back. More detail here", side)
    assert expect in words
    assert never not in words.lower()
    assert words.count("need training") <= 1  # a finding addressed twice is said once
    assert "(moderate)" not in words and problems(words, "patient") == []


def test_the_patients_plan_page_gives_every_block_a_patient_why() -> None:
    from typing import cast

    from lumbo.store.db import Store
    from lumbo.web.pages import views

    uow = FakeUnitOfWork()
    person = journey.init_person(uow, example_intake_text()).person.id
    view = views.plan_view(cast(Store, uow), person, library(), program_day(uow, person))
    clinical = [b["why"] for w in view["weeks"] for s in w["sessions"] for b in s["blocks"]]
    assert any("(moderate)" in w or "(mild)" in w or "(severe)" in w for w in clinical)
    mine = views.for_patient(view)
    said = [b["why"] for w in mine["weeks"] for s in w["sessions"] for b in s["blocks"]]
    assert len(said) == len(clinical) and any(w.startswith("Because your") for w in said)
    for why in said:
        assert "(moderate)" not in why and "(mild)" not in why and "(severe)" not in why
        assert problems(why, "patient") == [], why


@pytest.mark.parametrize(("logged", "left"), [((), [2, 3, 4]), ((1,), [3, 4]), ((1, 3), [4])])
def test_upcoming_holds_the_weeks_sessions_after_the_due_one(
    logged: tuple[int, ...], left: list[int]
) -> None:
    from lumbo.domain.protocol.model import BlockLog, SessionLog
    from lumbo.services import recording

    uow = FakeUnitOfWork()
    person = journey.init_person(uow, example_intake_text()).person.id
    on = journey.today(uow, person, program_day(uow, person)).on
    week = journey.today(uow, person, on).week
    with uow:
        plan = uow.journeys.latest_plan(person)
    assert plan is not None
    sessions = {s.index: s for w in plan.plan.weeks if w.week == week for s in w.sessions}
    for index in logged:
        first = sessions[index].blocks[0].technique
        recording.record_session(
            uow,
            person,
            SessionLog(
                session_id=f"up-{index}-0001",
                week=week,
                session_index=index,
                performed_on=on,
                blocks=(BlockLog(technique=first, completed_sets=1, pain_during=0, pain_after=0),),
            ),
        )
    found = patient_app.upcoming(uow, person, on, library()).to_json()
    assert [s["session_index"] for s in found["sessions"]] == left
    assert all(
        s["blocks"] and {"technique", "phases", "why"} <= set(s["blocks"][0])
        for s in found["sessions"]
    )
    ends = date.fromisoformat(found["week_ends_on"])
    assert 0 <= (ends - on).days <= 6
