"""The task queue's typed parameters, built from the one settings model
(:meth:`QueueSettings.of`); the variables are read in :mod:`lumbo.settings`, never here.

==========================  =======================================================================
``LUMBO_QUEUE_URL``         ``redis://host:6379/0`` (or ``rediss://``, ``unix://``): huey's Redis
                            storage, shared by web and worker machines. Unset: huey's SQLite storage
                            in ``<data dir>/queue.db`` (one machine)
``LUMBO_QUEUE_NAME``        queue name (default ``lumbo``); web and worker must agree
``LUMBO_JOB_STALE_S``       a ``running`` job whose row was not touched for this long is taken for
                            orphaned (its worker died) and queued again (default 120; workers touch
                            their running jobs every 15 s)
==========================  =======================================================================

The data directory and database are the web service's (``LUMBO_DATA_DIR``,
``LUMBO_DATABASE_URL``): the worker reads the uploaded files and writes the job rows there. The
worker also e-mails patients' reminders when SMTP is configured (``LUMBO_SMTP_*``), with links to
``LUMBO_PUBLIC_URL``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.store.settings import StoreSettings

if TYPE_CHECKING:
    from lumbo.settings import MailSettings, Settings

ENV_QUEUE_URL = "LUMBO_QUEUE_URL"
ENV_QUEUE_NAME = "LUMBO_QUEUE_NAME"
ENV_STALE = "LUMBO_JOB_STALE_S"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
QUEUE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True, slots=True)
class QueueSettings:
    data_dir: Path
    database_url: str
    queue_url: str | None = None
    queue_name: str = "lumbo"
    stale_after_s: float = 120.0
    heartbeat_s: float = 15.0
    mail: MailSettings | None = None  # reminders are e-mailed only when SMTP is configured
    app_url: str = "http://127.0.0.1:8000"  # links in the reminders

    def __post_init__(self) -> None:
        problems = []
        if self.queue_url is not None and not self.queue_url.startswith(REDIS_SCHEMES):
            problems.append(
                Problem(ENV_QUEUE_URL, f"must start with one of {list(REDIS_SCHEMES)}", "(hidden)")
            )
        if not QUEUE_NAME.match(self.queue_name):
            problems.append(
                Problem(ENV_QUEUE_NAME, "must be 1-64 letters, digits, _ . or -", self.queue_name)
            )
        if not 1.0 <= self.stale_after_s <= 86_400.0 or self.heartbeat_s >= self.stale_after_s:
            problems.append(
                Problem(
                    ENV_STALE, "must be 1-86400 seconds, above the heartbeat", self.stale_after_s
                )
            )
        if problems:
            raise InvalidInput(problems, "settings")

    @classmethod
    def of(cls, settings: Settings) -> QueueSettings:
        """The queue's section of the one settings model (the worker's and the web app's)."""
        return cls(
            data_dir=settings.data_dir,
            database_url=settings.database_url,
            queue_url=settings.queue_url,
            queue_name=settings.queue_name,
            stale_after_s=settings.job_stale_s,
            heartbeat_s=min(15.0, settings.job_stale_s / 4),
            mail=settings.mail,
            app_url=settings.app_url,
        )

    @property
    def store(self) -> StoreSettings:
        return StoreSettings(self.database_url)

    @property
    def uses_redis(self) -> bool:
        return self.queue_url is not None

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "queue.db"

    def describe(self) -> str:
        """Where the queue lives, without credentials."""
        if self.queue_url is None:
            return f"SQLite {self.sqlite_path} (queue {self.queue_name!r})"
        scheme, _, rest = self.queue_url.partition("://")
        host = rest.rsplit("@", 1)[-1]
        return f"Redis {scheme}://{host} (queue {self.queue_name!r})"
