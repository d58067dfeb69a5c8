"""The self-assessment's answers as an :class:`~lumbo.domain.intake.Intake`. Pure.

Only what the person answered goes in: a skipped questionnaire or self-test stays absent ("not
assessed"), and what only a clinician can test (segmental mobility, prone instability, the
neurological screen, the straight-leg raise and slump) is never filled in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.intake import (
    PROMIS_4A,
    RED_FLAG_FIELDS,
    Condition,
    Intake,
    parse_intake,
)
from lumbo.domain.knowledge.self_directed import self_tests
from lumbo.domain.self_assessment.flow import effective, missing
from lumbo.domain.self_assessment.steps import Answers

DEFAULT_PREFERENCES: dict[str, Any] = {"minutes_per_session": 20, "sessions_per_week": 3}
"""Used only to screen the answers before the plan questions are reached (:func:`screening_intake`)."""


def _conditions(a: Answers) -> list[str]:
    out = []
    if a.get("osteoporosis") is True:
        out.append(Condition.osteoporosis.value)
    if a.get("pregnant") is True:
        out.append(Condition.pregnancy.value)
    surgery = a.get("back_surgery")
    if surgery == "recent":
        out.append(Condition.recent_spinal_surgery.value)
    elif surgery == "fusion":
        out.append(Condition.lumbar_fusion.value)
    return out


def _red_flags(a: Answers) -> dict[str, bool]:
    flags = {k: a[k] for k in RED_FLAG_FIELDS if isinstance(a.get(k), bool)}
    if a.get("osteoporosis") is False:
        flags["minor_trauma_with_osteoporosis"] = False  # asked only with thin bones
    return flags


def _symptoms(a: Answers) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in ("pain_now", "pain_best", "pain_worst", "distribution", "numbness_or_tingling"):
        if a.get(k) is not None:
            out[k] = a[k]
    both = a.get("bilateral_leg_symptoms") is True or a.get("leg_side") == "both"
    if "bilateral_leg_symptoms" in a or "leg_side" in a:
        out["bilateral_leg_symptoms"] = both
    return out


def _all(a: Answers, ids: list[str]) -> list[Any] | None:
    values = [a.get(i) for i in ids]
    return None if any(v is None for v in values) else values


def _questionnaires(a: Answers) -> dict[str, Any]:
    out: dict[str, Any] = {}
    odi = [a.get(f"odi_{n}") for n in range(1, 11)]
    if any(v is not None for v in odi):
        out["odi"] = odi
    start_back = _all(a, [f"start_back_{n}" for n in range(1, 10)])
    if start_back is not None:
        out["start_back"] = start_back
    fabq = _all(a, [f"fabq_{n}" for n in range(1, 17)])
    if fabq is not None:
        out["fabq"] = fabq
    promis = _all(a, [f"promis_{n}" for n in range(1, 5)])
    if promis is not None:
        out["promis_pi_4a"] = dict(zip(PROMIS_4A, promis, strict=True))
    if a.get("psfs"):
        out["psfs"] = a["psfs"]
    return out


def measurements(a: Answers) -> dict[str, Any]:
    """The self-tests' results as intake measurement fields."""
    out: dict[str, Any] = {}
    video = a.get("trunk_flexion_video")
    if isinstance(video, dict) and video.get("lumbar_flexion_deg") is not None:
        out["lumbar_flexion_deg"] = video["lumbar_flexion_deg"]
        out["method"] = "video"
    for t in self_tests():
        if t.kind == "video":
            continue
        if t.sides:
            for side, field in zip(("left", "right"), t.fills, strict=True):
                if (value := a.get(f"{t.id}_{side}")) is not None:
                    out[field] = value
            continue
        value = a.get(t.id)
        if value is None:
            continue
        if t.choice:
            out.update(next(c.fills for c in t.choice if c.value == value))
        else:
            out[t.fills[0]] = value
    if "fingertip_to_floor_cm" in out and "method" not in out:
        out["method"] = "tape"
    return out


def intake_document(
    answers: Answers, *, start: date | None = None, screening: bool = False
) -> dict[str, Any]:
    """The intake JSON of the answers (``screening``: plan questions may be unanswered and take
    :data:`DEFAULT_PREFERENCES`)."""
    a = effective(answers)
    person: dict[str, Any] = {"age": a.get("age")}
    if isinstance(a.get("working"), bool):
        person["working"] = a["working"]
    prefs: dict[str, Any] = dict(DEFAULT_PREFERENCES) if screening else {}
    for k in ("minutes_per_session", "sessions_per_week", "equipment"):
        if a.get(k) is not None:
            prefs[k] = a[k]
    if start is not None:
        prefs["start_date"] = start.isoformat()
    history: dict[str, Any] = {"conditions": _conditions(a)}
    if isinstance(a.get("duration_weeks"), int):
        history["symptom_duration_days"] = a["duration_weeks"] * 7
    doc: dict[str, Any] = {
        "schema_version": 1,
        "person": person,
        "preferences": prefs,
        "history": history,
        "red_flags": _red_flags(a),
        "symptoms": _symptoms(a),
    }
    if q := _questionnaires(a):
        doc["questionnaires"] = q
    if m := measurements(a):
        doc["measurements"] = m
    return doc


def to_intake(answers: Answers, *, start: date | None = None) -> Intake:
    """The intake of a finished self-assessment. Every step asked must be answered or skipped:
    otherwise :class:`InvalidInput` names the steps still open."""
    open_steps = missing(answers)
    if open_steps:
        problems = [Problem(s.id, "not answered yet") for s in open_steps]
        raise InvalidInput(problems, "self-assessment")
    return parse_intake(intake_document(answers, start=start))


def screening_intake(answers: Answers) -> Intake | None:
    """The intake the safety screen looks at while the person is still answering (None when the
    age is not known yet or under the intake's range)."""
    age = answers.get("age")
    if not isinstance(age, int) or age < 10:
        return None
    try:
        return parse_intake(intake_document(answers, screening=True))
    except InvalidInput:
        return None
