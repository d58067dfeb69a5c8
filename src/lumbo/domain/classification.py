"""Classification: Alrwaily 2016 treatment approach and Fritz 2007 treatment-based category (TBC)."""

from __future__ import annotations

from lumbo.domain.assessment.model import Approach, Classification, Finding, RuleResult, Scores
from lumbo.domain.intake import Condition, Direction, Intake
from lumbo.domain.thresholds import threshold


def _approach(intake: Intake, scores: Scores) -> tuple[Approach, list[str]]:
    t = threshold("alrwaily_approach")
    cite = f"{t.cite}, operationalising Alrwaily 2016"
    pain = intake.symptoms.pain_now
    odi = scores.odi.percent if scores.odi else None
    days = intake.history.symptom_duration_days
    recent = days is not None and days < t["recent_episode_below_days"]
    facts = [
        f"pain now {pain}/10" if pain is not None else "pain now not rated",
        f"ODI {odi:g}%" if odi is not None else "ODI not assessed",
        f"symptoms for {days} days" if days is not None else "symptom duration not recorded",
    ]
    significant = (pain is not None and pain >= t["symptom_modulation_pain_min"]) or (
        odi is not None and odi > t["symptom_modulation_odi_above"]
    )
    if significant or (recent and pain is not None and pain >= 4):
        why = (
            f"significant symptoms (pain >= {t['symptom_modulation_pain_min']}/10 or ODI > "
            f"{t['symptom_modulation_odi_above']}%)"
            if significant
            else f"recent episode (< {t['recent_episode_below_days']} days) with moderate pain"
        )
        return "symptom_modulation", [*facts, f"{why} ({cite})"]
    low_pain = pain is not None and pain <= t["function_optimization_pain_max"]
    low_disability = odi is None or odi <= t["function_optimization_odi_max"]
    if low_pain and low_disability:
        qualifier = "" if odi is not None else "; ODI not assessed, judged on pain alone"
        return "function_optimization", [
            *facts,
            f"low pain (<= {t['function_optimization_pain_max']}/10) and low disability (ODI <= "
            f"{t['function_optimization_odi_max']}%){qualifier} ({cite})",
        ]
    return "movement_control", [*facts, f"moderate pain and disability ({cite})"]


def _tbc(
    intake: Intake, findings: tuple[Finding, ...], rules: dict[str, RuleResult]
) -> tuple[str | None, list[str]]:
    """Fritz 2007 categories in order of precedence; every matching category is reported."""
    matches: list[tuple[str, str]] = []
    if rules["flynn_manipulation"].positive:
        matches.append(("manipulation", "Flynn 2002 rule positive"))
    dp = intake.measurements.directional_preference
    if dp is Direction.extension:
        matches.append(("specific_exercise_extension", "directional preference for extension"))
    elif dp is Direction.flexion:
        matches.append(("specific_exercise_flexion", "directional preference for flexion"))
    elif dp is Direction.lateral:
        matches.append(
            ("specific_exercise_lateral_shift", "directional preference for lateral movement")
        )
    if (
        dp is not Direction.flexion
        and intake.person.age > 50
        and Condition.spinal_stenosis in intake.history.conditions
    ):
        matches.append(("specific_exercise_flexion", "age over 50 with spinal stenosis"))
    if rules["hicks_stabilization"].positive:
        matches.append(("stabilization", "Hicks 2005 success rule positive (>= 3 of 4)"))
    nerve_root = any(
        f.code in {"RADICULAR_SYMPTOMS", "NEURAL_MECHANOSENSITIVITY"} for f in findings
    )
    if nerve_root and dp is Direction.none:
        matches.append(("traction", "nerve-root signs and no movement direction centralizes"))
    not_assessed = []
    if nerve_root and dp is None:
        # Not assessed is not "none": the traction category needs a test that found no direction.
        not_assessed.append(
            "directional preference not assessed: test repeated movements before choosing between "
            "specific exercise and traction (Fritz 2007)"
        )
    why = rules["flynn_manipulation"].not_applicable_reason
    if why is not None:
        not_assessed.append(f"Flynn 2002 and Hicks 2005 rules {why}")
    if not matches:
        return None, [
            "no Fritz 2007 category's criteria are met on the data given",
            *not_assessed,
        ]
    chosen = matches[0][0]
    reasons = [f"{cat}: {why} (Fritz 2007)" for cat, why in matches]
    return chosen, reasons + not_assessed


def classify(
    intake: Intake,
    scores: Scores,
    findings: tuple[Finding, ...],
    rules: dict[str, RuleResult],
) -> Classification:
    approach, approach_reasons = _approach(intake, scores)
    tbc, tbc_reasons = _tbc(intake, findings, rules)
    risk: str | None = None
    if scores.start_back:
        risk = scores.start_back.risk
    elif any(f.code == "ELEVATED_FEAR_AVOIDANCE" for f in findings):
        risk = "elevated_fear_avoidance"
    elif scores.fabq:
        risk = "not_elevated"
    return Classification(
        approach=approach,
        approach_reasons=tuple(approach_reasons),
        tbc=tbc,
        tbc_reasons=tuple(tbc_reasons),
        psychosocial_risk=risk,
    )
