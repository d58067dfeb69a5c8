"""Red-flag screening -> referral decision (AHCPR 1994; Cook 2017: refer, do not diagnose).

- ``emergency``: cauda-equina signs or progressive neurological deficit. Clinician clearance never
  overrides it.
- ``before_starting``: fracture, tumour or infection indicators. A recorded clinician clearance lets a
  plan be built, and each cleared flag is still reported as a caution.
- ``none``: nothing found. Unscreened flags and age-related risk factors are reported as cautions.
"""

from __future__ import annotations

from lumbo.domain.assessment_model import Referral
from lumbo.domain.intake import RED_FLAG_FIELDS, Condition, Intake
from lumbo.domain.thresholds import threshold

EMERGENCY: dict[str, str] = {
    "saddle_anaesthesia": "saddle anaesthesia (possible cauda equina syndrome)",
    "bladder_or_bowel_dysfunction": "new bladder or bowel dysfunction (possible cauda equina syndrome)",
    "progressive_neurological_deficit": "severe or progressive neurological deficit",
}

BEFORE_STARTING: dict[str, str] = {
    "history_of_cancer": "history of cancer (tumour indicator)",
    "unexplained_weight_loss": "unexplained weight loss (tumour indicator)",
    "fever_or_chills": "fever or chills (infection indicator)",
    "recent_bacterial_infection": "recent bacterial infection (infection indicator)",
    "iv_drug_use": "intravenous drug use (infection indicator)",
    "immunosuppression": "immunosuppression (infection indicator)",
    "major_trauma": "major trauma (fracture indicator)",
    "minor_trauma_with_osteoporosis": "minor trauma with osteoporosis (fracture indicator)",
    "prolonged_corticosteroids": "prolonged corticosteroid use (fracture and infection indicator)",
    "severe_night_pain": "severe night pain (tumour/infection indicator)",
    "pain_worse_lying_down": "pain worse lying down (tumour/infection indicator)",
}

_SOURCE = "AHCPR 1994; screening has limited diagnostic accuracy, so lumbo refers and does not diagnose (Cook 2017)"


def assess_referral(intake: Intake) -> Referral:
    flags = intake.red_flags
    cleared = intake.history.clinician_clearance
    emergency = [text for name, text in EMERGENCY.items() if getattr(flags, name) is True]
    before = [text for name, text in BEFORE_STARTING.items() if getattr(flags, name) is True]
    cautions: list[str] = []

    if emergency:
        reasons = [f"{r} — seek same-day emergency assessment ({_SOURCE})" for r in emergency]
        reasons += [f"{r} ({_SOURCE})" for r in before]
        if cleared:
            cautions.append("clinician clearance is recorded but never overrides emergency signs")
        cautions += _background_cautions(intake)
        return Referral(
            required=True, urgency="emergency", reasons=tuple(reasons), cautions=tuple(cautions)
        )

    if before and not cleared:
        reasons = [
            f"{r} — see a clinician to exclude serious pathology before starting ({_SOURCE})"
            for r in before
        ]
        return Referral(
            required=True,
            urgency="before_starting",
            reasons=tuple(reasons),
            cautions=tuple(_background_cautions(intake)),
        )

    cautions += [f"cleared by a clinician, keep monitoring: {r}" for r in before]
    cautions += _background_cautions(intake)
    return Referral(required=False, urgency="none", reasons=(), cautions=tuple(cautions))


def _background_cautions(intake: Intake) -> list[str]:
    """Risk factors that do not require referral by themselves but must never be silently dropped."""
    out: list[str] = []
    unscreened = [name for name in RED_FLAG_FIELDS if getattr(intake.red_flags, name) is None]
    if unscreened:
        out.append("not screened (ask before starting): " + ", ".join(unscreened))
    t = threshold("red_flag_age")
    age = intake.person.age
    if age > t["above"] or age < t["below"]:
        out.append(
            f"age {age} (over {t['above']} or under {t['below']}) is listed as a tumour/infection "
            f"risk factor; it matters together with other flags ({t.cite})"
        )
    if intake.symptoms.bilateral_leg_symptoms:
        out.append(
            "bilateral leg symptoms: watch for cauda equina signs (saddle numbness, bladder or bowel "
            "change) and seek emergency care if they appear"
        )
    if Condition.osteoporosis in intake.history.conditions:
        out.append(
            "osteoporosis: any new trauma, even minor, needs a clinician's check for fracture"
        )
    return out
