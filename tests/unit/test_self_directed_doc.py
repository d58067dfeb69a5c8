"""docs/self-directed.md describes the data it documents (issue 20): every self-test with its picture
and intake fields, every stricter default, the caps' numbers and every technique the policy leaves
out; and it keeps the sections the issue asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.self_directed import self_directed_policy, self_tests

DOC = (Path(__file__).resolve().parents[2] / "docs" / "self-directed.md").read_text(
    encoding="utf-8"
)


@pytest.mark.parametrize(
    "heading",
    [
        "## Stricter defaults for a self-directed plan",
        "## Self-tests",
        "## The flow, screen by screen",
        "## The safety gate",
    ],
)
def test_the_sections_are_there(heading: str) -> None:
    assert f"\n{heading}\n" in DOC


@pytest.mark.parametrize("test_id", [t.id for t in self_tests()])
def test_every_self_test_is_described_with_its_picture_and_fields(test_id: str) -> None:
    t = next(x for x in self_tests() if x.id == test_id)
    assert t.picture in DOC
    for field in t.fills:
        assert field.replace("_left", "").replace("_right", "") in DOC


def test_every_rule_cap_and_excluded_technique_is_described() -> None:
    policy = self_directed_policy()
    assert len(policy.rule) == 5 and DOC.count("\n| ") >= 5
    assert f"At most {policy.caps.max_sets} sets" in DOC
    assert f"at most {policy.caps.max_intensity_target} out of 10" in DOC
    for e in policy.exclude:
        name = library().get(e.technique).name.lower()
        words = name.split(" (")[0]
        assert words in DOC.lower(), e.technique
