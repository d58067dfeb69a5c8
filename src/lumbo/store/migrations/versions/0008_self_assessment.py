"""The individual at home (issue 20): resumable self-assessments and self-directed persons.

* ``self_assessment_drafts``: one row per account (``user_id``, the primary key): the answers so
  far as JSON, the step on screen, the safety gate's outcome, the person it created (set once a
  filmed movement needed one, or at the end) and when it finished.
* ``persons.self_directed``: the person follows a plan on their own, with no clinician
  (``owner_id`` stays empty until a clinician takes them on).

Frozen copy of the schema at this revision (it does not import ``lumbo.store.tables``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.add_column(
            sa.Column("self_directed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "self_assessment_drafts",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("answers", _json(), nullable=False),
        sa.Column("step", sa.String(64), nullable=True),
        sa.Column("gate", sa.String(16), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_self_assessment_drafts"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_self_assessment_drafts_user_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_self_assessment_drafts_person_id_persons",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_self_assessment_drafts_person_id", "self_assessment_drafts", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_self_assessment_drafts_person_id", table_name="self_assessment_drafts")
    op.drop_table("self_assessment_drafts")
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("self_directed")
