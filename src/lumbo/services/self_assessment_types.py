"""The typed results of the self-assessment service (:mod:`lumbo.services.self_assessment`, which
re-exports them): a step's screen, where a draft stands, the finished plan and the printable
summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lumbo.domain.assessment.model import Assessment
from lumbo.domain.intake import Intake
from lumbo.domain.self_assessment.gate import Gate
from lumbo.domain.self_assessment.steps import SECTION_WORDS, Choice, Kind, Section, Step
from lumbo.store.records import PersonRecord, PlanVersion

VIDEO_FIELD = "lumbar_flexion_deg"


@dataclass(frozen=True, slots=True)
class StepView:
    """One screen: the question or task, how it is answered, and the answer given so far."""

    id: str
    section: Section
    section_words: str
    kind: Kind
    words: str
    help: str
    choices: tuple[Choice, ...]
    low: float | None
    high: float | None
    low_words: str
    high_words: str
    unit: str
    optional: bool
    picture: str | None  # a technique id: its illustration shows the position
    stop_if: str
    instructions: tuple[str, ...]  # a self-test's steps
    answer: Any  # the stored answer (None: not answered, or skipped)
    answered: bool


def view(s: Step, answers: Mapping[str, Any]) -> StepView:
    return StepView(
        id=s.id,
        section=s.section,
        section_words=SECTION_WORDS[s.section],
        kind=s.kind,
        words=s.words,
        help=s.help,
        choices=s.choices,
        low=s.low,
        high=s.high,
        low_words=s.low_words,
        high_words=s.high_words,
        unit=s.unit,
        optional=s.optional,
        picture=s.picture,
        stop_if=s.stop_if,
        instructions=s.steps,
        answer=answers.get(s.id),
        answered=s.id in answers,
    )


@dataclass(frozen=True, slots=True)
class Draft:
    """Where the account's self-assessment stands."""

    user_id: str
    step: StepView | None  # the screen to show (None: every step answered or skipped)
    position: int  # 1-based place of ``step`` among the steps asked (total + 1 when none left)
    total: int
    answered: int
    gate: Gate
    person_id: str | None
    finished: bool
    not_assessed: str  # what only a clinician can test, in words
    asked_later: str = ""  # the questionnaires asked after the first plan, in words
    part: int = 0  # the current step's section, 1-based, of ``parts`` (0: none left)
    parts: int = 0
    in_part: int = 0  # the current step's place in its section, of ``part_total``
    part_total: int = 0
    fitting: bool = False  # the plan is made; the self-tests that fit it are being asked

    @property
    def ready(self) -> bool:
        """A plan can be made now (:func:`finish`)."""
        return self.step is None and self.gate.clear and not self.finished


@dataclass(frozen=True, slots=True)
class Finished:
    person: PersonRecord
    intake: Intake
    assessment: Assessment
    plan: PlanVersion


@dataclass(frozen=True, slots=True)
class SummaryLine:
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class SummarySection:
    title: str
    lines: tuple[SummaryLine, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """The person's answers in words, for the printable "take this to a clinician" page."""

    sections: tuple[SummarySection, ...]
    gate: Gate
    not_assessed: str
    updated_on: date


def answer_words(s: Step, value: Any) -> str:
    """One stored answer in words."""
    if value is None:
        return "Skipped"
    if s.kind is Kind.video and isinstance(value, dict):
        return f"{value.get(VIDEO_FIELD)} degrees, measured from a video"
    if s.kind is Kind.activities and isinstance(value, list):
        return "; ".join(f"{a['activity']}: {a['score']} out of 10" for a in value)
    if s.kind is Kind.choices and isinstance(value, list):
        words = [c.words for c in s.choices if c.value in value]
        return ", ".join(words) if words else "Nothing from this list"
    if s.kind in (Kind.choice, Kind.yes_no):
        return next((c.words for c in s.choices if c.value == value), str(value))
    if s.kind is Kind.scale:
        return f"{value} (from {s.low:g}, {s.low_words}, to {s.high:g}, {s.high_words})"
    return f"{value:g} {s.unit}".strip()
