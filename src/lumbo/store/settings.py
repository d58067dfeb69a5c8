"""Typed store settings, read from the environment only when asked.

``LUMBO_DATABASE_URL`` selects the database. Unset, lumbo uses an embedded SQLite file,
``lumbo.db`` in the data directory: ``LUMBO_DATA_DIR`` or, unset, the user's data directory (the
same rule as :class:`lumbo.settings.Settings`, so every entry point reads one database). ``postgresql+psycopg://user@host:5432/db`` selects PostgreSQL (install the
``postgres`` extra). Any other scheme is rejected as bad input that names the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from lumbo.domain.errors import InvalidInput, Problem

ENV_DATABASE_URL = "LUMBO_DATABASE_URL"
ENV_DATA_DIR = "LUMBO_DATA_DIR"
ALLOWED_DRIVERS: tuple[str, ...] = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")


def data_dir_from_env(environ: Mapping[str, str] | None = None) -> Path:
    """``LUMBO_DATA_DIR``, or the user's data directory: the one rule for where lumbo keeps data."""
    env = os.environ if environ is None else environ
    return Path(env.get(ENV_DATA_DIR, "").strip() or user_data_dir("lumbo", appauthor=False))


def default_database_url(environ: Mapping[str, str] | None = None) -> str:
    """``sqlite:///<data dir>/lumbo.db`` (the directory is created when the engine is)."""
    return f"sqlite:///{data_dir_from_env(environ) / 'lumbo.db'}"


@dataclass(frozen=True, slots=True)
class StoreSettings:
    """Where the store lives and how SQLite connections are tuned."""

    database_url: str
    sqlite_busy_timeout_ms: int = 10_000
    sqlite_queue_writers: bool = True  # threads queue on a lock rather than on the busy wait
    echo_sql: bool = False
    # Connections per process: the web server runs sync handlers on up to 40 threads (AnyIO's
    # default), so 10 kept + 30 overflow lets every thread hold one without queueing for the pool;
    # with N worker processes the database must accept N * 40 (PostgreSQL's default is 100).
    pool_size: int = 10
    pool_overflow: int = 30
    pool_timeout_s: float = 30.0

    @property
    def url(self) -> URL:
        return parse_database_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StoreSettings:
        env = os.environ if environ is None else environ
        raw = env.get(ENV_DATABASE_URL, "").strip()
        settings = cls(
            database_url=raw or default_database_url(env),
            pool_size=_count(env, "LUMBO_DB_POOL_SIZE", 10),
            pool_overflow=_count(env, "LUMBO_DB_POOL_OVERFLOW", 30),
        )
        settings.url  # noqa: B018 - validate now, so a bad variable fails before any work
        return settings


def parse_database_url(raw: str) -> URL:
    """Check a database URL; bad values raise :class:`InvalidInput` naming the variable."""
    allowed = ", ".join(f"{d}://..." for d in ALLOWED_DRIVERS)
    try:
        url = make_url(raw)
    except ArgumentError:
        raise InvalidInput(
            [Problem(ENV_DATABASE_URL, f"must be a database URL, one of {allowed}", raw)],
            "settings",
        ) from None
    if url.drivername not in ALLOWED_DRIVERS:
        raise InvalidInput(
            [Problem(ENV_DATABASE_URL, f"unsupported driver; allowed: {allowed}", url.drivername)],
            "settings",
        )
    return url


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 <= int(raw) <= 1000:
        raise InvalidInput([Problem(name, "must be an integer 0-1000", raw)], "settings")
    return int(raw)
