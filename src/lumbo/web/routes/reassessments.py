"""Reassessments, outcomes against baseline, and progress."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from lumbo.services import journey, patient_records, results
from lumbo.web import responses as out
from lumbo.web.deps import OwnPatient, Patient, ReadUow, Uow
from lumbo.web.schemas import INTAKE_DOC

router = APIRouter(tags=["outcomes"], responses={401: {}, 403: {}, 404: {}})
OnQuery = Annotated[date | None, Query(description="date YYYY-MM-DD (default: today)")]


@router.post(
    "/patients/{person_id}/reassessments",
    status_code=201,
    responses={422: {}},
    response_model=out.Reassessed,
)
def reassess(
    intake: Annotated[dict[str, Any], Body(description=INTAKE_DOC)],
    scope: OwnPatient,
    uow: Uow,
    on: OnQuery = None,
) -> dict[str, Any]:
    """Store a follow-up intake and assessment with the outcomes against baseline."""
    done = journey.reassess(uow, scope.person_id, json.dumps(intake), on=on or date.today())
    return {
        "week": done.week,
        "referral": done.assessment.referral.model_dump(mode="json"),
        "outcomes": done.outcomes,
        "plan_version": None if done.plan is None else done.plan.version,
        "plan_created": done.plan_created,
    }


@router.get("/patients/{person_id}/outcomes", response_model=list[results.Reassessment])
def outcomes(scope: Patient, uow: ReadUow) -> list[results.Reassessment]:
    """Each reassessment's outcomes against baseline (vs MCID and norms), oldest first."""
    return patient_records.outcomes(uow, scope.person_id)


@router.get("/patients/{person_id}/progress", response_model=out.Progress)
def progress(scope: Patient, uow: ReadUow, on: OnQuery = None) -> out.Progress:
    """Adherence by week, range of motion, questionnaires (``lumbo progress --json``)."""
    return journey.progress(uow, scope.person_id, on or date.today())
