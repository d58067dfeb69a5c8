"""Patients: list, enrol from an intake, view, give a login; intakes and assessments; stateless
assessment and plan preview (``lumbo assess`` / ``lumbo plan``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from lumbo.domain.errors import ReferralRequired
from lumbo.domain.protocol.engine import build_plan
from lumbo.services import access as policy
from lumbo.services import accounts, journey, patient_records, results
from lumbo.services.assessment import assess_intake_text
from lumbo.services.caseload import MAX_PER_PAGE, caseload
from lumbo.web import responses as out
from lumbo.web.deps import AccessDep, Clinician, Ctx, CurrentUser, OwnPatient, Patient, ReadUow, Uow
from lumbo.web.schemas import INTAKE_DOC, AccountIn

router = APIRouter(tags=["patients"], responses={401: {}, 403: {}})
IntakeBody = Annotated[dict[str, Any], Body(description=INTAKE_DOC)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {}}


@router.get(
    "/patients",
    responses={422: {}},
    response_model=list[out.CaseloadPatient | results.PatientSummary],
)
def list_patients(
    user: CurrentUser,
    uow: Uow,
    ctx: Ctx,
    access: AccessDep,
    response: Response,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
    q: Annotated[str | None, Query(max_length=64, description="reference starts with")] = None,
    attention: Annotated[bool, Query(description="only patients with an alert")] = False,
    sort: Annotated[str, Query(pattern="^(attention|name|created|inactive|pain)$")] = "created",
    flag: Annotated[
        str | None,
        Query(
            pattern="^(safety|worsening|inactive|reassessment|referral|approval)$",
            description="only patients with this flag",
        ),
    ] = None,
) -> list[dict[str, Any]]:
    """A clinician's own patients, one page at a time (``X-Total-Count`` and ``Link`` headers
    say how many and where the next page is), with adherence, last session and alerts; for a
    patient, themself; for an admin, none."""
    policy.record(ctx.store.uow(), user, access, user.person_id)
    if user.role == "clinician":
        found = caseload(
            uow,
            user.id,
            date.today(),
            page=page,
            per_page=per_page,
            q=q,
            attention_only=attention,
            sort=sort,
            flag=flag,
        )
        response.headers["X-Total-Count"] = str(found.total)
        if page < found.pages:
            response.headers["Link"] = (
                f"</api/patients?page={page + 1}&per_page={per_page}&sort={sort}"
                + (f"&flag={flag}" if flag else "")
                + '>; rel="next"'
            )
        return [{**r.to_json(), "owner_id": user.id} for r in found.rows]
    if user.role == "patient" and user.person_id is not None:
        return [patient_records.summary(uow, user.person_id).to_json()]
    return []


@router.post(
    "/patients", status_code=201, responses={409: {}, 422: {}}, response_model=out.Enrolled
)
def enrol(
    intake: IntakeBody, clinician: Clinician, uow: Uow, ctx: Ctx, access: AccessDep
) -> dict[str, Any]:
    """Enrol a patient: assess the intake and store it with plan version 1 (none while a
    referral is required)."""
    enrolled = journey.init_person(uow, json.dumps(intake), owner_id=clinician.id)
    policy.record(ctx.store.uow(), clinician, access, enrolled.person.id)
    return {
        "person_id": enrolled.person.id,
        "external_ref": enrolled.person.external_ref,
        "referral": enrolled.assessment.referral.model_dump(mode="json"),
        "plan_version": None if enrolled.plan is None else enrolled.plan.version,
    }


@router.get("/patients/{person_id}", responses=NOT_FOUND, response_model=results.PatientSummary)
def patient(scope: Patient, uow: ReadUow) -> results.PatientSummary:
    return patient_records.summary(uow, scope.person_id)


@router.post(
    "/patients/{person_id}/account",
    status_code=201,
    responses={404: {}, 409: {}},
    response_model=results.UserOut,
)
def add_account(body: AccountIn, scope: OwnPatient, ctx: Ctx, access: AccessDep) -> dict[str, Any]:
    """Create the patient's own login (one per patient)."""
    user = accounts.create_user(
        ctx.store,
        ctx.settings,
        email=body.email,
        password=body.password,
        role="patient",
        person_id=scope.person_id,
        created_by=scope.user,
        client=access.client,
    )
    return user.public()


@router.get(
    "/patients/{person_id}/intakes", responses=NOT_FOUND, response_model=list[results.StoredIntake]
)
def intakes(scope: Patient, uow: ReadUow) -> list[results.StoredIntake]:
    return patient_records.intakes(uow, scope.person_id)


@router.get(
    "/patients/{person_id}/assessments",
    responses=NOT_FOUND,
    response_model=list[results.StoredAssessment],
)
def assessments(scope: Patient, uow: ReadUow) -> list[results.StoredAssessment]:
    return patient_records.assessments(uow, scope.person_id)


@router.post("/assess", responses={422: {}}, response_model=out.AssessmentDoc)
def assess(intake: IntakeBody, _user: Clinician) -> dict[str, Any]:
    """Assess an intake without storing anything (``lumbo assess --json``)."""
    assessed = assess_intake_text(json.dumps(intake))
    return assessed.assessment.to_json()


@router.post("/plan-preview", responses={409: {}, 422: {}}, response_model=out.PlanDoc)
def plan_preview(intake: IntakeBody, _user: Clinician) -> dict[str, Any]:
    """The 12-week plan of an intake without storing anything (``lumbo plan --json``); 409 when
    a referral withholds it."""
    assessed = assess_intake_text(json.dumps(intake))
    plan = build_plan(assessed.intake, assessed.assessment)
    if plan.status != "ok":
        referral = assessed.assessment.referral
        raise ReferralRequired(referral.urgency, list(referral.reasons))
    return plan.to_json()
