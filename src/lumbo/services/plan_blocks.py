"""A clinician adds a library exercise to a session, or moves one to another session, for a
range of weeks. The edited plan is checked with the one plan-validity function
(:func:`lumbo.domain.protocol.validity.plan_violations`: left out for this patient, equipment,
phase rules, neural sequencing, pairing, one technique once per session, the time budget); a
refusal (:class:`lumbo.services.plan_dose.DoseRefused`) names each rule broken and where. The
edit is stored as the next plan version, waiting for approval like every clinician's edit.
"""

from __future__ import annotations

from datetime import date

from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.domain.knowledge import Library, library
from lumbo.domain.progression import config
from lumbo.domain.protocol.engine import SlotSpec, fit_session, where_of
from lumbo.domain.protocol.model import STAGES, Block, Plan, Session
from lumbo.domain.protocol.selection import STAGE_OF_ROLE, index
from lumbo.services._shared import active_plan, need_person
from lumbo.services.plan_dose import _without, store_checked
from lumbo.store.records import PlanVersion
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = ["add_exercise", "move_exercise"]


def _stage_at(b: Block) -> int:
    return STAGES.index(b.stage) if b.stage is not None else STAGE_OF_ROLE[b.role]


def _insert(blocks: tuple[Block, ...], block: Block) -> tuple[Block, ...]:
    """``block`` put after the last block of its stage or an earlier one (the session keeps its
    stage order, which neural sequencing reads); later pairings renumbered."""
    stage = _stage_at(block)
    at = len(blocks)
    while at > 0 and _stage_at(blocks[at - 1]) > stage:
        at -= 1
    out = []
    for b in blocks:
        j = b.pairs_with
        if j is not None and j >= at:
            b = b.model_copy(update={"pairs_with": j + 1})
        out.append(b)
    moved = block
    if block.pairs_with is not None:
        moved = block.model_copy(update={"pairs_with": None})
    out.insert(at, moved)
    return tuple(out)


def _session(s: Session, blocks: tuple[Block, ...]) -> Session:
    minutes = round(sum(b.estimated_minutes for b in blocks), 1)
    return s.model_copy(update={"blocks": blocks, "estimated_minutes": minutes})


def _new_block(plan: Plan, lib: Library, tid: str, week: int, session_index: int) -> Block:
    """The library technique as the engine would write it: its level-0 dose under the week's
    intensity cap, its stage by role, its "why" for this patient's findings (lumbo policy: an
    added exercise keeps that dose from week to week; a dose change adjusts it)."""
    idx = index(lib)
    codes = frozenset(k.split(":")[0] for k in plan.coverage)
    severity = {c: plan.severity.get(c, "unknown") for c in codes}
    spec = SlotSpec(tid, STAGE_OF_ROLE[lib.get(tid).role], 0, None)
    cap = config().phase_of(week).intensity_cap
    where = where_of(plan.coverage)
    fitted = fit_session(idx, [spec], 10**6, cap, codes, severity, session_index, where=where)
    return fitted.blocks[0]


def _session_indexes(plan: Plan, from_week: int) -> list[int]:
    return sorted({s.index for w in plan.weeks[from_week - 1 :] for s in w.sessions})


def _edit_start(
    uow: AbstractUnitOfWork, person_id: str, plan_version: int, from_week: int, to_week: int | None
) -> tuple[PlanVersion, int]:
    """The current version (a stale ``plan_version`` is a conflict) and the last week edited."""
    repo = uow.journeys
    need_person(repo, person_id)
    current = active_plan(repo, person_id)
    if plan_version != current.version:
        raise Conflict(
            f"the plan changed meanwhile (now version {current.version}): reload and edit again"
        )
    weeks = len(current.plan.weeks)
    problems = []
    if not 1 <= from_week <= weeks:
        problems.append(Problem("from_week", f"must be between 1 and {weeks}", from_week))
    last = weeks if to_week is None else to_week
    if not 1 <= last <= weeks or (not problems and last < from_week):
        problems.append(Problem("to_week", f"must be between from_week and {weeks}", to_week))
    if problems:
        raise InvalidInput(problems, "plan edit")
    return current, last


def _weeks_words(first: int, last: int, weeks: int) -> str:
    if last == weeks:
        return f"from week {first}"
    return f"in week {first}" if first == last else f"in weeks {first} to {last}"


