"""Reading a person's stored records (one transaction per call): what the API lists, as typed
results (:mod:`lumbo.services.results`; session logs and check-ins as their domain models).

Authorization happens before these are called (:mod:`lumbo.services.access`); they only read.
"""

from __future__ import annotations

from typing import Any

from lumbo.domain.protocol.model import CheckIn, SessionLog
from lumbo.services._shared import need_person
from lumbo.services.results import (
    JobOut,
    Measurement,
    PatientSummary,
    PersonOut,
    PlanVersionOut,
    Reassessment,
    StoredAssessment,
    StoredIntake,
    VideoOut,
)
from lumbo.store.records import PersonRecord
from lumbo.store.unit_of_work import AbstractUnitOfWork


def person_out(person: PersonRecord) -> PersonOut:
    return PersonOut(
        id=person.id,
        external_ref=person.external_ref,
        owner_id=person.owner_id,
        created_at=person.created_at.isoformat(),
    )


def persons_of_owner(uow: AbstractUnitOfWork, owner_id: str) -> list[PersonRecord]:
    with uow:
        return uow.accounts.persons_of_owner(owner_id)


def summary(uow: AbstractUnitOfWork, person_id: str) -> PatientSummary:
    """The person, their latest referral decision, plan version and account (if any)."""
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        assessments = repo.assessments(person_id)
        plan = repo.latest_plan(person_id)
        account = uow.accounts.account_of_person(person_id)
    referral = assessments[-1].assessment.referral if assessments else None
    return PatientSummary.model_validate(
        {
            **person_out(person).to_json(),
            "referral": None if referral is None else referral.model_dump(mode="json"),
            "plan_version": None if plan is None else plan.version,
            "account": None if account is None else account.email,
        }
    )


def intakes(uow: AbstractUnitOfWork, person_id: str) -> list[StoredIntake]:
    with uow:
        found = uow.journeys.intakes(person_id)
    return [
        StoredIntake.model_validate(
            {
                "id": i.id,
                "kind": i.kind,
                "created_at": i.created_at.isoformat(),
                "intake": i.intake.model_dump(mode="json"),
            }
        )
        for i in found
    ]


def assessments(uow: AbstractUnitOfWork, person_id: str) -> list[StoredAssessment]:
    with uow:
        found = uow.journeys.assessments(person_id)
    return [
        StoredAssessment.model_validate(
            {
                "id": a.id,
                "intake_id": a.intake_id,
                "created_at": a.created_at.isoformat(),
                "assessment": a.assessment.to_json(),
            }
        )
        for a in found
    ]


def plan_versions(uow: AbstractUnitOfWork, person_id: str) -> list[PlanVersionOut]:
    """Every plan version, oldest first, with who made it (``changed_by``: the editing account's
    id, or None when the engine made the version)."""
    with uow:
        found = uow.journeys.plan_versions(person_id)
    return [
        PlanVersionOut.model_validate(
            {
                "version": v.version,
                "reason": v.reason,
                "created_at": v.created_at.isoformat(),
                "adjustment": None if v.adjustment is None else v.adjustment.to_json(),
                "changed_by": v.changed_by,
            }
        )
        for v in found
    ]


def session_logs(uow: AbstractUnitOfWork, person_id: str) -> list[SessionLog]:
    with uow:
        found = uow.journeys.session_logs(person_id)
    return [s.log for s in found]


def checkins(uow: AbstractUnitOfWork, person_id: str) -> list[CheckIn]:
    with uow:
        found = uow.journeys.checkins(person_id)
    return [c.checkin for c in found]


def outcomes(uow: AbstractUnitOfWork, person_id: str) -> list[Reassessment]:
    """Each reassessment with its outcomes against baseline, oldest first."""
    with uow:
        found = uow.journeys.reassessments(person_id)
    return [
        Reassessment.model_validate(
            {
                "id": r.id,
                "week": r.week,
                "created_at": r.created_at.isoformat(),
                "assessment_id": r.assessment_id,
                "outcomes": r.outcomes,
            }
        )
        for r in found
    ]


def measurements(uow: AbstractUnitOfWork, person_id: str) -> list[Measurement]:
    with uow:
        found = uow.journeys.video_measurements(person_id)
    return [
        Measurement.model_validate(
            {
                "id": m.id,
                "movement": m.movement,
                "created_at": m.created_at.isoformat(),
                "result": _readable(m.result),
                "source": m.source,
                "author_id": m.author_id,
            }
        )
        for m in found
    ]


LISTED_MAX_DEPTH = 16


def _readable(result: dict[str, Any]) -> dict[str, Any]:
    """A stored result, or a note in its place when an older row is nested too deeply to list
    (one bad row must never break a patient's whole list)."""
    if _too_deep(result, LISTED_MAX_DEPTH):
        return {"unreadable": f"this result is nested more than {LISTED_MAX_DEPTH} levels deep"}
    return result


def _too_deep(value: object, budget: int) -> bool:
    if not isinstance(value, dict | list):
        return False
    if budget <= 0:
        return True
    items = value.values() if isinstance(value, dict) else value
    return any(_too_deep(v, budget - 1) for v in items)


def videos(uow: AbstractUnitOfWork, person_id: str) -> list[VideoOut]:
    with uow:
        found = uow.jobs.videos_of(person_id)
    return [VideoOut.model_validate(v.to_json()) for v in found]


def jobs(uow: AbstractUnitOfWork, person_id: str) -> list[JobOut]:
    with uow:
        found = uow.jobs.jobs_of(person_id)
    return [JobOut.model_validate(j.to_json()) for j in found]
