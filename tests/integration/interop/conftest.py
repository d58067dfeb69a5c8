"""The store fixtures of the store tests (memory, SQLite, PostgreSQL) and FHIR test helpers."""

from __future__ import annotations

from tests.integration.store.conftest import database_url, pg_database, store, uow_factory

__all__ = ["database_url", "pg_database", "store", "uow_factory"]
