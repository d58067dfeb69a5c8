"""A clinician changes a dose: sets, repetitions, hold time or stretch intensity target of one
technique, from a plan week on. The edited plan is re-checked with the engine's own safety checks
(:func:`lumbo.services.plan_edit.plan_violations`: contraindications, phase rules, neural
sequencing, the stretch intensity cap, release/stabilize pairing, the session time budget); a
refusal names the rule and says why. The edit is stored as the next plan version, waiting for
approval like every clinician's edit (``lumbo.services.approval``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.domain.knowledge import Library, library
from lumbo.domain.plan_view import dose_words
from lumbo.domain.progression import tenths
from lumbo.domain.protocol import validity as v
from lumbo.domain.protocol.engine import person_of
from lumbo.domain.protocol.model import Block, Dose, Plan, Session, Week
from lumbo.domain.protocol.validity import Violation, plan_violations
from lumbo.domain.safety import CONTRAINDICATED, EQUIPMENT_MISSING
from lumbo.services._shared import active_plan, need_person
from lumbo.store.records import PlanVersion
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = [
    "DoseChange",
    "Refusal",
    "change_dose",
    "refusals",
    "remove_exercise",
    "rule_of",
]

LIMITS = {"sets": (1, 10), "reps": (1, 50), "hold_s": (5, 180), "intensity_target": (0, 10)}
# lumbo policy: the range a clinician may type; the safety rules then judge the edited plan.

RULE_TITLES: dict[str, str] = {
    v.SESSION_BUDGET: "Session time budget",
    v.INTENSITY_CAP: "Stretch intensity cap",
    v.EXCLUDED_FOR_PERSON: "Left out for this patient",
    v.PHASE_LOAD: "Phase rules",
    v.PHASE_NEURAL_TENSION: "Phase rules",
    v.TENSIONER_BEFORE_SLIDER: "Neural sequencing (sliders before tensioners)",
    v.TENSIONER_TOO_EARLY: "Neural sequencing (sliders before tensioners)",
    v.RELEASE_UNPAIRED: "A release needs a stabilize partner",
    v.TECHNIQUE_TWICE: "One technique once per session",
    EQUIPMENT_MISSING: "Equipment the patient has",
    CONTRAINDICATED: "Contraindication",
}


def rule_of(violation: Violation) -> str:
    """The rule's title for people (the safety table's rules are contraindications)."""
    return RULE_TITLES.get(violation.rule, "Contraindication")


def refusals(violations: Sequence[Violation], lib: Library) -> list[Refusal]:
    """One refusal per rule broken (its first place), in words."""
    seen: dict[str, Refusal] = {}
    for x in violations:
        title = rule_of(x)
        if title not in seen:
            what = lib.get(x.technique).name if x.technique and x.technique in lib else None
            why = f"{x.where}: {what + ': ' if what else ''}{x.reason}"
            seen[title] = Refusal(title, why)
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class DoseChange:
    technique: str
    from_week: int
    sets: int | None = None
    reps: int | None = None
    hold_s: int | None = None
    intensity_target: int | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    rule: str
    why: str


class DoseRefused(InvalidInput):
    """The edited plan breaks a safety rule: ``refusals`` name each rule and say why."""

    def __init__(self, refusals: list[Refusal]) -> None:
        self.refusals = refusals
        super().__init__(
            [Problem("dose", f"refused by the rule “{r.rule}”: {r.why}") for r in refusals],
            "dose change",
        )


def _check(change: DoseChange, weeks: int) -> None:
    problems = []
    if not 1 <= change.from_week <= weeks:
        problems.append(Problem("from_week", f"must be between 1 and {weeks}", change.from_week))
    for name, (low, high) in LIMITS.items():
        value = getattr(change, name)
        if value is not None and not low <= value <= high:
            problems.append(Problem(name, f"must be between {low} and {high}", value))
    if all(getattr(change, n) is None for n in LIMITS):
        problems.append(Problem("dose", "give at least one of sets, repetitions, hold or target"))
    if problems:
        raise InvalidInput(problems, "dose change")


def _dose(d: Dose, c: DoseChange) -> Dose:
    update: dict[str, int] = {}
    if c.sets is not None:
        update["sets"] = c.sets
    if c.reps is not None and d.reps is not None:
        update["reps"] = c.reps
    if c.hold_s is not None and d.hold_s is not None:
        update["hold_s"] = c.hold_s
    if c.intensity_target is not None and d.intensity_target is not None:
        update["intensity_target"] = c.intensity_target
    return d.model_copy(update=update)


def _edited(plan: Plan, c: DoseChange) -> Plan:
    weeks = []
    for w in plan.weeks:
        if w.week < c.from_week:
            weeks.append(w)
            continue
        sessions = []
        for s in w.sessions:
            blocks: list[Block] = []
            for b in s.blocks:
                if b.technique == c.technique:
                    dose = _dose(b.dose, c)
                    b = b.model_copy(update={"dose": dose, "estimated_minutes": tenths(dose) / 10})
                blocks.append(b)
            minutes = round(sum(b.estimated_minutes for b in blocks), 1)
            sessions.append(Session.model_validate(
                {**s.model_dump(), "blocks": [b.model_dump() for b in blocks],
                 "estimated_minutes": minutes}
            ))  # fmt: skip
        weeks.append(Week.model_validate({**w.model_dump(), "sessions": [
            x.model_dump() for x in sessions]}))  # fmt: skip
    return plan.model_copy(update={"weeks": tuple(weeks)})


def change_dose(
    uow: AbstractUnitOfWork,
    person_id: str,
    *,
    plan_version: int,
    change: DoseChange,
    on: date,
    actor_id: str | None = None,
) -> PlanVersion:
    lib = library()
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        current = active_plan(repo, person_id)
        if plan_version != current.version:
            raise Conflict(
                f"the plan changed meanwhile (now version {current.version}): reload and edit again"
            )
        _check(change, len(current.plan.weeks))
        used = {
            b.technique
            for w in current.plan.weeks[change.from_week - 1 :]
            for s in w.sessions
            for b in s.blocks
        }
        if change.technique not in used:
            problem = Problem("technique", f"is not in the plan from week {change.from_week} on")
            raise InvalidInput([problem], "dose change")
        edited = _edited(current.plan, change)
        if edited == current.plan:
            raise InvalidInput([Problem("dose", "is the dose already planned")], "dose change")
        name = lib.get(change.technique).name
        first = next(
            b.dose
            for w in edited.weeks[change.from_week - 1 :]
            for s in w.sessions
            for b in s.blocks
            if b.technique == change.technique
        )
        reason = (
            f"Changed the dose of {name} from week {change.from_week} to "
            f"{dose_words(first)} (clinician's edit on {on.day} {on:%B %Y})."
        )
        return store_checked(uow, person_id, current, edited, reason, lib, actor_id)


def _without(plan: Plan, technique: str, from_week: int) -> Plan:
    """The plan with ``technique`` taken out of every session from ``from_week`` on (pairings
    renumbered; a release whose partner goes keeps no partner, which the checks then refuse)."""
    weeks = []
    for w in plan.weeks:
        if w.week < from_week:
            weeks.append(w)
            continue
        sessions = []
        for s in w.sessions:
            gone = [i for i, b in enumerate(s.blocks) if b.technique == technique]
            blocks = []
            for i, b in enumerate(s.blocks):
                if i in gone:
                    continue
                j = b.pairs_with
                if j is not None:
                    j = None if j in gone else j - sum(g < j for g in gone)
                blocks.append(b.model_copy(update={"pairs_with": j}))
            minutes = round(sum(b.estimated_minutes for b in blocks), 1)
            sessions.append(
                s.model_copy(update={"blocks": tuple(blocks), "estimated_minutes": minutes})
            )
        weeks.append(w.model_copy(update={"sessions": tuple(sessions)}))
    return plan.model_copy(update={"weeks": tuple(weeks)})


def remove_exercise(
    uow: AbstractUnitOfWork,
    person_id: str,
    *,
    plan_version: int,
    technique: str,
    from_week: int,
    on: date,
    actor_id: str | None = None,
) -> PlanVersion:
    """Take an exercise out of the plan from a week on, after the same checks as a dose change
    (a release needs its stabilize partner: removing the partner is refused, naming the rule)."""
    lib = library()
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        current = active_plan(repo, person_id)
        if plan_version != current.version:
            raise Conflict(
                f"the plan changed meanwhile (now version {current.version}): reload and edit again"
            )
        weeks = len(current.plan.weeks)
        if not 1 <= from_week <= weeks:
            raise InvalidInput(
                [Problem("from_week", f"must be between 1 and {weeks}", from_week)], "plan edit"
            )
        edited = _without(current.plan, technique, from_week)
        if edited == current.plan:
            problem = Problem("technique", f"is not in the plan from week {from_week} on")
            raise InvalidInput([problem], "plan edit")
        if any(not s.blocks for w in edited.weeks for s in w.sessions):
            problem = Problem("technique", "is the only exercise of a session: swap it instead")
            raise InvalidInput([problem], "plan edit")
        reason = (
            f"Took {lib.get(technique).name} out from week {from_week} "
            f"(clinician's edit on {on.day} {on:%B %Y})."
        )
        return store_checked(uow, person_id, current, edited, reason, lib, actor_id)


def store_checked(
    uow: AbstractUnitOfWork, person_id: str, current: PlanVersion, edited: Plan, reason: str,
    lib: Library, actor_id: str | None,
) -> PlanVersion:  # fmt: skip
    """Inside an open unit of work: check a clinician's edited plan with the one plan-validity
    function (a refusal names each rule broken, where and why) and store it as the next version,
    with who made it, waiting for approval like every clinician's edit."""
    repo = uow.journeys
    intake = repo.intakes(person_id)[-1].intake
    assessment = repo.assessments(person_id)[-1].assessment
    broken = plan_violations(edited, person_of(intake, assessment), lib)
    if broken:
        raise DoseRefused(refusals(broken, lib))
    version = current.version + 1
    stored = PlanVersion(
        person_id=person_id,
        version=version,
        plan=edited.model_copy(update={"version": version, "person_id": person_id}),
        reason=reason,
        assessment_id=current.assessment_id,
        changed_by=actor_id,
    )
    repo.add_plan_version(stored)
    uow.commit()
    return stored
