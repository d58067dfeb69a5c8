"""Jobs the queue may have lost: the job table is the truth, huey only carries ``job_id``\\ s.

A job committed as ``queued`` whose enqueue never happened (the web process died in between, or the
queue was unreachable), a job whose task was dropped with a wiped queue, and a ``running`` job whose
worker died (its row untouched for ``stale_after_s``) are all put on the queue again when a worker
starts, and by a periodic sweep. Enqueuing a job twice is harmless: only one ``claim`` wins.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from lumbo.store.db import Store
from lumbo.store.jobs import VIDEO_ANALYSIS, JobRepository
from lumbo.store.tables import utcnow
from lumbo.store.web_tables import JobRow


def orphaned_jobs(
    store: Store, stale_after_s: float, queued_older_than_s: float = 0.0
) -> list[str]:
    """Put stale ``running`` video jobs back to ``queued``; return every queued video job not
    touched for ``queued_older_than_s`` (oldest first)."""
    now = utcnow()
    with store.uow() as uow:
        repo = JobRepository(uow.session)
        stale = uow.session.scalars(
            select(JobRow.id).where(
                JobRow.kind == VIDEO_ANALYSIS,
                JobRow.status == "running",
                JobRow.updated_at < now - timedelta(seconds=stale_after_s),
            )
        ).all()
        for job_id in stale:
            repo.requeue(job_id)
        queued = uow.session.scalars(
            select(JobRow.id)
            .where(
                JobRow.kind == VIDEO_ANALYSIS,
                JobRow.status == "queued",
                JobRow.updated_at <= now - timedelta(seconds=queued_older_than_s),
            )
            .order_by(JobRow.created_at, JobRow.id)
        ).all()
        uow.commit()
    return [*stale, *(job_id for job_id in queued if job_id not in stale)]


def requeue_if_running(store: Store, job_id: str) -> bool:
    """A job interrupted by a stopping worker goes back to ``queued`` (False if it was not
    running)."""
    with store.uow() as uow:
        row = uow.session.get(JobRow, job_id)
        if row is None or row.status != "running":
            return False
        JobRepository(uow.session).requeue(job_id)
        uow.commit()
    return True


def recover(
    store: Store,
    enqueue: Callable[[str], None],
    stale_after_s: float,
    queued_older_than_s: float = 0.0,
) -> list[str]:
    """Enqueue every orphaned job (see :func:`orphaned_jobs`); returns their ids."""
    found = orphaned_jobs(store, stale_after_s, queued_older_than_s)
    for job_id in found:
        enqueue(job_id)
    return found
