"""SQLAlchemy 2 typed declarative tables.

Designed for the later multi-user web service as well as the embedded CLI: ids are UUID strings,
every timestamp is timezone-aware UTC, documents (intakes, assessments, plans, logs, results) are
JSON columns (JSONB on PostgreSQL), plans are versioned per person, and client-generated ids make
session logs and check-ins idempotent. The schema itself is created by the Alembic migrations in
``migrations/versions``; these classes must stay in step with them (a test compares the two).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonDoc = JSON().with_variant(JSONB(), "postgresql")


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _id() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)


def _person_fk() -> Mapped[str]:
    return mapped_column(String(36), ForeignKey("persons.id", ondelete="CASCADE"), nullable=False)


def _created() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class PersonRow(Base):
    __tablename__ = "persons"
    __table_args__ = (
        Index("ix_persons_owner_ref", "owner_id", "external_ref", "id"),
        Index("ix_persons_owner_name", "owner_id", "display_name", "id"),
    )

    id: Mapped[str] = _id()
    owner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    external_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    display_name: Mapped[str | None] = mapped_column(String(120))  # migration 0007
    start_on: Mapped[date | None] = mapped_column(Date)  # the plan's first day (migration 0007)
    # an individual at home, no clinician (migration 0008)
    self_directed: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    created_at: Mapped[datetime] = _created()


class IntakeRow(Base):
    __tablename__ = "intakes"
    __table_args__ = (Index("ix_intakes_person_created", "person_id", "created_at"),)

    id: Mapped[str] = _id()
    person_id: Mapped[str] = _person_fk()
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # baseline | reassessment
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False)
    created_at: Mapped[datetime] = _created()


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_person_created", "person_id", "created_at"),)

    id: Mapped[str] = _id()
    person_id: Mapped[str] = _person_fk()
    intake_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("intakes.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    referral_required: Mapped[bool] = mapped_column(Boolean, nullable=False)
    urgency: Mapped[str] = mapped_column(String(16), nullable=False)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False)
    created_at: Mapped[datetime] = _created()


class PlanVersionRow(Base):
    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("person_id", "version"),)

    id: Mapped[str] = _id()
    person_id: Mapped[str] = _person_fk()
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    assessment_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("assessments.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False)
    adjustment: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    changed_by: Mapped[str | None] = mapped_column(String(36))  # the account whose edit made it
    created_at: Mapped[datetime] = _created()


class SessionLogRow(Base):
    __tablename__ = "session_logs"
    __table_args__ = (
        UniqueConstraint("person_id", "session_id"),
        Index("ix_session_logs_person_performed", "person_id", "performed_on"),
    )

    id: Mapped[str] = _id()
    person_id: Mapped[str] = _person_fk()
    session_id: Mapped[str] = mapped_column(String(64), nullable=False)
    plan_version: Mapped[int | None] = mapped_column(Integer)
    week: Mapped[int] = mapped_column(Integer, nullable=False)
    session_index: Mapped[int] = mapped_column(Integer, nullable=False)
    performed_on: Mapped[date] = mapped_column(Date, nullable=False)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False)
    created_at: Mapped[datetime] = _created()


class CheckInRow(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("person_id", "checkin_id"),
        Index("ix_checkins_person_on", "person_id", "on_date"),
    )

    id: Mapped[str] = _id()
    person_id: Mapped[str] = _person_fk()
    checkin_id: Mapped[str] = mapped_column(String(64), nullable=False)
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    session_id: Mapped[str | None] = mapped_column(String(64))
    pain: Mapped[int] = mapped_column(Integer, nullable=False)
    stiffness: Mapped[int] = mapped_column(Integer, nullable=False)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False)
    created_at: Mapped[datetime] = _created()


class ReassessmentRow(Base):
    __tablename__ = "reassessments"
    __table_args__ = (Index("ix_reassessments_person_created", "person_id", "created_at"),)

    id: Mapped[str] = _id()
    person_id: Mapped[str] = _person_fk()
    intake_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("intakes.id", ondelete="CASCADE"), nullable=False
    )
    assessment_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False
    )
    week: Mapped[int | None] = mapped_column(Integer)
    outcomes: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    created_at: Mapped[datetime] = _created()


class VideoMeasurementRow(Base):
    """Append-only: results of ``lumbo measure --record``; rows are never updated or deleted."""

    __tablename__ = "video_measurements"
    __table_args__ = (Index("ix_video_measurements_person_created", "person_id", "created_at"),)

    id: Mapped[str] = _id()
    person_id: Mapped[str] = _person_fk()
    movement: Mapped[str] = mapped_column(String(64), nullable=False)
    result: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False)
    created_at: Mapped[datetime] = _created()
    author_id: Mapped[str | None] = mapped_column(String(36))  # the account that recorded it
    source: Mapped[str | None] = mapped_column(
        String(24)
    )  # patient_reported | clinician | video_job


class PersonStatusRow(Base):
    """Per person, what a write or the patient list would otherwise recompute from the whole
    history: the adjustment rules' summary of the settled sessions (``settled``, see
    ``lumbo.domain.adjust.state``), the alerts of the latest adjustment and the latest session with
    warning signs. Derived data: rebuilt from the history when missing or stale."""

    __tablename__ = "person_status"
    __table_args__ = (Index("ix_person_status_attention", "attention"),)

    person_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    plan_version: Mapped[int | None] = mapped_column(Integer)  # the version `settled` judged
    settled: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    alerts: Mapped[list[Any]] = mapped_column(JsonDoc, nullable=False)  # [{kind, reason}]
    attention: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_warning: Mapped[list[Any] | None] = mapped_column(JsonDoc)  # [week, session index]
    # migration 0007: how far next-morning pain rose over the latest check-ins (None: too few)
    pain_rise: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = _created()


class ReferralClearanceRow(Base):
    """Append-only (migration 0007): who cleared a referral, when, and the note; ``intake_id`` is
    the intake version that records the clearance (``history.clinician_clearance``)."""

    __tablename__ = "referral_clearances"
    __table_args__ = (Index("ix_referral_clearances_person_created", "person_id", "created_at"),)

    id: Mapped[str] = _id()
    person_id: Mapped[str] = _person_fk()
    intake_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("intakes.id", ondelete="CASCADE"), nullable=False
    )
    cleared_by: Mapped[str] = mapped_column(String(200), nullable=False)
    cleared_on: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False)
    recorded_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = _created()


class PlanTemplateRow(Base):
    """A clinician's plan saved as a template (migration 0007): the weeks of a plan, no person."""

    __tablename__ = "plan_templates"
    __table_args__ = (Index("ix_plan_templates_owner_name", "owner_id", "name"),)

    id: Mapped[str] = _id()
    owner_id: Mapped[str] = mapped_column(String(36), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False)
    created_at: Mapped[datetime] = _created()


