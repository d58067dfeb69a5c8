"""Alembic migrations, shipped in the package; ``lumbo.store.db.upgrade_to_head`` applies them."""
