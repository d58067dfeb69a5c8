"""A self-check whose answers stop the self-assessment's gate (issue 20, safety first): the answers
are stored and the outcomes computed, the plan is withheld from then on through the latest
assessment's referral (as a red flag at any reassessment withholds it), today's screen says why in
the person's words, and a later self-check or a clinician's clearance lifts it. On the in-memory
fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from lumbo.domain.assessment.assess import assess
from lumbo.domain.errors import ReferralRequired
from lumbo.domain.intake import Intake
from lumbo.domain.protocol.self_directed import SELF_DIRECTED_NOTE
from lumbo.domain.referral import SELF_CHECK_SPREAD
from lumbo.domain.self_assessment import Outcome
from lumbo.domain.self_assessment.gate import SEE_CLINICIAN_WORDS
from lumbo.services import journey, patient_app, referral_clearance
from lumbo.services import self_assessment as sa
from lumbo.store.records import AssessmentRecord, IntakeRecord, PersonRecord
from tests.e2e.web.text_scan import problems
from tests.integration.store.conftest import UowFactory
from tests.self_assessment_helpers import answer_all, new_account

ON = date(2026, 12, 2)
WEEK4 = ON + timedelta(days=22)

# (answers of the self-check, the gate's outcome, the referral's urgency, a word of today's reason)
STOPS: list[tuple[dict[str, Any], Outcome, str, str]] = [
    ({"repeated_movement": "spread"}, Outcome.SEE_CLINICIAN, "before_starting", "spread further"),
    ({"bilateral_leg_symptoms": True}, Outcome.SEE_CLINICIAN, "before_starting", "both legs"),
    (
        {"distribution": "below_knee", "leg_side": "both"},
        Outcome.SEE_CLINICIAN,
        "before_starting",
        "both legs",
    ),
    ({"back_surgery": "recent"}, Outcome.SEE_CLINICIAN, "before_starting", "last 12 months"),
    ({"back_surgery": "fusion"}, Outcome.SEE_CLINICIAN, "before_starting", "fusion"),
    ({"pregnant": True}, Outcome.SEE_CLINICIAN, "before_starting", "pregnant"),
    ({"fever_or_chills": True}, Outcome.SEE_CLINICIAN, "before_starting", "fever"),
    ({"saddle_anaesthesia": True}, Outcome.EMERGENCY, "emergency", "numb"),
    ({"bladder_or_bowel_dysfunction": True}, Outcome.EMERGENCY, "emergency", ""),
    ({"age": 14}, Outcome.TOO_YOUNG, "before_starting", "you are 14"),
]


def _self_directed(uow_factory: UowFactory) -> str:
    user = new_account(uow_factory())
    answer_all(uow_factory(), user, {"fingertip_to_floor": 12.0})
    return sa.finish(uow_factory(), user, ON).person.id


def _session_offered(uow_factory: UowFactory, person_id: str, on: date) -> bool:
    try:
        return journey.today(uow_factory(), person_id, on).session is not None
    except ReferralRequired:
        return False


@pytest.mark.parametrize(("said", "outcome", "urgency", "word"), STOPS)
def test_a_self_check_the_gate_stops_is_stored_and_withholds_the_plan(
    uow_factory: UowFactory, said: dict[str, Any], outcome: Outcome, urgency: str, word: str
) -> None:
    person_id = _self_directed(uow_factory)
    assert _session_offered(uow_factory, person_id, WEEK4)
    answers = {"pain_now": 3, "fingertip_to_floor": 9.0, **said}
    with uow_factory() as uow:
        first = uow.self_assessments.of_person(person_id)
    assert first is not None
    kept = {k: v for k, v in first.answers.items() if k not in answers}
    assert sa.gate({**kept, **answers}).outcome is outcome  # the gate reason under test

    result = sa.self_reassess(uow_factory(), person_id, answers, WEEK4)

    # (1) stored, outcomes computed
    assert result.referral_required and result.assessment.referral.urgency == urgency
    assert result.outcomes is not None and result.week == 4
    with uow_factory() as uow:
        intakes = uow.journeys.intakes(person_id)
        reassessments = uow.journeys.reassessments(person_id)
        stored = uow.journeys.assessments(person_id)[-1].assessment.referral
    assert [i.kind for i in intakes] == ["baseline", "reassessment"]
    assert intakes[-1].intake.symptoms.pain_now == 3
    assert intakes[-1].intake.measurements.fingertip_to_floor_cm == 9.0
    assert len(reassessments) == 1 and reassessments[0].outcomes == result.outcomes
    assert stored == result.assessment.referral  # what the clinician and sharing views read
    if "repeated_movement" in said:
        assert stored.reasons == (SELF_CHECK_SPREAD,)
    # (2) withheld from then on: no session, today's screen says why in plain words
    with pytest.raises(ReferralRequired):
        journey.current_plan(uow_factory(), person_id)
    assert not _session_offered(uow_factory, person_id, WEEK4)
    assert not _session_offered(uow_factory, person_id, WEEK4 + timedelta(days=10))
    screen = patient_app.referral_screen(uow_factory(), person_id)
    assert screen.emergency is (outcome is Outcome.EMERGENCY) and screen.own_care
    text = " ".join((screen.title, screen.what_to_do, *screen.reasons))
    assert screen.reasons and word in text
    assert not problems(text, "patient")
    if urgency != "emergency":
        said_now = screen.title + " " + screen.what_to_do  # nobody is "your clinician" here
        assert "doctor or physiotherapist" in said_now and "your clinician" not in said_now
    # a later self-check with nothing that stops the gate lifts it
    clean = {"pain_now": 2, "fingertip_to_floor": 8.0}
    clean.update({k: first.answers[k] for k in said if k in first.answers})
    later = sa.self_reassess(uow_factory(), person_id, clean, WEEK4 + timedelta(days=28))
    assert not later.referral_required
    assert _session_offered(uow_factory, person_id, WEEK4 + timedelta(days=28))


def test_a_self_check_with_spread_shows_the_reason_and_a_clinician_can_clear_it(
    uow_factory: UowFactory,
) -> None:
    person_id = _self_directed(uow_factory)
    sa.self_reassess(uow_factory(), person_id, {"repeated_movement": "spread"}, WEEK4)
    screen = patient_app.referral_screen(uow_factory(), person_id)
    assert screen.reasons == (SEE_CLINICIAN_WORDS["spread"],)
    assert screen.title == "See a doctor or physiotherapist first"
    referral_clearance.clear_referral(
        uow_factory(),
        person_id,
        cleared_by="Dr A. Physio",
        cleared_on=WEEK4,
        note="Checked: symptoms settle; carry on with the plan",
        actor_id=None,
        today=WEEK4,
    )
    assert _session_offered(uow_factory, person_id, WEEK4)


def test_a_self_check_the_gate_does_not_stop_keeps_the_session(uow_factory: UowFactory) -> None:
    person_id = _self_directed(uow_factory)
    result = sa.self_reassess(uow_factory(), person_id, {"repeated_movement": "extension"}, WEEK4)
    assert not result.referral_required
    assert _session_offered(uow_factory, person_id, WEEK4)


def test_a_self_directed_person_without_a_plan_never_gets_the_engines_plan(
    uow_factory: UowFactory,
) -> None:
    """Not reachable through the self-assessment (finishing stores plan 1 with the baseline), but
    :func:`journey.reassess` and a clearance build a missing plan: for a self-directed person it is
    the self-directed plan."""
    person_id = _self_directed(uow_factory)
    with uow_factory() as uow:
        baseline = uow.journeys.intakes(person_id)[0].intake
        bare = PersonRecord(self_directed=True, start_on=ON)
        uow.journeys.add_person(bare)
        uow.journeys.add_intake(baseline_record := _intake(bare.id, baseline))
        uow.journeys.add_assessment(_assessment(baseline_record))
        uow.commit()
    done = journey.reassess(uow_factory(), bare.id, baseline.model_dump_json(), on=ON)
    assert done.plan_created and done.plan is not None
    assert done.plan.plan.notes[0] == SELF_DIRECTED_NOTE
    with uow_factory() as uow:
        engine_person = PersonRecord(start_on=ON)
        uow.journeys.add_person(engine_person)
        uow.journeys.add_intake(other := _intake(engine_person.id, baseline))
        uow.journeys.add_assessment(_assessment(other))
        uow.commit()
    engine = journey.reassess(uow_factory(), engine_person.id, baseline.model_dump_json(), on=ON)
    assert engine.plan is not None and SELF_DIRECTED_NOTE not in engine.plan.plan.notes


def _intake(person_id: str, intake: Intake) -> IntakeRecord:
    return IntakeRecord(person_id=person_id, kind="baseline", intake=intake)


def _assessment(intake: IntakeRecord) -> AssessmentRecord:
    return AssessmentRecord(
        person_id=intake.person_id, intake_id=intake.id, assessment=assess(intake.intake)
    )
