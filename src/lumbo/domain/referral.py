"""Red-flag screening and gating -> referral decision (AHCPR 1994; Cook 2017: refer, do not diagnose).

- ``emergency``: cauda-equina signs or progressive neurological deficit. Clinician clearance never
  overrides it.
- ``before_starting``:
  - the cauda-equina questions are not all answered (:data:`MANDATORY`): "answer these first". No
    clearance overrides it: the answers must be recorded before any plan.
  - fracture, tumour or infection indicators, and the gates of :data:`GATES` (bilateral leg
    symptoms, recent spinal surgery or fusion, age under 16, ODI above 80%, a new or significant
    motor deficit). A recorded clinician clearance lets a plan be built, and each cleared item is
    still reported as a caution.
  - pregnancy without a recorded obstetric clearance (ACOG Committee Opinion 804).
- ``none``: nothing found. Unscreened flags and age-related risk factors are reported as cautions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from lumbo.domain.assessment.model import Referral, Scores
from lumbo.domain.intake import RED_FLAG_FIELDS, Condition, Intake
from lumbo.domain.neuro import motor_deficit_reason
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

MANDATORY: dict[str, str] = {
    "saddle_anaesthesia": "Is there numbness between your legs or around your back passage?",
    "bladder_or_bowel_dysfunction": "Have you had any new problem passing or holding urine or stool?",
    "progressive_neurological_deficit": "Is weakness or numbness in your legs getting worse?",
}
"""The cauda-equina questions: unanswered -> no plan until they are answered (lumbo policy on
AHCPR 1994's cauda-equina flags)."""

ANSWER_FIRST = "Answer these questions first, then assess again"


@dataclass(frozen=True, slots=True)
class Gate:
    """One gating rule: when it applies, no plan without a recorded clinician clearance."""

    key: str
    applies: Callable[[Intake, Scores], str | None]  # the reason text, or None
    source: str


def _bilateral(intake: Intake, _: Scores) -> str | None:
    if intake.symptoms.bilateral_leg_symptoms:
        return "symptoms in both legs (a recognised cauda equina warning sign)"
    return None


def _surgery(intake: Intake, _: Scores) -> str | None:
    c = set(intake.history.conditions)
    if Condition.recent_spinal_surgery in c:
        return "recent spinal surgery: clearance from the treating team is needed"
    if Condition.lumbar_fusion in c:
        return "lumbar fusion: clearance from the treating team is needed"
    return None


def _under_16(intake: Intake, _: Scores) -> str | None:
    t = threshold("self_directed_min_age")
    if intake.person.age < t["min_age"]:
        return (
            f"age {intake.person.age}: a self-directed plan is for people aged {t['min_age']} and "
            f"over ({t.cite} covers {t['min_age']}+); a clinician must lead the care"
        )
    return None


def _odi(_: Intake, scores: Scores) -> str | None:
    odi = scores.odi
    t = threshold("odi_contact_clinician")
    if odi is not None and odi.percent > t["above"]:
        return f"disability score (ODI) {odi.percent:g}% is above {t['above']}%: contact a clinician first"
    return None


def _motor(intake: Intake, _: Scores) -> str | None:
    return motor_deficit_reason(intake)


GATES: tuple[Gate, ...] = (
    Gate("bilateral_leg_symptoms", _bilateral, "AHCPR 1994; NICE NG59"),
    Gate("recent_spinal_surgery_or_fusion", _surgery, "lumbo policy"),
    Gate("under_16", _under_16, "NICE NG59 (covers people aged 16 and over)"),
    Gate("odi_above_80", _odi, "lumbo policy (ODI band above 80%)"),
    Gate("new_or_significant_motor_deficit", _motor, "AHCPR 1994 (neurological deficit)"),
)


def unanswered_mandatory(intake: Intake) -> list[str]:
    """The cauda-equina questions not answered in this intake (field names, in order)."""
    return [name for name in MANDATORY if getattr(intake.red_flags, name) is None]


def _pregnancy(intake: Intake) -> str | None:
    if Condition.pregnancy not in intake.history.conditions or intake.history.obstetric_clearance:
        return None
    return (
        "pregnancy: your obstetric care provider should check you before you start an exercise "
        "programme (ACOG Committee Opinion 804)"
    )


def assess_referral(intake: Intake, scores: Scores) -> Referral:
    flags = intake.red_flags
    cleared = intake.history.clinician_clearance
    emergency = [text for name, text in EMERGENCY.items() if getattr(flags, name) is True]
    before = [text for name, text in BEFORE_STARTING.items() if getattr(flags, name) is True]
    before += [r for g in GATES if (r := g.applies(intake, scores)) is not None]
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

    unanswered = unanswered_mandatory(intake)
    pregnancy = _pregnancy(intake)
    if (before and not cleared) or unanswered or pregnancy:
        reasons = []
        if unanswered:
            reasons.append(f"{ANSWER_FIRST}: " + " ".join(MANDATORY[name] for name in unanswered))
        if not cleared:
            reasons += [f"{r} — see a clinician before starting ({_SOURCE})" for r in before]
        if pregnancy:
            reasons.append(pregnancy)
        cautions = [f"cleared by a clinician, keep monitoring: {r}" for r in before if cleared]
        return Referral(
            required=True,
            urgency="before_starting",
            reasons=tuple(reasons),
            cautions=tuple(cautions + _background_cautions(intake)),
            unanswered=tuple(unanswered),
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


SELF_CHECK_SPREAD = (
    "symptoms spread further down the leg in the repeated-movement self-test at a self-check "
    "— see a clinician before the plan goes on (lumbo policy for a self-directed plan; "
    "repeated-movement testing after Long 2004)"
)
"""The referral reason of a self-check whose repeated-movement answer is "spread further down my
leg": no intake field holds that answer, so the self-check's gate carries it into the follow-up
assessment's referral (:class:`Withhold`)."""

SELF_TEST_SPREAD = (
    "symptoms spread further down the leg in the repeated-movement self-test right after the "
    "first plan — see a clinician before the plan goes on (lumbo policy for a self-directed plan; "
    "repeated-movement testing after Long 2004)"
)
"""The same answer in the self-tests that fit a self-directed plan right after it is made."""

SPREAD_REASONS = (SELF_CHECK_SPREAD, SELF_TEST_SPREAD)


@dataclass(frozen=True, slots=True)
class Withhold:
    """More reasons that withhold the plan, from outside the intake (a self-check's safety gate):
    ``reasons`` are always added; ``otherwise`` only when nothing else withholds the plan (the gate
    stopped for a rule this module does not see), so the plan is never left offered."""

    urgency: Literal["emergency", "before_starting"]
    reasons: tuple[str, ...]
    otherwise: str

    def applied(self, referral: Referral) -> Referral:
        """``referral`` with these reasons: required, the more urgent urgency kept, every reason
        it already had kept and none repeated."""
        added = [r for r in self.reasons if r not in referral.reasons]
        if not referral.required and not added:
            added = [self.otherwise]
        if not added and (referral.urgency == "emergency" or self.urgency != "emergency"):
            return referral
        urgency = "emergency" if "emergency" in (referral.urgency, self.urgency) else self.urgency
        return referral.model_copy(
            update={
                "required": True,
                "urgency": urgency,
                "reasons": (*referral.reasons, *added),
            }
        )
