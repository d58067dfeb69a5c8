"""Throw-away PostgreSQL databases and schemas for tests (used by the store and e2e tests)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ENV = "LUMBO_TEST_DATABASE_URL"


def pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@contextmanager
def fresh_pg_database(admin_url: str) -> Iterator[str]:
    """Create a uniquely named database on the server of ``admin_url``; drop it afterwards."""
    name = f"lumbo_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pg_schema_url(database_url: str) -> str:
    """A URL on ``database_url`` whose connections use a new, empty schema."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)
