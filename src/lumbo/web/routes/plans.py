"""Plans: the current version (with its approval), all versions, today's session, a clinician's
swap of a technique for a declared alternative (re-checked against every safety rule), approval."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from lumbo.services import journey, patient_records, plan_edit, results
from lumbo.web import responses as out
from lumbo.web.deps import OwnPatient, Patient, ReadUow, Uow
from lumbo.web.schemas import ApproveIn, SwapIn

router = APIRouter(tags=["plans"], responses={401: {}, 403: {}, 404: {}})
OnQuery = Annotated[date | None, Query(description="date YYYY-MM-DD (default: today)")]


@router.get("/patients/{person_id}/plan", responses={409: {}}, response_model=out.CurrentPlan)
def plan(scope: Patient, uow: Uow) -> dict[str, Any]:
    """The plan: for a clinician the latest version, for the patient the last approved one (the
    version they run); 409 while a referral withholds it."""
    patient = scope.user.role == "patient"
    view = plan_edit.plan_with_approval(uow, scope.person_id, patient=patient)
    return {
        "version": view.plan.version,
        "reason": view.plan.reason,
        "created_at": view.plan.created_at.isoformat(),
        "approval": None if view.approval is None else view.approval.to_json(),
        "awaiting_approval": view.waiting,
        "plan": view.plan.plan.to_json(),
    }


@router.get("/patients/{person_id}/plan/versions", response_model=list[results.PlanVersionOut])
def plan_versions(scope: Patient, uow: ReadUow) -> list[results.PlanVersionOut]:
    return patient_records.plan_versions(uow, scope.person_id)


@router.get("/patients/{person_id}/today", responses={409: {}}, response_model=out.TodayDoc)
def today(scope: Patient, uow: ReadUow, on: OnQuery = None) -> dict[str, Any]:
    """The next session due on a date (``lumbo today``)."""
    return journey.today(uow, scope.person_id, on or date.today()).to_json()


@router.post(
    "/patients/{person_id}/plan/swap",
    status_code=201,
    responses={409: {}, 422: {}},
    response_model=out.SwappedPlan,
)
def swap(body: SwapIn, scope: OwnPatient, uow: Uow) -> dict[str, Any]:
    """Replace a technique by one of its declared alternatives from a week on. The edited plan is
    re-checked against every safety rule; a stale ``plan_version`` is a 409."""
    stored = plan_edit.swap_technique(
        uow,
        scope.person_id,
        plan_version=body.plan_version,
        technique=body.technique,
        replacement=body.replacement,
        from_week=body.from_week,
        on=date.today(),
        actor_id=scope.user.id,
    )
    return {"version": stored.version, "reason": stored.reason, "plan": stored.plan.to_json()}


@router.post(
    "/patients/{person_id}/plan/approve",
    responses={409: {}, 422: {}},
    response_model=results.Approval,
)
def approve(body: ApproveIn, scope: OwnPatient, uow: Uow) -> dict[str, Any]:
    """Approve the current plan version (again: returns the first approval)."""
    approval = plan_edit.approve_plan(
        uow, scope.person_id, plan_version=body.plan_version, actor_id=scope.user.id, note=body.note
    )
    return approval.to_json()
