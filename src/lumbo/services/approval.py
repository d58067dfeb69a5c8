"""What approval means: the patient runs only the last approved plan version.

Lumbo policy:

* version 1, the plan built from the assessment the clinician enrolled (or cleared), is approved by
  that act;
* a version the adjustment rules make is approved at once when the clinic setting
  "auto-approve rule-based adjustments" is on (the default; ``recording`` asks the store), and
  otherwise waits for the clinician;
* every other version (a clinician's edit, a plan rebuilt after an intake correction) waits for an
  explicit approval (:func:`lumbo.services.plan_edit.approve_plan`);
* a self-directed person (issue 20) whom no clinician has taken on has nobody to approve: every
  version is in force as it is made.

:func:`patient_plan` is the plan the patient's pages and the session player show; the clinician's
pages show the latest version with its approval state (:func:`approval_state`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lumbo.services._shared import active_plan
from lumbo.store.clinic_settings import AUTO_APPROVE, TIME_ZONE
from lumbo.store.records import PlanVersion
from lumbo.store.repository import JourneyRepository
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = [
    "ApprovalState",
    "ClinicSettings",
    "approval_state",
    "clinic_settings",
    "in_force",
    "patient_plan",
    "set_auto_approve",
]


@dataclass(frozen=True, slots=True)
class ApprovalState:
    latest: PlanVersion
    in_force: PlanVersion  # the version the patient runs
    waiting: bool  # the latest version waits for the clinician's approval


def _approved(version: int, approved: frozenset[int] | None) -> bool:
    return approved is None or version == 1 or version in approved


def in_force(repo: JourneyRepository, person_id: str) -> ApprovalState:
    """The latest plan and the last approved one, inside an open unit of work (raises like
    :func:`active_plan` when a referral withholds the plan)."""
    latest = active_plan(repo, person_id)
    approved = repo.approved_versions(person_id)
    person = repo.get_person(person_id)
    if _approved(latest.version, approved) or (person is not None and person.unsupervised):
        # a self-directed person has no clinician to approve: every version is in force
        return ApprovalState(latest, latest, False)
    older = [v for v in repo.plan_versions(person_id) if _approved(v.version, approved)]
    return ApprovalState(latest, older[-1] if older else latest, True)


def patient_plan(uow: AbstractUnitOfWork, person_id: str) -> PlanVersion:
    """The plan version the patient sees: the last approved one."""
    with uow:
        return in_force(uow.journeys, person_id).in_force


def approval_state(uow: AbstractUnitOfWork, person_id: str) -> ApprovalState:
    with uow:
        return in_force(uow.journeys, person_id)


@dataclass(frozen=True, slots=True)
class ClinicSettings:
    auto_approve_adjustments: bool
    time_zone: str = "UTC"  # patients' reminders and calendar, unless they choose their own


def clinic_settings(uow: AbstractUnitOfWork) -> ClinicSettings:
    with uow:
        values = uow.clinic.all_settings()
    return ClinicSettings(
        auto_approve_adjustments=bool(values[AUTO_APPROVE]), time_zone=str(values[TIME_ZONE])
    )


def set_auto_approve(uow: AbstractUnitOfWork, on: bool, actor_id: str | None) -> ClinicSettings:
    with uow:
        uow.clinic.set_setting(AUTO_APPROVE, bool(on), actor_id)
        uow.commit()
    return clinic_settings(uow)
