"""The one movement enum: both spellings (``lumbo measure`` values, web/API/store names) and views."""

from __future__ import annotations

import pytest

from lumbo.domain.movements import Movement


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trunk-flexion", Movement.trunk_flexion),
        ("trunk_flexion", Movement.trunk_flexion),
        (" Trunk_Extension ", Movement.trunk_extension),
        ("lateral-flexion", Movement.lateral_flexion),
        ("lateral_flexion", Movement.lateral_flexion),
        ("rotation", Movement.rotation),
        ("forward_bend", None),
        ("trunk flexion", None),
        ("", None),
    ],
)
def test_of_reads_either_spelling(text: str, expected: Movement | None) -> None:
    assert Movement.of(text) is expected


@pytest.mark.parametrize(
    ("movement", "value", "key", "view"),
    [
        (Movement.trunk_flexion, "trunk-flexion", "trunk_flexion", "side"),
        (Movement.trunk_extension, "trunk-extension", "trunk_extension", "side"),
        (Movement.lateral_flexion, "lateral-flexion", "lateral_flexion", "front"),
        (Movement.rotation, "rotation", "rotation", "front"),
    ],
)
def test_spellings_and_views(movement: Movement, value: str, key: str, view: str) -> None:
    assert (movement.value, movement.key, movement.view) == (value, key, view)
    assert value in Movement.values() and key in Movement.names()
