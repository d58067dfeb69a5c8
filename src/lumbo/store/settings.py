"""The store's typed parameters, built from the one settings model (:attr:`lumbo.settings.Settings.store`);
never read from the environment here.

``LUMBO_DATABASE_URL`` selects the database. Unset, lumbo uses an embedded SQLite file,
``lumbo.db`` in the data directory (:mod:`lumbo.settings` decides both, so every entry point reads
one database). ``postgresql+psycopg://user@host:5432/db`` selects PostgreSQL (install the
``postgres`` extra). Any other scheme is rejected as bad input that names the variable.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from lumbo.domain.errors import InvalidInput, Problem

ENV_DATABASE_URL = "LUMBO_DATABASE_URL"
ALLOWED_DRIVERS: tuple[str, ...] = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")


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
