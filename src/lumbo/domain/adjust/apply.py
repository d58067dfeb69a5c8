"""``apply_adjustment(plan, adjustment) -> Plan``: the next plan version, with the decisions applied.

In ``adjustment.from_week`` every block of a decided technique takes the decided level; in later
weeks it moves by the same number of levels as the technique's highest level in that first week
needed, and never more than one level a week above the decided level (so the planned week-over-week
progression continues from there); a swap puts the replacement in the same place (same stage and
partner), starting at the decided level. Each session is then fitted to the time budget again.
"""

from __future__ import annotations

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.knowledge import Library
from lumbo.domain.knowledge import library as shipped_library
from lumbo.domain.progression import config, max_level, min_level
from lumbo.domain.protocol.engine import SlotSpec, fit_session, where_of
from lumbo.domain.protocol.model import (
    STAGES,
    Adjustment,
    Block,
    Decision,
    Dose,
    Plan,
    Session,
    Week,
)
from lumbo.domain.protocol.selection import index

__all__ = ["apply_adjustment", "material_change", "prescription"]


def _check(plan: Plan, adjustment: Adjustment, lib: Library) -> None:
    excluded = {e.technique for e in plan.excluded}
    problems = []
    if plan.status != "ok":
        problems.append(
            Problem("plan.status", "no plan to adjust (referral required)", plan.status)
        )
    if adjustment.plan_version is not None and adjustment.plan_version != plan.version:
        problems.append(
            Problem(
                "adjustment.plan_version",
                f"was judged against version {adjustment.plan_version}, not {plan.version}",
                adjustment.plan_version,
            )
        )
    for i, d in enumerate(adjustment.decisions):
        if d.technique not in lib:
            problems.append(Problem(f"decisions[{i}].technique", "unknown technique", d.technique))
        if d.action == "swap" and (
            d.replacement is None or d.replacement not in lib or d.replacement in excluded
        ):
            problems.append(
                Problem(
                    f"decisions[{i}].replacement",
                    "must name a library technique that the plan does not exclude",
                    d.replacement,
                )
            )
    if problems:
        raise InvalidInput(problems, "adjustment")


def _first_level(plan: Plan, tid: str, from_week: int) -> int | None:
    """The level of ``tid`` in the first remaining week that has it: its highest there (a session
    short of time may have given a level back; that trim is not the planned level)."""
    for w in plan.weeks[from_week - 1 :]:
        levels = [b.level for s in w.sessions for b in s.blocks if b.technique == tid]
        if levels:
            return max(levels)
    return None


def _respec(
    blocks: tuple[Block, ...],
    decisions: dict[str, Decision],
    shift: dict[str, int],
    lib: Library,
    weeks_on: int,
) -> list[SlotSpec]:
    swap = {
        tid: d.replacement
        for tid, d in decisions.items()
        if d.action == "swap" and d.replacement is not None
    }
    specs = []
    for b in blocks:
        partner = blocks[b.pairs_with].technique if b.pairs_with is not None else None
        if partner is not None:
            partner = swap.get(partner, partner)
        tid = swap.get(b.technique, b.technique)
        level = b.level + shift.get(b.technique, 0)
        decided = decisions.get(b.technique)
        if decided is not None and decided.level is not None:
            # The first changed week uses the decided level; later weeks keep the planned growth,
            # one step a week from it at most (so re-applying a decision changes nothing).
            level = decided.level if weeks_on == 0 else min(level, decided.level + weeks_on)
        template = lib.get(tid).dose
        level = max(min_level(template), min(level, max_level(template)))
        stage = STAGES.index(b.stage) if b.stage is not None else 0
        specs.append(SlotSpec(tid, stage, level, partner))
    return specs


