"""The result page's words: a table of results (refused, unreliable, measured, stored before the
verdict existed) and what the page shows and offers for each."""

from __future__ import annotations

from typing import Any

import pytest

from lumbo.web.pages.video_words import acceptable, describe

REFUSED: dict[str, Any] = {
    "movement": "trunk-flexion",
    "summary": {"peak_deg": None, "baseline_deg": 1.0, "uncertainty_deg": 5.9},
    "reps": [],
    "measurements": {"fields": {"method": "video"}, "uncertainty_deg": {}, "unreliable": {}},
    "warnings": ["angles are against the image vertical: ... --camera-tilt ..."],
    "verdict": {
        "measured": False,
        "reliable": False,
        "message": "No forward bend was found in this video. No range of motion is reported.",
        "advice": ["Film from the side."],
    },
}
UNRELIABLE: dict[str, Any] = {
    **REFUSED,
    "summary": {"peak_deg": 61.0, "baseline_deg": 1.0, "uncertainty_deg": 5.9},
    "reps": [{}, {}],
    "measurements": {
        "fields": {"method": "video"},
        "uncertainty_deg": {"lumbar_flexion_deg": 12.1},
        "unreliable": {"lumbar_flexion_deg": 30.2},
    },
    "verdict": {"measured": True, "reliable": False, "message": "A forward bend was measured, but"},
}
MEASURED: dict[str, Any] = {
    **UNRELIABLE,
    "measurements": {
        "fields": {"method": "video", "lateral_flexion_left_deg": 14.6},
        "uncertainty_deg": {"lateral_flexion_left_deg": 6.0},
        "unreliable": {},
    },
    "verdict": {"measured": True, "reliable": True, "message": "A side bend was measured."},
}
OLD = {"movement": "trunk_flexion", "measurements": {"lumbar_flexion_deg": 52.4}, "warnings": []}


@pytest.mark.parametrize(
    ("result", "offered", "shown", "not_shown"),
    [
        (REFUSED, False, ["No forward bend was found", "Film from the side."], ["degrees"]),
        (UNRELIABLE, False, ["60 degrees from your starting", "30 degrees", "too uncertain"], []),
        (MEASURED, True, ["Low-back side bending to the left (estimate)", "15 degrees"], []),
        (OLD, True, ["Low-back forward bending (estimate)", "52 degrees"], []),
    ],
    ids=["refused", "unreliable", "measured", "stored-before-verdicts"],
)
def test_words_and_what_is_offered(
    result: dict[str, Any], offered: bool, shown: list[str], not_shown: list[str]
) -> None:
    words = describe(result)
    assert acceptable(result) is offered and words["acceptable"] is offered
    text = " ".join(
        [words["headline"], *words["advice"], *(f"{a} {b}" for a, b in words["rows"])]
        + words["notes"]
    )
    for part in shown:
        assert part in text
    for part in not_shown:
        assert part not in text
    # Plain words: no field name, no dict, no command-line option.
    assert "_deg" not in text and "{" not in text and "--" not in text


def test_nothing_is_offered_without_a_result() -> None:
    assert acceptable(None) is False and acceptable({}) is False
