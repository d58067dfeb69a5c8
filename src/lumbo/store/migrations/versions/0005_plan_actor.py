"""Who made a plan version: ``plan_versions.changed_by``, the account id of the clinician whose
edit (a technique swap) produced the version; null for versions the engine made (the baseline plan,
adjustments after logged sessions, reassessments). No foreign key: the id stays readable in the plan
history after the account is deleted, like the audit log's actor.

Revision ID: 0005_plan_actor
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("plan_versions", sa.Column("changed_by", sa.String(36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_versions") as batch:
        batch.drop_column("changed_by")
