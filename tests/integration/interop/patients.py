"""Generated patients for the interop tests: intakes with every instrument, reassessments, logs
and several plan versions, written through the real services."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from lumbo.domain.intake import PROMIS_4A, PROMIS_6A, PROMIS_8A
from lumbo.domain.protocol.model import BlockLog, SessionLog
from lumbo.services import journey, recording
from lumbo.store.records import PlanVersion
from lumbo.store.unit_of_work import AbstractUnitOfWork
from tests.strategies import intake_docs

FORMS = {"promis_pi_4a": PROMIS_4A, "promis_pi_6a": PROMIS_6A, "promis_pi_8a": PROMIS_8A}
START = date(2026, 11, 23)


@st.composite
def questionnaires(draw: st.DrawFn) -> dict[str, Any]:
    q: dict[str, Any] = {}
    if draw(st.booleans()):
        odi = draw(st.lists(st.integers(0, 5), min_size=10, max_size=10))
        if draw(st.booleans()):
            odi[draw(st.integers(0, 9))] = None  # one section left out
        q["odi"] = odi
    if draw(st.booleans()):
        q["rmdq"] = draw(st.lists(st.booleans(), min_size=24, max_size=24))
    if draw(st.booleans()):
        bits = draw(st.lists(st.integers(0, 1), min_size=8, max_size=8))
        both = ["not_at_all", "slightly", "moderately", "very_much", "extremely"]
        q["start_back"] = [*bits, draw(st.sampled_from(both))]
    if draw(st.booleans()):
        q["fabq"] = draw(st.lists(st.integers(0, 6), min_size=16, max_size=16))
    form = draw(st.sampled_from([None, *FORMS]))
    if form is not None:
        q[form] = {item: draw(st.integers(1, 5)) for item in FORMS[form]}
    if draw(st.booleans()):
        text = st.text(
            st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
        ).filter(lambda s: s.strip() == s and s != "")
        q["psfs"] = [
            {"activity": draw(text), "score": draw(st.integers(0, 10))}
            for _ in range(draw(st.integers(1, 5)))
        ]
    return q


@st.composite
def patient_plans(draw: st.DrawFn) -> dict[str, Any]:
    """A baseline intake, 0-2 follow-up intakes, how many sessions to log, extra plan versions."""
    base = draw(intake_docs())
    base["preferences"]["start_date"] = START.isoformat()
    base["questionnaires"] = draw(questionnaires())
    base["symptoms"] = {"pain_now": draw(st.integers(0, 10))}
    if draw(st.booleans()):
        base["person"]["sex"] = draw(st.sampled_from(["male", "female", "other"]))
    follow_ups = []
    for _ in range(draw(st.integers(0, 2))):
        doc = json.loads(json.dumps(base))
        doc["questionnaires"] = draw(questionnaires())
        follow_ups.append(doc)
    return {
        "baseline": base,
        "follow_ups": follow_ups,
        "logs": draw(st.integers(0, 3)),
        "extra_versions": draw(st.integers(0, 2)),
    }


def enrol_generated(uow: AbstractUnitOfWork, spec: dict[str, Any]) -> str:
    """Write the generated patient through the services; returns the person id."""
    enrolled = journey.init_person(uow, json.dumps(spec["baseline"]))
    pid = enrolled.person.id
    if enrolled.plan is None:
        return pid
    for n in range(spec["logs"]):
        day = START + timedelta(days=2 * n)
        session = journey.today(uow, pid, day).session
        if session is None:
            break
        blocks = tuple(
            BlockLog(
                technique=b.technique,
                completed_sets=b.dose.sets,
                intensity=3,
                pain_during=1,
                pain_after=1,
            )
            for b in session.blocks
        )
        week = (day - START).days // 7 + 1
        log = SessionLog(
            session_id=f"gen-log-{n:04d}",
            week=week,
            session_index=session.index,
            performed_on=day,
            blocks=blocks,
        )
        recording.record_session(uow, pid, log)
    for _ in range(spec["extra_versions"]):  # a clinician's edit: the same plan, a new version
        with uow:
            latest = uow.journeys.latest_plan(pid)
            assert latest is not None
            version = latest.version + 1
            uow.journeys.add_plan_version(
                PlanVersion(
                    person_id=pid,
                    version=version,
                    plan=latest.plan.model_copy(update={"version": version}),
                    reason="edited by the clinician",
                )
            )
            uow.commit()
    for i, doc in enumerate(spec["follow_ups"], 1):
        journey.reassess(uow, pid, json.dumps(doc), on=START + timedelta(weeks=4 * i))
    return pid
