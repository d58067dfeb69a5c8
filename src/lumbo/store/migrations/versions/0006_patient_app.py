"""The patient's phone app (issue 16): questionnaires filled in on the phone and the patient's own
settings (private calendar feed token hash, reminder days and time, e-mail reminders on/off,
lessons read).

Frozen copy of the schema at this revision (it does not import ``lumbo.store.tables``).

Revision ID: 0006_patient_app
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "questionnaire_responses",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("week", sa.Integer(), nullable=True),
        sa.Column("answers", _json(), nullable=False),
        sa.Column("scores", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_questionnaire_responses"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_questionnaire_responses_person_id_persons",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_questionnaire_responses_person_created",
        "questionnaire_responses",
        ["person_id", "created_at"],
    )
    op.create_table(
        "patient_settings",
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("calendar_token_hash", sa.String(64), nullable=True),
        sa.Column("reminder_days", _json(), nullable=False),
        sa.Column("reminder_time", sa.String(5), nullable=True),
        sa.Column("reminder_email", sa.Boolean(), nullable=False),
        sa.Column("reminded_on", sa.String(10), nullable=True),
        sa.Column("lessons_read", _json(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_patient_settings"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_patient_settings_person_id_persons",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("calendar_token_hash", name="uq_patient_settings_calendar_token_hash"),
    )


def downgrade() -> None:
    op.drop_table("patient_settings")
    op.drop_index("ix_questionnaire_responses_person_created", table_name="questionnaire_responses")
    op.drop_table("questionnaire_responses")
