"""Recording what a person did: session logs and check-ins, idempotent by client id.

Each call is one unit of work: the log (or check-in) and, when the adjustment rules change the
plan, the new plan version are committed together or not at all. Replaying the same id with the
same content is a no-op; the same id with different content is a :class:`Conflict`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from lumbo.domain.adjust import adjust, apply_adjustment
from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.domain.protocol_model import Adjustment, CheckIn, Plan, SessionLog
from lumbo.services._shared import active_plan, need_person
from lumbo.store.records import PlanVersion, StoredCheckIn, StoredSessionLog
from lumbo.store.repository import JourneyRepository
from lumbo.store.unit_of_work import AbstractUnitOfWork

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Recorded:
    """The outcome of recording a log or a check-in."""

    created: bool  # False: this exact record was already stored (a retry); nothing changed
    plan: PlanVersion  # the plan in force after the write
    adjustment: Adjustment | None  # the rules' verdict over all logs so far (None on a replay)
    new_plan: bool  # True when the adjustment produced a new plan version
    log: StoredSessionLog | None = None
    checkin: StoredCheckIn | None = None


def record_session(uow: AbstractUnitOfWork, person_id: str, log: SessionLog) -> Recorded:
    return _retrying(lambda: _record_session(uow, person_id, log))


def record_checkin(uow: AbstractUnitOfWork, person_id: str, checkin: CheckIn) -> Recorded:
    return _retrying(lambda: _record_checkin(uow, person_id, checkin))


def _retrying(attempt: Callable[[], T]) -> T:
    """Run once more after a Conflict: a concurrent writer may have stored the same record or the
    next plan version; the second attempt sees its commit and decides again."""
    try:
        return attempt()
    except Conflict:
        return attempt()


def _record_session(uow: AbstractUnitOfWork, person_id: str, log: SessionLog) -> Recorded:
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        plan = active_plan(repo, person_id)
        existing = repo.get_session_log(person_id, log.session_id)
        if existing is not None:
            if _same_log(existing.log, log):
                return Recorded(False, plan, None, False, log=existing)
            raise Conflict(
                f"session_id {log.session_id!r} is already logged with different content; "
                "use a new session_id for a new session"
            )
        _check_log_fits(log, plan.plan)
        version = _known_version(repo, person_id, log.plan_version) or plan.version
        filled = log.model_copy(update={"plan_version": version})
        stored = StoredSessionLog(person_id=person_id, log=filled, plan_version=version)
        repo.add_session_log(stored)
        adjustment, current, changed = _readjust(repo, person_id, plan, f"session {log.session_id}")
        uow.commit()
        return Recorded(True, current, adjustment, changed, log=stored)


def _record_checkin(uow: AbstractUnitOfWork, person_id: str, checkin: CheckIn) -> Recorded:
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        plan = active_plan(repo, person_id)
        existing = repo.get_checkin(person_id, checkin.checkin_id)
        if existing is not None:
            if existing.checkin == checkin:
                return Recorded(False, plan, None, False, checkin=existing)
            raise Conflict(
                f"checkin_id {checkin.checkin_id!r} is already recorded with different content"
            )
        stored = StoredCheckIn(person_id=person_id, checkin=checkin)
        repo.add_checkin(stored)
        adjustment, current, changed = _readjust(
            repo, person_id, plan, f"check-in {checkin.checkin_id}"
        )
        uow.commit()
        return Recorded(True, current, adjustment, changed, checkin=stored)


def _same_log(stored: SessionLog, given: SessionLog) -> bool:
    """A replay matches when the content is equal; a missing ``plan_version`` matches any."""
    if given.plan_version is not None and given.plan_version != stored.plan_version:
        return False
    return stored.model_copy(update={"plan_version": None}) == given.model_copy(
        update={"plan_version": None}
    )


def _known_version(repo: JourneyRepository, person_id: str, version: int | None) -> int | None:
    if version is None:
        return None
    known = [v.version for v in repo.plan_versions(person_id)]
    if version not in known:
        problem = Problem("plan_version", f"must be one of {known}", version)
        raise InvalidInput([problem], "session log")
    return version


def _check_log_fits(log: SessionLog, plan: Plan) -> None:
    """The log must name a week and session of the plan in force, and only techniques of that
    session (the adjustment rules judge every log against that plan)."""
    weeks = {w.week: w for w in plan.weeks}
    if log.week not in weeks:
        allowed = f"between {min(weeks)} and {max(weeks)}" if weeks else "none (empty plan)"
        raise InvalidInput([Problem("week", f"must be {allowed}", log.week)], "session log")
    sessions = {s.index: s for s in weeks[log.week].sessions}
    if log.session_index not in sessions:
        problem = Problem("session_index", f"must be one of {sorted(sessions)}", log.session_index)
        raise InvalidInput([problem], "session log")
    allowed_ids = [b.technique for b in sessions[log.session_index].blocks]
    problems = [
        Problem(f"blocks[{i}].technique", f"must be one of {allowed_ids}", b.technique)
        for i, b in enumerate(log.blocks)
        if b.technique not in allowed_ids
    ]
    if problems:
        raise InvalidInput(problems, "session log")


def _readjust(
    repo: JourneyRepository, person_id: str, plan: PlanVersion, trigger: str
) -> tuple[Adjustment, PlanVersion, bool]:
    """Judge all logs and check-ins against the plan; store a new version if the plan changes."""
    logs = [s.log for s in repo.session_logs(person_id)]
    checkins = [c.checkin for c in repo.checkins(person_id)]
    adjustment = adjust(plan.plan, logs, checkins)
    adjusted = apply_adjustment(plan.plan, adjustment)
    if adjusted.weeks == plan.plan.weeks:  # only notes changed: the plan itself did not
        return adjustment, plan, False
    version = plan.version + 1
    new = PlanVersion(
        person_id=person_id,
        version=version,
        plan=adjusted.model_copy(update={"version": version, "person_id": person_id}),
        reason=f"adjusted after {trigger}: " + _summary(adjustment),
        assessment_id=plan.assessment_id,
        adjustment=adjustment,
    )
    repo.add_plan_version(new)
    return adjustment, new, True


def _summary(adjustment: Adjustment) -> str:
    parts = [
        f"{d.action} {d.technique}" + (f" -> {d.replacement}" if d.replacement else "")
        for d in adjustment.decisions
        if d.action != "hold"
    ]
    held = sum(d.action == "hold" for d in adjustment.decisions)
    if held:
        parts.append(f"hold {held} technique(s) at their current dose")
    return "; ".join(parts)
