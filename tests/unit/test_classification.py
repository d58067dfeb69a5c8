"""Alrwaily 2016 approach (as operationalised by lumbo policy) and Fritz 2007 categories."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import DELETE, assess_doc, with_changes

ODI_10 = [1, 1, 0, 0, 0, 1, 0, 1, 0, 1]  # 10%
ODI_50 = [3, 2, 3, 2, 3, 2, 3, 2, 3, 2]  # 50%


@pytest.mark.parametrize(
    ("changes", "approach"),
    [
        ({}, "movement_control"),  # pain 3, ODI 24%
        ({"symptoms.pain_now": 7, "symptoms.pain_worst": 8}, "symptom_modulation"),
        ({"questionnaires.odi": ODI_50}, "symptom_modulation"),
        ({"questionnaires.odi": ODI_10}, "function_optimization"),
        ({"questionnaires.odi": ODI_10, "symptoms.pain_now": 4}, "movement_control"),
        (
            {"history.symptom_duration_days": 20, "symptoms.pain_now": 4},
            "symptom_modulation",
        ),
        ({"history.symptom_duration_days": 20, "symptoms.pain_now": 3}, "movement_control"),
        ({"questionnaires.odi": DELETE}, "function_optimization"),  # pain 3 alone, said in reasons
    ],
)
def test_approach(example_intake: dict[str, Any], changes: dict[str, Any], approach: str) -> None:
    c = assess_doc(with_changes(example_intake, changes)).classification
    assert c.approach == approach
    assert c.approach_reasons


@pytest.mark.parametrize(
    ("changes", "tbc"),
    [
        ({}, None),
        ({"history.symptom_duration_days": 10}, "manipulation"),
        ({"person.age": 35}, "stabilization"),
        ({"measurements.directional_preference": "extension"}, "specific_exercise_extension"),
        ({"measurements.directional_preference": "flexion"}, "specific_exercise_flexion"),
        (
            {"person.age": 60, "history.conditions": ["spinal_stenosis"]},
            "specific_exercise_flexion",
        ),
        ({"symptoms.distribution": "below_knee"}, "traction"),
        # A directional preference that was not assessed is not "none": no traction category.
        (
            {"symptoms.distribution": "below_knee", "measurements.directional_preference": DELETE},
            None,
        ),
        (
            {
                "symptoms.distribution": "below_knee",
                "measurements.directional_preference": "extension",
            },
            "specific_exercise_extension",
        ),
    ],
)
def test_tbc(example_intake: dict[str, Any], changes: dict[str, Any], tbc: str | None) -> None:
    c = assess_doc(with_changes(example_intake, changes)).classification
    assert c.tbc == tbc
    assert c.tbc_reasons


def test_psychosocial_risk_reported(example_intake: dict[str, Any]) -> None:
    assert assess_doc(example_intake).classification.psychosocial_risk == "low"
    no_sb = with_changes(example_intake, {"questionnaires.start_back": DELETE})
    assert assess_doc(no_sb).classification.psychosocial_risk == "elevated_fear_avoidance"


def test_dp_not_assessed_says_so(example_intake: dict[str, Any]) -> None:
    doc = with_changes(
        example_intake,
        {"symptoms.distribution": "below_knee", "measurements.directional_preference": DELETE},
    )
    c = assess_doc(doc).classification
    assert any("directional preference not assessed" in r for r in c.tbc_reasons)
