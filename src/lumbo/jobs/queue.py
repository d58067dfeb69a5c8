"""The huey instance with lumbo's tasks, and the web app's dispatcher.

:class:`JobQueue` builds huey from :class:`~lumbo.jobs.settings.QueueSettings` (``SqliteHuey`` in
the data directory, or ``RedisHuey`` with ``LUMBO_QUEUE_URL``) and registers the tasks under fixed
names, so the web process (which only enqueues) and ``lumbo worker`` (which runs them) agree. Tasks
carry only a job id; the job table holds the state, progress and result.

Periodic tasks (run by every worker's consumer, ``periodic=True``): the sweep of lost jobs, and the
patients' e-mail reminders every ``REMINDER_MINUTES`` when SMTP is configured. Two workers both
run them; the database makes a reminder go once (see :func:`lumbo.services.reminders.send_due`).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.jobs.measure import run_measure_job
from lumbo.jobs.settings import ENV_QUEUE_URL, QueueSettings
from lumbo.services import reminders, video_jobs
from lumbo.services.mail import mailer_for
from lumbo.settings import Settings
from lumbo.store.db import Store, open_store
from lumbo.store.jobs import JobDispatcher
from lumbo.store.private import make_private

log = logging.getLogger("lumbo.jobs")

MEASURE_TASK = "lumbo.measure_video_job"
SWEEP_TASK = "lumbo.recover_jobs"
SWEEP_MINUTES = 5
REMINDERS_TASK = "lumbo.send_reminders"
REMINDER_MINUTES = 5  # a reminder goes within this many minutes of the patient's chosen time


def make_huey(settings: QueueSettings) -> Any:
    """``RedisHuey`` when a queue URL is set, else ``SqliteHuey`` in ``<data dir>/queue.db``.
    Results live in the job table, so huey keeps none."""
    import huey

    if settings.queue_url is not None:
        return huey.RedisHuey(settings.queue_name, url=settings.queue_url, results=False)
    make_private(settings.data_dir)
    return huey.SqliteHuey(
        settings.queue_name, filename=str(settings.sqlite_path), results=False, timeout=10
    )


class JobQueue:
    """huey plus lumbo's tasks. The store is opened on first use, in the process that runs tasks."""

    def __init__(self, settings: QueueSettings) -> None:
        import huey
        from huey.signals import SIGNAL_INTERRUPTED

        self.settings = settings
        self.huey = make_huey(settings)
        self._store: Store | None = None
        self._lock = threading.Lock()
        self._measure = self.huey.task(name=MEASURE_TASK)(self.measure_video_job)
        self.huey.periodic_task(huey.crontab(minute=f"*/{SWEEP_MINUTES}"), name=SWEEP_TASK)(
            self.sweep
        )
        self.huey.periodic_task(huey.crontab(minute=f"*/{REMINDER_MINUTES}"), name=REMINDERS_TASK)(
            self.send_reminders
        )
        self.huey.signal(SIGNAL_INTERRUPTED)(self._interrupted)

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings.store)
            return self._store

    def check(self) -> int:
        """The number of tasks waiting; an unreachable queue is bad input naming its setting."""
        try:
            return int(self.huey.pending_count())
        except Exception as err:
            raise InvalidInput(
                [Problem(ENV_QUEUE_URL, f"cannot reach the queue ({type(err).__name__})")],
                f"settings: queue {self.settings.describe()}",
            ) from None

    def enqueue(self, job_id: str) -> None:
        """Put ``measure_video_job(job_id)`` on the queue."""
        self._measure(job_id)

    def measure_video_job(self, job_id: str) -> str:
        """The task: analyse the job's video (see :mod:`lumbo.jobs.measure`)."""
        return run_measure_job(
            self.store, self.settings.data_dir, job_id, heartbeat_s=self.settings.heartbeat_s
        )

    def recover(self, queued_older_than_s: float = 0.0) -> list[str]:
        """Enqueue the jobs the queue may have lost: the job table is the truth, huey only
        carries job ids. A job committed ``queued`` whose enqueue never happened, one whose task
        was dropped with a wiped queue, and a ``running`` job whose worker died (see
        :func:`lumbo.services.video_jobs.orphaned`) are enqueued again; enqueuing twice is
        harmless (only one claim wins)."""
        found = video_jobs.orphaned(self.store, self.settings.stale_after_s, queued_older_than_s)
        for job_id in found:
            self.enqueue(job_id)
        return found

    def sweep(self) -> None:
        """Periodic: jobs queued for a while without being picked up, and dead workers' jobs."""
        found = self.recover(queued_older_than_s=self.settings.stale_after_s)
        if found:
            log.info("sweep: re-enqueued %d job(s)", len(found))

    def send_reminders(self, now: datetime | None = None) -> list[str]:
        """Periodic: e-mail the reminders that are due (none without SMTP). Idempotent: each
        day's reminder is claimed in the database before it is sent."""
        mailer = mailer_for(self.settings.mail)
        if mailer is None:
            return []
        sent = reminders.send_all_due(
            self.store.uow, mailer, now or datetime.now(UTC), self.settings.app_url
        )
        if sent:
            log.info("reminders: %d e-mail(s) sent", len(sent))
        return sent

    def _interrupted(self, _signal: str, task: Any, *_args: Any) -> None:
        if (
            getattr(task, "name", None) == MEASURE_TASK
            and task.args
            and video_jobs.requeue_if_running(self.store, str(task.args[0]))
        ):
            log.info("job %s: interrupted by the worker stopping; queued again", task.args[0])

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


class HueyDispatcher:
    """The web app's :class:`~lumbo.store.jobs.JobDispatcher`: enqueues a committed job. A failed
    enqueue is logged, not raised: the job stays ``queued`` in its table and a worker's start or
    periodic sweep picks it up."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue

    def dispatch(self, job_id: str) -> None:
        try:
            self.queue.enqueue(job_id)
        except Exception:
            log.exception("job %s: could not enqueue; a worker's recovery will pick it up", job_id)


def dispatcher_for(settings: Settings) -> JobDispatcher:
    """The dispatcher of the web app over ``settings``' data directory, database and queue."""
    return HueyDispatcher(JobQueue(QueueSettings.of(settings)))
