"""Caseload and cheap writes: the per-person status table and the named indexes the patient list
uses (``docs/performance.md``).

* ``person_status``: the adjustment rules' summary of the settled sessions, the latest alerts and
  the latest session with warning signs, one row per person (derived data; rebuilt from the
  history when missing, so it starts empty).
* ``ix_persons_owner_ref`` (owner_id, external_ref, id): a clinician's patients in name order,
  paginated by the index.
* ``ix_person_status_attention``: the patients that need attention.

Frozen copy of the schema at this revision (it does not import ``lumbo.store.tables``).

Revision ID: 0004_caseload
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "person_status",
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.Column("settled", _json(), nullable=True),
        sa.Column("alerts", _json(), nullable=False),
        sa.Column("attention", sa.Integer(), nullable=False),
        sa.Column("last_warning", _json(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_person_status"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_person_status_person_id_persons",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_person_status_attention", "person_status", ["attention"])
    op.create_index("ix_persons_owner_ref", "persons", ["owner_id", "external_ref", "id"])


def downgrade() -> None:
    op.drop_index("ix_persons_owner_ref", table_name="persons")
    op.drop_index("ix_person_status_attention", table_name="person_status")
    op.drop_table("person_status")
