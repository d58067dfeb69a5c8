"""Hand-made contract objects for the store tests (independent of the protocol engine)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from lumbo.domain.intake import Intake, parse_intake_json
from lumbo.domain.protocol.model import (
    Block,
    BlockLog,
    CheckIn,
    Dose,
    Plan,
    Session,
    SessionLog,
    Week,
)

EXAMPLE = (
    Path(__file__).resolve().parents[3] / "src" / "lumbo" / "examples" / "intake-seed-case.json"
)


def intake() -> Intake:
    return parse_intake_json(EXAMPLE.read_text(encoding="utf-8"))


def intake_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def intake_dict() -> dict[str, object]:
    data: dict[str, object] = json.loads(intake_text())
    return data


def plan(person_id: str | None = None, version: int = 1, hold_s: int = 30) -> Plan:
    release = Block(
        technique="supine-knee-to-chest",
        role="release",
        regions=("lumbar",),
        dose=Dose(kind="hold", sets=2, hold_s=hold_s, intensity_target=5),
        pairs_with=1,
        estimated_minutes=2.0,
        why="flexion restriction",
    )
    stabilize = Block(
        technique="bird-dog",
        role="stabilize",
        regions=("lumbar",),
        dose=Dose(kind="reps", sets=2, reps=8),
        estimated_minutes=3.0,
        why="pairs with the release",
    )
    week = Week(
        week=1,
        phase="1",
        sessions=(Session(index=1, estimated_minutes=5.0, blocks=(release, stabilize)),),
    )
    return Plan(
        status="ok",
        person_id=person_id,
        version=version,
        start_date=date(2026, 11, 23),
        weeks=(week,),
        reassessment_weeks=(4, 8, 12),
    )


def log(session_id: str = "sess-0001", pain_after: int = 2, on: date | None = None) -> SessionLog:
    return SessionLog(
        session_id=session_id,
        plan_version=1,
        week=1,
        session_index=1,
        performed_on=on or date(2026, 11, 23),
        blocks=(
            BlockLog(
                technique="supine-knee-to-chest",
                completed_sets=2,
                hold_s=30,
                intensity=5,
                pain_during=2,
                pain_after=pain_after,
            ),
        ),
    )


def checkin(checkin_id: str = "check-0001", pain: int = 2) -> CheckIn:
    return CheckIn(
        checkin_id=checkin_id, on=date(2026, 11, 24), session_id="sess-0001", pain=pain, stiffness=3
    )
