"""Red flags -> referral urgency; clearance overrides only the non-emergency flags."""

from __future__ import annotations

from typing import Any

import pytest

from lumbo.domain.assessment.model import Referral
from lumbo.domain.intake import RED_FLAG_FIELDS
from lumbo.domain.referral import ANSWER_FIRST, BEFORE_STARTING, EMERGENCY, MANDATORY, Withhold
from tests.helpers import DELETE, assess_doc, with_changes


@pytest.mark.parametrize(
    ("flags", "cleared", "required", "urgency"),
    [
        ({}, False, False, "none"),
        ({}, True, False, "none"),
        *[({f: True}, False, True, "emergency") for f in EMERGENCY],
        *[({f: True}, True, True, "emergency") for f in EMERGENCY],  # clearance never overrides
        *[({f: True}, False, True, "before_starting") for f in BEFORE_STARTING],
        *[({f: True}, True, False, "none") for f in BEFORE_STARTING],
        ({"saddle_anaesthesia": True, "history_of_cancer": True}, True, True, "emergency"),
        ({"history_of_cancer": True, "fever_or_chills": True}, False, True, "before_starting"),
    ],
)
def test_referral_urgency(
    example_intake: dict[str, Any],
    flags: dict[str, bool],
    cleared: bool,
    required: bool,
    urgency: str,
) -> None:
    changes: dict[str, Any] = {f"red_flags.{k}": v for k, v in flags.items()}
    changes["history.clinician_clearance"] = cleared
    r = assess_doc(with_changes(example_intake, changes)).referral
    assert (r.required, r.urgency) == (required, urgency)
    assert len(r.reasons) == (len(flags) if required else 0)


@pytest.mark.parametrize("flag", sorted(BEFORE_STARTING))
def test_cleared_flag_is_still_reported_as_caution(
    example_intake: dict[str, Any], flag: str
) -> None:
    doc = with_changes(
        example_intake, {f"red_flags.{flag}": True, "history.clinician_clearance": True}
    )
    r = assess_doc(doc).referral
    assert any("cleared by a clinician" in c and BEFORE_STARTING[flag] in c for c in r.cautions)


def test_emergency_with_clearance_says_clearance_does_not_override(
    example_intake: dict[str, Any],
) -> None:
    doc = with_changes(
        example_intake, {"red_flags.saddle_anaesthesia": True, "history.clinician_clearance": True}
    )
    r = assess_doc(doc).referral
    assert any("never overrides" in c for c in r.cautions)


@pytest.mark.parametrize("flag", [f for f in RED_FLAG_FIELDS if f not in MANDATORY])
def test_unscreened_flag_is_a_caution(example_intake: dict[str, Any], flag: str) -> None:
    r = assess_doc(with_changes(example_intake, {f"red_flags.{flag}": DELETE})).referral
    assert not r.required
    assert any(c.startswith("not screened") and flag in c for c in r.cautions)


@pytest.mark.parametrize("cleared", [False, True])
@pytest.mark.parametrize("flag", sorted(MANDATORY))
def test_unanswered_cauda_equina_question_withholds_the_plan(
    example_intake: dict[str, Any], flag: str, cleared: bool
) -> None:
    doc = with_changes(
        example_intake, {f"red_flags.{flag}": DELETE, "history.clinician_clearance": cleared}
    )
    r = assess_doc(doc).referral
    assert (r.required, r.urgency, r.unanswered) == (True, "before_starting", (flag,))
    assert r.reasons[0].startswith(ANSWER_FIRST)
    assert MANDATORY[flag] in r.reasons[0]


_RADICULAR_WEAK = {"measurements.neuro_screen": {"myotomes": {"left": "absent"}}}


