"""Engine, sessions and migrations, each built by a function from :class:`StoreSettings`.

SQLite connections get WAL journaling, enforced foreign keys and a busy timeout. pysqlite's own
transaction handling is switched off and every transaction starts with ``BEGIN IMMEDIATE`` (the
SQLAlchemy-documented recipe), so a unit of work that reads then writes holds the write lock
from the start and SQLite gives real, serializable transactions, DDL included.

A read-only unit of work (:meth:`Store.read_uow`) starts a deferred ``BEGIN`` instead and takes
no writer lock: under WAL it reads one consistent snapshot while a writer works, and queues
behind none. It refuses to flush ORM changes; the services given one never commit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker
from sqlalchemy.pool import StaticPool

from lumbo.store.settings import StoreSettings
from lumbo.store.unit_of_work import SqlAlchemyUnitOfWork

PG_MIGRATION_LOCK = 0x6C756D626F  # "lumbo": serializes concurrent migrations on PostgreSQL
READ_ONLY = "lumbo_read_only"  # execution option of a read-only unit of work's connections


def create_engine_for(settings: StoreSettings) -> Engine:
    """Build (but do not connect) the engine that ``settings`` describe."""
    url = settings.url
    if not settings.is_sqlite:
        return create_engine(
            url,
            echo=settings.echo_sql,
            pool_pre_ping=True,
            pool_size=settings.pool_size,
            max_overflow=settings.pool_overflow,
            pool_timeout=settings.pool_timeout_s,
        )
    in_memory = url.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"echo": settings.echo_sql}
    if in_memory:
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(str(url.database)).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if not in_memory:
        kwargs.update(
            pool_size=settings.pool_size,
            max_overflow=settings.pool_overflow,
            pool_timeout=settings.pool_timeout_s,
        )
    engine = create_engine(url, **kwargs)
    _tune_sqlite(
        engine,
        settings.sqlite_busy_timeout_ms,
        wal=not in_memory,
        queue=settings.sqlite_queue_writers,
    )
    return engine


def _tune_sqlite(engine: Engine, busy_timeout_ms: int, *, wal: bool, queue: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see module doc)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    # One writer at a time: SQLite's busy handler makes a waiting transaction sleep and poll
    # (up to 100 ms a try), which under many threads turns a few milliseconds of work into
    # seconds of waiting. Threads of this process queue on a lock instead and start the moment
    # the previous transaction ends; other processes still meet the busy timeout. (A plain lock:
    # a connection may go back to the pool from another thread; after the busy timeout a waiter
    # goes ahead and meets SQLite's own busy handling.)
    writer = threading.Lock()
    wait_s = busy_timeout_ms / 1000

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")  # deferred: a snapshot at the first read, no lock
            return
        if queue and not conn.info.get(
            "lumbo_writer"
        ):  # held until the connection goes back to the pool
            conn.info["lumbo_writer"] = writer.acquire(timeout=wait_s)
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop("lumbo_writer", False):
            writer.release()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def _refuse_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    raise RuntimeError("a read-only unit of work may not write (use Store.uow)")


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose transactions only read (see the module doc)."""
    sessions = sessionmaker(
        bind=engine.execution_options(**{READ_ONLY: True}),
        expire_on_commit=False,
        autoflush=False,
    )
    event.listen(sessions, "before_flush", _refuse_flush)
    return sessions


def migrations_path() -> str:
    return str(resources.files("lumbo.store").joinpath("migrations"))


def upgrade_to_head(engine: Engine) -> None:
    """Apply every Alembic migration not yet applied (a no-op when the store is current)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", migrations_path())
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})")
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


@dataclass(frozen=True, slots=True)
class Store:
    """A migrated store: its engine and a factory of units of work over it."""

    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.sessions)

    def read_uow(self) -> SqlAlchemyUnitOfWork:
        """A unit of work for a use case that only reads (on SQLite: a deferred transaction
        without the writer lock; elsewhere the same as :meth:`uow`)."""
        return SqlAlchemyUnitOfWork(self.read_sessions)

    def close(self) -> None:
        self.engine.dispose()


def open_store(settings: StoreSettings, *, migrate: bool = True) -> Store:
    """Engine + migrations + sessions: the one place the store is wired."""
    engine = create_engine_for(settings)
    if migrate:
        upgrade_to_head(engine)
    return Store(
        engine=engine, sessions=session_factory(engine), read_sessions=read_session_factory(engine)
    )
