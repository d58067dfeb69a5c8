"""Security hardening: a hash-chained audit log (sequence, previous hash, own hash, event name,
the digest an erasure leaves in place of a row's identifying fields)
and the author and source of recorded measurements.

Frozen copy of the schema at this revision (it does not import ``lumbo.store.web_tables``).
Rows written before this revision keep empty chain columns; ``lumbo audit verify`` counts them as
unchained and checks the chain from the first chained row on.

Revision ID: 0003_security
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("event", sa.String(32), nullable=True))
        batch.add_column(sa.Column("redacted", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_audit_log_seq", ["seq"])
    with op.batch_alter_table("video_measurements") as batch:
        batch.add_column(sa.Column("author_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("source", sa.String(24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("video_measurements") as batch:
        batch.drop_column("source")
        batch.drop_column("author_id")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint("uq_audit_log_seq", type_="unique")
        batch.drop_column("redacted")
        batch.drop_column("event")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
