"""The web app on real databases: a SQLite file per test, and on PostgreSQL a fresh database per
test module (``CREATE DATABASE`` on the server of ``LUMBO_TEST_DATABASE_URL``, dropped after) with a
fresh schema per test. The PostgreSQL variant is skipped only when that variable is unset.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from lumbo.settings import PasswordHashing, Settings
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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lumbo.db'}"
    return pg_schema_url(request.getfixturevalue("pg_database"))


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
