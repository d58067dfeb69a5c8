"""Safety properties of the self-assessment's gate (issue 20), over generated answers: an unanswered
cauda-equina question never yields a plan; an emergency answer always yields EMERGENCY whatever
else is answered; under 16 never yields a plan; a clear gate on finished answers agrees with
the referral module (no referral required); and a self-check whose gate is not clear never leaves a
session offered; and the self-tests that fit the plan right after it never leave an unsafe plan
offered."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from lumbo.domain.assessment.assess import assess
from lumbo.domain.errors import InvalidInput, ReferralRequired
from lumbo.domain.protocol.engine import person_of
from lumbo.domain.protocol.self_directed import self_directed_violations
from lumbo.domain.referral import EMERGENCY, MANDATORY
from lumbo.domain.self_assessment import Kind, Outcome, Step, gate, step, steps, to_intake
from lumbo.domain.self_assessment.flow import fitting, missing
from lumbo.services import journey
from lumbo.services import self_assessment as sa
from lumbo.services.errors import PlanWithheld
from lumbo.store.accounts import User
from lumbo.store.self_assessment import StoredDraft
from lumbo.store.unit_of_work import FakeUnitOfWork
from tests.self_assessment_helpers import answer_all, end_range_spine, fit_plan, new_account

STEPS = steps()


def values(s: Step) -> st.SearchStrategy[Any]:
    if s.kind is Kind.yes_no:
        return st.booleans()
    if s.kind is Kind.choice:
        return st.sampled_from([c.value for c in s.choices])
    if s.kind is Kind.choices:
        return st.lists(st.sampled_from([c.value for c in s.choices]), unique=True)
    if s.kind is Kind.activities:
        item = st.fixed_dictionaries(
            {"activity": st.sampled_from(["Walking", "Gardening"]), "score": st.integers(0, 10)}
        )
        return st.lists(item, min_size=1, max_size=3)
    if s.kind is Kind.video:
        return st.builds(
            lambda d: {"job_id": "j", "lumbar_flexion_deg": d}, st.floats(5, 90).map(round)
        )
    assert s.low is not None and s.high is not None
    if s.integer:
        return st.integers(int(s.low), int(s.high))
    return st.floats(s.low, s.high, allow_nan=False)


@st.composite
def answers(draw: st.DrawFn, safe_bias: bool = False) -> dict[str, Any]:
    """Some steps answered with valid values (``safe_bias``: yes/no questions mostly "no")."""
    out: dict[str, Any] = {}
    for s in STEPS:
        if not draw(st.booleans()) and not safe_bias:
            continue
        if safe_bias and s.kind is Kind.yes_no:
            out[s.id] = draw(st.sampled_from([False] * 9 + [True]))
        elif s.optional and draw(st.booleans()):
            out[s.id] = None
        else:
            out[s.id] = draw(values(s))
    best, worst = out.get("pain_best"), out.get("pain_worst")
    if isinstance(best, int) and isinstance(worst, int) and best > worst:
        out["pain_best"], out["pain_worst"] = worst, best
    return out


SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(answers(), st.sampled_from(sorted(MANDATORY)))
def test_an_unanswered_cauda_equina_question_never_yields_a_plan(
    a: dict[str, Any], unanswered: str
) -> None:
    a.pop(unanswered, None)
    g = gate(a)
    assert not g.clear
    assert g.outcome in (
        Outcome.INCOMPLETE,
        Outcome.EMERGENCY,
        Outcome.SEE_CLINICIAN,
        Outcome.TOO_YOUNG,
    )


@SETTINGS
@given(answers(), st.sampled_from(sorted(EMERGENCY)))
def test_any_emergency_answer_yields_emergency_whatever_else_is_answered(
    a: dict[str, Any], flag: str
) -> None:
    a[flag] = True
    g = gate(a)
    assert g.outcome is Outcome.EMERGENCY
    assert g.reasons and "emergency" in g.advice


@SETTINGS
@given(answers(safe_bias=True), st.integers(1, 15))
def test_under_16_never_yields_a_plan(a: dict[str, Any], age: int) -> None:
    a["age"] = age
    g = gate(a)
    assert not g.clear
    if not any(a.get(k) is True for k in EMERGENCY):
        assert g.outcome is Outcome.TOO_YOUNG


@SETTINGS
@given(answers(safe_bias=True))
def test_a_clear_gate_on_finished_answers_agrees_with_the_referral_module(
    a: dict[str, Any],
) -> None:
    a["age"] = max(16, a.get("age") or 16)
    g = gate(a)
    if g.clear and not missing(a):
        assert not assess(to_intake(a)).referral.required
    if g.clear:
        assert all(isinstance(a.get(k), bool) for k in MANDATORY)


@SETTINGS
@given(answers(safe_bias=True))
def test_a_stop_always_says_why_and_what_to_do(a: dict[str, Any]) -> None:
    g = gate(a)
    if g.stops or g.outcome is Outcome.INCOMPLETE:
        assert g.reasons and g.advice


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers(safe_bias=True), st.sampled_from(sorted(MANDATORY)))
def test_finish_never_makes_a_plan_with_a_cauda_equina_question_unanswered(
    a: dict[str, Any], unanswered: str
) -> None:
    """The same property through the service: whatever else is stored in the draft, ``finish``
    raises and writes nothing."""
    a.pop(unanswered, None)
    uow = FakeUnitOfWork()
    user = User(email="p@example.org", role="patient", password_hash="x")
    with uow:
        uow.accounts.add_user(user)
        uow.self_assessments.put(StoredDraft(user_id=user.id, answers=a))
        uow.commit()
    with pytest.raises((PlanWithheld, InvalidInput)):
        sa.finish(uow, user.id, date(2026, 12, 2))
    with uow:
        assert uow.journeys.persons() == []


_PERSON: dict[str, Any] = {}


def _self_directed_person() -> tuple[FakeUnitOfWork, str, dict[str, Any]]:
    """One finished self-assessment (safe answers), shared by the examples: each self-check
    supersedes the one before, so the property holds whatever came earlier."""
    if not _PERSON:
        uow = FakeUnitOfWork()
        user = new_account(uow)
        answer_all(uow, user)
        done = sa.finish(uow, user, date(2026, 12, 2))
        with uow:
            first = uow.self_assessments.of_person(done.person.id)
        assert first is not None
        _PERSON.update(uow=uow, person_id=done.person.id, answers=first.answers)
    return _PERSON["uow"], _PERSON["person_id"], _PERSON["answers"]


SELF_CHECK_IDS = frozenset(
    s.id
    for s in STEPS
    if s.section.value in ("safety", "symptoms", "questionnaires", "self_tests")
    and s.kind is not Kind.video
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers(safe_bias=True))
def test_a_self_check_whose_gate_is_not_clear_never_leaves_a_session_offered(
    drawn: dict[str, Any],
) -> None:
    """Through the service: after a self-check whose answers (with the first self-assessment's
    safety answers where not answered again) do not clear the gate, no session is offered."""
    uow, person_id, first = _self_directed_person()
    said = {k: v for k, v in drawn.items() if k in SELF_CHECK_IDS and k != "age"}
    kept = {
        k: v
        for k, v in first.items()
        if (s := step(k)) is not None and s.section.value in ("safety", "plan")
    }
    on = date(2027, 1, 4)
    try:
        sa.self_reassess(uow, person_id, said, on)
    except (InvalidInput, PlanWithheld):
        assume(False)  # an answer the form refuses, or a safety question left open: nothing stored
    g = gate({**kept, **said})
    try:
        offered = journey.today(uow, person_id, on).session is not None
    except ReferralRequired:
        offered = False
    event(g.outcome.value)
    if not g.clear:
        assert not offered


FIT_CHOICES = {s.id: st.sampled_from([None, *(c.value for c in s.choices)]) for s in fitting({})}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries(FIT_CHOICES))
def test_the_tests_that_fit_the_plan_never_leave_an_unsafe_plan_offered(
    fit: dict[str, Any],
) -> None:
    """Through the service, for every combination of answers to the self-tests asked right after
    the first plan: symptoms spreading down the leg never leave a session offered; otherwise the
    plan in force keeps the stricter defaults, and end-range spine work appears only in the
    direction recorded (none without one)."""
    _, _, safe = _self_directed_person()
    uow = FakeUnitOfWork()
    user = User(email="fit@example.org", role="patient", password_hash="x")
    with uow:
        uow.accounts.add_user(user)
        uow.self_assessments.put(StoredDraft(user_id=user.id, answers=dict(safe)))
        uow.commit()
    on = date(2026, 12, 2)
    person_id = sa.finish(uow, user.id, on).person.id
    fit_plan(uow, user.id, fit)
    event(str(fit["repeated_movement"]))
    if fit["repeated_movement"] == "spread":
        with pytest.raises(ReferralRequired):
            journey.today(uow, person_id, on)
        return
    assert journey.today(uow, person_id, on).session is not None
    plan = journey.current_plan(uow, person_id)
    with uow:
        baseline = [i for i in uow.journeys.intakes(person_id) if i.kind == "baseline"][-1]
        assessment = uow.journeys.assessments(person_id)[-1].assessment
    intake = baseline.intake
    assert not self_directed_violations(plan.plan, person_of(intake, assessment))
    direction = fit["repeated_movement"] if fit["repeated_movement"] != "none" else None
    for moves in end_range_spine(plan.plan).values():
        assert direction is not None and moves <= {direction}
