"""The video-analysis job: claim it, run the vision pipeline on its uploaded video with progress
written to the job row (throttled), store the result, and end it ``done`` or ``failed``.

Failures end the job with a short message a person can act on (never a stack trace; that goes to
the worker's log). When the upload asked for it (``payload["record"]``), the measurement is
recorded through :func:`lumbo.services.journey.record_video_measurement` in the same transaction
that marks the job done, so a worker dying in between can never record it twice.

While the job runs, its row is touched at least every ``heartbeat_s`` (progress writes, or a
heartbeat thread during the phases without progress): a row left untouched for longer belongs to a
dead worker, and :mod:`lumbo.jobs.recovery` queues it again.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from sqlalchemy.orm import Session, sessionmaker

from lumbo.domain.errors import Conflict, InvalidInput, LumboError
from lumbo.domain.movements import Movement
from lumbo.store.db import Store
from lumbo.store.jobs import VIDEO_ANALYSIS, Job, JobRepository, Video
from lumbo.store.records import VideoMeasurementRecord
from lumbo.store.repository import SqlAlchemyRepository
from lumbo.store.unit_of_work import SqlAlchemyUnitOfWork
from lumbo.store.web_tables import JobRow

log = logging.getLogger("lumbo.jobs")

PROGRESS_EVERY_S = 0.5
PROGRESS_STEP = 0.02
POSE_SHARE = 0.9  # the pose loop reports 0-0.9; refinement and analysis take the rest
CORRUPT = "could not analyse the video: it may be corrupt or in an unsupported format"


class JobFailed(Exception):
    """Ends the job ``failed`` with this (user-facing) message."""


class JobLost(Exception):
    """The job left ``running`` under us (queued again by recovery, or failed): stop quietly."""


def readable(err: LumboError) -> str:
    """A LumboError as one line, without the values (they may hold server paths)."""
    if isinstance(err, InvalidInput):
        return f"invalid {err.what}: " + "; ".join(f"{p.path}: {p.message}" for p in err.problems)
    return str(err).replace("\n", "; ")


class ProgressWriter:
    """Writes the job's progress, at most every ``every_s`` and only for steps of ``step`` (or when
    forced: the heartbeat). Raises :class:`JobLost` when the job is no longer ``running``."""

    def __init__(
        self,
        store: Store,
        job_id: str,
        *,
        every_s: float = PROGRESS_EVERY_S,
        step: float = PROGRESS_STEP,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.job_id = job_id
        self.every_s = every_s
        self.step = step
        self.clock = clock
        self.value = 0.0
        self.writes = 0
        self._at = -math.inf
        self._lock = threading.Lock()

    def update(self, value: float, *, force: bool = False) -> None:
        value = max(self.value, min(1.0, value))
        with self._lock:
            now = self.clock()
            if not force and (now - self._at < self.every_s or value - self.value < self.step):
                return
            try:
                with self.store.uow() as uow:
                    JobRepository(uow.session).set_progress(self.job_id, value)
                    uow.commit()
            except Conflict:
                raise JobLost(self.job_id) from None
            self.value, self._at = value, now
            self.writes += 1

    def frames(self, done: int, total: int) -> None:
        """The pipeline's progress callback (frames decoded of the total)."""
        if total > 0:
            self.update(POSE_SHARE * min(done, total) / total)

    def heartbeat(self) -> None:
        self.update(self.value, force=True)


