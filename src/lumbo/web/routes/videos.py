"""Video uploads (analysed by a background job), recorded measurements, and job status."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from lumbo.services import journey, patient_records, results
from lumbo.services.uploads import save_video
from lumbo.web import responses as out
from lumbo.web.deps import Ctx, Patient, ReadUow, ScopedJob, Uow
from lumbo.web.schemas import MeasurementIn

router = APIRouter(tags=["videos"], responses={401: {}, 403: {}, 404: {}})


@router.post(
    "/patients/{person_id}/videos",
    status_code=202,
    responses={413: {}, 422: {}},
    response_model=out.Uploaded,
)
def upload_video(
    file: Annotated[UploadFile, File(description="MP4, QuickTime or WebM video")],
    movement: Annotated[str, Form(min_length=1, max_length=64)],
    scope: Patient,
    ctx: Ctx,
    record: Annotated[
        bool, Form(description="store the result as the patient's video measurement")
    ] = False,
) -> dict[str, Any]:
    """Store a video and queue its analysis; poll ``GET /api/jobs/{job_id}``."""
    done = save_video(
        ctx.store,
        ctx.settings,
        ctx.dispatcher,
        person_id=scope.person_id,
        stream=file.file,
        filename=file.filename,
        content_type=file.content_type,
        movement=movement,
        uploaded_by=scope.user.id,
        record=record,
    )
    return {"video": done.video.to_json(), "job": done.job.to_json()}


@router.get("/patients/{person_id}/videos", response_model=list[results.VideoOut])
def videos(scope: Patient, uow: ReadUow) -> list[results.VideoOut]:
    return patient_records.videos(uow, scope.person_id)


@router.post(
    "/patients/{person_id}/measurements",
    status_code=201,
    responses={422: {}},
    response_model=out.MeasurementRecorded,
)
def record_measurement(body: MeasurementIn, scope: Patient, uow: Uow) -> dict[str, Any]:
    """Record a video measurement result (``lumbo measure --json``); append-only. The result
    must have the measurement's shape (movement, view, summary in degrees); it is kept with who
    recorded it and how: ``clinician`` or ``patient_reported``."""
    stored = journey.record_video_measurement(
        uow,
        scope.person_id,
        body.movement,
        json.dumps(body.result.model_dump(mode="json"), allow_nan=False),
        author_id=scope.user.id,
        source="clinician" if scope.user.role == "clinician" else "patient_reported",
    )
    return {
        "id": stored.id,
        "movement": stored.movement,
        "created_at": stored.created_at.isoformat(),
        "source": stored.source,
    }


@router.get("/patients/{person_id}/measurements", response_model=list[results.Measurement])
def measurements(scope: Patient, uow: ReadUow) -> list[results.Measurement]:
    return patient_records.measurements(uow, scope.person_id)


@router.get("/patients/{person_id}/jobs", response_model=list[results.JobOut])
def person_jobs(scope: Patient, uow: ReadUow) -> list[results.JobOut]:
    return patient_records.jobs(uow, scope.person_id)


@router.get("/jobs/{job_id}", response_model=results.JobOut)
def job_status(job: ScopedJob) -> dict[str, Any]:
    """Status of a background job: queued, running, done or failed, progress 0-1, result."""
    return job.to_json()
