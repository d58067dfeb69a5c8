"""Alembic environment: runs on the connection handed over by ``upgrade_to_head``.

Run from the ``alembic`` command line (to write a new revision), it connects to
``LUMBO_DATABASE_URL`` instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from lumbo.store.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()


def run_migrations_online() -> None:
    given = context.config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    from lumbo.settings import Settings  # alembic run by hand: an entry point of its own
    from lumbo.store.db import create_engine_for

    engine = create_engine_for(Settings.from_env().store)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("lumbo migrations run online only")
run_migrations_online()
