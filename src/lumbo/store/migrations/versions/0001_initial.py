"""Initial schema: persons, intakes, assessments, plan versions, session logs, check-ins,
reassessments and video measurements.

Frozen copy of the schema at this revision: it does not import ``lumbo.store.tables``, so later
changes to the models never rewrite history. Timestamps are ``TIMESTAMP WITH TIME ZONE`` (UTC);
documents are JSON (JSONB on PostgreSQL).

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(36), nullable=False)


def _created() -> sa.Column[Any]:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def _person(table: str) -> list[Any]:
    return [
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=f"fk_{table}_person_id_persons", ondelete="CASCADE"
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "persons",
        _id(),
        sa.Column("owner_id", sa.String(36), nullable=True),
        sa.Column("external_ref", sa.String(64), nullable=True),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
    )
    op.create_index("ix_persons_owner_id", "persons", ["owner_id"])
    op.create_index("ix_persons_external_ref", "persons", ["external_ref"])

    op.create_table(
        "intakes",
        _id(),
        *_person("intakes"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("document", _json(), nullable=False),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_intakes"),
    )
    op.create_index("ix_intakes_person_created", "intakes", ["person_id", "created_at"])

    op.create_table(
        "assessments",
        _id(),
        *_person("assessments"),
        sa.Column("intake_id", sa.String(36), nullable=False),
        sa.Column("referral_required", sa.Boolean(), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("document", _json(), nullable=False),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name="fk_assessments_intake_id_intakes",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("intake_id", name="uq_assessments_intake_id"),
    )
    op.create_index("ix_assessments_person_created", "assessments", ["person_id", "created_at"])

    op.create_table(
        "plan_versions",
        _id(),
        *_person("plan_versions"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.String(36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("document", _json(), nullable=False),
        sa.Column("adjustment", _json(), nullable=True),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_plan_versions"),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_plan_versions_assessment_id_assessments",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("person_id", "version", name="uq_plan_versions_person_id_version"),
    )

    op.create_table(
        "session_logs",
        _id(),
        *_person("session_logs"),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("session_index", sa.Integer(), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("document", _json(), nullable=False),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_session_logs"),
        sa.UniqueConstraint("person_id", "session_id", name="uq_session_logs_person_id_session_id"),
    )
    op.create_index(
        "ix_session_logs_person_performed", "session_logs", ["person_id", "performed_on"]
    )

    op.create_table(
        "checkins",
        _id(),
        *_person("checkins"),
        sa.Column("checkin_id", sa.String(64), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("stiffness", sa.Integer(), nullable=False),
        sa.Column("document", _json(), nullable=False),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_checkins"),
        sa.UniqueConstraint("person_id", "checkin_id", name="uq_checkins_person_id_checkin_id"),
    )
    op.create_index("ix_checkins_person_on", "checkins", ["person_id", "on_date"])

    op.create_table(
        "reassessments",
        _id(),
        *_person("reassessments"),
        sa.Column("intake_id", sa.String(36), nullable=False),
        sa.Column("assessment_id", sa.String(36), nullable=False),
        sa.Column("week", sa.Integer(), nullable=True),
        sa.Column("outcomes", _json(), nullable=True),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_reassessments"),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name="fk_reassessments_intake_id_intakes",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_reassessments_assessment_id_assessments",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_reassessments_person_created", "reassessments", ["person_id", "created_at"])

    op.create_table(
        "video_measurements",
        _id(),
        *_person("video_measurements"),
        sa.Column("movement", sa.String(64), nullable=False),
        sa.Column("result", _json(), nullable=False),
        _created(),
        sa.PrimaryKeyConstraint("id", name="pk_video_measurements"),
    )
    op.create_index(
        "ix_video_measurements_person_created", "video_measurements", ["person_id", "created_at"]
    )


def downgrade() -> None:
    for table in (
        "video_measurements",
        "reassessments",
        "checkins",
        "session_logs",
        "plan_versions",
        "assessments",
        "intakes",
        "persons",
    ):
        op.drop_table(table)
