"""Plan templates: a clinician saves a patient's current plan (its weeks of sessions) as a named
template and applies it to another of their patients. Applying checks the template against that
patient with the engine's own checks (:func:`lumbo.services.plan_edit.plan_violations`: their
contraindications, the techniques left out for them, phase rules, pairing, time budget); a
refusal names each rule and says why. An applied template is stored as the patient's next plan
version (their start date kept), waiting for approval like every clinician's edit."""

from __future__ import annotations

from datetime import date

from lumbo.domain.errors import Conflict, InvalidInput, NotFound, Problem
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.model import Week
from lumbo.services._shared import active_plan, need_person
from lumbo.services.plan_dose import store_checked
from lumbo.store.plan_templates import PlanTemplate
from lumbo.store.records import PlanVersion
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = ["apply_template", "save_template", "templates"]


def save_template(
    uow: AbstractUnitOfWork, person_id: str, *, owner_id: str, name: str
) -> PlanTemplate:
    title = name.strip()
    if not 1 <= len(title) <= 120:
        raise InvalidInput([Problem("name", "must be 1 to 120 characters")], "plan template")
    with uow:
        plan = active_plan(uow.journeys, person_id)
        template = PlanTemplate(
            owner_id=owner_id,
            name=title,
            document={
                "weeks": [w.model_dump(mode="json") for w in plan.plan.weeks],
                "minutes_per_session": plan.plan.minutes_per_session,
            },
        )
        uow.clinic.add_template(template)
        uow.commit()
    return template


def templates(uow: AbstractUnitOfWork, owner_id: str) -> list[PlanTemplate]:
    with uow:
        return uow.clinic.templates_of(owner_id)


def apply_template(
    uow: AbstractUnitOfWork,
    person_id: str,
    *,
    owner_id: str,
    template_id: str,
    plan_version: int,
    on: date,
) -> PlanVersion:
    lib = library()
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        template = uow.clinic.get_template(template_id)
        if template is None or template.owner_id != owner_id:
            raise NotFound("no such plan template")
        current = active_plan(repo, person_id)
        if plan_version != current.version:
            raise Conflict(
                f"the plan changed meanwhile (now version {current.version}): reload and try again"
            )
        weeks = tuple(Week.model_validate(w) for w in template.document["weeks"])
        edited = current.plan.model_copy(update={"weeks": weeks})
        reason = f"Template “{template.name}” applied ({on.day} {on:%B %Y}, clinician's edit)."
        return store_checked(uow, person_id, current, edited, reason, lib, owner_id)
