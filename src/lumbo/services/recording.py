"""Recording what a person did: session logs and check-ins, idempotent by client id.

Each call is one unit of work: the log (or check-in), the person's status and, when the adjustment
rules change the prescription materially, the new plan version are committed together or not at
all. Replaying the same id with the same content is a no-op; the same id with different content is
a :class:`Conflict`.

A write costs the same whatever the length of the history: the person's status row (locked for the
write, so writers of one person queue) holds the adjustment rules' summary of the settled sessions
(``lumbo.domain.adjust.state``); only the sessions of the last two session days and the check-ins
they can see are read and judged, with the same domain functions as a full recomputation. A write
that could change a settled judgement (a back-dated log or check-in), a status judged against
another plan version, or a missing status recomputes from the whole history instead (and rebuilds
the summary). A new plan version is stored only on a material change
(:func:`lumbo.domain.adjust.apply.material_change`).

Most writes decide what the previous write decided (a hold keeps the level the plan already has):
applying those decisions to the same immutable plan version again would re-fit every remaining
session to find no material change. :data:`UNCHANGED` remembers, per process, which (plan version,
decisions, whether the self-directed dose caps apply) gave no material change; ``apply_adjustment``
and the caps are pure functions of exactly those inputs, so a hit is the answer they would give, and
a miss computes it as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from lumbo.domain.adjust.apply import material_change
from lumbo.domain.adjust.decide import adjust_from, apply_adjustment
from lumbo.domain.adjust.state import Settled, needs_full, settle_before
from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.model import Adjustment, CheckIn, Plan, SessionLog
from lumbo.domain.protocol.self_directed import cap_doses
from lumbo.domain.safety import overstretch_signs
from lumbo.services._shared import active_plan
from lumbo.store.records import (
    PAIN_TREND_CHECKINS,
    PersonStatus,
    PlanVersion,
    StoredCheckIn,
    StoredSessionLog,
)
from lumbo.store.repository import JourneyRepository
from lumbo.store.unit_of_work import AbstractUnitOfWork

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Recorded:
    """The outcome of recording a log or a check-in."""

    created: bool  # False: this exact record was already stored (a retry); nothing changed
    plan: PlanVersion  # the plan in force after the write
    adjustment: Adjustment | None  # the rules' verdict over all logs so far (None on a replay)
    new_plan: bool  # True when the adjustment changed the prescription: a new plan version
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
        existing = repo.get_session_log(person_id, log.session_id)
        if existing is not None:
            plan = active_plan(repo, person_id)
            if _same_log(existing.log, log):
                return Recorded(False, plan, None, False, log=existing)
            raise Conflict(
                f"session_id {log.session_id!r} is already logged with different content; "
                "use a new session_id for a new session"
            )
        status = repo.get_status(person_id, lock=True)  # one writer per person from here on
        plan = active_plan(repo, person_id)
        version = _known_version(repo, person_id, log.plan_version) or plan.version
        ran = plan if version == plan.version else _version(repo, person_id, version)
        _check_log_fits(log, ran.plan)  # the version the patient ran (the last approved one)
        filled = log.model_copy(update={"plan_version": version})
        stored = StoredSessionLog(person_id=person_id, log=filled, plan_version=version)
        repo.add_session_log(stored)
        settled = _usable(status, plan)
        full = settled is None or needs_full(settled, log_performed_on=log.performed_on)
        adjustment, current, changed, summary = _readjust(
            repo, person_id, plan, ("session", log.performed_on), None if full else settled
        )
        warning = _warning(filled, status)
        rise = None if status is None else status.pain_rise
        repo.put_status(_status(person_id, current, summary, adjustment, warning, rise))
        uow.commit()
        return Recorded(True, current, adjustment, changed, log=stored)


def _record_checkin(uow: AbstractUnitOfWork, person_id: str, checkin: CheckIn) -> Recorded:
    with uow:
        repo = uow.journeys
        existing = repo.get_checkin(person_id, checkin.checkin_id)
        if existing is not None:
            plan = active_plan(repo, person_id)
            if existing.checkin == checkin:
                return Recorded(False, plan, None, False, checkin=existing)
            raise Conflict(
                f"checkin_id {checkin.checkin_id!r} is already recorded with different content"
            )
        status = repo.get_status(person_id, lock=True)
        plan = active_plan(repo, person_id)
        stored = StoredCheckIn(person_id=person_id, checkin=checkin)
        repo.add_checkin(stored)
        settled = _usable(status, plan)
        linked = (
            None if checkin.session_id is None else repo.session_day(person_id, checkin.session_id)
        )
        full = settled is None or needs_full(
            settled, checkin_on=checkin.on, checkin_linked_to=linked
        )
        adjustment, current, changed, summary = _readjust(
            repo, person_id, plan, ("check-in", checkin.on), None if full else settled
        )
        warning = None if status is None else status.last_warning
        rise = pain_rise(repo.latest_pains(person_id, PAIN_TREND_CHECKINS))
        repo.put_status(_status(person_id, current, summary, adjustment, warning, rise))
        uow.commit()
        return Recorded(True, current, adjustment, changed, checkin=stored)


def _usable(status: PersonStatus | None, plan: PlanVersion) -> Settled | None:
    """The stored summary, if it was judged against the plan in force and settles something."""
    if status is None or status.settled is None or status.settled.before is None:
        return None
    return status.settled if status.plan_version == plan.version else None


def _warning(log: SessionLog, status: PersonStatus | None) -> tuple[str, int, int] | None:
    """The latest session with warning signs (the overstretch guard's: stretch above 7/10, sharp
    pain, new numbness)."""
    before = None if status is None else status.last_warning
    signs = any(overstretch_signs(b) for b in log.blocks)
    here = (log.performed_on.isoformat(), log.week, log.session_index)
    if signs and (before is None or here[0] >= before[0]):
        return here
    return before


def _status(
    person_id: str,
    current: PlanVersion,
    summary: Settled,
    adjustment: Adjustment,
    warning: tuple[str, int, int] | None,
    rise: int | None = None,
) -> PersonStatus:
    """The status after a write. A new plan version keeps every week the settled sessions were
    judged on (it changes only weeks after the latest logged one), so the summary carries over."""
    return PersonStatus(
        person_id=person_id,
        plan_version=current.version,
        settled=replace(summary, plan_version=current.version),
        alerts=adjustment.alerts,
        last_warning=warning,
        pain_rise=rise,
    )


def pain_rise(pains: list[int]) -> int | None:
    """How far the latest next-morning pain sits above the lowest before it (None: fewer than two
    check-ins). A fall gives a negative number."""
    if len(pains) < 2:
        return None
    return pains[-1] - min(pains[:-1])


def _same_log(stored: SessionLog, given: SessionLog) -> bool:
    """A replay matches when the content is equal; a missing ``plan_version`` matches any."""
    if given.plan_version is not None and given.plan_version != stored.plan_version:
        return False
    return stored.model_copy(update={"plan_version": None}) == given.model_copy(
        update={"plan_version": None}
    )


def _version(repo: JourneyRepository, person_id: str, version: int) -> PlanVersion:
    return next(v for v in repo.plan_versions(person_id) if v.version == version)


def _known_version(repo: JourneyRepository, person_id: str, version: int | None) -> int | None:
    if version is None:
        return None
    known = repo.plan_version_numbers(person_id)
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


class _Seen:
    """A bounded, thread-safe set (least recently used out first). Holds only facts about
    immutable data, so each process may keep its own (another process recomputes them)."""

    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, None] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            if key not in self._items:
                return False
            self._items.move_to_end(key)
            return True

    def add(self, key: Hashable) -> None:
        with self._lock:
            self._items[key] = None
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


UNCHANGED = _Seen()
"""(plan version id, version, what ``apply_adjustment`` reads of the adjustment; whether the
self-directed dose caps apply) for which the applied plan was not materially different: nothing to
store, so nothing to re-fit."""


def _apply_key(plan: PlanVersion, adjustment: Adjustment) -> Hashable:
    """Every input of ``apply_adjustment`` that can vary: the stored plan version (immutable, by
    row id) and the adjustment's plan version, first week and decisions (the version note made
    from them is not part of the prescription)."""
    decisions = tuple((d.technique, d.action, d.replacement, d.level) for d in adjustment.decisions)
    return (plan.id, plan.version, adjustment.plan_version, adjustment.from_week, decisions)


def _readjust(
    repo: JourneyRepository,
    person_id: str,
    plan: PlanVersion,
    trigger: tuple[str, date],
    settled: Settled | None,
) -> tuple[Adjustment, PlanVersion, bool, Settled]:
    """Judge the logs and check-ins against the plan (from ``settled`` on, or all of them when it
    is None); store a new version if the prescription changes materially. Also returns the
    summary of the sessions settled after this write."""
    if settled is None or settled.before is None:
        logs = [s.log for s in repo.session_logs(person_id)]
        checkins = [c.checkin for c in repo.checkins(person_id)]
        base = Settled.empty(plan.version)
    else:
        logs = [s.log for s in repo.session_logs_since(person_id, settled.before)]
        tail_ids = {log.session_id for log in logs}
        found = repo.checkins_for_tail(person_id, settled.before, tail_ids)
        checkins = [c.checkin for c in found]
        base = settled
    logs = judgeable(plan.plan, logs)
    cut = _cut(base.before, settle_before([log.performed_on for log in logs]))
    adjustment, summary = adjust_from(plan.plan, base, logs, checkins, settle_before=cut)
    if all(d.level is None for d in adjustment.decisions):  # no dose is decided: nothing to apply
        return adjustment, plan, False, summary
    person = repo.get_person(person_id)  # in the session already: loaded with the write's lock
    capped = person is not None and person.unsupervised
    key = (_apply_key(plan, adjustment), capped)
    if key in UNCHANGED:  # these decisions were applied to this version before: no change
        return adjustment, plan, False, summary
    adjusted = apply_adjustment(plan.plan, adjustment)
    if capped:  # the self-directed caps hold in every version
        adjusted = cap_doses(adjusted)
    if not material_change(plan.plan, adjusted):  # labels or notes at most: keep the version
        UNCHANGED.add(key)
        return adjustment, plan, False, summary
    version = plan.version + 1
    new = PlanVersion(
        person_id=person_id,
        version=version,
        plan=adjusted.model_copy(update={"version": version, "person_id": person_id}),
        reason=version_note(adjustment, trigger),
        assessment_id=plan.assessment_id,
        adjustment=adjustment,
    )
    repo.add_plan_version(new)
    approved = repo.approved_versions(person_id)
    if approved is None or plan.version == 1 or plan.version in approved:
        # only a change to an approved version: one built on a clinician's pending edit waits
        # with it (approving it would approve the edit)
        repo.approve_automatically(
            person_id,
            version,
            "approved automatically: the clinic auto-approves rule-based changes",
        )
    return adjustment, new, True, summary


def judgeable(plan: Plan, logs: list[SessionLog]) -> list[SessionLog]:
    """The logs as the rules can judge them against ``plan``: a patient runs the last approved
    version, so while a newer version waits for approval a log may hold an exercise the newer one
    no longer has. Such a block stays in the record but is not judged (lumbo policy); a log left
    with no block is not judged either."""
    out = []
    for log in logs:
        if log.week > len(plan.weeks) or log.session_index > len(plan.weeks[log.week - 1].sessions):
            continue
        planned = {
            b.technique for b in plan.weeks[log.week - 1].sessions[log.session_index - 1].blocks
        }
        kept = tuple(b for b in log.blocks if b.technique in planned)
        if len(kept) == len(log.blocks):
            out.append(log)
        elif kept:
            out.append(log.model_copy(update={"blocks": kept}))
    return out


def _cut(settled: date | None, latest: date | None) -> date | None:
    """The settled part never shrinks."""
    if settled is None or latest is None:
        return latest or settled
    return max(settled, latest)


def version_note(adjustment: Adjustment, trigger: tuple[str, date]) -> str:
    """A version note for people: what changed, after what, on which day ("eased Cat-camel after
    a painful session on 3 March"); technique names, never ids."""
    lib = library()

    def name(tid: str) -> str:
        return lib.get(tid).name if tid in lib else tid.replace("_", " ")

    verbs = {"progress": "progressed", "regress": "eased"}
    parts = [
        f"swapped {name(d.technique)} for {name(d.replacement)}"
        if d.action == "swap" and d.replacement
        else f"{verbs[d.action]} {name(d.technique)}"
        for d in adjustment.decisions
        if d.action in ("progress", "regress") or (d.action == "swap" and d.replacement)
    ]
    held = sum(d.action == "hold" for d in adjustment.decisions)
    if held:
        parts.append(f"kept {held} other exercise{'s' if held > 1 else ''} at the same dose")
    kind, day = trigger
    when = f"{day.day} {day:%B %Y}"
    if kind == "session":
        painful = any(d.response == "red" for d in adjustment.decisions)
        after = f"after a {'painful ' if painful else ''}session on {when}"
    else:
        after = f"after the next-morning check-in on {when}"
    changes = ", ".join(parts) or "changed the plan"
    return f"{changes[0].upper()}{changes[1:]} {after}."
