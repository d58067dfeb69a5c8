"""Clinician edits of a stored plan: swap a technique for a declared alternative, approve a version.

A swap is checked twice: the replacement must be one the library declares for the technique (a
progression or regression of it, or a technique naming it as one, in the same role), and the whole
edited plan is re-checked against every safety rule with the engine's own pure functions
(:func:`lumbo.domain.safety.reasons_for`, the phase rules of ``phases.toml``, neural sequencing,
the overstretch guard, release/stabilize pairing, the time budget). Anything wrong is an
:class:`InvalidInput` naming the field; a stale ``plan_version`` is a :class:`Conflict`. The new
version is stored in one unit of work, unapproved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lumbo.domain.adjust.apply import apply_adjustment
from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.domain.knowledge import Library
from lumbo.domain.knowledge import library as shipped_library
from lumbo.domain.knowledge.model import NeuralTension, Role
from lumbo.domain.progression import config
from lumbo.domain.protocol.engine import person_of
from lumbo.domain.protocol.model import Adjustment, Decision, Plan
from lumbo.domain.safety import MAX_STRETCH_INTENSITY, Person, reasons_for
from lumbo.services._shared import active_plan, need_person, week_on
from lumbo.services.approval import in_force
from lumbo.store.approvals import Approval
from lumbo.store.records import PlanVersion
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = [
    "PlanView",
    "approve_plan",
    "declared_alternatives",
    "plan_violations",
    "plan_with_approval",
    "swap_technique",
]


def declared_alternatives(lib: Library, technique: str) -> tuple[str, ...]:
    """Techniques the library declares as alternatives of ``technique`` (same role), sorted."""
    t = lib.get(technique)
    named = set(t.progressions) | set(t.regressions)
    named |= {u.id for u in lib.techniques if technique in u.progressions + u.regressions}
    return tuple(sorted(r for r in named if r in lib and lib.get(r).role is t.role))


def plan_violations(plan: Plan, person: Person, lib: Library) -> list[str]:
    """Every safety rule ``plan`` breaks for ``person`` (empty: the plan is safe)."""
    out: list[str] = []
    excluded = {e.technique for e in plan.excluded}
    budget = plan.minutes_per_session
    first_slider: int | None = None
    for w in plan.weeks:
        phase = config().phase_of(w.week)
        for s in w.sessions:
            where = f"week {w.week} session {s.index}"
            ids = [b.technique for b in s.blocks]
            if len(ids) != len(set(ids)):
                out.append(f"{where}: a technique appears twice")
            if budget is not None and sum(b.estimated_minutes for b in s.blocks) > budget + 1e-6:
                out.append(f"{where}: exceeds the {budget}-minute session budget")
            for i, b in enumerate(s.blocks):
                t = lib.get(b.technique)
                out += [f"{where}: {t.id}: {r}" for r in reasons_for(t, person)]
                if t.id in excluded:
                    out.append(f"{where}: {t.id} is excluded for this person")
                if t.load not in phase.load or t.neural_tension not in phase.neural_tension:
                    out.append(f"{where}: {t.id} is not allowed in phase {phase.name!r}")
                target = b.dose.intensity_target
                if target is not None and target > min(MAX_STRETCH_INTENSITY, phase.intensity_cap):
                    out.append(f"{where}: {t.id}: stretch intensity target {target}/10 too high")
                if t.neural_tension is NeuralTension.slider and first_slider is None:
                    first_slider = w.week
                if (
                    t.neural_tension is NeuralTension.tensioner
                    and person.neural_sensitive
                    and (first_slider is None or first_slider >= w.week)
                ):
                    out.append(f"{where}: {t.id}: a neural tensioner before any slider week")
                if t.role is Role.release:
                    j = b.pairs_with
                    partner = s.blocks[j] if j is not None and i < j < len(s.blocks) else None
                    if (
                        partner is None
                        or partner.role is not Role.stabilize
                        or not set(partner.regions) & set(b.regions)
                    ):
                        out.append(f"{where}: release {t.id} lacks a later stabilize partner")
    return out


@dataclass(frozen=True, slots=True)
class PlanView:
    plan: PlanVersion
    approval: Approval | None
    waiting: bool = False  # the latest version waits for approval (the patient runs an older one)


def plan_with_approval(
    uow: AbstractUnitOfWork, person_id: str, *, patient: bool = False
) -> PlanView:
    """The latest version with its approval (the clinician's view); ``patient``: the version the
    patient runs instead, the last approved one (``lumbo.services.approval``)."""
    with uow:
        state = in_force(uow.journeys, person_id)
        plan = state.in_force if patient else state.latest
        return PlanView(plan, uow.approvals.get(person_id, plan.version), state.waiting)


def _check_swap(
    plan: Plan, lib: Library, technique: str, replacement: str, from_week: int
) -> list[Problem]:
    problems: list[Problem] = []
    used = {b.technique for w in plan.weeks[from_week - 1 :] for s in w.sessions for b in s.blocks}
    if technique not in used:
        allowed = sorted(used)
        problems.append(
            Problem("technique", f"must be in the plan from week {from_week}: {allowed}", technique)
        )
        return problems
    options = declared_alternatives(lib, technique)
    if replacement not in options:
        problems.append(
            Problem(
                "replacement",
                f"must be a declared alternative of {technique}: {list(options)}",
                replacement,
            )
        )
    return problems


def swap_technique(
    uow: AbstractUnitOfWork,
    person_id: str,
    *,
    plan_version: int,
    technique: str,
    replacement: str,
    from_week: int | None,
    on: date,
    actor_id: str | None = None,
    library: Library | None = None,
) -> PlanVersion:
    """Store the next plan version with ``technique`` replaced from ``from_week`` (default: the
    current week) on, after re-checking the whole edited plan against every safety rule."""
    lib = library if library is not None else shipped_library()
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        current = active_plan(repo, person_id)
        if plan_version != current.version:
            raise Conflict(
                f"plan_version {plan_version} is not the current version {current.version}; "
                "reload the plan and edit again"
            )
        start = from_week or week_on(current, person.created_at.date(), on)
        if not 1 <= start <= len(current.plan.weeks):
            problem = Problem(
                "from_week", f"must be between 1 and {len(current.plan.weeks)}", start
            )
            raise InvalidInput([problem], "plan edit")
        problems = _check_swap(current.plan, lib, technique, replacement, start)
        if problems:
            raise InvalidInput(problems, "plan edit")
        first = next(
            b.level
            for w in current.plan.weeks[start - 1 :]
            for s in w.sessions
            for b in s.blocks
            if b.technique == technique
        )
        decision = Decision(
            technique=technique,
            action="swap",
            replacement=replacement,
            reason="clinician swap",
            level=first,
        )
        adjustment = Adjustment(
            decisions=(decision,), plan_version=current.version, from_week=start
        )
        try:
            edited = apply_adjustment(current.plan, adjustment, lib)
        except InvalidInput as err:
            raise InvalidInput(
                [Problem("replacement", p.message, p.value) for p in err.problems], "plan edit"
            ) from None
        intake = repo.intakes(person_id)[-1].intake
        assessment = repo.assessments(person_id)[-1].assessment
        broken = plan_violations(edited, person_of(intake, assessment), lib)
        if broken:
            problem = Problem("replacement", "breaks safety rules: " + _brief(broken), replacement)
            raise InvalidInput([problem], "plan edit")
        version = current.version + 1
        stored = PlanVersion(
            person_id=person_id,
            version=version,
            plan=edited.model_copy(update={"version": version, "person_id": person_id}),
            reason=(
                f"Swapped {lib.get(technique).name} for {lib.get(replacement).name} "
                f"from week {start} (clinician's edit)."
            ),
            assessment_id=current.assessment_id,
            adjustment=adjustment,
        )
        repo.add_plan_version(stored)
        uow.commit()
    return stored


def _brief(violations: list[str], most: int = 5) -> str:
    """Distinct violations with the first place each occurs, at most ``most`` of them."""
    first: dict[str, str] = {}
    for v in violations:
        where, _, what = v.partition(": ")
        first.setdefault(what, where)
    shown = [f"{what} (first in {where})" for what, where in list(first.items())[:most]]
    more = len(first) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def approve_plan(
    uow: AbstractUnitOfWork,
    person_id: str,
    *,
    plan_version: int,
    actor_id: str | None,
    note: str | None = None,
) -> Approval:
    """Approve the current plan version. Approving it again returns the first approval."""
    with uow:
        current = active_plan(uow.journeys, person_id)
        if plan_version != current.version:
            raise Conflict(
                f"plan_version {plan_version} is not the current version {current.version}"
            )
        existing = uow.approvals.get(person_id, plan_version)
        if existing is not None:
            return existing
        approval = Approval(person_id, plan_version, actor_id, note)
        uow.approvals.add(approval)
        uow.commit()
    return approval
