"""Units of work: one transaction each, and the only way services reach the store. Leaving the
``with`` block without ``commit()`` rolls back.

    with uow:
        uow.journeys.add_person(...)
        uow.audit.add(...)
        uow.commit()

Repositories: ``journeys`` (persons and their records), ``accounts`` (users, sign-in sessions,
login failures), ``jobs`` (background jobs and uploaded videos), ``audit`` (the hash-chained log)
``approvals`` (plan approvals), ``clinic`` (clinic records) and ``self_assessments`` (an individual's
resumable self-assessment, issue 20). :class:`SqlAlchemyUnitOfWork` runs on a real database;
:class:`FakeUnitOfWork` keeps committed state in memory with the same all-or-nothing behaviour, for
fast service tests. Services are typed against :class:`AbstractUnitOfWork`; nothing subclasses a
unit of work to slip a write into its commit (write it in the ``with`` block, then commit).
"""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from lumbo.domain.errors import Conflict
from lumbo.store.accounts import AccountRepository, SqlAlchemyAccountRepository
from lumbo.store.approvals import ApprovalRepository, SqlAlchemyApprovalRepository
from lumbo.store.audit import AuditRepository, SqlAlchemyAuditRepository
from lumbo.store.clinic import ClinicRepository, SqlAlchemyClinicRepository
from lumbo.store.jobs import JobRepository, SqlAlchemyJobRepository
from lumbo.store.memory import (
    InMemoryAccounts,
    InMemoryApprovals,
    InMemoryAudit,
    InMemoryClinic,
    InMemoryJobs,
    InMemoryRepository,
    MemoryData,
)
from lumbo.store.repository import JourneyRepository, SqlAlchemyRepository
from lumbo.store.self_assessment import (
    InMemorySelfAssessments,
    SelfAssessmentRepository,
    SqlAlchemySelfAssessments,
)


class AbstractUnitOfWork(abc.ABC):
    journeys: JourneyRepository
    accounts: AccountRepository
    jobs: JobRepository
    audit: AuditRepository
    approvals: ApprovalRepository
    clinic: ClinicRepository
    self_assessments: SelfAssessmentRepository

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None:
        raise NotImplementedError

    @abc.abstractmethod
    def rollback(self) -> None:
        raise NotImplementedError


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._session: Session | None = None

    def __enter__(self) -> Self:
        self._session = session = self._sessions()
        self.journeys = SqlAlchemyRepository(session)
        self.accounts = SqlAlchemyAccountRepository(session)
        self.jobs = SqlAlchemyJobRepository(session)
        self.audit = SqlAlchemyAuditRepository(session)
        self.approvals = SqlAlchemyApprovalRepository(session)
        self.clinic = SqlAlchemyClinicRepository(session)
        self.self_assessments = SqlAlchemySelfAssessments(session)
        return super().__enter__()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            super().__exit__(exc_type, exc, tb)
        finally:
            if self._session is not None:
                self._session.close()
                self._session = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._session

    def commit(self) -> None:
        try:
            self.session.commit()
        except IntegrityError as err:
            self.session.rollback()
            raise Conflict(f"write contradicts stored state: {err.orig}") from None

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()


class FakeUnitOfWork(AbstractUnitOfWork):
    """In-memory unit of work. ``data`` is the committed state; ``commits`` counts commits."""

    def __init__(self, data: MemoryData | None = None) -> None:
        self.data = data if data is not None else MemoryData()
        self.commits = 0
        self._open(self.data.copy())

    def uow(self) -> Self:
        """The fake is its own factory (a use case of several transactions reuses it)."""
        return self

    def _open(self, working: MemoryData) -> None:
        self._working = working
        self.journeys = InMemoryRepository(working)
        self.accounts = InMemoryAccounts(working)
        self.jobs = InMemoryJobs(working)
        self.audit = InMemoryAudit(working)
        self.approvals = InMemoryApprovals(working)
        self.clinic = InMemoryClinic(working)
        self.self_assessments = InMemorySelfAssessments(working)

    def __enter__(self) -> Self:
        self._open(self.data.copy())
        return super().__enter__()

    def commit(self) -> None:
        self.data = self._working.copy()
        self.commits += 1

    def rollback(self) -> None:
        self._open(self.data.copy())
