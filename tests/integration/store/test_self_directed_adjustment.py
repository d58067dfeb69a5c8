"""A self-directed plan after adjustment (issue 20): every version the adjustment rules make keeps the
self-directed caps and exclusions, and is in force at once (no clinician to approve it), even when
the clinic does not auto-approve rule-based changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lumbo.domain.assessment.assess import assess
from lumbo.domain.knowledge.self_directed import self_directed_policy
from lumbo.domain.protocol.engine import build_plan, person_of
from lumbo.domain.protocol.model import BlockLog, Plan, SessionLog
from lumbo.domain.protocol.self_directed import self_directed_violations
from lumbo.services import approval, journey
from lumbo.services import self_assessment as sa
from lumbo.store.db import Store
from lumbo.store.records import AssessmentRecord, IntakeRecord, PersonRecord, PlanVersion
from tests.integration.store import samples
from tests.self_assessment_helpers import answer_all, new_account

START = date(2026, 12, 7)  # a Monday


@pytest.mark.parametrize("auto_approve", [True, False])
def test_green_sessions_progress_within_the_caps_and_every_version_is_in_force(
    store: Store, auto_approve: bool
) -> None:
    approval.set_auto_approve(store.uow(), auto_approve, None)
    user = new_account(store.uow())
    answer_all(store.uow(), user, {"minutes_per_session": 45, "sessions_per_week": 3})
    done = sa.finish(store.uow(), user, START)
    pid = done.person.id
    for week in range(1, 5):
        for session in range(1, 4):
            plan = approval.patient_plan(store.uow(), pid).plan
            blocks = plan.weeks[week - 1].sessions[session - 1].blocks
            log = SessionLog(
                session_id=f"self-w{week}s{session}",
                week=week,
                session_index=session,
                performed_on=START + timedelta(days=7 * (week - 1) + 2 * (session - 1)),
                blocks=tuple(
                    BlockLog(
                        technique=b.technique,
                        completed_sets=b.dose.sets,
                        completed_reps=b.dose.reps,
                        hold_s=b.dose.hold_s,
                        intensity=b.dose.intensity_target,
                        pain_during=1,
                        pain_after=1,
                    )
                    for b in blocks
                ),
            )
            journey.record_session(store.uow(), pid, log)
    with store.uow() as uow:
        versions = uow.journeys.plan_versions(pid)
    assert len(versions) > 1, "the green sessions changed the prescription"
    person = person_of(done.intake, done.assessment)
    for v in versions:
        assert self_directed_violations(v.plan, person) == (), v.version
    assert approval.patient_plan(store.uow(), pid).version == versions[-1].version


def _green_log(plan: Plan, week: int, session: int, on: date) -> SessionLog:
    blocks = plan.weeks[week - 1].sessions[session - 1].blocks
    return SessionLog(
        session_id=f"green-w{week}s{session}",
        week=week,
        session_index=session,
        performed_on=on,
        blocks=tuple(
            BlockLog(
                technique=b.technique,
                completed_sets=b.dose.sets,
                completed_reps=b.dose.reps,
                hold_s=b.dose.hold_s,
                intensity=b.dose.intensity_target,
                pain_during=1,
                pain_after=1,
            )
            for b in blocks
        ),
    )


@pytest.mark.parametrize("owner", [None, "clinician-1"])
def test_an_adjusted_version_of_a_self_directed_plan_is_capped_even_if_the_first_was_not(
    store: Store, owner: str | None
) -> None:
    """The recording path applies the caps itself: a first version above them (stored directly,
    as no service would) comes back within them in the next version, in force at once. Once a
    clinician has taken the person on (``owner``), the clinician's rules apply again: no caps, and
    with auto-approval off the new version waits for them."""
    intake = samples.intake()
    assessment = assess(intake)
    plan = build_plan(intake, assessment)
    caps = self_directed_policy().caps
    assert any(
        (b.dose.intensity_target or 0) > caps.max_intensity_target
        for w in plan.weeks
        for s in w.sessions
        for b in s.blocks
    )
    uow = store.uow()
    approval.set_auto_approve(store.uow(), False, None)
    person = PersonRecord(self_directed=True, owner_id=owner)
    intake_rec = IntakeRecord(person_id=person.id, kind="baseline", intake=intake)
    assessment_rec = AssessmentRecord(
        person_id=person.id, intake_id=intake_rec.id, assessment=assessment
    )
    with uow:
        uow.journeys.add_person(person)
        uow.journeys.add_intake(intake_rec)
        uow.journeys.add_assessment(assessment_rec)
        uow.journeys.add_plan_version(
            PlanVersion(
                person_id=person.id,
                version=1,
                plan=plan.model_copy(update={"person_id": person.id}),
                reason="test",
                assessment_id=assessment_rec.id,
            )
        )
        uow.commit()
    for week in range(1, 4):
        for session in range(1, plan.sessions_per_week + 1 if plan.sessions_per_week else 2):
            current = approval.patient_plan(store.uow(), person.id).plan
            on = START + timedelta(days=7 * (week - 1) + session - 1)
            journey.record_session(store.uow(), person.id, _green_log(current, week, session, on))
    with store.uow() as uow:
        versions = uow.journeys.plan_versions(person.id)
    assert len(versions) > 1
    if owner is not None:
        assert approval.patient_plan(store.uow(), person.id).version == 1  # waits for them
        return
    assert approval.patient_plan(store.uow(), person.id).version == versions[-1].version
    for v in versions[1:]:
        for w in v.plan.weeks:
            for s in w.sessions:
                for b in s.blocks:
                    assert b.dose.sets <= caps.max_sets
                    target = b.dose.intensity_target
                    assert target is None or target <= caps.max_intensity_target


def test_once_a_clinician_takes_the_person_on_approvals_apply_again() -> None:
    person = PersonRecord(self_directed=True)
    assert person.unsupervised
    assert not PersonRecord(self_directed=True, owner_id="clinician-1").unsupervised
    assert not PersonRecord().unsupervised
