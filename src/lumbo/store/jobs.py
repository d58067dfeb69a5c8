"""Background jobs and uploaded videos: ``uow.jobs``.

A job moves ``queued -> running -> done | failed``; ``progress`` goes from 0 to 1 and ``result`` is a
JSON object once done. The web app creates jobs (``add_job``) and reads them; a worker claims them
(``claim``), reports ``set_progress`` and ends them with ``finish`` or ``fail``. Each call runs in the
caller's transaction: commit it (one unit of work per step) so the status API sees the change.
:class:`JobRepository` is the contract, :class:`SqlAlchemyJobRepository` the database one and
:class:`~lumbo.store.memory.InMemoryJobs` its fake.

:class:`JobDispatcher` is how the web app tells a queue that a committed job exists; the default
does nothing (a worker polling ``claim`` finds the job).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lumbo.domain.errors import Conflict
from lumbo.store.tables import new_id, utcnow
from lumbo.store.web_tables import JobRow, VideoRow

JobStatus = Literal["queued", "running", "done", "failed"]
JOB_STATUSES: tuple[JobStatus, ...] = ("queued", "running", "done", "failed")
VIDEO_ANALYSIS = "video_analysis"


class JobDispatcher(Protocol):
    def dispatch(self, job_id: str) -> None:
        """Called after the job's row is committed."""


class NoDispatch:
    """Leaves jobs queued in the table for a polling worker."""

    def dispatch(self, job_id: str) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Job:
    kind: str
    person_id: str
    payload: dict[str, Any]
    status: JobStatus = "queued"
    progress: float = 0.0
    result: dict[str, Any] | None = None
    error: str | None = None
    attempts: int = 0
    created_by: str | None = None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "person_id": self.person_id,
            "status": self.status,
            "progress": self.progress,
            "result": self.result,
            "error": self.error,
            "attempts": self.attempts,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Video:
    person_id: str
    movement: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    path: str  # relative to the data directory
    job_id: str | None = None
    uploaded_by: str | None = None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "person_id": self.person_id,
            "movement": self.movement,
            "filename": self.filename,
            "content_type": self.content_type,
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
            "job_id": self.job_id,
            "created_at": self.created_at.isoformat(),
        }


def _status(value: str) -> JobStatus:
    for s in JOB_STATUSES:
        if s == value:
            return s
    raise ValueError(f"unknown job status {value!r}")


