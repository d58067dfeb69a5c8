"""The worker's side of a video-analysis job: run the vision pipeline on its video between the
steps of :mod:`lumbo.services.video_jobs` (claim, prepare, progress, finish or fail).

Failures end the job with a short message a person can act on (never a stack trace; that goes to
the worker's log). While the job runs, its row is touched at least every ``heartbeat_s`` (progress
writes, throttled, or a heartbeat thread during the phases without progress): a row left untouched
for longer belongs to a dead worker, and :func:`lumbo.services.video_jobs.orphaned` queues it again.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lumbo.domain.errors import LumboError
from lumbo.services import video_jobs
from lumbo.services._shared import UnitsOfWork
from lumbo.services.video_jobs import CORRUPT, JobFailed, JobLost, Work, readable

log = logging.getLogger("lumbo.jobs")

PROGRESS_EVERY_S = 0.5
PROGRESS_STEP = 0.02
POSE_SHARE = 0.9  # the pose loop reports 0-0.9; refinement and analysis take the rest
__all__ = ["CORRUPT", "JobFailed", "JobLost", "ProgressWriter", "Work", "run_measure_job"]


class ProgressWriter:
    """Writes the job's progress, at most every ``every_s`` and only for steps of ``step`` (or when
    forced: the heartbeat). Raises :class:`JobLost` when the job is no longer ``running``."""

    def __init__(
        self,
        store: UnitsOfWork,
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
            video_jobs.set_progress(self.store, self.job_id, value)
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


def run_measure_job(
    store: UnitsOfWork, data_dir: Path, job_id: str, heartbeat_s: float = 15.0
) -> str:
    """Run one video-analysis job to its end; returns what happened (for the log): ``done``,
    ``failed``, ``lost`` or ``skipped`` (not queued: another worker has it or it is over)."""
    job = video_jobs.claim(store, job_id)
    if job is None:
        log.info("job %s: not queued; skipped", job_id)
        return "skipped"
    started = time.perf_counter()
    writer = ProgressWriter(store, job_id)
    try:
        work = video_jobs.prepare(store, data_dir, job)
        with heartbeat(writer, heartbeat_s) as lost:
            data = _measure(work, writer)
        if lost.is_set():
            raise JobLost(job_id)
        data["processing"]["job_seconds"] = round(time.perf_counter() - started, 3)
        data["processing"]["progress_writes"] = writer.writes
        video_jobs.finish(store, work, data)
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
    video_jobs.fail(store, job_id, message)
    return "failed"
