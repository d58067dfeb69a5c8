"""The patient's phone app API (issue 16): questionnaires filled in on the phone, idempotent by
the client's response id (a replay answers 200 ``created: false``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response

from lumbo.services import phone_questionnaires
from lumbo.services.phone_questionnaires import QuestionnaireResult, QuestionnaireStored
from lumbo.web.deps import Patient, Uow

router = APIRouter(tags=["questionnaires"], responses={401: {}, 403: {}, 404: {}})


@router.post(
    "/patients/{person_id}/questionnaires",
    status_code=201,
    response_model=QuestionnaireStored,
    responses={
        200: {"description": "a replay: stored before", "model": QuestionnaireStored},
        409: {},
        422: {},
    },
)
def submit_questionnaire(
    scope: Patient, uow: Uow, response: Response, data: Annotated[dict[str, Any], Body()]
) -> QuestionnaireStored:
    """Store one questionnaire set the patient filled in (scores computed by lumbo)."""
    stored = phone_questionnaires.submit(uow, scope.person_id, data)
    response.status_code = 201 if stored.created else 200
    return stored


@router.get("/patients/{person_id}/questionnaires", response_model=list[QuestionnaireResult])
def questionnaire_results(scope: Patient, uow: Uow) -> list[QuestionnaireResult]:
    """The filled-in sets with their scores against the baseline."""
    return phone_questionnaires.results(uow, scope.person_id)
