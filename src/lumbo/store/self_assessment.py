"""Resumable self-assessment drafts (issue 20, table ``self_assessment_drafts``, migration 0008):
one per account, on the unit of work as ``uow.self_assessments``. The SQL repository and its
in-memory fake pass the same contract tests (``tests/integration/store/test_self_assessment_store.py``).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lumbo.domain.errors import Conflict
from lumbo.store.tables import utcnow
from lumbo.store.web_tables import SelfAssessmentDraftRow

if TYPE_CHECKING:
    from lumbo.store.memory import MemoryData


@dataclass(frozen=True, slots=True)
class StoredDraft:
    """One account's self-assessment: the answers (step id -> JSON value; None: skipped), the
    step on screen (None: none left), the gate's outcome, and the person once finished (or once
    a video needed one)."""

    user_id: str
    answers: dict[str, Any] = field(default_factory=dict)
    step: str | None = None
    gate: str = "incomplete"
    person_id: str | None = None
    finished_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)

    def changed(self, **changes: Any) -> StoredDraft:
        """A copy with ``changes`` and a new ``updated_at``."""
        return replace(self, **changes, updated_at=max(utcnow(), self.updated_at))


class SelfAssessmentRepository(abc.ABC):
    @abc.abstractmethod
    def get(self, user_id: str) -> StoredDraft | None: ...

    @abc.abstractmethod
    def put(self, draft: StoredDraft) -> None:
        """Insert or replace the account's draft."""

    @abc.abstractmethod
    def of_person(self, person_id: str) -> StoredDraft | None:
        """The finished draft that created ``person_id`` (None: not a self-assessed person)."""


def _draft(r: SelfAssessmentDraftRow) -> StoredDraft:
    return StoredDraft(
        user_id=r.user_id,
        answers=dict(r.answers),
        step=r.step,
        gate=r.gate,
        person_id=r.person_id,
        finished_at=r.finished_at,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlAlchemySelfAssessments(SelfAssessmentRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, user_id: str) -> StoredDraft | None:
        row = self.session.get(SelfAssessmentDraftRow, user_id)
        return None if row is None else _draft(row)

    def put(self, draft: StoredDraft) -> None:
        row = self.session.get(SelfAssessmentDraftRow, draft.user_id)
        if row is None:
            row = SelfAssessmentDraftRow(user_id=draft.user_id, created_at=draft.created_at)
            self.session.add(row)
        row.answers = dict(draft.answers)
        row.step = draft.step
        row.gate = draft.gate
        row.person_id = draft.person_id
        row.finished_at = draft.finished_at
        row.updated_at = draft.updated_at
        try:
            self.session.flush()
        except IntegrityError:
            raise Conflict(f"no account {draft.user_id}, or no person {draft.person_id}") from None

    def of_person(self, person_id: str) -> StoredDraft | None:
        r = SelfAssessmentDraftRow
        row = self.session.scalars(select(r).where(r.person_id == person_id)).first()
        return None if row is None else _draft(row)


class InMemorySelfAssessments(SelfAssessmentRepository):
    def __init__(self, data: MemoryData) -> None:
        self.data = data

    def get(self, user_id: str) -> StoredDraft | None:
        return next((d for d in self.data.drafts if d.user_id == user_id), None)

    def put(self, draft: StoredDraft) -> None:
        if not any(u.id == draft.user_id for u in self.data.users):
            raise Conflict(f"no account {draft.user_id}")
        if draft.person_id is not None and not any(
            p.id == draft.person_id for p in self.data.persons
        ):
            raise Conflict(f"no person {draft.person_id}")
        kept = [d for d in self.data.drafts if d.user_id != draft.user_id]
        self.data.drafts[:] = [*kept, replace(draft, answers=dict(draft.answers))]

    def of_person(self, person_id: str) -> StoredDraft | None:
        return next((d for d in self.data.drafts if d.person_id == person_id), None)
