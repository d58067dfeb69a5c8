"""Codes and machine names said as words (issue 15): ``words`` (the pages' and documents' Jinja
filter) and ``finding_name`` (the assessment report's finding names)."""

from __future__ import annotations

import pytest

from lumbo.domain.explain import finding_name, words
from lumbo.domain.knowledge.model import FINDING_CODES
from tests.e2e.web.text_scan import problems


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("SEGMENTAL_HYPERMOBILITY", "segmental hypermobility"),
        ("[dual_inclinometer]", "[dual inclinometer]"),
        ("tbc: directional_preference", "tbc: directional preference"),
        ("L4-L5 (Hicks 2005)", "L4-L5 (Hicks 2005)"),
        ("ostelo2008", "ostelo2008"),
    ],
)
def test_machine_names_are_said_as_words(text: object, said: str) -> None:
    assert words(text) == said


@pytest.mark.parametrize("code", FINDING_CODES)
def test_every_finding_has_a_name_a_clinician_can_read(code: str) -> None:
    name = finding_name(code)
    assert name[0].isupper() and "_" not in name and code not in name
    assert problems(name, "clinician") == []
