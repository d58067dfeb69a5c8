"""The shapes of the self-assessment's table (issue 20): sections, kinds of answer, choices and
steps. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Answers = Mapping[str, Any]
"""Step id -> the answer (JSON values: bool, int, float, str, list, dict; None = skipped)."""


class Section(StrEnum):
    safety = "safety"
    symptoms = "symptoms"
    questionnaires = "questionnaires"
    self_tests = "self_tests"
    plan = "plan"


SECTION_WORDS: dict[Section, str] = {
    Section.safety: "Safety first",
    Section.symptoms: "Where it hurts",
    Section.questionnaires: "How your back affects you",
    Section.self_tests: "Simple tests you can do at home",
    Section.plan: "Your plan",
}


class Kind(StrEnum):
    yes_no = "yes_no"  # true / false
    number = "number"  # an int or float between low and high
    scale = "scale"  # an int between low and high, with words at both ends
    choice = "choice"  # one of ``choices``
    choices = "choices"  # a list of ``choices`` values (possibly empty)
    activities = "activities"  # PSFS: a list of {activity, score}
    video = "video"  # a filmed movement: taken in through ``attach_video``, not typed


@dataclass(frozen=True, slots=True)
class Choice:
    value: Any
    words: str


def _always(_: Answers) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    section: Section
    kind: Kind
    words: str
    help: str = ""
    choices: tuple[Choice, ...] = ()
    low: float | None = None
    high: float | None = None
    low_words: str = ""
    high_words: str = ""
    unit: str = ""
    integer: bool = True
    optional: bool = False  # may be skipped (answer None)
    safety: bool = False  # a safety question: unanswered, no plan (gate INCOMPLETE)
    picture: str | None = None  # a technique id whose illustration shows the position
    stop_if: str = ""
    steps: tuple[str, ...] = ()  # a self-test's instructions, in order
    test: str | None = None  # the self-test (``self_tests.toml``) this step records
    applies: Callable[[Answers], bool] = _always
    # asked after the first plan (on the phone, before the second session), not in the
    # self-assessment before it; still asked at the self-checks of weeks 4, 8 and 12
    after_plan: bool = False
    # asked right after the first plan, in the self-assessment itself ("fit your plan"), and the
    # plan is rebuilt from the answers (``self_tests.toml`` ``fits_plan``)
    fits_plan: bool = False

    @property
    def allowed(self) -> str:
        """The allowed answers, in words (error messages)."""
        if self.kind is Kind.yes_no:
            return "true or false"
        if self.kind in (Kind.choice, Kind.choices):
            return "one of " + ", ".join(str(c.value) for c in self.choices)
        if self.kind in (Kind.number, Kind.scale):
            what = "a whole number" if self.integer else "a number"
            return f"{what} from {self.low:g} to {self.high:g}"
        if self.kind is Kind.activities:
            return "1 to 5 activities, each with a score from 0 to 10"
        return "a video result"


YES_NO = (Choice(True, "Yes"), Choice(False, "No"))
