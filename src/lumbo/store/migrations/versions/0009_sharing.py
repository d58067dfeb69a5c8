"""Sharing with a clinician (issue 20): ``take_on_links``, the revocable, expiring links a
self-directed person makes so that a clinician on the same server can take them on. Only the
SHA-256 of each link's token is stored; ``used_by``/``used_at`` say which clinician took the person
on and when (the person's ``persons.owner_id`` is then that clinician).

After h20core's 0008 (the self-assessment drafts).
Frozen copy of the schema at this revision (it does not import ``lumbo.store.tables``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "take_on_links",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.String(36), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_take_on_links"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_take_on_links_person_id_persons",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("token_hash", name="uq_take_on_links_token_hash"),
    )
    op.create_index("ix_take_on_links_person_id", "take_on_links", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_take_on_links_person_id", table_name="take_on_links")
    op.drop_table("take_on_links")