def add_exercise(
    uow: AbstractUnitOfWork,
    person_id: str,
    *,
    plan_version: int,
    technique: str,
    session: int,
    from_week: int,
    on: date,
    to_week: int | None = None,
    actor_id: str | None = None,
) -> PlanVersion:
    """Put a library technique into session ``session`` of every week from ``from_week`` to
    ``to_week`` (default: the plan's last week),
    then check the whole plan (left out for this patient, equipment, phase rules, neural
    sequencing, one technique once per session, the time budget...); a refusal names the rule."""
    lib = library()
    with uow:
        current, last = _edit_start(uow, person_id, plan_version, from_week, to_week)
        plan = current.plan
        if technique not in lib:
            raise InvalidInput(
                [Problem("technique", "must be an exercise of the library", technique)],
                "plan edit",
            )
        indexes = _session_indexes(plan, from_week)
        if session not in indexes:
            raise InvalidInput(
                [Problem("session", f"must be one of the sessions {indexes}", session)],
                "plan edit",
            )
        weeks = []
        for w in plan.weeks:
            if not from_week <= w.week <= last:
                weeks.append(w)
                continue
            sessions = tuple(
                _session(s, _insert(s.blocks, _new_block(plan, lib, technique, w.week, s.index)))
                if s.index == session
                else s
                for s in w.sessions
            )
            weeks.append(w.model_copy(update={"sessions": sessions}))
        edited = plan.model_copy(update={"weeks": tuple(weeks)})
        reason = (
            f"Added {lib.get(technique).name} to session {session} "
            f"{_weeks_words(from_week, last, len(plan.weeks))} (clinician's edit on {on.day} {on:%B %Y})."
        )
        return store_checked(uow, person_id, current, edited, reason, lib, actor_id)


def move_exercise(
    uow: AbstractUnitOfWork,
    person_id: str,
    *,
    plan_version: int,
    technique: str,
    from_session: int,
    to_session: int,
    from_week: int,
    on: date,
    to_week: int | None = None,
    actor_id: str | None = None,
) -> PlanVersion:
    """Move ``technique`` from session ``from_session`` to ``to_session`` in every week from
    ``from_week`` to ``to_week`` (default: the plan's last week; its dose kept), then check the whole plan: a release moved away from its
    stabilize partner, or a partner moved away from its release, is refused by the pairing
    rule; a session that would run over its time budget by the budget rule."""
    lib = library()
    with uow:
        current, last = _edit_start(uow, person_id, plan_version, from_week, to_week)
        plan = current.plan
        indexes = _session_indexes(plan, from_week)
        problems = [
            Problem(name, f"must be one of the sessions {indexes}", value)
            for name, value in (("from_session", from_session), ("to_session", to_session))
            if value not in indexes
        ]
        if not problems and from_session == to_session:
            problems.append(Problem("to_session", "must differ from the session it is in"))
        if problems:
            raise InvalidInput(problems, "plan edit")
        weeks = []
        moved_any = False
        for w in plan.weeks:
            by_index = {s.index: s for s in w.sessions}
            source = by_index.get(from_session)
            target = by_index.get(to_session)
            if not from_week <= w.week <= last or source is None or target is None:
                weeks.append(w)
                continue
            blocks = [b for b in source.blocks if b.technique == technique]
            if not blocks:
                weeks.append(w)
                continue
            moved_any = True
            left = (
                _without(
                    plan.model_copy(
                        update={"weeks": (w.model_copy(update={"sessions": (source,)}),)}
                    ),
                    technique,
                    1,
                )
                .weeks[0]
                .sessions[0]
            )
            if not left.blocks:
                problem = Problem(
                    "technique", "is the only exercise of its session: swap it instead"
                )
                raise InvalidInput([problem], "plan edit")
            into = target.blocks
            for b in blocks:
                into = _insert(into, b)
            new = {from_session: left, to_session: _session(target, into)}
            sessions = tuple(new.get(s.index, s) for s in w.sessions)
            weeks.append(w.model_copy(update={"sessions": sessions}))
        if not moved_any:
            problem = Problem(
                "technique",
                f"is not in session {from_session} "
                f"{_weeks_words(from_week, last, len(plan.weeks))}",
            )
            raise InvalidInput([problem], "plan edit")
        edited = plan.model_copy(update={"weeks": tuple(weeks)})
        reason = (
            f"Moved {lib.get(technique).name} from session {from_session} to session "
            f"{to_session} {_weeks_words(from_week, last, len(plan.weeks))} (clinician's edit on {on.day} {on:%B %Y})."
        )
        return store_checked(uow, person_id, current, edited, reason, lib, actor_id)
