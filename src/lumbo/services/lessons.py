"""Short lessons for the patient (issue 16): the education techniques of the library that the plan
schedules (pain and the nervous system, pacing, the pain-monitoring traffic light, warning signs,
...), from the week the plan first has them, each marked as read by the patient."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.model import Role
from lumbo.services._shared import active_plan, need_person, week_on
from lumbo.store.records import PatientSettings
from lumbo.store.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True, slots=True)
class Lesson:
    technique: str
    title: str
    summary: str
    points: tuple[str, ...]  # the lesson, a few short paragraphs
    remember: tuple[str, ...]  # the messages to keep
    minutes: float | None
    week: int  # the plan week it is first scheduled in
    read: bool


def lessons(uow: AbstractUnitOfWork, person_id: str, on: date) -> list[Lesson]:
    """The lessons the plan has scheduled up to this week, in the order they come."""
    lib = library()
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        plan = active_plan(repo, person_id)
        settings = repo.get_patient_settings(person_id)
    read = set(settings.lessons_read) if settings else set()
    week_no = week_on(plan, person.created_at.date(), on)
    first: dict[str, int] = {}
    for w in plan.plan.weeks:
        if w.week > week_no:
            break
        for s in w.sessions:
            for b in s.blocks:
                if b.technique in lib and lib.get(b.technique).role is Role.education:
                    first.setdefault(b.technique, w.week)
    out = []
    for tid, week in first.items():
        t = lib.get(tid)
        out.append(
            Lesson(
                technique=tid,
                title=t.name,
                summary=t.summary,
                points=tuple(t.steps),
                remember=tuple(t.cues),
                minutes=t.dose.minutes,
                week=week,
                read=tid in read,
            )
        )
    return out


def mark_read(uow: AbstractUnitOfWork, person_id: str, technique: str, on: date) -> None:
    """Mark a scheduled lesson as read (a lesson the plan has not scheduled yet is refused)."""
    scheduled = {lesson.technique for lesson in lessons(uow, person_id, on)}
    if technique not in scheduled:
        problem = Problem("lesson", "must be one of your scheduled lessons", technique)
        raise InvalidInput([problem], "lesson")
    with uow:
        repo = uow.journeys
        old = repo.get_patient_settings(person_id) or PatientSettings(person_id=person_id)
        if technique in old.lessons_read:
            return
        repo.put_patient_settings(
            replace(
                old,
                lessons_read=(*old.lessons_read, technique),
                updated_at=datetime.now(UTC),
            )
        )
        uow.commit()