def _job(r: JobRow) -> Job:
    return Job(
        id=r.id,
        kind=r.kind,
        person_id=r.person_id,
        payload=r.payload,
        status=_status(r.status),
        progress=r.progress,
        result=r.result,
        error=r.error,
        attempts=r.attempts,
        created_by=r.created_by,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


def _video(r: VideoRow) -> Video:
    return Video(
        id=r.id,
        person_id=r.person_id,
        movement=r.movement,
        filename=r.filename,
        content_type=r.content_type,
        size_bytes=r.size_bytes,
        sha256=r.sha256,
        path=r.path,
        job_id=r.job_id,
        uploaded_by=r.uploaded_by,
        created_at=r.created_at,
    )


class JobRepository(abc.ABC):
    """Contract: a status change from a status not allowed (``finish`` of a job not ``running``,
    ``fail`` of a finished one, ``requeue`` of one not ``running``) raises :class:`Conflict`;
    ``claim`` marks one ``queued`` job ``running`` (attempts + 1) or returns None; lists come
    oldest first."""

    @abc.abstractmethod
    def add_job(self, job: Job) -> None: ...
    @abc.abstractmethod
    def get_job(self, job_id: str, *, lock: bool = False) -> Job | None: ...
    @abc.abstractmethod
    def jobs_of(self, person_id: str) -> list[Job]: ...
    @abc.abstractmethod
    def claim(self, job_id: str | None = None) -> Job | None: ...
    @abc.abstractmethod
    def set_progress(self, job_id: str, progress: float) -> None: ...
    @abc.abstractmethod
    def finish(self, job_id: str, result: dict[str, Any]) -> None: ...
    @abc.abstractmethod
    def fail(self, job_id: str, error: str) -> None: ...
    @abc.abstractmethod
    def requeue(self, job_id: str) -> None: ...
    @abc.abstractmethod
    def ids_with_status(self, kind: str, status: JobStatus, untouched_since: datetime) -> list[str]:
        """Jobs of ``kind`` in ``status`` whose row was last touched at or before
        ``untouched_since``, oldest first."""

    @abc.abstractmethod
    def upload_times(self, uploaded_by: str, since: datetime) -> list[datetime]: ...
    @abc.abstractmethod
    def add_video(self, video: Video) -> None: ...
    @abc.abstractmethod
    def get_video(self, video_id: str) -> Video | None: ...
    @abc.abstractmethod
    def videos_of(self, person_id: str) -> list[Video]: ...


class SqlAlchemyJobRepository(JobRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    # jobs (web side)
    def add_job(self, job: Job) -> None:
        self.session.add(
            JobRow(
                id=job.id,
                kind=job.kind,
                person_id=job.person_id,
                status=job.status,
                progress=job.progress,
                payload=job.payload,
                result=job.result,
                error=job.error,
                attempts=job.attempts,
                created_by=job.created_by,
                created_at=job.created_at,
                updated_at=job.updated_at,
            )
        )
        self.session.flush()

    def get_job(self, job_id: str, *, lock: bool = False) -> Job | None:
        row = self.session.get(JobRow, job_id, with_for_update=lock or None)
        return None if row is None else _job(row)

    def ids_with_status(self, kind: str, status: JobStatus, untouched_since: datetime) -> list[str]:
        stmt = select(JobRow.id).where(
            JobRow.kind == kind, JobRow.status == status, JobRow.updated_at <= untouched_since
        )
        return list(self.session.scalars(stmt.order_by(JobRow.created_at, JobRow.id)))

    def jobs_of(self, person_id: str) -> list[Job]:
        stmt = select(JobRow).where(JobRow.person_id == person_id)
        return [_job(r) for r in self.session.scalars(stmt.order_by(JobRow.created_at, JobRow.id))]

    # jobs (worker side)
    def claim(self, job_id: str | None = None) -> Job | None:
        """Mark one queued job (``job_id``, or the oldest) running and return it; None if none."""
        stmt = select(JobRow.id).where(JobRow.status == "queued")
        stmt = stmt.where(JobRow.id == job_id) if job_id is not None else stmt
        stmt = stmt.order_by(JobRow.created_at, JobRow.id).limit(1)
        if self.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        found = self.session.scalar(stmt)
        if found is None:
            return None
        done = self.session.execute(
            update(JobRow)
            .where(JobRow.id == found, JobRow.status == "queued")
            .values(status="running", attempts=JobRow.attempts + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if getattr(done, "rowcount", 1) != 1:
            return None
        self.session.expire_all()
        return self.get_job(found)

    def set_progress(self, job_id: str, progress: float) -> None:
        self._update(job_id, ("running",), progress=max(0.0, min(1.0, progress)))

    def finish(self, job_id: str, result: dict[str, Any]) -> None:
        self._update(job_id, ("running",), status="done", progress=1.0, result=result, error=None)

    def fail(self, job_id: str, error: str) -> None:
        self._update(job_id, ("queued", "running"), status="failed", error=error[:4000])

    def requeue(self, job_id: str) -> None:
        """A running job whose worker died goes back to the queue."""
        self._update(job_id, ("running",), status="queued", progress=0.0)

    def _update(self, job_id: str, allowed_from: tuple[JobStatus, ...], **values: Any) -> None:
        done = self.session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.status.in_(allowed_from))
            .values(updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
        if getattr(done, "rowcount", 1) != 1:
            raise Conflict(f"job {job_id} is not in status {' or '.join(allowed_from)}")
        self.session.expire_all()

    # videos
    def upload_times(self, uploaded_by: str, since: datetime) -> list[datetime]:
        """When ``uploaded_by`` uploaded videos since ``since``."""
        stmt = select(VideoRow.created_at).where(
            VideoRow.uploaded_by == uploaded_by, VideoRow.created_at > since
        )
        return list(self.session.scalars(stmt))

    def add_video(self, video: Video) -> None:
        self.session.add(
            VideoRow(
                id=video.id,
                person_id=video.person_id,
                movement=video.movement,
                filename=video.filename,
                content_type=video.content_type,
                size_bytes=video.size_bytes,
                sha256=video.sha256,
                path=video.path,
                job_id=video.job_id,
                uploaded_by=video.uploaded_by,
                created_at=video.created_at,
            )
        )
        self.session.flush()

    def get_video(self, video_id: str) -> Video | None:
        row = self.session.get(VideoRow, video_id)
        return None if row is None else _video(row)

    def videos_of(self, person_id: str) -> list[Video]:
        stmt = select(VideoRow).where(VideoRow.person_id == person_id)
        return [
            _video(r) for r in self.session.scalars(stmt.order_by(VideoRow.created_at, VideoRow.id))
        ]
