"""The intake wizard speaks in words: questionnaire items by their topic (never an item code or
"Statement 1 applies"), the cauda-equina questions asked as questions and required, the
patient reference's pattern explained (issue 15)."""

from __future__ import annotations

import re

import pytest

from lumbo.domain.errors import Problem
from lumbo.web.pages.intake_form import CAUDA_EQUINA, all_fields
from lumbo.web.pages.wizard import ID_WORDS, in_words
from tests.e2e.web.text_scan import problems

FIELDS = {f.name: f for f in all_fields()}
QUESTIONNAIRE = [f for f in FIELDS.values() if f.name.startswith("questionnaires.")]


@pytest.mark.parametrize("name", [f.name for f in QUESTIONNAIRE])
def test_questionnaire_items_are_labelled_by_topic(name: str) -> None:
    label = FIELDS[name].label
    assert not re.search(r"PAININ|Statement \d|^Item \d", label), label
    assert problems(label, "clinician") == [], label


@pytest.mark.parametrize("flag", CAUDA_EQUINA)
def test_the_cauda_equina_questions_are_required_questions(flag: str) -> None:
    f = FIELDS[f"red_flags.{flag}"]
    assert f.required and f.label.endswith("?") and "cauda equina" in f.label


def test_other_red_flags_may_stay_not_asked() -> None:
    others = [f for n, f in FIELDS.items() if n.startswith("red_flags.")]
    assert sum(f.required for f in others) == len(CAUDA_EQUINA) < len(others)


@pytest.mark.parametrize(
    ("message", "worded"),
    [
        ("String should match pattern '^[A-Za-z0-9._-]+$'", True),
        ("String should have at most 64 characters", True),
        ("Field required", False),
    ],
)
def test_the_reference_pattern_is_said_in_words(message: str, worded: bool) -> None:
    (out,) = in_words([Problem("person.id", message, "a b")])
    assert (out.message == ID_WORDS) is worded
    assert "^[" not in ID_WORDS
