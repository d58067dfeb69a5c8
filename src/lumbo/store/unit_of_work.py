"""Units of work: one transaction each. Leaving the ``with`` block without ``commit()`` rolls back.

    with uow:
        uow.journeys.add_person(...)
        uow.commit()

:class:`SqlAlchemyUnitOfWork` runs on a real database; :class:`FakeUnitOfWork` keeps committed
state in memory with the same all-or-nothing behaviour, for fast service tests.
"""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from lumbo.domain.errors import Conflict
from lumbo.store.memory import InMemoryRepository, MemoryData
from lumbo.store.repository import JourneyRepository, SqlAlchemyRepository


class AbstractUnitOfWork(abc.ABC):
    journeys: JourneyRepository

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
        self._session = self._sessions()
        self.journeys = SqlAlchemyRepository(self._session)
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
        self.journeys = InMemoryRepository(self.data.copy())

    def __enter__(self) -> Self:
        self.journeys = InMemoryRepository(self.data.copy())
        return super().__enter__()

    def commit(self) -> None:
        assert isinstance(self.journeys, InMemoryRepository)
        self.data = self.journeys.data.copy()
        self.commits += 1

    def rollback(self) -> None:
        self.journeys = InMemoryRepository(self.data.copy())
