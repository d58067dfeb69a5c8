"""The patient's phone app API (issue 16): questionnaires filled in on the phone, idempotent by
the client's response id (a replay answers 200 ``created: false``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response

from lumbo.services import phone_questionnaires
from lumbo.web.deps import Patient, Uow

router = APIRouter(tags=["questionnaires"], responses={401: {}, 403: {}, 404: {}})


@router.post(
    "/patients/{person_id}/questionnaires",
    status_code=201,
    responses={200: {"description": "a replay"}, 409: {}, 422: {}},
)
def submit_questionnaire(
    scope: Patient, uow: Uow, response: Response, data: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Store one questionnaire set the patient filled in (scores computed by lumbo)."""
    rec, created = phone_questionnaires.record(uow, scope.person_id, data)
    response.status_code = 201 if created else 200
    return {"created": created, "id": rec.id, "scores": rec.scores}


@router.get("/patients/{person_id}/questionnaires")
def questionnaire_results(scope: Patient, uow: Uow) -> list[dict[str, Any]]:
    """The filled-in sets with their scores against the baseline."""
    return phone_questionnaires.results(uow, scope.person_id)
