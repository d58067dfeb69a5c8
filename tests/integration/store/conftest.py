"""Real databases for the store tests: a SQLite file per test, and on PostgreSQL a fresh database
per test module with a fresh schema per test (skipped only when ``LUMBO_TEST_DATABASE_URL`` is
unset).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lumbo.store.db import Store, open_store
from lumbo.store.settings import StoreSettings
from lumbo.store.unit_of_work import AbstractUnitOfWork, FakeUnitOfWork
from tests.integration.store.pg import PG_ENV, fresh_pg_database, pg_admin_url, pg_schema_url

UowFactory = Callable[[], AbstractUnitOfWork]


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    admin_url = pg_admin_url()
    if admin_url is None:
        pytest.skip(f"{PG_ENV} is not set")
    with fresh_pg_database(admin_url) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind, private to the test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lumbo.db'}"
    return pg_schema_url(request.getfixturevalue("pg_database"))


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(StoreSettings(database_url))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UowFactory]:
    """Units of work over the in-memory fake and over each real database: one contract."""
    if request.param == "memory":
        fake = FakeUnitOfWork()
        yield lambda: fake
        return
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'lumbo.db'}"
    else:
        url = pg_schema_url(request.getfixturevalue("pg_database"))
    opened = open_store(StoreSettings(url))
    try:
        yield opened.uow
    finally:
        opened.close()
