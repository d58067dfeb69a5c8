"""The audit log: append-only entries of who read or wrote which patient's data, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lumbo.store.tables import new_id, utcnow
from lumbo.store.web_tables import AuditRow

Action = Literal["read", "write"]
Outcome = Literal["allowed", "denied"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    actor_id: str | None
    actor_role: str | None
    action: Action
    method: str
    route: str
    person_id: str | None
    outcome: Outcome
    resource_id: str | None = None
    client: str | None = None
    id: str = field(default_factory=new_id)
    at: datetime = field(default_factory=utcnow)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_role": self.actor_role,
            "action": self.action,
            "method": self.method,
            "route": self.route,
            "person_id": self.person_id,
            "resource_id": self.resource_id,
            "outcome": self.outcome,
            "client": self.client,
        }


def add_entry(session: Session, entry: AuditEntry) -> None:
    session.add(
        AuditRow(
            id=entry.id,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_role=entry.actor_role,
            action=entry.action,
            method=entry.method[:8],
            route=entry.route[:200],
            person_id=entry.person_id,
            resource_id=None if entry.resource_id is None else entry.resource_id[:64],
            outcome=entry.outcome,
            client=None if entry.client is None else entry.client[:64],
        )
    )
    session.flush()


def entries(session: Session, person_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """Most recent first."""
    stmt = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id).limit(limit)
    if person_id is not None:
        stmt = stmt.where(AuditRow.person_id == person_id)
    return [
        AuditEntry(
            id=r.id,
            at=r.at,
            actor_id=r.actor_id,
            actor_role=r.actor_role,
            action="write" if r.action == "write" else "read",
            method=r.method,
            route=r.route,
            person_id=r.person_id,
            resource_id=r.resource_id,
            outcome="denied" if r.outcome == "denied" else "allowed",
            client=r.client,
        )
        for r in session.scalars(stmt)
    ]
