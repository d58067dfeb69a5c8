"""The clinic's working day (issue 15): patient display names, referral clearances, clinic
settings, and the pain trend the attention list sorts by.

* ``persons.display_name`` with ``ix_persons_owner_name`` (owner_id, display_name, id): the patient
  list searched and sorted by name through the index.
* ``persons.start_on``: the plan's first day (the intake's start date, else enrolment), so the
  database can tell which plan week a patient is in.
* ``person_status.pain_rise``: how far next-morning pain rose over the latest check-ins (kept by
  every check-in write; derived data).
* ``referral_clearances``: append-only record of who cleared a referral, when, and why.
* ``clinic_settings``: clinic-wide settings (``auto_approve_adjustments``).
* ``plan_templates``: a clinician's plans saved as templates (weeks only, no person).

Frozen copy of the schema at this revision (it does not import ``lumbo.store.tables``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("display_name", sa.String(120), nullable=True))
        batch.add_column(sa.Column("start_on", sa.Date(), nullable=True))
    op.create_index("ix_persons_owner_name", "persons", ["owner_id", "display_name", "id"])
    with op.batch_alter_table("person_status") as batch:
        batch.add_column(sa.Column("pain_rise", sa.Integer(), nullable=True))
    op.create_table(
        "referral_clearances",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("intake_id", sa.String(36), nullable=False),
        sa.Column("cleared_by", sa.String(200), nullable=False),
        sa.Column("cleared_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_referral_clearances"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name="fk_referral_clearances_person_id_persons",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intakes.id"],
            name="fk_referral_clearances_intake_id_intakes",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_referral_clearances_person_created",
        "referral_clearances",
        ["person_id", "created_at"],
    )
    op.create_table(
        "clinic_settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", _json(), nullable=False),
        sa.Column("updated_by", sa.String(36), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_clinic_settings"),
    )
    op.create_table(
        "plan_templates",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("document", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_templates"),
    )
    op.create_index("ix_plan_templates_owner_name", "plan_templates", ["owner_id", "name"])
    _approve_versions_in_force()


def _approve_versions_in_force() -> None:
    """From this revision the patient runs only the last approved version: every version stored
    before it was already in force, so each gets an approval row (none is taken away)."""
    conn = op.get_bind()
    versions = sa.table(
        "plan_versions", sa.column("person_id", sa.String), sa.column("version", sa.Integer)
    )
    approvals = sa.table(
        "plan_approvals",
        sa.column("id", sa.String),
        sa.column("person_id", sa.String),
        sa.column("version", sa.Integer),
        sa.column("approved_by", sa.String),
        sa.column("note", sa.Text),
        sa.column("approved_at", sa.DateTime(timezone=True)),
    )
    have = set(conn.execute(sa.select(approvals.c.person_id, approvals.c.version)).all())
    now = datetime.now(UTC)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "person_id": pid,
            "version": v,
            "approved_by": None,
            "note": "in force before approvals decided what the patient sees",
            "approved_at": now if conn.dialect.name != "sqlite" else now.replace(tzinfo=None),
        }
        for pid, v in conn.execute(sa.select(versions.c.person_id, versions.c.version)).all()
        if v > 1 and (pid, v) not in have
    ]
    if rows:
        op.bulk_insert(approvals, rows)


def downgrade() -> None:
    op.drop_index("ix_plan_templates_owner_name", table_name="plan_templates")
    op.drop_table("plan_templates")
    op.drop_table("clinic_settings")
    op.drop_index("ix_referral_clearances_person_created", table_name="referral_clearances")
    op.drop_table("referral_clearances")
    with op.batch_alter_table("person_status") as batch:
        batch.drop_column("pain_rise")
    op.drop_index("ix_persons_owner_name", table_name="persons")
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("start_on")
        batch.drop_column("display_name")
