"""Accounts, sign-in sessions, login failures and patient ownership: ``uow.accounts``.

:class:`AccountRepository` is the contract; :class:`SqlAlchemyAccountRepository` runs in the unit of
work's transaction and :class:`~lumbo.store.memory.InMemoryAccounts` is its fake (both pass
``tests/integration/store/test_repositories.py``).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lumbo.domain.errors import Conflict
from lumbo.store import tables as t
from lumbo.store.records import PersonRecord
from lumbo.store.web_tables import LoginFailureRow, TakeOnLinkRow, UserRow, WebSessionRow

Role = Literal["clinician", "patient", "admin"]
ROLES: tuple[Role, ...] = ("clinician", "patient", "admin")


@dataclass(frozen=True, slots=True)
class User:
    email: str
    role: Role
    password_hash: str
    person_id: str | None = None  # patients: the one person whose records they may see
    active: bool = True
    id: str = field(default_factory=t.new_id)
    created_at: datetime = field(default_factory=t.utcnow)

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "email": self.email,
            "role": self.role,
            "person_id": self.person_id,
            "active": self.active,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class TakeOnLink:
    """A link that lets a clinician on this server take a self-directed person on (issue 20)."""

    person_id: str
    token_hash: str
    expires_at: datetime
    revoked_at: datetime | None = None
    used_by: str | None = None
    used_at: datetime | None = None
    id: str = field(default_factory=t.new_id)
    created_at: datetime = field(default_factory=t.utcnow)

    def open_at(self, now: datetime) -> bool:
        return self.revoked_at is None and self.used_at is None and now < self.expires_at


def _take_on(r: TakeOnLinkRow) -> TakeOnLink:
    return TakeOnLink(
        id=r.id,
        person_id=r.person_id,
        token_hash=r.token_hash,
        expires_at=r.expires_at,
        revoked_at=r.revoked_at,
        used_by=r.used_by,
        used_at=r.used_at,
        created_at=r.created_at,
    )


def _role(value: str) -> Role:
    for role in ROLES:
        if role == value:
            return role
    raise ValueError(f"unknown role {value!r} in the users table")


def _user(r: UserRow) -> User:
    return User(
        id=r.id,
        email=r.email,
        role=_role(r.role),
        password_hash=r.password_hash,
        person_id=r.person_id,
        active=r.active,
        created_at=r.created_at,
    )


class AccountRepository(abc.ABC):
    """Contract: ``add_user`` of a taken e-mail (or a second account of one person) raises
    :class:`Conflict`; lists come oldest first."""

    @abc.abstractmethod
    def add_user(self, user: User) -> None: ...
    @abc.abstractmethod
    def get_user(self, user_id: str) -> User | None: ...
    @abc.abstractmethod
    def user_by_email(self, email: str) -> User | None: ...
    @abc.abstractmethod
    def users(self) -> list[User]: ...
    @abc.abstractmethod
    def set_password_hash(self, user_id: str, password_hash: str) -> None: ...
    @abc.abstractmethod
    def set_active(self, user_id: str, active: bool) -> None: ...
    @abc.abstractmethod
    def set_role(self, user_id: str, role: Role) -> None: ...
    @abc.abstractmethod
    def set_person(self, user_id: str, person_id: str) -> None:
        """Link a patient account to its person (an individual's self-assessment, issue 20)."""

    @abc.abstractmethod
    def delete_user(self, user_id: str) -> None: ...
    @abc.abstractmethod
    def active_admins(self) -> int: ...
    @abc.abstractmethod
    def add_session(self, session_hash: str, user_id: str, expires_at: datetime) -> None: ...
    @abc.abstractmethod
    def session_user(self, session_hash: str, now: datetime) -> User | None: ...
    @abc.abstractmethod
    def session_created(self, session_hash: str) -> datetime | None: ...
    @abc.abstractmethod
    def delete_session(self, session_hash: str) -> None: ...
    @abc.abstractmethod
    def delete_sessions_of(self, user_ids: list[str]) -> None: ...
    @abc.abstractmethod
    def delete_other_sessions(self, user_id: str, keep: str) -> int:
        """End every session of the account but ``keep`` (a session hash); how many ended."""

    @abc.abstractmethod
    def delete_expired_sessions(self, now: datetime) -> None: ...
    @abc.abstractmethod
    def add_failure(self, *keys: str) -> None: ...
    @abc.abstractmethod
    def failures_since(self, key: str, since: datetime) -> tuple[int, datetime | None]: ...
    @abc.abstractmethod
    def delete_failures_before(self, before: datetime) -> None: ...
    @abc.abstractmethod
    def clear_failures(self, key: str) -> None: ...
    @abc.abstractmethod
    def persons_of_owner(self, owner_id: str) -> list[PersonRecord]: ...
    @abc.abstractmethod
    def account_of_person(self, person_id: str) -> User | None: ...
    @abc.abstractmethod
    def take_owner(self, person_id: str, owner_id: str) -> bool:
        """Make ``owner_id`` the person's clinician if they have none; False if they had one
        (a concurrent take-on: the second one waits for the first and finds it taken)."""

    # take-on links (issue 20)
    @abc.abstractmethod
    def add_take_on(self, link: TakeOnLink) -> None: ...
    @abc.abstractmethod
    def take_on_by_hash(self, token_hash: str) -> TakeOnLink | None: ...
    @abc.abstractmethod
    def take_ons_of(self, person_id: str) -> list[TakeOnLink]: ...
    @abc.abstractmethod
    def revoke_take_ons(self, person_id: str, at: datetime) -> int: ...
    @abc.abstractmethod
    def use_take_on(self, link_id: str, user_id: str, at: datetime) -> None: ...


class SqlAlchemyAccountRepository(AccountRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    # users
    def add_user(self, user: User) -> None:
        self.session.add(
            UserRow(
                id=user.id,
                email=user.email,
                role=user.role,
                password_hash=user.password_hash,
                person_id=user.person_id,
                active=user.active,
                created_at=user.created_at,
            )
        )
        try:
            self.session.flush()
        except IntegrityError:
            raise Conflict(f"an account for {user.email!r} (or for that person) exists") from None

    def get_user(self, user_id: str) -> User | None:
        row = self.session.get(UserRow, user_id)
        return None if row is None else _user(row)

    def user_by_email(self, email: str) -> User | None:
        row = self.session.scalars(select(UserRow).where(UserRow.email == email)).first()
        return None if row is None else _user(row)

    def users(self) -> list[User]:
        rows = self.session.scalars(select(UserRow).order_by(UserRow.created_at, UserRow.id))
        return [_user(r) for r in rows]

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        row = self.session.get(UserRow, user_id)
        if row is not None:
            row.password_hash = password_hash
            self.session.flush()

    def set_active(self, user_id: str, active: bool) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(active=active))

    def set_role(self, user_id: str, role: Role) -> None:
        self.session.execute(update(UserRow).where(UserRow.id == user_id).values(role=role))

    def set_person(self, user_id: str, person_id: str) -> None:
        try:
            self.session.execute(
                update(UserRow).where(UserRow.id == user_id).values(person_id=person_id)
            )
        except IntegrityError:
            raise Conflict("this person already has an account") from None

    def delete_user(self, user_id: str) -> None:
        self.session.execute(delete(UserRow).where(UserRow.id == user_id))

    def active_admins(self) -> int:
        stmt = select(func.count()).select_from(UserRow)
        stmt = stmt.where(UserRow.role == "admin", UserRow.active.is_(True))
        return int(self.session.scalar(stmt) or 0)

    # sign-in sessions
    def add_session(self, session_hash: str, user_id: str, expires_at: datetime) -> None:
        self.session.add(WebSessionRow(id=session_hash, user_id=user_id, expires_at=expires_at))
        self.session.flush()

    def session_user(self, session_hash: str, now: datetime) -> User | None:
        """The active user of an unexpired session."""
        stmt = (
            select(UserRow)
            .join(WebSessionRow, WebSessionRow.user_id == UserRow.id)
            .where(
                WebSessionRow.id == session_hash,
                WebSessionRow.expires_at > now,
                UserRow.active.is_(True),
            )
        )
        row = self.session.scalars(stmt).first()
        return None if row is None else _user(row)

    def session_created(self, session_hash: str) -> datetime | None:
        row = self.session.get(WebSessionRow, session_hash)
        return None if row is None else row.created_at

    def delete_session(self, session_hash: str) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.id == session_hash))

    def delete_sessions_of(self, user_ids: list[str]) -> None:
        if user_ids:
            self.session.execute(delete(WebSessionRow).where(WebSessionRow.user_id.in_(user_ids)))

    def delete_other_sessions(self, user_id: str, keep: str) -> int:
        stmt = delete(WebSessionRow).where(
            WebSessionRow.user_id == user_id, WebSessionRow.id != keep
        )
        return int(getattr(self.session.execute(stmt), "rowcount", 0) or 0)

    def delete_expired_sessions(self, now: datetime) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))

    # login failures (rate limiting)
    def add_failure(self, *keys: str) -> None:
        now = t.utcnow()
        for key in keys:
            self.session.add(LoginFailureRow(key=key, at=now))
        self.session.flush()

    def failures_since(self, key: str, since: datetime) -> tuple[int, datetime | None]:
        """How many failures ``key`` has had since ``since``, and when the last one was."""
        r = LoginFailureRow
        stmt = select(func.count(), func.max(r.at)).where(r.key == key, r.at > since)
        count, last = self.session.execute(stmt).one()
        if isinstance(last, str):  # SQLite hands back aggregates of a datetime as text
            last = datetime.fromisoformat(last)
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        return int(count or 0), last

    def delete_failures_before(self, before: datetime) -> None:
        self.session.execute(delete(LoginFailureRow).where(LoginFailureRow.at <= before))

    def clear_failures(self, key: str) -> None:
        self.session.execute(delete(LoginFailureRow).where(LoginFailureRow.key == key))

    # ownership
    def persons_of_owner(self, owner_id: str) -> list[PersonRecord]:
        p = t.PersonRow
        stmt = select(p).where(p.owner_id == owner_id).order_by(p.created_at, p.id)
        return [
            PersonRecord(
                id=r.id,
                owner_id=r.owner_id,
                external_ref=r.external_ref,
                self_directed=r.self_directed,
                created_at=r.created_at,
            )
            for r in self.session.scalars(stmt)
        ]

    def account_of_person(self, person_id: str) -> User | None:
        row = self.session.scalars(select(UserRow).where(UserRow.person_id == person_id)).first()
        return None if row is None else _user(row)

    def take_owner(self, person_id: str, owner_id: str) -> bool:
        p = t.PersonRow
        done = self.session.execute(
            update(p).where(p.id == person_id, p.owner_id.is_(None)).values(owner_id=owner_id)
        )
        return int(getattr(done, "rowcount", 0) or 0) == 1

    # take-on links
    def add_take_on(self, link: TakeOnLink) -> None:
        self.session.add(
            TakeOnLinkRow(
                id=link.id,
                person_id=link.person_id,
                token_hash=link.token_hash,
                created_at=link.created_at,
                expires_at=link.expires_at,
                revoked_at=link.revoked_at,
                used_by=link.used_by,
                used_at=link.used_at,
            )
        )
        self.session.flush()

    def take_on_by_hash(self, token_hash: str) -> TakeOnLink | None:
        stmt = select(TakeOnLinkRow).where(TakeOnLinkRow.token_hash == token_hash)
        row = self.session.scalars(stmt).first()
        return None if row is None else _take_on(row)

    def take_ons_of(self, person_id: str) -> list[TakeOnLink]:
        r = TakeOnLinkRow
        stmt = select(r).where(r.person_id == person_id).order_by(r.created_at, r.id)
        return [_take_on(row) for row in self.session.scalars(stmt)]

    def revoke_take_ons(self, person_id: str, at: datetime) -> int:
        r = TakeOnLinkRow
        done = self.session.execute(
            update(r)
            .where(r.person_id == person_id, r.revoked_at.is_(None), r.used_at.is_(None))
            .values(revoked_at=at)
        )
        return int(getattr(done, "rowcount", 0) or 0)

    def use_take_on(self, link_id: str, user_id: str, at: datetime) -> None:
        r = TakeOnLinkRow
        self.session.execute(update(r).where(r.id == link_id).values(used_by=user_id, used_at=at))
