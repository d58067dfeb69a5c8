"""Web service: users, web sessions, login failures, audit log, plan approvals, jobs and videos.

Frozen copy of the schema at this revision (it does not import ``lumbo.store.web_tables``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(36), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.UniqueConstraint("person_id", name="uq_users_person_id"),
        _fk("users", "person_id", "persons", "CASCADE"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        _ts("created_at"),
        _ts("expires_at"),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        _fk("web_sessions", "user_id", "users", "CASCADE"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "login_failures",
        _id(),
        sa.Column("key", sa.String(400), nullable=False),
        _ts("at"),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])
    op.create_table(
        "audit_log",
        _id(),
        _ts("at"),
        sa.Column("actor_id", sa.String(36), nullable=True),
        sa.Column("actor_role", sa.String(16), nullable=True),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("route", sa.String(200), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=True),
        sa.Column("resource_id", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("client", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_person_at", "audit_log", ["person_id", "at"])
    op.create_table(
        "plan_approvals",
        _id(),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(36), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _ts("approved_at"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_approvals"),
        sa.UniqueConstraint("person_id", "version", name="uq_plan_approvals_person_id_version"),
        _fk("plan_approvals", "person_id", "persons", "CASCADE"),
        _fk("plan_approvals", "approved_by", "users", "SET NULL"),
    )
    op.create_table(
        "jobs",
        _id(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("result", _json(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        _fk("jobs", "person_id", "persons", "CASCADE"),
    )
    op.create_index("ix_jobs_status_created", "jobs", ["status", "created_at"])
    op.create_index("ix_jobs_person_created", "jobs", ["person_id", "created_at"])
    op.create_table(
        "videos",
        _id(),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("movement", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.String(400), nullable=False),
        sa.Column("job_id", sa.String(36), nullable=True),
        sa.Column("uploaded_by", sa.String(36), nullable=True),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_videos"),
        _fk("videos", "person_id", "persons", "CASCADE"),
        _fk("videos", "job_id", "jobs", "SET NULL"),
    )
    op.create_index("ix_videos_person_created", "videos", ["person_id", "created_at"])


def downgrade() -> None:
    for table in (
        "videos",
        "jobs",
        "plan_approvals",
        "audit_log",
        "login_failures",
        "web_sessions",
        "users",
    ):
        op.drop_table(table)
