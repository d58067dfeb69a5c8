"""A refused self-assessment answer reads as a sentence to the person, never a step id or a
value list (issue 20)."""

from __future__ import annotations

import pytest

from lumbo.domain.errors import Problem
from lumbo.domain.self_assessment.model import Kind
from lumbo.web.pages.self_assessment import refused_words
from tests.e2e.web.text_scan import problems


@pytest.mark.parametrize(
    ("kind", "message", "worded"),
    [
        (Kind.number, "must be answered", "Type a number to go on."),
        (Kind.choice, "must be answered: one of a, b", "Choose an answer to go on."),
        (Kind.yes_no, "must be true or false", "Choose one of the answers."),
        (Kind.choices, "must be a list of one of a, b", "Choose one of the answers."),
        (
            Kind.scale,
            "must be a whole number from 0 to 10",
            "Your answer must be a whole number from 0 to 10.",
        ),
        (
            Kind.scale,
            "must be at least your pain at its best (3)",
            "Your answer must be at least your pain at its best (3).",
        ),
        (
            Kind.activities,
            "each score must be a whole number from 0 to 10",
            "Each score must be a whole number from 0 to 10.",
        ),
        (
            Kind.activities,
            "each activity must be 1 to 200 characters",
            "Each activity must be 1 to 200 characters.",
        ),
    ],
)
def test_a_refused_answer_is_a_plain_sentence(kind: Kind, message: str, worded: str) -> None:
    said = refused_words(kind, Problem("pain.best", message, None))
    assert said == worded
    assert problems(said, "patient") == []