def apply_adjustment(plan: Plan, adjustment: Adjustment, library: Library | None = None) -> Plan:
    """The next version of ``plan`` with ``adjustment`` applied from ``adjustment.from_week``."""
    lib = library if library is not None else shipped_library()
    _check(plan, adjustment, lib)
    start = adjustment.from_week
    summary = ", ".join(
        f"{d.technique}: {d.action}" + (f" to {d.replacement}" if d.replacement else "")
        for d in adjustment.decisions
    )
    if start is None or start > len(plan.weeks):
        note = f"Version {plan.version + 1}: no remaining weeks to change ({summary or 'none'})."
        return plan.model_copy(update={"version": plan.version + 1, "notes": (*plan.notes, note)})
    decisions = {d.technique: d for d in adjustment.decisions if d.level is not None}
    shift: dict[str, int] = {}
    for tid, d in decisions.items():
        first = _first_level(plan, tid, start)
        if first is not None and d.level is not None:
            # The first remaining block lands on the decided level; later ones keep the planned growth.
            shift[tid] = d.level - first
    idx = index(lib)
    codes = frozenset(k.split(":")[0] for k in plan.coverage)
    severity = dict(plan.severity)
    for code in codes:
        severity.setdefault(code, "unknown")
    budget = (plan.minutes_per_session or 90) * 10
    where = where_of(plan.coverage)  # side and level of each finding, kept in the block texts
    weeks: list[Week] = []
    for w in plan.weeks:
        if w.week < start:
            weeks.append(w)
            continue
        cap = config().phase_of(w.week).intensity_cap
        sessions: list[Session] = []
        for s in w.sessions:
            if not any(b.technique in decisions for b in s.blocks):
                sessions.append(s)
                continue
            specs = _respec(s.blocks, decisions, shift, lib, w.week - start)
            sessions.append(
                fit_session(idx, specs, budget, cap, codes, severity, s.index, where=where)
            )
        weeks.append(w.model_copy(update={"sessions": tuple(sessions)}))
    note = f"Version {plan.version + 1}: adjusted from week {start} ({summary})."
    return plan.model_copy(
        update={
            "version": plan.version + 1,
            "weeks": tuple(weeks),
            "notes": (*plan.notes, note),
            "coverage": _coverage(plan.coverage, weeks, start),
        }
    )


def _coverage(
    before: dict[str, int | None], weeks: list[Week], start: int
) -> dict[str, int | None]:
    """First weeks from ``start`` on are looked up again (by finding code) in the new weeks."""
    out: dict[str, int | None] = {}
    for key, first in before.items():
        if first is not None and first < start:
            out[key] = first
            continue
        code = key.split(":")[0]
        out[key] = next(
            (
                w.week
                for w in weeks
                if w.week >= start
                and any(code in b.addresses for s in w.sessions for b in s.blocks)
            ),
            None,
        )
    return out


Prescription = tuple[
    tuple[int, tuple[tuple[int, tuple[tuple[str, Dose, int | None], ...]], ...]], ...
]


def prescription(plan: Plan) -> Prescription:
    """What the plan asks the person to do: per week and session, the techniques in order, each
    with its dose (sets, reps, hold, rest, intensity target...) and its release/stabilize partner.
    Labels and estimates (``why``, ``level``, estimated minutes, notes, coverage) are not part of
    it."""
    return tuple(
        (
            w.week,
            tuple(
                (s.index, tuple((b.technique, b.dose, b.pairs_with) for b in s.blocks))
                for s in w.sessions
            ),
        )
        for w in plan.weeks
    )


def material_change(before: Plan, after: Plan) -> bool:
    """A change is *material* when the prescription (:func:`prescription`) differs: a technique
    added, removed, swapped or reordered, a dose changed, or a pairing changed. Only a material
    change is stored as a new plan version (lumbo policy: a version is something a clinician can
    review and a patient would notice)."""
    if len(before.weeks) != len(after.weeks):
        return True
    for wa, wb in zip(before.weeks, after.weeks, strict=True):
        if wa is wb:  # apply_adjustment keeps the weeks and sessions it does not touch
            continue
        if len(wa.sessions) != len(wb.sessions):
            return True
        for sa, sb in zip(wa.sessions, wb.sessions, strict=True):
            if sa is not sb and _session_rx(sa) != _session_rx(sb):
                return True
    return False


def _session_rx(s: Session) -> tuple[int, tuple[tuple[str, Dose, int | None], ...]]:
    return (s.index, tuple((b.technique, b.dose, b.pairs_with) for b in s.blocks))