class ClinicSettingRow(Base):
    """A clinic-wide setting (migration 0007), e.g. ``auto_approve_adjustments``."""

    __tablename__ = "clinic_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonDoc, nullable=False)
    updated_by: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = _created()


# The web service's tables share this metadata (migration 0002); imported last, as it imports Base.
from lumbo.store import web_tables as _web_tables  # noqa: E402, F401


class QuestionnaireResponseRow(Base):
    """Questionnaires the patient filled in on the phone; the id comes from the client."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        Index("ix_questionnaire_responses_person_created", "person_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = _person_fk()
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    week: Mapped[int | None] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False)
    scores: Mapped[dict[str, Any]] = mapped_column(JsonDoc, nullable=False)
    created_at: Mapped[datetime] = _created()


class PatientSettingsRow(Base):
    """One row per patient: the calendar feed token's hash and the reminder choices."""

    __tablename__ = "patient_settings"

    person_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    reminder_days: Mapped[list[Any]] = mapped_column(JsonDoc, nullable=False)
    reminder_time: Mapped[str | None] = mapped_column(String(5))
    reminder_email: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reminded_on: Mapped[str | None] = mapped_column(String(10))
    time_zone: Mapped[str | None] = mapped_column(String(64))  # IANA name; None: the clinic's
    lessons_read: Mapped[list[Any]] = mapped_column(JsonDoc, nullable=False)
    updated_at: Mapped[datetime] = _created()
