"""Plan templates (table ``plan_templates``, migration 0007), over an open session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lumbo.store.tables import PlanTemplateRow, new_id, utcnow


@dataclass(frozen=True, slots=True)
class PlanTemplate:
    owner_id: str
    name: str
    document: dict[str, Any]  # {"weeks": [...], "source_version": n}
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


def _template(r: PlanTemplateRow) -> PlanTemplate:
    return PlanTemplate(r.owner_id, r.name, r.document, r.id, r.created_at)


def add_template(session: Session, t: PlanTemplate) -> None:
    session.add(
        PlanTemplateRow(
            id=t.id, owner_id=t.owner_id, name=t.name, document=t.document, created_at=t.created_at
        )
    )
    session.flush()


def templates_of(session: Session, owner_id: str) -> list[PlanTemplate]:
    r = PlanTemplateRow
    stmt = select(r).where(r.owner_id == owner_id).order_by(r.name, r.created_at)
    return [_template(row) for row in session.scalars(stmt)]


def get_template(session: Session, template_id: str) -> PlanTemplate | None:
    row = session.get(PlanTemplateRow, template_id)
    return None if row is None else _template(row)
