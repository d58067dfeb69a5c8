"""The assessment: intake -> referral, scores, findings, rules, classification. Pure and deterministic."""

from __future__ import annotations

from lumbo.domain.assessment.model import Assessment
from lumbo.domain.classification import classify
from lumbo.domain.findings.collect import find
from lumbo.domain.intake import Intake
from lumbo.domain.referral import assess_referral
from lumbo.domain.rules import evaluate_rules
from lumbo.domain.scoring import score_all

_SECTIONS = ("history", "symptoms", "questionnaires", "measurements")


def assess(intake: Intake) -> Assessment:
    """Assess one intake. Absent sections are listed in ``not_assessed``; nothing is guessed."""
    scores, notes = score_all(intake)
    findings = find(intake, scores)
    rules = evaluate_rules(intake, scores)
    not_assessed = [name for name in _SECTIONS if name not in intake.model_fields_set]
    not_assessed += notes
    return Assessment(
        person_id=intake.person.id,
        age=intake.person.age,
        referral=assess_referral(intake, scores),
        scores=scores,
        findings=findings,
        rules=rules,
        classification=classify(intake, scores, findings, rules),
        not_assessed=tuple(not_assessed),
    )
