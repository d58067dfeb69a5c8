"""Clearing a referral: the clinician records who cleared the patient, when, and a note; the
intake gets a new version with ``history.clinician_clearance`` set, it is assessed again, and the
plan is built (when the patient had none) in the same unit of work.

Emergency referrals (cauda-equina signs, progressive neurological deficit) cannot be cleared this
way: they need a new intake after the patient has been assessed (``lumbo.domain.referral``: a
clearance never overrides emergency signs). A referral the clearance does not lift (for instance
pregnancy without an obstetric clearance) is refused with the reasons that remain; nothing is
written then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lumbo.domain.assessment.assess import assess
from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.services._shared import latest_assessment, need_person
from lumbo.services.journey import _add_assessed, _add_first_plan, first_plan
from lumbo.store.clearances import Clearance
from lumbo.store.records import PlanVersion
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = ["Cleared", "clear_referral", "clearance_history"]


@dataclass(frozen=True, slots=True)
class Cleared:
    clearance: Clearance
    plan: PlanVersion | None  # the plan now in force (built now when there was none)
    plan_created: bool


def _check(cleared_by: str, cleared_on: date, note: str, today: date) -> tuple[str, str]:
    problems = []
    who, why = cleared_by.strip(), note.strip()
    if not 1 <= len(who) <= 200:
        problems.append(
            Problem("cleared_by", "must name who cleared the patient (1-200 characters)")
        )
    if cleared_on > today:
        problems.append(Problem("cleared_on", "must not be in the future", cleared_on.isoformat()))
    if not 1 <= len(why) <= 2000:
        problems.append(Problem("note", "must say what was cleared and why (1-2000 characters)"))
    if problems:
        raise InvalidInput(problems, "referral clearance")
    return who, why


def clear_referral(
    uow: AbstractUnitOfWork,
    person_id: str,
    *,
    cleared_by: str,
    cleared_on: date,
    note: str,
    actor_id: str | None,
    today: date,
) -> Cleared:
    who, why = _check(cleared_by, cleared_on, note, today)
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        referral = latest_assessment(repo, person_id).assessment.referral
        if not referral.required:
            raise Conflict("no referral is pending for this patient")
        if referral.urgency == "emergency":
            raise Conflict(
                "an emergency referral cannot be cleared here: record a new intake once the "
                "patient has been assessed"
            )
        latest = repo.intakes(person_id)[-1]
        history = latest.intake.history.model_copy(update={"clinician_clearance": True})
        cleared = latest.intake.model_copy(update={"history": history})
        assessment = assess(cleared)
        if assessment.referral.required:
            raise Conflict(
                "the clearance does not lift this referral: "
                + "; ".join(assessment.referral.reasons)
            )
        intake_rec, assessment_rec = _add_assessed(
            repo, person_id, latest.kind, cleared, assessment
        )
        record = Clearance(person_id, intake_rec.id, who, cleared_on, why, actor_id)
        uow.clinic.add_clearance(record)
        plan = repo.latest_plan(person_id)
        created = False
        if plan is None:
            built = first_plan(need_person(repo, person_id), cleared, assessment)
            if built is not None:
                plan = _add_first_plan(repo, person_id, built, assessment_rec)
                created = True
        uow.commit()
    return Cleared(record, plan, created)


def clearance_history(uow: AbstractUnitOfWork, person_id: str) -> list[Clearance]:
    with uow:
        return uow.clinic.clearances(person_id)
