"""Fitting a self-directed plan right after it is made (issue 20): the self-tests asked then (the
hamstring test on each leg and the repeated movements: ``fits_plan`` in ``self_tests.toml``) go
into the baseline, and the plan is rebuilt from them as a new version when its prescription
changes, or withheld when symptoms spread down the leg. Called by
:func:`lumbo.services.self_assessment.answer` inside its unit of work (the caller commits)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lumbo.domain.adjust.apply import material_change
from lumbo.domain.assessment.assess import assess
from lumbo.domain.assessment.model import Assessment
from lumbo.domain.intake import Intake
from lumbo.domain.protocol import self_directed
from lumbo.domain.protocol.engine import person_of
from lumbo.domain.referral import SELF_TEST_SPREAD
from lumbo.domain.self_assessment import flow
from lumbo.domain.self_assessment.gate import self_check_withhold
from lumbo.domain.self_assessment.intake_map import measurements
from lumbo.domain.self_assessment.steps import ASKED_AFTER_PLAN, CLINICIAN_ONLY
from lumbo.services.journey import _add_assessed, _add_rebuilt_plan
from lumbo.services.later_baseline import baseline_left_for_later
from lumbo.store.repository import JourneyRepository

FITTED = "Fitted to your back-of-thigh and repeated-bending self-tests, taken after the first plan."


def fit(repo: JourneyRepository, person_id: str | None, answers: Mapping[str, Any]) -> None:
    """The plan fitted to the self-tests asked right after it (the caller commits): their results
    go into a new baseline intake (the latest baseline with those measurements added, nothing else
    changed, so questionnaires the phone asked after the plan stay) and its assessment; the
    self-directed plan is rebuilt from them and stored as a new version when the prescription
    changes (:func:`material_change`; a recorded direction adds its end-range work). Symptoms that
    spread down the leg (or any stop of the gate) withhold the plan through the assessment's
    referral (:func:`self_check_withhold`), as at a self-check: no session until a clinician or a
    later self-check clears it. All tests skipped and nothing to withhold: nothing changes."""
    if person_id is None:
        return
    fit_ids = {s.id for s in flow.fitting(answers)}
    before = measurements({k: v for k, v in answers.items() if k not in fit_ids})
    added = {k: v for k, v in measurements(dict(answers)).items() if before.get(k) != v}
    withhold = self_check_withhold(dict(answers), SELF_TEST_SPREAD)
    if not added and withhold is None:
        return
    baseline = [i for i in repo.intakes(person_id) if i.kind == "baseline"][-1]
    doc = baseline.intake.model_dump(mode="json")
    doc["measurements"] = {**(doc.get("measurements") or {}), **added}
    fitted = Intake.model_validate(doc)
    assessment = self_assessed(fitted)
    if withhold is not None:
        assessment = assessment.model_copy(
            update={"referral": withhold.applied(assessment.referral)}
        )
    _, assessment_rec = _add_assessed(repo, person_id, "baseline", fitted, assessment)
    current = repo.latest_plan(person_id)
    if assessment.referral.required or current is None:
        return  # withheld: the referral screen, never a session (``active_plan``)
    plan = self_directed.build_plan(fitted, assessment)
    broken = self_directed.self_directed_violations(plan, person_of(fitted, assessment))
    if plan.status != "ok" or broken or not material_change(current.plan, plan):
        return  # the plan in force (safe, made without these results) stays
    _add_rebuilt_plan(repo, current, plan, FITTED, assessment_rec)


def self_assessed(intake: Intake) -> Assessment:
    """The assessment of a self-assessment's intake: what only a clinician can test stays "not
    assessed", and what is asked after the plan while not answered yet, both in the person's
    words."""
    assessment = assess(intake)
    later = (ASKED_AFTER_PLAN,) if baseline_left_for_later(intake) else ()
    return assessment.model_copy(
        update={"not_assessed": (*assessment.not_assessed, CLINICIAN_ONLY, *later)}
    )
