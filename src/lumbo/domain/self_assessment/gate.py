"""The safety gate of the self-assessment: may this person go on to a plan of their own? Pure.

The outcomes, most urgent first (the first that applies decides):

* ``EMERGENCY``: any cauda-equina sign or a worsening leg weakness or numbness (the emergency
  flags of :mod:`lumbo.domain.referral`): same-day emergency care. Nothing else answered changes it.
* ``TOO_YOUNG``: under the age a self-directed plan is for (``self_directed_min_age``, NICE NG59).
* ``SEE_CLINICIAN``: any other red flag, symptoms in both legs, recent back surgery or a fusion,
  pregnancy (ACOG 804), symptoms spreading down the leg in the repeated-movement test, or anything
  else :func:`lumbo.domain.referral.assess_referral` withholds a plan for (such as an ODI above
  its limit): stop the plan and explain.
* ``INCOMPLETE``: a safety question is not answered yet: never a plan.
* ``CLEAR``: the safety questions are answered and nothing stops a plan.

The thresholds are the referral module's; this module only says them in the person's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lumbo.domain.referral import (
    BEFORE_STARTING,
    EMERGENCY,
    SELF_CHECK_SPREAD,
    Withhold,
    assess_referral,
)
from lumbo.domain.scoring import score_all
from lumbo.domain.self_assessment.flow import asked, effective
from lumbo.domain.self_assessment.intake_map import screening_intake
from lumbo.domain.self_assessment.steps import Answers, red_flag_words
from lumbo.domain.thresholds import threshold


class Outcome(StrEnum):
    EMERGENCY = "emergency"
    TOO_YOUNG = "too_young"
    SEE_CLINICIAN = "see_clinician"
    INCOMPLETE = "incomplete"
    CLEAR = "clear"


ADVICE: dict[Outcome, str] = {
    Outcome.EMERGENCY: (
        "Get same-day emergency care: go to an emergency department or call your emergency "
        "number today. Do not wait to see if it settles, and do not start exercises."
    ),
    Outcome.TOO_YOUNG: (
        "lumbo's home plans are for people aged 16 and over. Please see a doctor or "
        "physiotherapist, who can plan your care with you and your family."
    ),
    Outcome.SEE_CLINICIAN: (
        "Please see a doctor or physiotherapist before you start an exercise plan. Print the "
        "summary of your answers and take it with you. You can come back once they have seen you."
    ),
    Outcome.INCOMPLETE: (
        "Please answer every safety question first. lumbo makes no plan until they are all "
        "answered."
    ),
    Outcome.CLEAR: "Nothing in your safety answers stops you from starting a plan of your own.",
}


@dataclass(frozen=True, slots=True)
class Gate:
    outcome: Outcome
    reasons: tuple[str, ...]  # in the person's words
    advice: str  # what to do now

    @property
    def stops(self) -> bool:
        """The flow stops here (emergency, too young, see a clinician)."""
        return self.outcome in (Outcome.EMERGENCY, Outcome.TOO_YOUNG, Outcome.SEE_CLINICIAN)

    @property
    def clear(self) -> bool:
        return self.outcome is Outcome.CLEAR


def _gate(outcome: Outcome, reasons: list[str]) -> Gate:
    return Gate(outcome, tuple(reasons), ADVICE[outcome])


SEE_CLINICIAN_WORDS: dict[str, str] = {
    "bilateral": (
        "you have symptoms in both legs, which can be an early warning sign of pressure on the "
        "nerves at the bottom of your spine, so a clinician should check you soon"
    ),
    "recent": "you had back surgery in the last 12 months, so your surgical team should agree "
    "to an exercise plan first",
    "fusion": "you have had a fusion operation on your back, so your surgical team should agree "
    "to an exercise plan first",
    "pregnant": "you are or may be pregnant, so your midwife or obstetric doctor should check you "
    "before you start an exercise plan",
    "spread": "your symptoms spread further down your leg when you moved your back again and "
    "again, so a clinician should check you before you exercise",
    "odi": "your answers show that your back limits your daily life a great deal, so a clinician "
    "should see you before you start",
    "other": "something in your answers needs a clinician's check before you start",
}


def _see_clinician(a: Answers) -> list[str]:
    out = [red_flag_words(k) for k in BEFORE_STARTING if a.get(k) is True]
    if a.get("bilateral_leg_symptoms") is True or a.get("leg_side") == "both":
        out.append(SEE_CLINICIAN_WORDS["bilateral"])
    surgery = a.get("back_surgery")
    if surgery in ("recent", "fusion"):
        out.append(SEE_CLINICIAN_WORDS[str(surgery)])
    if a.get("pregnant") is True:
        out.append(SEE_CLINICIAN_WORDS["pregnant"])
    if a.get("repeated_movement") == "spread":
        out.append(SEE_CLINICIAN_WORDS["spread"])
    return out


def gate(answers: Answers) -> Gate:
    """The gate of the answers so far (see the module's docstring for the order)."""
    a = effective(answers)
    emergency = [red_flag_words(k) for k in EMERGENCY if a.get(k) is True]
    if emergency:
        return _gate(Outcome.EMERGENCY, emergency)
    age = a.get("age")
    min_age = threshold("self_directed_min_age")["min_age"]
    if isinstance(age, int) and age < min_age:
        return _gate(
            Outcome.TOO_YOUNG, [f"you are {age}, and lumbo's home plans start at {min_age:g}"]
        )
    see = _see_clinician(a)
    if see:
        return _gate(Outcome.SEE_CLINICIAN, see)
    unanswered = [s.words for s in asked(answers) if s.safety and a.get(s.id) is None]
    if unanswered:
        return _gate(Outcome.INCOMPLETE, unanswered)
    return _referral_gate(answers)


def _referral_gate(answers: Answers) -> Gate:
    """The referral module's own verdict on the answers so far (ODI above its limit, and any rule
    this module does not name)."""
    intake = screening_intake(answers)
    if intake is None:  # cannot happen once the age is answered; never a plan without it
        return _gate(Outcome.INCOMPLETE, ["How old are you?"])
    scores, _ = score_all(intake)
    referral = assess_referral(intake, scores)
    if not referral.required:
        return _gate(Outcome.CLEAR, [])
    if referral.urgency == "emergency":
        return _gate(Outcome.EMERGENCY, [SEE_CLINICIAN_WORDS["other"]])
    limit = threshold("odi_contact_clinician")["above"]
    odi = scores.odi
    if odi is not None and odi.percent is not None and odi.percent > limit:
        return _gate(Outcome.SEE_CLINICIAN, [SEE_CLINICIAN_WORDS["odi"]])
    return _gate(Outcome.SEE_CLINICIAN, [SEE_CLINICIAN_WORDS["other"]])


def self_check_withhold(answers: Answers, spread: str = SELF_CHECK_SPREAD) -> Withhold | None:
    """What a self-check's gate adds to the follow-up assessment's referral (None when the gate
    does not stop). Every rule of the gate but one reads an intake field the referral module also
    reads (red flags, both legs, back surgery, pregnancy, the age, the ODI); the repeated-movement
    answer "spread" has none, so it becomes a referral reason here (lumbo policy: a self-directed
    person whose symptoms spread down the leg sees a clinician first). Anything else the gate
    stops for that the referral does not see still withholds the plan (``otherwise``). ``spread``:
    the reason that answer gives (a self-check's, or the self-tests' right after the first plan:
    ``SELF_TEST_SPREAD``)."""
    g = gate(answers)
    if not g.stops:
        return None
    a = effective(answers)
    reasons = (spread,) if a.get("repeated_movement") == "spread" else ()
    return Withhold(
        urgency="emergency" if g.outcome is Outcome.EMERGENCY else "before_starting",
        reasons=reasons,
        otherwise="the self-check's safety questions stopped the plan (lumbo policy): "
        + "; ".join(g.reasons),
    )
