"""Properties of the self-directed plan (issue 20) over generated intakes: it never holds a technique
the policy leaves out, never a dose above the policy's caps, keeps every plan-validity rule, and
says in its notes that it is self-directed.

The policy is restated here from the technique attributes and ``self_directed.toml``, independently
of :func:`lumbo.domain.protocol.self_directed.policy_exclusions`."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from hypothesis import given, settings

from lumbo.domain.assessment.assess import assess
from lumbo.domain.intake import Intake
from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.model import Technique
from lumbo.domain.protocol.engine import person_of
from lumbo.domain.protocol.self_directed import (
    SELF_DIRECTED_NOTE,
    build_plan,
    self_directed_violations,
)
from tests.strategies import intake_docs

POLICY = tomllib.loads(
    (
        Path(__file__).resolve().parents[2] / "src/lumbo/domain/knowledge/self_directed.toml"
    ).read_text(encoding="utf-8")
)
NAMED = {e["technique"] for e in POLICY["exclude"]}
MAX_SETS = POLICY["caps"]["max_sets"]
MAX_TARGET = POLICY["caps"]["max_intensity_target"]


def left_out(t: Technique, dp: str | None) -> bool:
    """Restated: tensioners; end-range work on the spine unless only in the recorded direction;
    the techniques the policy names."""
    if t.neural_tension.value == "tensioner" or t.id in NAMED:
        return True
    spine = {r.value for r in t.regions} & {"lumbar", "thoracolumbar"}
    moves = {d.value for d in t.directions} - {"neutral"}
    return bool(t.end_range and spine and (dp is None or not moves <= {dp}))


@settings(deadline=None)
@given(intake_docs(measurements=True))
def test_a_self_directed_plan_keeps_the_policy_and_every_rule(doc: dict[str, Any]) -> None:
    intake = Intake.model_validate(doc)
    assessment = assess(intake)
    plan = build_plan(intake, assessment)
    if assessment.referral.required:
        assert plan.status == "referral_required" and plan.weeks == ()
        return
    assert plan.status == "ok" and len(plan.weeks) == 12
    assert plan.notes[0] == SELF_DIRECTED_NOTE
    dp = intake.measurements.directional_preference
    direction = None if dp is None or dp.value == "none" else dp.value
    lib = library()
    excluded = {e.technique for e in plan.excluded}
    for t in lib.techniques:
        if left_out(t, direction):
            assert t.id in excluded, t.id
    for w in plan.weeks:
        for s in w.sessions:
            assert abs(s.estimated_minutes - sum(b.estimated_minutes for b in s.blocks)) < 0.05
            assert s.estimated_minutes <= intake.preferences.minutes_per_session + 1e-6
            for b in s.blocks:
                assert not left_out(lib.get(b.technique), direction), (w.week, b.technique)
                assert b.dose.sets <= MAX_SETS
                assert b.dose.intensity_target is None or b.dose.intensity_target <= MAX_TARGET
    assert self_directed_violations(plan, person_of(intake, assessment)) == ()
