"""The video-analysis job's whole lifecycle: queue it (with its upload, :mod:`.uploads`), claim it,
report progress, finish it (recording the measurement when the upload asked for it), fail it, put
orphaned ones back on the queue, and accept a finished result into the record from a page.

The worker (:mod:`lumbo.jobs.measure`) only runs the vision pipeline between these steps; the web
pages and API only call them. Every step is one unit of work; a status change a step does not own
any more (the job was queued again, or failed, under a slow worker) raises :class:`JobLost`.

The job's payload is a :class:`VideoJobPayload`: typed here, stored as its JSON in the job row.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lumbo.domain.errors import Conflict, InvalidInput, LumboError
from lumbo.domain.movements import Movement
from lumbo.services import journey
from lumbo.services._shared import UnitsOfWork
from lumbo.store.accounts import User
from lumbo.store.jobs import VIDEO_ANALYSIS, Job, Video
from lumbo.store.records import VideoMeasurementRecord
from lumbo.store.tables import utcnow

log = logging.getLogger("lumbo.jobs")

CORRUPT = "could not analyse the video: it may be corrupt or in an unsupported format"


class VideoJobPayload(BaseModel):
    """What a ``video_analysis`` job names: its video, the video's path relative to the data
    directory, the movement, and whether the worker records the result."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    video_id: str = Field(min_length=1, max_length=36)
    path: str = Field(default="", max_length=1024)
    movement: str = Field(min_length=1, max_length=64)
    record: bool = False

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class JobFailed(Exception):
    """Ends the job ``failed`` with this (user-facing) message."""


class JobLost(Exception):
    """The job left ``running`` under us (queued again by recovery, or failed): stop quietly."""


def payload_of(job: Job) -> VideoJobPayload:
    """The job's typed payload; a job that is not a readable video analysis fails."""
    if job.kind != VIDEO_ANALYSIS:
        raise JobFailed(f"unknown job kind {job.kind!r}")
    try:
        return VideoJobPayload.model_validate(job.payload)
    except ValidationError:
        raise JobFailed("the uploaded video of this job no longer exists") from None


def readable(err: LumboError) -> str:
    """A LumboError as one line, without the values (they may hold server paths)."""
    if isinstance(err, InvalidInput):
        return f"invalid {err.what}: " + "; ".join(f"{p.path}: {p.message}" for p in err.problems)
    return str(err).replace("\n", "; ")


@dataclass(frozen=True, slots=True)
class Work:
    """A claimed job, ready for the pipeline: its video file (checked to be inside the data
    directory) and the movement in the pipeline's spelling."""

    job: Job
    payload: VideoJobPayload
    video: Video
    path: Path
    movement: str


def claim(store: UnitsOfWork, job_id: str) -> Job | None:
    """Mark the job ``running`` (None: not queued, another worker has it or it is over)."""
    with store.uow() as uow:
        job = uow.jobs.claim(job_id)
        uow.commit()
    return job


def prepare(store: UnitsOfWork, data_dir: Path, job: Job) -> Work:
    payload = payload_of(job)
    with store.uow() as uow:
        video = uow.jobs.get_video(payload.video_id)
    if video is None:
        raise JobFailed("the uploaded video of this job no longer exists")
    root = data_dir.resolve()
    path = (root / video.path).resolve()
    if not path.is_relative_to(root):
        raise JobFailed("the video's stored path is outside the data directory")
    if not path.is_file():
        raise JobFailed("the uploaded video file is missing from the data directory")
    named = Movement.of(payload.movement)
    movement = payload.movement if named is None else named.value
    return Work(job, payload, video, path, movement)


def set_progress(store: UnitsOfWork, job_id: str, value: float) -> None:
    try:
        with store.uow() as uow:
            uow.jobs.set_progress(job_id, value)
            uow.commit()
    except Conflict:
        raise JobLost(job_id) from None


def finish(store: UnitsOfWork, work: Work, result: dict[str, Any]) -> str | None:
    """End the job ``done`` with its result; when the upload asked for it, record the measurement
    in the same transaction (a worker dying in between can never record it twice). Returns the
    recorded measurement's id."""
    recorded: VideoMeasurementRecord | None = None
    if work.payload.record:
        recorded = journey.video_measurement(
            work.job.person_id,
            work.video.movement,
            json.dumps(result, allow_nan=False),
            author_id=work.job.created_by,
            source="video_job",
        )
    result = {**result, "recorded_measurement_id": None if recorded is None else recorded.id}
    try:
        with store.uow() as uow:
            if recorded is not None:
                journey.add_video_measurement(uow, recorded)
            uow.jobs.finish(work.job.id, result)
            uow.commit()
    except Conflict as err:  # finish refused: the job left ``running`` under us
        raise JobLost(work.job.id) from err
    return None if recorded is None else recorded.id


