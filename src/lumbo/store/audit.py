"""The audit log: append-only, hash-chained entries of who read or wrote which patient's data,
who signed in or out (or failed to), account changes, admin reads and refused requests.

Each entry gets the next sequence number and the hash of the entry before it; its own hash covers
the digest of every field and that previous hash (:func:`entry_hash`). An erasure blanks the
identifying fields of a patient's entries and keeps their digest (:func:`redact`), so the chain
still verifies without holding the patient's data. Appending takes a lock (PostgreSQL: a
transaction-level advisory lock; SQLite: every transaction is ``BEGIN IMMEDIATE``), so concurrent
workers never fork the chain. :func:`verify_chain` recomputes it.

Services reach it as ``uow.audit`` (:class:`AuditRepository`; :class:`SqlAlchemyAuditRepository`
here, :class:`~lumbo.store.memory.InMemoryAudit` the fake).
"""

from __future__ import annotations

import abc
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import ColumnElement, or_, select, text
from sqlalchemy.orm import Session

from lumbo.store.tables import new_id, utcnow
from lumbo.store.web_tables import AuditRow

Action = Literal["read", "write"]
Outcome = Literal["allowed", "denied"]
GENESIS = "0" * 64
CHAIN_LOCK = 7_112_012  # PostgreSQL advisory lock id of the audit chain


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
    event: str | None = None
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
            "event": self.event,
        }


def content_digest(row: AuditRow) -> str:
    """SHA-256 over the row's own fields (not its place in the chain)."""
    at = row.at.astimezone(UTC) if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    fields = [
        row.id,
        at.isoformat(timespec="microseconds"),
        row.actor_id,
        row.actor_role,
        row.action,
        row.method,
        row.route,
        row.person_id,
        row.resource_id,
        row.outcome,
        row.client,
        row.event,
    ]
    canonical = json.dumps(fields, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def entry_hash(row: AuditRow) -> str:
    """SHA-256 over the digest of the row's fields (the one kept in ``redacted`` once an erasure
    blanked them), its sequence number and the previous row's hash."""
    content = row.redacted if row.redacted is not None else content_digest(row)
    canonical = json.dumps([content, row.seq, row.prev_hash], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


ERASED_ROUTE = "(erased)"


def redact(session: Session, where: ColumnElement[bool]) -> int:
    """Blank the identifying fields (actor, person, resource, route, client) of the rows matching
    ``where``, keeping the digest of what they held so the chain still verifies; rows from before
    the chain existed are deleted. Returns how many rows were touched."""
    touched = 0
    for row in session.scalars(select(AuditRow).where(where)):
        touched += 1
        if row.seq is None:
            session.delete(row)
            continue
        if row.redacted is None:
            row.redacted = content_digest(row)
        row.actor_id = row.person_id = row.resource_id = row.client = None
        row.route = ERASED_ROUTE
    session.flush()
    return touched


def _last(session: Session) -> AuditRow | None:
    stmt = select(AuditRow).where(AuditRow.seq.is_not(None)).order_by(AuditRow.seq.desc())
    return session.scalars(stmt.limit(1)).first()


def add_entry(session: Session, entry: AuditEntry) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})
    last = _last(session)
    row = AuditRow(
        id=entry.id,
        at=entry.at,
        actor_id=entry.actor_id,
        actor_role=entry.actor_role,
        action=entry.action,
        method=entry.method[:8],
        route=entry.route[:200],
        person_id=None if entry.person_id is None else entry.person_id[:36],
        resource_id=None if entry.resource_id is None else entry.resource_id[:64],
        outcome=entry.outcome,
        client=None if entry.client is None else entry.client[:64],
        event=None if entry.event is None else entry.event[:32],
        seq=1 if last is None or last.seq is None else last.seq + 1,
        prev_hash=GENESIS if last is None or last.hash is None else last.hash,
    )
    row.hash = entry_hash(row)
    session.add(row)
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
            event=r.event,
        )
        for r in session.scalars(stmt)
    ]


@dataclass(frozen=True, slots=True)
class ChainReport:
    chained: int  # rows checked
    unchained: int  # rows from before the chain existed
    broken_at: int | None  # the first sequence number whose row does not fit
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute every chained row's hash and link, in sequence order."""
    unchained = len(session.scalars(select(AuditRow.id).where(AuditRow.seq.is_(None))).all())
    expected_seq, prev, checked = 1, GENESIS, 0
    after = 0
    while True:
        stmt = (
            select(AuditRow)
            .where(AuditRow.seq.is_not(None), AuditRow.seq > after)
            .order_by(AuditRow.seq)
            .limit(batch)
        )
        rows = session.scalars(stmt).all()
        if not rows:
            return ChainReport(checked, unchained, None, None)
        for row in rows:
            seq = int(row.seq or 0)
            if seq != expected_seq:
                return ChainReport(checked, unchained, expected_seq, "a row is missing")
            if row.prev_hash != prev:
                return ChainReport(checked, unchained, seq, "the link to the previous row differs")
            if row.hash != entry_hash(row):
                return ChainReport(checked, unchained, seq, "the row was changed after writing")
            prev, expected_seq, checked, after = row.hash, seq + 1, checked + 1, seq
        session.expunge_all()


class AuditRepository(abc.ABC):
    """Contract: entries are appended (never changed but by :meth:`redact_person`) and listed
    most recent first."""

    @abc.abstractmethod
    def add(self, entry: AuditEntry) -> None: ...
    @abc.abstractmethod
    def entries(self, person_id: str | None = None, limit: int = 200) -> list[AuditEntry]: ...
    @abc.abstractmethod
    def redact_person(self, person_id: str, account_ids: list[str]) -> int:
        """Blank the identifying fields of every entry about the person, made by one of their
        accounts, or naming the person in its route; returns how many entries."""

    @abc.abstractmethod
    def verify(self) -> ChainReport: ...


class SqlAlchemyAuditRepository(AuditRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        add_entry(self.session, entry)

    def entries(self, person_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
        return entries(self.session, person_id, limit)

    def redact_person(self, person_id: str, account_ids: list[str]) -> int:
        return redact(
            self.session,
            or_(
                AuditRow.person_id == person_id,
                AuditRow.actor_id.in_(account_ids),
                AuditRow.resource_id == person_id,
                AuditRow.route.contains(person_id, autoescape=True),  # refused requests: raw paths
            ),
        )

    def verify(self) -> ChainReport:
        return verify_chain(self.session)
