"""describe_dose: the plain-language dose text shared by the CLI and the plan view."""

from __future__ import annotations

from typing import Any

import pytest

from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.describe import describe_dose, duration
from lumbo.domain.knowledge.model import DoseTemplate


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 s"), (45, "45 s"), (60, "1 min"), (150, "2 min 30 s"), (600, "10 min")],
)
def test_duration(seconds: int, text: str) -> None:
    assert duration(seconds) == text


@pytest.mark.parametrize(
    ("dose", "text"),
    [
        (
            {"kind": "hold", "sets": 2, "hold_s": 30, "per_side": True, "intensity_target": 6},
            "2 x 30 s hold each side, intensity up to 6/10",
        ),
        (
            {"kind": "hold", "sets": 3, "hold_s": 30, "rest_s": 15},
            "3 x 30 s hold, 15 s rest between sets",
        ),
        ({"kind": "reps", "sets": 2, "reps": 10}, "2 x 10 reps"),
        (
            {"kind": "reps", "sets": 1, "reps": 5, "hold_s": 10, "per_side": True, "rest_s": 15},
            "1 x 5 reps (hold 10 s each) each side, 15 s rest between sides",
        ),
        (
            {
                "kind": "contract_relax",
                "sets": 3,
                "contract_s": 3,
                "contract_effort_pct": 20,
                "hold_s": 30,
                "rest_s": 10,
                "per_side": True,
                "intensity_target": 6,
            },
            "3 rounds each side: contract 3 s at about 20% effort, relax, then hold the stretch "
            "30 s, 10 s rest between rounds, intensity up to 6/10",
        ),
        ({"kind": "timed", "sets": 1, "work_s": 300}, "1 x 5 min continuous"),
        (
            {"kind": "breaths", "sets": 2, "breaths": 8, "tempo": "4 s in, 6 s out"},
            "2 x 8 slow breaths, tempo 4 s in, 6 s out",
        ),
        ({"kind": "education", "minutes": 7.5}, "7.5 min of reading or listening"),
    ],
)
def test_describe_dose(dose: dict[str, Any], text: str) -> None:
    assert describe_dose(DoseTemplate.model_validate(dose)) == text


@pytest.mark.parametrize("t", library().techniques, ids=lambda t: t.id)
def test_every_shipped_dose_has_a_description(t: Any) -> None:
    text = describe_dose(t.dose)
    assert text and "None" not in text and " 0 " not in f" {text} "