@contextmanager
def heartbeat(writer: ProgressWriter, every_s: float) -> Iterator[threading.Event]:
    """Touch the job row every ``every_s`` from a thread; the yielded event is set if the job
    was lost."""
    stop, lost = threading.Event(), threading.Event()

    def beat() -> None:
        while not stop.wait(every_s):
            try:
                writer.heartbeat()
            except JobLost:
                lost.set()
                return
            except Exception:  # a database hiccup: the next beat tries again
                log.warning("job %s: heartbeat failed", writer.job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat-{writer.job_id[:8]}", daemon=True)
    thread.start()
    try:
        yield lost
    finally:
        stop.set()
        thread.join()


class _Capturing(SqlAlchemyRepository):
    """The journey repository, remembering the id of the video measurement it adds."""

    added: str | None = None

    def add_video_measurement(self, measurement: VideoMeasurementRecord) -> None:
        super().add_video_measurement(measurement)
        self.added = measurement.id


class _FinishOnCommit(SqlAlchemyUnitOfWork):
    """A unit of work whose commit also ends the job ``done`` with its result, naming the video
    measurement the service added: one transaction."""

    def __init__(self, sessions: sessionmaker[Session], job_id: str, result: dict[str, Any]):
        super().__init__(sessions)
        self.job_id = job_id
        self.result = result

    def __enter__(self) -> Self:
        entered = super().__enter__()
        self.journeys = _Capturing(self.session)
        return entered

    def commit(self) -> None:
        added = self.journeys.added if isinstance(self.journeys, _Capturing) else None
        self.result["recorded_measurement_id"] = added
        JobRepository(self.session).finish(self.job_id, self.result)
        super().commit()


@dataclass(frozen=True, slots=True)
class Work:
    job: Job
    video: Video
    path: Path
    movement: str
    record: bool


def _claim(store: Store, job_id: str) -> Job | None:
    with store.uow() as uow:
        job = JobRepository(uow.session).claim(job_id)
        uow.commit()
    return job


def _prepare(store: Store, data_dir: Path, job: Job) -> Work:
    if job.kind != VIDEO_ANALYSIS:
        raise JobFailed(f"unknown job kind {job.kind!r}")
    with store.uow() as uow:
        video_id = job.payload.get("video_id")
        video = JobRepository(uow.session).get_video(str(video_id)) if video_id else None
    if video is None:
        raise JobFailed("the uploaded video of this job no longer exists")
    root = data_dir.resolve()
    path = (root / video.path).resolve()
    if not path.is_relative_to(root):
        raise JobFailed("the video's stored path is outside the data directory")
    if not path.is_file():
        raise JobFailed("the uploaded video file is missing from the data directory")
    named = str(job.payload.get("movement") or video.movement)
    movement = m.value if (m := Movement.of(named)) is not None else named
    return Work(job, video, path, movement, bool(job.payload.get("record", False)))


def _measure(work: Work, writer: ProgressWriter) -> dict[str, Any]:
    from lumbo.vision.pose import VisionUnavailable, require_vision

    try:
        require_vision()
    except VisionUnavailable as err:
        raise JobFailed(f"video analysis is not available on this worker: {err}") from None
    from lumbo.vision.pipeline import default_options, measure_video

    options = default_options(work.movement)  # the same settings as ``lumbo measure``
    result = measure_video(work.path, options, progress=writer.frames)
    data = result.to_json()
    data["video"] = work.video.filename
    data["video_id"] = work.video.id
    return data


def _store(store: Store, work: Work, data: dict[str, Any]) -> None:
    if not work.record:
        data["recorded_measurement_id"] = None
        with store.uow() as uow:
            JobRepository(uow.session).finish(work.job.id, data)
            uow.commit()
        return
    from lumbo.services import journey

    uow = _FinishOnCommit(store.sessions, work.job.id, data)
    journey.record_video_measurement(
        uow,
        work.job.person_id,
        work.video.movement,
        json.dumps(data, allow_nan=False),
        author_id=work.job.created_by,
        source="video_job",
    )


def _fail(store: Store, job_id: str, message: str) -> None:
    """Mark the job failed, only while it is still ours (``running``): a job queued again under
    us belongs to its next run."""
    with store.uow() as uow:
        row = uow.session.get(JobRow, job_id, with_for_update=True)
        if row is None or row.status != "running":
            log.info("job %s: no longer running; not marked failed", job_id)
            return
        JobRepository(uow.session).fail(job_id, message)
        uow.commit()


def run_measure_job(store: Store, data_dir: Path, job_id: str, heartbeat_s: float = 15.0) -> str:
    """Run one video-analysis job to its end; returns what happened (for the log): ``done``,
    ``failed``, ``lost`` or ``skipped`` (not queued: another worker has it or it is over)."""
    job = _claim(store, job_id)
    if job is None:
        log.info("job %s: not queued; skipped", job_id)
        return "skipped"
    started = time.perf_counter()
    writer = ProgressWriter(store, job_id)
    try:
        work = _prepare(store, data_dir, job)
        with heartbeat(writer, heartbeat_s) as lost:
            data = _measure(work, writer)
        if lost.is_set():
            raise JobLost(job_id)
        data["processing"]["job_seconds"] = round(time.perf_counter() - started, 3)
        data["processing"]["progress_writes"] = writer.writes
        try:
            _store(store, work, data)
        except Conflict as err:  # finish refused: the job left ``running`` under us
            raise JobLost(job_id) from err
    except JobLost:
        log.warning("job %s: taken away while running (queued again or failed); dropped", job_id)
        return "lost"
    except JobFailed as err:
        message = str(err)
    except LumboError as err:
        message = readable(err)
    except Exception:
        log.exception("job %s: video analysis crashed", job_id)
        message = CORRUPT
    else:
        log.info("job %s: done in %.1f s", job_id, time.perf_counter() - started)
        return "done"
    log.info("job %s: failed: %s", job_id, message)
    _fail(store, job_id, message)
    return "failed"