@pytest.mark.parametrize(
    ("changes", "required", "words"),
    [
        ({}, False, None),
        ({"symptoms.bilateral_leg_symptoms": True}, True, "both legs"),
        ({"history.conditions": ["recent_spinal_surgery"]}, True, "recent spinal surgery"),
        ({"history.conditions": ["lumbar_fusion"]}, True, "lumbar fusion"),
        ({"person.age": 15}, True, "aged 16 and over"),
        ({"person.age": 16}, False, None),
        ({"questionnaires.odi": [5, 5, 5, 5, 4, 4, 4, 4, 4, 5]}, True, "above 80%"),
        ({"questionnaires.odi": [4] * 10}, False, None),  # 80% is not above 80%
        (_RADICULAR_WEAK, True, "significant muscle weakness on the left"),
        ({"measurements.neuro_screen": {"myotomes": {"left": "reduced"}}}, False, None),
        (
            {
                "measurements.neuro_screen": {
                    "myotomes": {"right": "reduced"},
                    "motor_deficit_new": True,
                }
            },
            True,
            "new muscle weakness on the right",
        ),
        ({"history.conditions": ["pregnancy"]}, True, "obstetric care provider"),
        (
            {"history.conditions": ["pregnancy"], "history.obstetric_clearance": True},
            False,
            None,
        ),
    ],
)
def test_gates(
    example_intake: dict[str, Any], changes: dict[str, Any], required: bool, words: str | None
) -> None:
    r = assess_doc(with_changes(example_intake, changes)).referral
    assert (r.required, r.urgency) == (required, "before_starting" if required else "none")
    if words:
        assert any(words in reason for reason in r.reasons)


@pytest.mark.parametrize(
    "changes",
    [
        {"symptoms.bilateral_leg_symptoms": True},
        {"history.conditions": ["recent_spinal_surgery"]},
        {"person.age": 15},
        {"questionnaires.odi": [5] * 10},
        _RADICULAR_WEAK,
    ],
)
def test_clinician_clearance_opens_a_gate_and_keeps_it_as_caution(
    example_intake: dict[str, Any], changes: dict[str, Any]
) -> None:
    r = assess_doc(
        with_changes(example_intake, {**changes, "history.clinician_clearance": True})
    ).referral
    assert not r.required
    assert any(c.startswith("cleared by a clinician") for c in r.cautions)


def test_pregnancy_needs_obstetric_not_only_clinician_clearance(
    example_intake: dict[str, Any],
) -> None:
    doc = with_changes(
        example_intake, {"history.conditions": ["pregnancy"], "history.clinician_clearance": True}
    )
    assert assess_doc(doc).referral.required


@pytest.mark.parametrize(("age", "caution"), [(19, True), (20, False), (50, False), (51, True)])
def test_age_risk_factor_is_a_caution_not_a_referral(
    example_intake: dict[str, Any], age: int, caution: bool
) -> None:
    r = assess_doc(with_changes(example_intake, {"person.age": age})).referral
    assert not r.required
    assert any("risk factor" in c for c in r.cautions) is caution


_NONE = Referral(required=False, urgency="none", cautions=("c",))
_BEFORE = Referral(required=True, urgency="before_starting", reasons=("fever",))
_URGENT = Referral(required=True, urgency="emergency", reasons=("saddle",))


@pytest.mark.parametrize(
    ("referral", "withhold", "urgency", "reasons"),
    [
        # a self-check's "spread": added to an empty referral, and to one that already withholds
        (_NONE, Withhold("before_starting", ("spread",), "gate"), "before_starting", ("spread",)),
        (
            _BEFORE,
            Withhold("before_starting", ("spread",), "gate"),
            "before_starting",
            ("fever", "spread"),
        ),
        (
            _URGENT,
            Withhold("before_starting", ("spread",), "gate"),
            "emergency",
            ("saddle", "spread"),
        ),
        # a gate stop the referral already says: nothing repeated, nothing added
        (_BEFORE, Withhold("before_starting", (), "gate"), "before_starting", ("fever",)),
        (_BEFORE, Withhold("before_starting", ("fever",), "gate"), "before_starting", ("fever",)),
        # a gate stop the referral does not see: never left offered, the more urgent kept
        (_NONE, Withhold("before_starting", (), "gate"), "before_starting", ("gate",)),
        (_NONE, Withhold("emergency", (), "gate"), "emergency", ("gate",)),
        (_BEFORE, Withhold("emergency", (), "gate"), "emergency", ("fever",)),
    ],
)
def test_a_withhold_adds_its_reasons_and_never_lowers_the_urgency(
    referral: Referral, withhold: Withhold, urgency: str, reasons: tuple[str, ...]
) -> None:
    out = withhold.applied(referral)
    assert out.required and out.urgency == urgency and out.reasons == reasons
    assert out.cautions == referral.cautions
