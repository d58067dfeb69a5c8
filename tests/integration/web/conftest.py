"""The web app on real databases: a SQLite file per test, and on PostgreSQL a fresh database per
test module (``CREATE DATABASE`` on the server of ``LUMBO_TEST_DATABASE_URL``, dropped after). The
PostgreSQL variant is skipped only when that variable is unset.

Each test starts from an empty store at the migrations' head, made without running every migration
again (that cost 0.5-1 s a test on PostgreSQL, mostly on the server, for 107 tests): the SQLite
file is a copy of one migrated once per session; on PostgreSQL one schema per module is migrated
once and emptied before each test (``TRUNCATE`` of every table but ``alembic_version``, identities
restarted), or, if something still holds a lock on it, a fresh schema is migrated as before. The
app still runs ``upgrade_to_head`` at start-up (a no-op at the head); the migrations themselves are
tested in ``tests/integration/store/test_migrations.py``.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from lumbo.settings import PasswordHashing, Settings
from lumbo.store.db import open_store
from lumbo.store.settings import StoreSettings
from lumbo.web.app import create_app
from tests.integration.store.pg import PG_ENV, fresh_pg_database, pg_admin_url, pg_schema_url
from tests.integration.web.world import World, build_world

# argon2id with small parameters: the same code path, a fraction of the time.
FAST_HASHING = PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1)


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    admin_url = pg_admin_url()
    if admin_url is None:
        pytest.skip(f"{PG_ENV} is not set")
    with fresh_pg_database(admin_url) as url:
        yield url


def _migrated(url: str) -> str:
    open_store(StoreSettings(url)).close()
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "lumbo.db"
    _migrated(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="module")
def pg_migrated_schema(pg_database: str) -> str:
    return _migrated(pg_schema_url(pg_database))


def _emptied(url: str) -> bool:
    """Empty every table of ``url``'s schema but ``alembic_version``; False if it was locked."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SET lock_timeout = '3s'"))
            names = conn.scalars(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'alembic_version'"
                )
            ).all()
            if names:
                tables = ", ".join(f'"{n}"' for n in names)
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "lumbo.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_migrated_schema")
    if _emptied(url):
        return url
    return _migrated(pg_schema_url(request.getfixturevalue("pg_database")))


def make_settings(data_dir: Path, database_url: str, **changes: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "secret_key": "test-secret-" + "k" * 40,
        "database_url": database_url,
        "hashing": FAST_HASHING,
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path / "data", database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    built = create_app(settings)
    try:
        yield built
    finally:
        built.state.lumbo.store.close()


@pytest.fixture
def world(app: FastAPI) -> World:
    return build_world(app)


@pytest.fixture
def mailbox() -> Any:
    """A local SMTP server (aiosmtpd) on a free port: ``(controller, messages received)``."""
    from aiosmtpd.controller import Controller

    got: list[Any] = []

    class Inbox:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            got.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    smtp = Controller(Inbox(), hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        yield smtp, got
    finally:
        smtp.stop()
