"""Flynn 2002 and Hicks 2005: every criterion at its boundary; missing data is unknown, never met."""

from __future__ import annotations

from typing import Any

import pytest

from lumbo.domain.intake import SEGMENTS
from tests.helpers import DELETE, assess_doc, with_changes


def _criterion(doc: dict[str, Any], rule: str, name: str) -> str:
    return assess_doc(doc).rules[rule].criteria[name].status


def test_example_intake_rules(example_intake: dict[str, Any]) -> None:
    rules = assess_doc(example_intake).rules
    flynn, hicks = rules["flynn_manipulation"], rules["hicks_stabilization"]
    assert (flynn.count, flynn.of, flynn.positive, flynn.unknown) == (3, 5, False, 0)
    assert (hicks.count, hicks.of, hicks.positive, hicks.unknown) == (2, 4, False, 0)
    assert flynn.criteria["fabq_work_under_19"].status == "not_met"  # W = 19 is not < 19
    assert rules["hicks_stabilization_failure"].count == 0


@pytest.mark.parametrize(
    ("changes", "criterion", "status"),
    [
        ({"history.symptom_duration_days": 15}, "symptoms_under_16_days", "met"),
        ({"history.symptom_duration_days": 16}, "symptoms_under_16_days", "not_met"),
        ({"history.symptom_duration_days": DELETE}, "symptoms_under_16_days", "unknown"),
        ({"symptoms.distribution": "thigh"}, "no_symptoms_distal_to_knee", "met"),
        ({"symptoms.distribution": "below_knee"}, "no_symptoms_distal_to_knee", "not_met"),
        ({"symptoms.distribution": DELETE}, "no_symptoms_distal_to_knee", "unknown"),
        (
            {"questionnaires.fabq": [0] * 5 + [6, 6, 0, 6, 0, 0, 0, 0, 0, 0, 0]},
            "fabq_work_under_19",
            "met",
        ),
        ({"questionnaires.fabq": DELETE}, "fabq_work_under_19", "unknown"),
        (
            {"measurements.hip_internal_rotation_right_deg": 35},
            "hip_internal_rotation_over_35",
            "not_met",
        ),
        (
            {"measurements.hip_internal_rotation_right_deg": 35.5},
            "hip_internal_rotation_over_35",
            "met",
        ),
        (
            {"measurements.hip_internal_rotation_right_deg": DELETE},
            "hip_internal_rotation_over_35",
            "unknown",
        ),
        (
            {
                "measurements.hip_internal_rotation_right_deg": DELETE,
                "measurements.hip_internal_rotation_left_deg": 40,
            },
            "hip_internal_rotation_over_35",
            "met",
        ),
        # Some levels untested and none hypomobile: unknown, never "not met" (nor met by negation).
        (
            {"measurements.segmental_mobility": {"L4-L5": "normal"}},
            "lumbar_hypomobility",
            "unknown",
        ),
        (
            {"measurements.segmental_mobility": dict.fromkeys(SEGMENTS, "normal")},
            "lumbar_hypomobility",
            "not_met",
        ),
        (
            {"measurements.segmental_mobility": {"L4-L5": "hypo"}},
            "lumbar_hypomobility",
            "met",
        ),
        ({"measurements.segmental_mobility": DELETE}, "lumbar_hypomobility", "unknown"),
    ],
)
def test_flynn_criteria(
    example_intake: dict[str, Any], changes: dict[str, Any], criterion: str, status: str
) -> None:
    assert (
        _criterion(with_changes(example_intake, changes), "flynn_manipulation", criterion) == status
    )


@pytest.mark.parametrize(
    ("changes", "criterion", "status"),
    [
        ({"person.age": 39}, "age_under_40", "met"),
        ({"person.age": 40}, "age_under_40", "not_met"),
        (
            {"measurements.slr_left_deg": 91, "measurements.slr_right_deg": 91},
            "average_slr_over_91",
            "not_met",
        ),
        (
            {"measurements.slr_left_deg": 91, "measurements.slr_right_deg": 92},
            "average_slr_over_91",
            "met",
        ),
        ({"measurements.slr_left_deg": DELETE}, "average_slr_over_91", "unknown"),
        ({"measurements.aberrant_movement": False}, "aberrant_movement", "not_met"),
        ({"measurements.aberrant_movement": DELETE}, "aberrant_movement", "unknown"),
        (
            {"measurements.prone_instability_test": "negative"},
            "prone_instability_test_positive",
            "not_met",
        ),
        (
            {"measurements.prone_instability_test": DELETE},
            "prone_instability_test_positive",
            "unknown",
        ),
    ],
)
def test_hicks_criteria(
    example_intake: dict[str, Any], changes: dict[str, Any], criterion: str, status: str
) -> None:
    assert (
        _criterion(with_changes(example_intake, changes), "hicks_stabilization", criterion)
        == status
    )


