"""Validating one answer, and moving through the steps: which step comes next, which came before,
how far along the person is, and what is still missing before a plan. Pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.self_assessment.steps import Answers, Kind, Section, Step, step, steps

WHAT = "self-assessment answer"


def _bad(s: Step, value: Any, message: str | None = None) -> InvalidInput:
    return InvalidInput([Problem(s.id, message or f"must be {s.allowed}", value)], WHAT)


def _number(s: Step, value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad(s, value)
    if isinstance(value, float) and (
        not math.isfinite(value) or (s.integer and value != int(value))
    ):
        raise _bad(s, value)
    assert s.low is not None and s.high is not None
    if not s.low <= value <= s.high:
        raise _bad(s, value)
    return int(value) if s.integer else float(value)


def _choice_value(s: Step, value: Any) -> Any:
    for c in s.choices:
        # bool is an int in Python: 1 must not pass for True, nor True for 1.
        if type(c.value) is type(value) and c.value == value:
            return c.value
    raise _bad(s, value)


def _activities(s: Step, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not 1 <= len(value) <= 5:
        raise _bad(s, value)
    out = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"activity", "score"}:
            raise _bad(s, value)
        activity, score = item["activity"], item["score"]
        if not isinstance(activity, str) or not 1 <= len(activity.strip()) <= 200:
            raise _bad(s, value, "each activity must be 1 to 200 characters")
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            raise _bad(s, value, "each score must be a whole number from 0 to 10")
        out.append({"activity": activity.strip(), "score": score})
    return out


def validate(step_id: str, value: Any, answers: Answers) -> Any:
    """The answer to store for ``step_id`` (normalised), or :class:`InvalidInput` naming the step
    and the allowed values. ``None`` skips an optional step. A video step is taken in through
    the video result, never typed (``None`` skips it)."""
    s = step(step_id)
    if s is None:
        known = ", ".join(x.id for x in steps()[:3])
        raise InvalidInput(
            [Problem("step", f"no such step (for example {known}, ...)", step_id)], WHAT
        )
    if value is None:
        if not s.optional:
            raise _bad(s, value, f"must be answered: {s.allowed}")
        return None
    if s.kind is Kind.video:
        raise _bad(s, value, "is filled by filming the movement, or skipped")
    if s.kind is Kind.yes_no:
        if not isinstance(value, bool):
            raise _bad(s, value)
        return value
    if s.kind in (Kind.number, Kind.scale):
        number = _number(s, value)
        _check_pain_order(s, number, answers)
        return number
    if s.kind is Kind.choice:
        return _choice_value(s, value)
    if s.kind is Kind.choices:
        if not isinstance(value, list):
            raise _bad(s, value, f"must be a list of {s.allowed}")
        picked = [_choice_value(s, v) for v in value]
        return sorted(set(picked), key=lambda v: [c.value for c in s.choices].index(v))
    return _activities(s, value)


def _check_pain_order(s: Step, value: float | int, answers: Answers) -> None:
    best, worst = answers.get("pain_best"), answers.get("pain_worst")
    if s.id == "pain_worst" and isinstance(best, int) and value < best:
        raise _bad(s, value, f"must be at least your pain at its best ({best})")
    if s.id == "pain_best" and isinstance(worst, int) and value > worst:
        raise _bad(s, value, f"must be at most your pain at its worst ({worst})")


def asked(answers: Answers) -> tuple[Step, ...]:
    """The steps asked of this person before the first plan, in order (a step applies given the
    answers so far; a step marked ``after_plan`` is asked on the phone after the plan, one marked
    ``fits_plan`` right after the plan: :func:`fitting`)."""
    return tuple(s for s in steps() if not s.after_plan and not s.fits_plan and s.applies(answers))


def fitting(answers: Answers) -> tuple[Step, ...]:
    """The self-tests asked right after the first plan, in the self-assessment itself, whose
    results the plan is then rebuilt from ("fit your plan": ``fits_plan``), in order."""
    return tuple(s for s in steps() if s.fits_plan and s.applies(answers))


def to_ask(answers: Answers, *, fit: bool = False) -> tuple[Step, ...]:
    """The steps asked in this stage: before the first plan (:func:`asked`), or, with ``fit``,
    right after it (:func:`fitting`)."""
    return fitting(answers) if fit else asked(answers)


def asked_again(answers: Answers) -> tuple[Step, ...]:
    """Every step that applies, including those asked after the first plan (the self-checks of
    weeks 4, 8 and 12 ask the disability index and PROMIS again), in order."""
    return tuple(s for s in steps() if s.applies(answers))


def effective(answers: Answers) -> dict[str, Any]:
    """The answers of the steps still asked (an answer to a step that no longer applies, such as
    the fall question after "no thin bones", is kept in the draft but not used)."""
    ids = {s.id for s in asked_again(answers)}  # a self-check answers the after-plan ones
    return {k: v for k, v in answers.items() if k in ids}


def next_step(answers: Answers, after: str | None = None, *, fit: bool = False) -> Step | None:
    """The first unanswered step after ``after`` (default: from the start); wrapping to the first
    unanswered step before it; None when every step asked is answered (or skipped). ``fit``: among
    the steps asked right after the first plan (:func:`fitting`)."""
    todo = to_ask(answers, fit=fit)
    ids = [s.id for s in todo]
    start = ids.index(after) + 1 if after in ids else 0
    for s in (*todo[start:], *todo[:start]):
        if s.id not in answers:
            return s
    return None


def previous_step(answers: Answers, current: str | None, *, fit: bool = False) -> Step | None:
    """The step before ``current`` among the steps asked (``current`` None: the last one);
    ``fit``: among the steps asked right after the first plan, never back before the plan."""
    todo = to_ask(answers, fit=fit)
    ids = [s.id for s in todo]
    if current is None:
        return todo[-1] if todo else None
    if current not in ids:
        return next_step(answers, fit=fit)
    i = ids.index(current)
    return todo[i - 1] if i > 0 else todo[0]


@dataclass(frozen=True, slots=True)
class Progress:
    position: int  # 1-based place of the current step among the steps counted (total + 1: done)
    total: int
    answered: int
    missing_safety: tuple[str, ...]  # safety steps not answered (ids)
    part: int = 0  # 1-based section of the current step among the sections asked (0: done)
    parts: int = 0
    in_part: int = 0  # 1-based place of the current step in its section (0: done)
    part_total: int = 0


TAPE_STEP, VIDEO_STEP = "fingertip_to_floor", "trunk_flexion_video"


def counted(answers: Answers) -> tuple[Step, ...]:
    """The steps the progress counts: those asked, with the tape (the other way of measuring the
    forward bend) counted only once the filming step is answered or skipped, so the count does
    not drop by one when the video works (the tape step applies until a video result is in)."""
    return tuple(s for s in asked(answers) if s.id != TAPE_STEP or VIDEO_STEP in answers)


def progress(answers: Answers, current: str | None, *, fit: bool = False) -> Progress:
    """How far along the person is: overall, and in the current step's section ("Safety first,
    3 of 18"). The counts are of the steps that apply given the answers so far; an answer can add
    a step (thin bones: the question about a fall; a leg: which side; no video: the tape), never
    take one away that was counted. ``fit``: how far along the steps asked right after the first
    plan (:func:`fitting`), counted on their own."""
    todo = to_ask(answers, fit=fit)
    shown = todo if fit else counted(answers)
    ids = [s.id for s in shown]
    if current in {s.id for s in todo} and current not in ids:  # the tape, shown all the same
        shown = tuple(s for s in todo if s.id in ids or s.id == current)
        ids = [s.id for s in shown]
    position = ids.index(current) + 1 if current in ids else len(ids) + 1
    sections = list(dict.fromkeys(s.section for s in shown))
    part = in_part = part_total = 0
    if current in ids:
        here = shown[ids.index(current)].section
        same = [s.id for s in shown if s.section is here]
        part, in_part, part_total = sections.index(here) + 1, same.index(current) + 1, len(same)
    return Progress(
        position=position,
        total=len(ids),
        answered=sum(1 for s in todo if s.id in answers),
        missing_safety=tuple(s.id for s in todo if s.safety and s.id not in answers),
        part=part,
        parts=len(sections),
        in_part=in_part,
        part_total=part_total,
    )


def missing(answers: Answers) -> tuple[Step, ...]:
    """The steps asked that are neither answered nor skipped (a plan needs none missing)."""
    return tuple(s for s in asked(answers) if s.id not in answers)


def section_steps(section: Section) -> tuple[Step, ...]:
    return tuple(s for s in steps() if s.section is section)
