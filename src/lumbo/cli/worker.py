"""`lumbo worker [--workers N]`: the background-job worker (a huey consumer) in its own process.

It analyses uploaded videos (``lumbo.jobs``) and, every few minutes, e-mails the patients'
reminders that are due when SMTP is configured (``LUMBO_SMTP_*``, links to ``LUMBO_PUBLIC_URL``). Settings come from the environment, shared with
``lumbo serve``: ``LUMBO_DATA_DIR``, ``LUMBO_DATABASE_URL``, ``LUMBO_QUEUE_URL`` (Redis; unset:
SQLite in the data directory), ``LUMBO_QUEUE_NAME``, ``LUMBO_JOB_STALE_S``. On start it queues
again every job the queue may have lost. Stop it with Ctrl-C (finishes the running job) or SIGTERM
(stops at once; the interrupted job is queued again).
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from lumbo.cli._common import console


def worker_cmd(
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=32, help="jobs run at once (threads)")
    ] = 1,
    verbose: Annotated[bool, typer.Option("--verbose", help="debug logging")] = False,
) -> None:
    """Run the background-job worker (video analysis, e-mail reminders). Run more to scale out."""
    from lumbo.jobs.queue import JobQueue
    from lumbo.jobs.settings import QueueSettings
    from lumbo.settings import Settings
    from lumbo.store.private import make_private

    settings = QueueSettings.of(Settings.from_env(signs=False))  # the worker signs nothing
    make_private(settings.data_dir)
    queue = JobQueue(settings)
    waiting = queue.check()
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    recovered = queue.recover()
    console.print(
        f"lumbo worker: queue {settings.describe()} ({waiting} task(s) waiting), "
        f"{workers} worker(s); {len(recovered)} job(s) from the job table queued again; "
        + ("e-mail reminders on" if settings.mail else "e-mail reminders off (no SMTP)"),
        highlight=False,
    )
    consumer = queue.huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, max_delay=1.0
    )
    try:
        consumer.run()
    finally:
        queue.close()


def register(app: typer.Typer) -> None:
    app.command("worker")(worker_cmd)