@pytest.mark.parametrize(
    ("changes", "count", "positive"),
    [
        ({}, 3, False),
        ({"history.symptom_duration_days": 10}, 4, True),  # >= 4 of 5 is positive
        (
            {
                "history.symptom_duration_days": 10,
                "questionnaires.fabq": [0] * 16,
            },
            5,
            True,
        ),
    ],
)
def test_flynn_positive_from_four(
    example_intake: dict[str, Any], changes: dict[str, Any], count: int, positive: bool
) -> None:
    r = assess_doc(with_changes(example_intake, changes)).rules["flynn_manipulation"]
    assert (r.count, r.positive) == (count, positive)


@pytest.mark.parametrize(
    ("changes", "count", "positive"),
    [({}, 2, False), ({"person.age": 35}, 3, True)],
)
def test_hicks_positive_from_three(
    example_intake: dict[str, Any], changes: dict[str, Any], count: int, positive: bool
) -> None:
    r = assess_doc(with_changes(example_intake, changes)).rules["hicks_stabilization"]
    assert (r.count, r.positive) == (count, positive)


def test_missing_data_is_never_counted_as_met(example_intake: dict[str, Any]) -> None:
    doc = with_changes(
        example_intake,
        {"measurements": DELETE, "questionnaires": DELETE, "symptoms": DELETE, "history": DELETE},
    )
    rules = assess_doc(doc).rules
    flynn = rules["flynn_manipulation"]
    assert (flynn.count, flynn.unknown, flynn.positive) == (0, 5, False)
    hicks = rules["hicks_stabilization"]
    assert hicks.criteria["age_under_40"].status == "not_met"  # age is always known
    assert (hicks.count, hicks.unknown) == (0, 3)
    assert rules["hicks_stabilization_failure"].count == 0


_ALL_NORMAL = dict.fromkeys(SEGMENTS, "normal")


@pytest.mark.parametrize(
    ("mobility", "status"),
    [
        # Hicks 2005 failure criterion 4 is the ABSENCE of hypermobility (not of hypomobility).
        ({**_ALL_NORMAL, "L4-L5": "hypo"}, "met"),
        (_ALL_NORMAL, "met"),
        ({**_ALL_NORMAL, "L2-L3": "hyper"}, "not_met"),
        ({"L4-L5": "normal"}, "unknown"),  # four levels untested
        ({"L4-L5": "hypo"}, "unknown"),
        ({"L2-L3": "hyper"}, "not_met"),
    ],
)
def test_hicks_failure_no_hypermobility(
    example_intake: dict[str, Any], mobility: dict[str, str], status: str
) -> None:
    doc = with_changes(example_intake, {"measurements.segmental_mobility": mobility})
    assert (
        _criterion(doc, "hicks_stabilization_failure", "no_hypermobility_on_spring_testing")
        == status
    )


def test_hypermobile_person_never_scores_success_and_failure_on_spring_testing(
    example_intake: dict[str, Any],
) -> None:
    doc = with_changes(
        example_intake, {"measurements.segmental_mobility": {**_ALL_NORMAL, "L3-L4": "hyper"}}
    )
    assert _criterion(doc, "hicks_stabilization_failure", "no_hypermobility_on_spring_testing") == (
        "not_met"
    )


_RADICULAR = {
    "symptoms.distribution": "below_knee",
    "measurements.slr_reproduces_leg_symptoms": {"left": True, "right": False},
}


@pytest.mark.parametrize(
    ("changes", "applicable"),
    [
        ({}, True),
        ({"symptoms.distribution": "below_knee"}, True),  # no positive neural test
        (_RADICULAR, False),
        (
            {"symptoms.distribution": "below_knee", "measurements.slump": {"right": "positive"}},
            False,
        ),
        ({"measurements.neuro_screen": {"reflexes": {"left": "reduced"}}}, False),
        ({"measurements.neuro_screen": {"reflexes": {"left": "normal"}}}, True),
    ],
)
def test_rules_not_applicable_with_nerve_root_signs(
    example_intake: dict[str, Any], changes: dict[str, Any], applicable: bool
) -> None:
    rules = assess_doc(with_changes(example_intake, changes)).rules
    for key in ("flynn_manipulation", "hicks_stabilization", "hicks_stabilization_failure"):
        r = rules[key]
        assert r.applicable is applicable
        assert (r.not_applicable_reason is None) is applicable
        assert r.caveat  # the validation caveat is always stated
        if not applicable:
            assert r.positive is False
            assert "nerve-root" in (r.not_applicable_reason or "")


def test_caveats_name_the_validation_studies(example_intake: dict[str, Any]) -> None:
    rules = assess_doc(example_intake).rules
    assert "Hancock 2008" in (rules["flynn_manipulation"].caveat or "")
    assert "Rabin 2014" in (rules["hicks_stabilization"].caveat or "")


def test_flynn_positive_but_radicular_never_classifies_as_manipulation(
    example_intake: dict[str, Any],
) -> None:
    flynn_positive = {
        "history.symptom_duration_days": 10,
        "questionnaires.fabq": [0] * 16,
        "measurements.slr_reproduces_leg_symptoms": {"left": True, "right": False},
        "measurements.neuro_screen": {"dermatomes": {"left": "reduced"}},
    }
    a = assess_doc(with_changes(example_intake, flynn_positive))
    assert a.rules["flynn_manipulation"].count >= 4
    assert a.rules["flynn_manipulation"].positive is False
    assert a.classification.tbc != "manipulation"
