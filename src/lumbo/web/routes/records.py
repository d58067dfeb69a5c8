"""Session logs and check-ins, idempotent by their client-generated ids: a retry answers 200 with
``created: false`` and writes nothing; the same id with other content is a 409."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from lumbo.domain.protocol.model import CheckIn, SessionLog
from lumbo.services import journey, patient_records
from lumbo.services.recording import Recorded
from lumbo.web import responses as out
from lumbo.web.deps import Patient, ReadUow, Uow

router = APIRouter(tags=["sessions"], responses={401: {}, 403: {}, 404: {}})
WRITE: dict[int | str, dict[str, Any]] = {
    200: {"description": "a replay", "model": out.Recorded},
    409: {},
    422: {},
}


def _recorded(done: Recorded, response: Response) -> dict[str, Any]:
    response.status_code = 201 if done.created else 200
    return {
        "created": done.created,
        "plan_version": done.plan.version,
        "new_plan": done.new_plan,
        "adjustment": None if done.adjustment is None else done.adjustment.to_json(),
    }


@router.post(
    "/patients/{person_id}/sessions", status_code=201, responses=WRITE, response_model=out.Recorded
)
def log_session(log: SessionLog, scope: Patient, uow: Uow, response: Response) -> dict[str, Any]:
    """Record a performed session and re-run the adjustment rules (a new plan version when they
    change it)."""
    return _recorded(journey.record_session(uow, scope.person_id, log), response)


@router.get("/patients/{person_id}/sessions", response_model=list[SessionLog])
def sessions(scope: Patient, uow: ReadUow) -> list[SessionLog]:
    return patient_records.session_logs(uow, scope.person_id)


@router.post(
    "/patients/{person_id}/checkins", status_code=201, responses=WRITE, response_model=out.Recorded
)
def check_in(checkin: CheckIn, scope: Patient, uow: Uow, response: Response) -> dict[str, Any]:
    """Record a next-morning check-in and re-run the adjustment rules."""
    return _recorded(journey.record_checkin(uow, scope.person_id, checkin), response)


@router.get("/patients/{person_id}/checkins", response_model=list[CheckIn])
def checkins(scope: Patient, uow: ReadUow) -> list[CheckIn]:
    return patient_records.checkins(uow, scope.person_id)
