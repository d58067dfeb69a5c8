"""The swap list of the plan page: for each technique of the plan from the current week, every
alternative the library declares, tried on a copy of the plan with the engine's own checks (the
same as :func:`lumbo.services.plan_edit.swap_technique`). Alternatives that pass are offered; the
others are listed with the rule that refuses them and why. Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lumbo.domain.adjust.decide import apply_adjustment
from lumbo.domain.errors import InvalidInput
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.engine import person_of
from lumbo.domain.protocol.model import Adjustment, Decision
from lumbo.domain.protocol.validity import plan_violations
from lumbo.services._shared import active_plan, need_person, week_on
from lumbo.services.plan_dose import refusals
from lumbo.services.plan_edit import declared_alternatives
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = ["Option", "SwapRow", "swap_options"]


@dataclass(frozen=True, slots=True)
class Option:
    technique: str
    name: str
    refusal: str | None  # None: the swap passes every check


@dataclass(frozen=True, slots=True)
class SwapRow:
    technique: str
    name: str
    options: tuple[Option, ...]

    @property
    def allowed(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.refusal is None)

    @property
    def refused(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.refusal is not None)


def swap_options(uow: AbstractUnitOfWork, person_id: str, on: date) -> list[SwapRow]:
    lib = library()
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        current = active_plan(repo, person_id)
        intake = repo.intakes(person_id)[-1].intake
        assessment = repo.assessments(person_id)[-1].assessment
    who = person_of(intake, assessment)
    start = week_on(current, person.created_at.date(), on)
    plan = current.plan
    later = [b for w in plan.weeks[start - 1 :] for s in w.sessions for b in s.blocks]
    rows = []
    for technique in sorted({b.technique for b in later}):
        if technique not in lib:
            continue
        level = next(b.level for b in later if b.technique == technique)
        options = []
        for r in declared_alternatives(lib, technique):
            decision = Decision(
                technique=technique, action="swap", replacement=r, reason="clinician swap",
                level=level,
            )  # fmt: skip
            adjustment = Adjustment(
                decisions=(decision,), plan_version=current.version, from_week=start
            )
            refusal = None
            try:
                edited = apply_adjustment(plan, adjustment, lib)
            except InvalidInput as err:
                refusal = "Library dosing: " + err.problems[0].message
            else:
                broken = plan_violations(edited, who, lib)
                if broken:
                    first = refusals(broken, lib)[0]
                    refusal = f"{first.rule}: {first.why}"
            options.append(Option(r, lib.get(r).name, refusal))
        if options:
            rows.append(SwapRow(technique, lib.get(technique).name, tuple(options)))
    return rows
