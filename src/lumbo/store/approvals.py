"""Clinician approvals of plan versions (one per person and version): ``uow.approvals``.

:class:`ApprovalRepository` is the contract (a second approval of one version raises
:class:`Conflict`), :class:`SqlAlchemyApprovalRepository` the database one and
:class:`~lumbo.store.memory.InMemoryApprovals` its fake."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lumbo.domain.errors import Conflict
from lumbo.store.tables import new_id, utcnow
from lumbo.store.web_tables import PlanApprovalRow


@dataclass(frozen=True, slots=True)
class Approval:
    person_id: str
    version: int
    approved_by: str | None
    note: str | None = None
    id: str = field(default_factory=new_id)
    approved_at: datetime = field(default_factory=utcnow)

    def to_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at.isoformat(),
            "note": self.note,
        }


def _approval(r: PlanApprovalRow) -> Approval:
    return Approval(
        id=r.id,
        person_id=r.person_id,
        version=r.version,
        approved_by=r.approved_by,
        note=r.note,
        approved_at=r.approved_at,
    )


class ApprovalRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, person_id: str, version: int) -> Approval | None: ...
    @abc.abstractmethod
    def add(self, approval: Approval) -> None: ...
    @abc.abstractmethod
    def of_person(self, person_id: str) -> list[Approval]:
        """Oldest version first."""


class SqlAlchemyApprovalRepository(ApprovalRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, person_id: str, version: int) -> Approval | None:
        r = PlanApprovalRow
        stmt = select(r).where(r.person_id == person_id, r.version == version)
        row = self.session.scalars(stmt).first()
        return None if row is None else _approval(row)

    def of_person(self, person_id: str) -> list[Approval]:
        r = PlanApprovalRow
        stmt = select(r).where(r.person_id == person_id).order_by(r.version)
        return [_approval(row) for row in self.session.scalars(stmt)]

    def add(self, approval: Approval) -> None:
        self.session.add(
            PlanApprovalRow(
                id=approval.id,
                person_id=approval.person_id,
                version=approval.version,
                approved_by=approval.approved_by,
                note=approval.note,
                approved_at=approval.approved_at,
            )
        )
        try:
            self.session.flush()
        except IntegrityError:
            raise Conflict(f"plan version {approval.version} is already approved") from None
