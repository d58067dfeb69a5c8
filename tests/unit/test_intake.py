"""Intake validation: the example is accepted as-is; every fault names its field and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest

from lumbo.domain.errors import InvalidInput
from lumbo.domain.intake import intake_json_schema, parse_intake, parse_intake_json
from tests.conftest import EXAMPLE_INTAKE, EXAMPLE_INTAKE_COPY, ROOT
from tests.helpers import DELETE, with_changes


def test_example_is_accepted_as_is() -> None:
    intake = parse_intake_json(EXAMPLE_INTAKE.read_bytes())
    assert intake.person.age == 43
    assert intake.measurements.segmental_mobility is not None
    assert len(intake.measurements.segmental_mobility) == 5


def test_repository_example_is_a_byte_copy_of_the_packaged_one() -> None:
    assert EXAMPLE_INTAKE_COPY.read_bytes() == EXAMPLE_INTAKE.read_bytes(), (
        f"{EXAMPLE_INTAKE_COPY.relative_to(ROOT)} differs from {EXAMPLE_INTAKE.relative_to(ROOT)} "
        "(the packaged example is the source; copy it over the repository's)"
    )


@pytest.mark.parametrize(
    ("changes", "path", "fragment"),
    [
        ({"person.age": 9}, "person.age", "between 10 and 110"),
        ({"person.age": 43.5}, "person.age", "whole number between 10 and 110"),
        ({"person.age": DELETE}, "person.age", "required"),
        ({"preferences": DELETE}, "preferences", "required"),
        ({"red_flags": DELETE}, "red_flags", "required"),
        (
            {"preferences.minutes_per_session": 5},
            "preferences.minutes_per_session",
            "between 10 and 90",
        ),
        ({"preferences.sessions_per_week": 8}, "preferences.sessions_per_week", "between 1 and 7"),
        ({"preferences.equipment": ["mat", "rope"]}, "preferences.equipment[1]", "'band'"),
        ({"preferences.start_date": "next monday"}, "preferences.start_date", "date"),
        ({"person.sex": "m"}, "person.sex", "'male'"),
        ({"person.agee": 3}, "person.agee", "unknown field"),
        ({"measurements.ake_left": 30}, "measurements.ake_left", "unknown field"),
        ({"symptoms.pain_now": 11}, "symptoms.pain_now", "between 0 and 10"),
        (
            {"symptoms.pain_best": 7, "symptoms.pain_worst": 6},
            "symptoms",
            "pain_best must not exceed",
        ),
        ({"symptoms.distribution": "foot"}, "symptoms.distribution", "'below_knee'"),
        ({"questionnaires.odi": [1] * 9}, "questionnaires.odi", "10"),
        ({"questionnaires.odi": [1] * 9 + [6]}, "questionnaires.odi[9]", "between 0 and 5"),
        ({"questionnaires.start_back": [1] * 9}, "questionnaires.start_back[8]", "'very_much'"),
        (
            {"questionnaires.start_back": [2, 0, 0, 0, 0, 0, 0, 0, "slightly"]},
            "questionnaires.start_back[0]",
            "",
        ),
        ({"questionnaires.fabq": [0] * 15 + [7]}, "questionnaires.fabq[15]", "between 0 and 6"),
        ({"questionnaires.fabq": [True] + [0] * 15}, "questionnaires.fabq[0]", "whole number"),
        ({"questionnaires.rmdq": [True] * 23}, "questionnaires.rmdq", "24"),
        (
            {"questionnaires.promis_pi_4a": {"PAININ9": 1, "PAININ22": 1, "PAININ31": 1}},
            "questionnaires.promis_pi_4a",
            "PAININ34",
        ),
        (
            {
                "questionnaires.promis_pi_4a": {
                    "PAININ9": 6,
                    "PAININ22": 1,
                    "PAININ31": 1,
                    "PAININ34": 1,
                }
            },
            "questionnaires.promis_pi_4a.PAININ9",
            "between 1 and 5",
        ),
        (
            {"questionnaires.psfs": [{"activity": "x", "score": 11}]},
            "questionnaires.psfs[0].score",
            "between 0 and 10",
        ),
        ({"questionnaires.psfs": []}, "questionnaires.psfs", "at least 1"),
        (
            {"measurements.lumbar_flexion_deg": -1},
            "measurements.lumbar_flexion_deg",
            "between 0 and 120",
        ),
        ({"measurements.lumbar_flexion_deg": "48"}, "measurements.lumbar_flexion_deg", ""),
        (
            {"measurements.thomas_hip_left_deg": 70},
            "measurements.thomas_hip_left_deg",
            "between -45 and 60",
        ),
        ({"measurements.beighton": 10}, "measurements.beighton", "between 0 and 9"),
        (
            {"measurements.segmental_mobility": {"L6-S1": "hypo"}},
            "measurements.segmental_mobility.L6-S1",
            "'L5-S1'",
        ),
        (
            {"measurements.segmental_mobility": {"L4-L5": "stiff"}},
            "measurements.segmental_mobility.L4-L5",
            "'hypo'",
        ),
        (
            {"measurements.prone_instability_test": "yes"},
            "measurements.prone_instability_test",
            "'positive'",
        ),
        ({"measurements.slump": {"left": "pos"}}, "measurements.slump.left", "'negative'"),
        ({"measurements.method": "ruler"}, "measurements.method", "'dual_inclinometer'"),
        ({"history.conditions": ["gout"]}, "history.conditions[0]", "'spondylolisthesis'"),
        ({"red_flags.saddle_anaesthesia": "no"}, "red_flags.saddle_anaesthesia", "true or false"),
        ({"schema_version": 2}, "schema_version", "1"),
    ],
)
def test_invalid_intake_names_the_field(
    example_intake: dict[str, Any], changes: dict[str, Any], path: str, fragment: str
) -> None:
    doc = with_changes(example_intake, changes)
    with pytest.raises(InvalidInput) as info:
        parse_intake(doc)
    by_path = {p.path: p for p in info.value.problems}
    assert path in by_path, [str(p) for p in info.value.problems]
    assert fragment in by_path[path].message
    assert path in str(info.value)


def test_all_problems_are_reported_at_once(example_intake: dict[str, Any]) -> None:
    doc = with_changes(
        example_intake,
        {"person.age": 200, "symptoms.pain_now": -1, "measurements.beighton": 12},
    )
    with pytest.raises(InvalidInput) as info:
        parse_intake(doc)
    assert {p.path for p in info.value.problems} == {
        "person.age",
        "symptoms.pain_now",
        "measurements.beighton",
    }


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ("3", "must be a JSON object"),
    ],
)
def test_not_an_object(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_intake_json(text)
    assert fragment in str(info.value)


def test_minimal_intake_is_accepted() -> None:
    intake = parse_intake(
        {
            "person": {"age": 30},
            "preferences": {"minutes_per_session": 20, "sessions_per_week": 3},
            "red_flags": {},
        }
    )
    assert intake.measurements.lumbar_flexion_deg is None


def test_schema_describes_units_and_ranges() -> None:
    schema = intake_json_schema()
    props = schema["$defs"]["Measurements"]["properties"]
    assert "lumbar_flexion_deg" in props
    assert schema["$defs"]["Person"]["properties"]["age"]["maximum"] == 110
