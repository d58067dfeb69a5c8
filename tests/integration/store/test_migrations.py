"""Migrations from an empty database, engine tuning, settings, and a real process crash."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from lumbo.domain.errors import InvalidInput
from lumbo.settings import Settings
from lumbo.store.db import create_engine_for, migrations_path, open_store, upgrade_to_head
from lumbo.store.settings import ENV_DATABASE_URL, StoreSettings
from lumbo.store.tables import Base

JOURNEY_TABLES = {
    "persons",
    "intakes",
    "assessments",
    "plan_versions",
    "session_logs",
    "checkins",
    "reassessments",
    "video_measurements",
}
WEB_TABLES = {  # migration 0002 (web service)
    "users",
    "web_sessions",
    "login_failures",
    "audit_log",
    "plan_approvals",
    "jobs",
    "videos",
}
CASELOAD_TABLES = {"person_status"}  # migration 0004_caseload
PATIENT_APP_TABLES = {"questionnaire_responses", "patient_settings"}  # migration 0006_patient_app
CLINIC_DAY_TABLES = {
    "referral_clearances",
    "clinic_settings",
    "plan_templates",
}  # migration 0007_clinic_day
SELF_ASSESSMENT_TABLES = {"self_assessment_drafts"}  # migration 0008_self_assessment
SHARING_TABLES = {"take_on_links"}  # migration 0009_sharing (issue 20)
TABLES = (
    JOURNEY_TABLES
    | WEB_TABLES
    | CASELOAD_TABLES
    | PATIENT_APP_TABLES
    | CLINIC_DAY_TABLES
    | SELF_ASSESSMENT_TABLES
    | SHARING_TABLES
)
HEAD = "0010"


def test_the_first_migration_creates_every_journey_table(database_url: str) -> None:
    engine = create_engine_for(StoreSettings(database_url))
    config = Config()
    config.set_main_option("script_location", migrations_path())
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
        assert set(inspect(engine).get_table_names()) == JOURNEY_TABLES | {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_every_table_at_head(database_url: str) -> None:
    engine = create_engine_for(StoreSettings(database_url))
    try:
        assert set(inspect(engine).get_table_names()) == set()
        upgrade_to_head(engine)
        assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
        upgrade_to_head(engine)  # already current: a no-op, not an error
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
    finally:
        engine.dispose()


def test_models_match_the_migrated_schema(database_url: str) -> None:
    store = open_store(StoreSettings(database_url))
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
    finally:
        store.close()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine_for(
        StoreSettings(f"sqlite:///{tmp_path / 'a' / 'b' / 'lumbo.db'}", sqlite_busy_timeout_ms=1234)
    )
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
        assert (tmp_path / "a" / "b" / "lumbo.db").exists()
    finally:
        engine.dispose()


def test_settings_default_to_a_sqlite_file_in_the_user_data_dir() -> None:
    settings = Settings.from_env({}, signs=False).store
    assert settings.is_sqlite
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("lumbo.db")
    pg = Settings.from_env(
        {ENV_DATABASE_URL: "postgresql+psycopg://u@h:5432/db"}, signs=False
    ).store
    assert not pg.is_sqlite


@pytest.mark.parametrize("bad", ["mysql://u@h/db", "not a url", "postgresql+asyncpg://u@h/db"])
def test_unsupported_database_urls_name_the_variable(bad: str) -> None:
    with pytest.raises(InvalidInput) as err:
        Settings.from_env({ENV_DATABASE_URL: bad}, signs=False)
    assert err.value.problems[0].path == ENV_DATABASE_URL
    assert "postgresql+psycopg://" in err.value.problems[0].message


CRASHING_WRITER = textwrap.dedent(
    """
    import os, sys
    from lumbo.store.db import open_store
    from lumbo.store.records import PersonRecord
    from lumbo.store.settings import StoreSettings

    store = open_store(StoreSettings(sys.argv[1]))
    with store.uow() as uow:
        uow.journeys.add_person(PersonRecord(id=sys.argv[2]))
        uow.commit()
    uow = store.uow().__enter__()
    uow.journeys.add_person(PersonRecord(id=sys.argv[3]))
    uow.session.flush()  # the row has reached the database, inside the open transaction
    os._exit(9)  # the process dies: no rollback, no commit, no cleanup
    """
)


def test_a_process_killed_mid_transaction_loses_nothing_already_committed(
    database_url: str,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, database_url, "committed-1", "in-flight-2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 9, done.stderr
    store = open_store(StoreSettings(database_url))
    try:
        with store.uow() as uow:
            assert [p.id for p in uow.journeys.persons()] == ["committed-1"]
    finally:
        store.close()