def fail(store: UnitsOfWork, job_id: str, message: str) -> bool:
    """Mark the job failed, only while it is still ours (``running``): a job queued again under
    us belongs to its next run. Returns whether it was marked."""
    with store.uow() as uow:
        job = uow.jobs.get_job(job_id, lock=True)
        if job is None or job.status != "running":
            log.info("job %s: no longer running; not marked failed", job_id)
            return False
        uow.jobs.fail(job_id, message)
        uow.commit()
    return True


def orphaned(
    store: UnitsOfWork, stale_after_s: float, queued_older_than_s: float = 0.0
) -> list[str]:
    """Put stale ``running`` video jobs (their worker died) back to ``queued``; return them and
    every queued video job not touched for ``queued_older_than_s`` (oldest first)."""
    now = utcnow()
    with store.uow() as uow:
        stale = uow.jobs.ids_with_status(
            VIDEO_ANALYSIS, "running", now - timedelta(seconds=stale_after_s)
        )
        for job_id in stale:
            uow.jobs.requeue(job_id)
        queued = uow.jobs.ids_with_status(
            VIDEO_ANALYSIS, "queued", now - timedelta(seconds=queued_older_than_s)
        )
        uow.commit()
    return [*stale, *(job_id for job_id in queued if job_id not in stale)]


def requeue_if_running(store: UnitsOfWork, job_id: str) -> bool:
    """A job interrupted by a stopping worker goes back to ``queued`` (False if not running)."""
    with store.uow() as uow:
        job = uow.jobs.get_job(job_id)
        if job is None or job.status != "running":
            return False
        uow.jobs.requeue(job_id)
        uow.commit()
    return True


def result_fields(
    result: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(reliable fields, unreliable fields, uncertainties) of a result, also for results stored
    before the ``fields`` block existed (the intake fields directly under ``measurements``)."""
    m = result.get("measurements") or {}
    if "fields" in m:
        fields = {k: v for k, v in (m.get("fields") or {}).items() if k != "method"}
        return fields, dict(m.get("unreliable") or {}), dict(m.get("uncertainty_deg") or {})
    return {k: v for k, v in m.items() if k in INTAKE_FIELDS}, {}, {}


INTAKE_FIELDS = (
    "lumbar_flexion_deg",
    "lumbar_extension_deg",
    "lateral_flexion_left_deg",
    "lateral_flexion_right_deg",
    "rotation_left_deg",
    "rotation_right_deg",
)


def acceptable(result: dict[str, Any] | None) -> bool:
    """Whether the result may be offered for the record: the movement was measured and at least
    one intake value is within the uncertainty limit."""
    if not result:
        return False
    verdict = result.get("verdict") or {}
    if verdict.get("measured") is False:
        return False
    return bool(result_fields(result)[0])


class NotAcceptable(Conflict):
    """A job's result that cannot go into the record (not finished, another patient's, nothing
    measured reliably: ``unmeasured``)."""

    def __init__(self, message: str, *, unmeasured: bool = False) -> None:
        self.unmeasured = unmeasured
        super().__init__(message)


def in_record(store: UnitsOfWork, job: Job) -> bool:
    """Whether the job's result is already a measurement of its person."""
    if job.result is not None and job.result.get("recorded_measurement_id") is not None:
        return True
    with store.uow() as uow:
        recorded = uow.journeys.video_measurements(job.person_id)
    return job.result is not None and any(m.result == job.result for m in recorded)


def accept(store: UnitsOfWork, user: User, person_id: str, job: Job) -> VideoMeasurementRecord:
    """Record a finished job's result as the person's measurement, once (the job was opened
    through :func:`lumbo.services.access.open_job`)."""
    if job.person_id != person_id:
        raise NotAcceptable("this job belongs to another patient")
    if job.status != "done" or job.result is None:
        raise NotAcceptable(f"the analysis is {job.status}: there is no result to accept yet")
    if not acceptable(job.result):
        raise NotAcceptable("nothing from this video can go into the record", unmeasured=True)
    if in_record(store, job):
        raise Conflict("this measurement is already in the record")
    movement = str(job.payload.get("movement", "unknown"))
    return journey.record_video_measurement(
        store.uow(),
        person_id,
        movement,
        json.dumps(job.result),
        author_id=user.id,
        source="video_job",
    )
