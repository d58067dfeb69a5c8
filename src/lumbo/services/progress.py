"""Progress of one person: adherence by week, range of motion against the age norm, questionnaires
against their MCIDs, the plan's versions, sessions and check-ins.

The figures come from :func:`lumbo.domain.outcomes.reassessment.outcomes` over the baseline and the latest
intake (before any reassessment, both are the baseline: no change). Adherence counts every plan
week that has begun by ``on`` (week 1 before the start date).
"""

from __future__ import annotations

from datetime import date

from lumbo.domain.outcomes.reassessment import Adherence, PromChange, RomChange, outcomes
from lumbo.domain.outcomes.self_tests import SelfTestChange
from lumbo.domain.protocol.model import CheckIn, Plan, SessionLog
from lumbo.domain.safety import overstretch_signs
from lumbo.services._shared import need_person, week_on
from lumbo.services.results import Result
from lumbo.store.unit_of_work import AbstractUnitOfWork


class WeekAdherence(Result):
    week: int
    planned: int
    completed: int


class ProgressAdherence(Adherence):
    """Adherence through the current week (the outcomes' figures) and week by week."""

    by_week: tuple[WeekAdherence, ...]


class ProgressPlanVersion(Result):
    version: int
    reason: str
    created_at: str


class SessionSummary(Result):
    session_id: str
    week: int
    session_index: int
    performed_on: str
    plan_version: int | None
    max_intensity: int | None
    max_pain_during: int
    max_pain_after: int
    warning_signs: bool


class ReassessmentRef(Result):
    week: int
    created_at: str


class Progress(Result):
    """Progress, as ``lumbo progress --json`` (its JSON contract: DESIGN.md)."""

    person_id: str
    external_ref: str | None
    on: str
    week: int | None
    reassessed: bool
    plan_version: int | None
    plan_versions: tuple[ProgressPlanVersion, ...]
    adherence: ProgressAdherence
    rom: tuple[RomChange, ...]
    proms: tuple[PromChange, ...]
    notes: tuple[str, ...]
    self_tests: tuple[SelfTestChange, ...] = ()  # issue 20: against the person's own first result
    sessions: tuple[SessionSummary, ...]
    checkins: tuple[CheckIn, ...]
    reassessments: tuple[ReassessmentRef, ...]


def progress(uow: AbstractUnitOfWork, person_id: str, on: date) -> Progress:
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        intakes = repo.intakes(person_id)
        assessments = {a.intake_id: a.assessment for a in repo.assessments(person_id)}
        plan = repo.latest_plan(person_id)
        logs = repo.session_logs(person_id)
        checkins = repo.checkins(person_id)
        reassessments = repo.reassessments(person_id)
        versions = repo.plan_versions(person_id)
    baseline = next(i for i in intakes if i.kind == "baseline")
    latest = intakes[-1]
    week = None if plan is None else week_on(plan, person.created_at.date(), on)
    result = outcomes(
        baseline.intake,
        assessments[baseline.id],
        latest.intake,
        assessments[latest.id],
        [s.log for s in logs],
        plan.plan if plan is not None else Plan(status="referral_required"),
        through_week=week or 0,
    )
    done = {(s.log.week, s.log.session_index) for s in logs}
    by_week = tuple(
        WeekAdherence(
            week=w.week,
            planned=len(w.sessions),
            completed=len({s.index for s in w.sessions if (w.week, s.index) in done}),
        )
        for w in (plan.plan.weeks if plan is not None else ())
        if week is not None and w.week <= week
    )
    return Progress(
        person_id=person.id,
        external_ref=person.external_ref,
        on=on.isoformat(),
        week=week,
        reassessed=latest.kind == "reassessment",
        plan_version=None if plan is None else plan.version,
        plan_versions=tuple(
            ProgressPlanVersion(
                version=v.version, reason=v.reason, created_at=v.created_at.isoformat()
            )
            for v in versions
        ),
        adherence=ProgressAdherence(**dict(result.adherence), by_week=by_week),
        rom=result.rom,
        proms=result.proms,
        notes=result.notes,
        self_tests=result.self_tests,
        sessions=tuple(_session_summary(s.log) for s in logs),
        checkins=tuple(c.checkin for c in checkins),
        reassessments=tuple(
            ReassessmentRef(week=r.week, created_at=r.created_at.isoformat()) for r in reassessments
        ),
    )


def _session_summary(log: SessionLog) -> SessionSummary:
    blocks = log.blocks
    intensities = [b.intensity for b in blocks if b.intensity is not None]
    return SessionSummary(
        session_id=log.session_id,
        week=log.week,
        session_index=log.session_index,
        performed_on=log.performed_on.isoformat(),
        plan_version=log.plan_version,
        max_intensity=max(intensities) if intensities else None,
        max_pain_during=max(b.pain_during for b in blocks),
        max_pain_after=max(b.pain_after for b in blocks),
        warning_signs=any(overstretch_signs(b) for b in blocks),
    )
