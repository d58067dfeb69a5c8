"""The store: SQLAlchemy 2 tables, repositories and units of work, with Alembic migrations.

Nothing here connects at import time: :func:`lumbo.store.db.open_store` builds the engine from
:class:`lumbo.store.settings.StoreSettings`, migrates it to head and returns a unit-of-work factory.
"""
