"""Referral clearances (table ``referral_clearances``, migration 0007), append-only, over an open
session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lumbo.store.tables import ReferralClearanceRow, new_id, utcnow


@dataclass(frozen=True, slots=True)
class Clearance:
    person_id: str
    intake_id: str
    cleared_by: str
    cleared_on: date
    note: str
    recorded_by: str | None = None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


def add_clearance(session: Session, c: Clearance) -> None:
    session.add(
        ReferralClearanceRow(
            id=c.id,
            person_id=c.person_id,
            intake_id=c.intake_id,
            cleared_by=c.cleared_by,
            cleared_on=c.cleared_on,
            note=c.note,
            recorded_by=c.recorded_by,
            created_at=c.created_at,
        )
    )
    session.flush()


def clearances(session: Session, person_id: str) -> list[Clearance]:
    r = ReferralClearanceRow
    stmt = select(r).where(r.person_id == person_id).order_by(r.created_at, r.id)
    return [
        Clearance(
            id=row.id,
            person_id=row.person_id,
            intake_id=row.intake_id,
            cleared_by=row.cleared_by,
            cleared_on=row.cleared_on,
            note=row.note,
            recorded_by=row.recorded_by,
            created_at=row.created_at,
        )
        for row in session.scalars(stmt)
    ]
