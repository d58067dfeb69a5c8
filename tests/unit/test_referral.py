"""Red flags -> referral urgency; clearance overrides only the non-emergency flags."""

from __future__ import annotations

from typing import Any

import pytest

from lumbo.domain.intake import RED_FLAG_FIELDS
from lumbo.domain.referral import BEFORE_STARTING, EMERGENCY
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


@pytest.mark.parametrize("flag", RED_FLAG_FIELDS)
def test_unscreened_flag_is_a_caution(example_intake: dict[str, Any], flag: str) -> None:
    r = assess_doc(with_changes(example_intake, {f"red_flags.{flag}": DELETE})).referral
    assert not r.required
    assert any(c.startswith("not screened") and flag in c for c in r.cautions)


@pytest.mark.parametrize(("age", "caution"), [(19, True), (20, False), (50, False), (51, True)])
def test_age_risk_factor_is_a_caution_not_a_referral(
    example_intake: dict[str, Any], age: int, caution: bool
) -> None:
    r = assess_doc(with_changes(example_intake, {"person.age": age})).referral
    assert not r.required
    assert any("risk factor" in c for c in r.cautions) is caution
