"""The patient's time zone for reminders and the calendar feed (issue 16).

* ``patient_settings.time_zone``: an IANA time zone name (``Europe/Paris``), or NULL for the
  clinic's (the clinic setting ``time_zone``, a ``clinic_settings`` row: no schema change).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patient_settings") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patient_settings") as batch:
        batch.drop_column("time_zone")
