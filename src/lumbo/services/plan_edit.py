"""Clinician edits of a stored plan: swap a technique for a declared alternative, approve a version.

A swap is checked twice: the replacement must be one the library declares for the technique (a
progression or regression of it, or a technique naming it as one, in the same role), and the whole
edited plan is re-checked against every plan rule with the engine's own pure function
(:func:`lumbo.domain.protocol.validity.plan_violations`: the exclusion table, the phase rules of
``phases.toml``, neural sequencing, the overstretch guard, release/stabilize pairing, the time
budget). Anything wrong is an
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
from lumbo.domain.protocol.engine import person_of
from lumbo.domain.protocol.model import Adjustment, Decision, Plan
from lumbo.domain.protocol.validity import Violation, plan_violations
from lumbo.services._shared import active_plan, need_person, week_on
from lumbo.services.approval import in_force
from lumbo.store.approvals import Approval
from lumbo.store.records import PlanVersion
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = [
    "PlanView",
    "approve_plan",
    "changed_by",
    "declared_alternatives",
    "plan_with_approval",
    "swap_technique",
]


def declared_alternatives(lib: Library, technique: str) -> tuple[str, ...]:
    """Techniques the library declares as alternatives of ``technique`` (same role), sorted."""
    t = lib.get(technique)
    named = set(t.progressions) | set(t.regressions)
    named |= {u.id for u in lib.techniques if technique in u.progressions + u.regressions}
    return tuple(sorted(r for r in named if r in lib and lib.get(r).role is t.role))


@dataclass(frozen=True, slots=True)
class PlanView:
    plan: PlanVersion
    approval: Approval | None
    waiting: bool = False  # the latest version waits for approval (the patient runs an older one)
    changed_by: str | None = None  # the e-mail of the account whose edit made the version


def changed_by(uow: AbstractUnitOfWork, version: PlanVersion) -> str | None:
    """Who made ``version``: the editing account's e-mail, "a deleted account", or None when the
    engine made it. Call inside the unit of work."""
    if version.changed_by is None:
        return None
    user = uow.accounts.get_user(version.changed_by)
    return "a deleted account" if user is None else user.email


def plan_with_approval(
    uow: AbstractUnitOfWork, person_id: str, *, patient: bool = False
) -> PlanView:
    """The latest version with its approval (the clinician's view); ``patient``: the version the
    patient runs instead, the last approved one (``lumbo.services.approval``)."""
    with uow:
        state = in_force(uow.journeys, person_id)
        plan = state.in_force if patient else state.latest
        approval = uow.approvals.get(person_id, plan.version)
        return PlanView(plan, approval, state.waiting, changed_by(uow, plan))


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
            changed_by=actor_id,
        )
        repo.add_plan_version(stored)
        uow.commit()
    return stored


def _brief(violations: tuple[Violation, ...], most: int = 5) -> str:
    """Distinct violations with the first place each occurs, at most ``most`` of them."""
    first: dict[str, str] = {}
    for v in violations:
        what = f"{v.technique}: {v.reason}" if v.technique else v.reason
        first.setdefault(what, v.where)
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
