"""Account administration: list, disable and re-enable, force a password reset (a one-time link),
change a role, delete a staff account. Used by the admin API, the admin pages and ``lumbo users``.

Rules: the last active admin can be neither disabled, demoted nor deleted; a patient account stays
a patient account (it is tied to its person: erase the patient instead); a clinician who still owns
patients cannot be deleted (disable the account instead). Every change is audited (actor, target
account id, what) and ends the target's sign-in sessions when it takes access away.

A forced reset replaces the password hash by an unusable value (the old password stops working at
once) and returns a signed link token that names the account and a fingerprint of that value: the
first successful use sets a new hash, which retires the token (and any older one) for good.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lumbo.domain.errors import Conflict, InvalidInput, NotFound, Problem
from lumbo.store.accounts import ROLES, AccountRepository, User
from lumbo.store.audit import AuditEntry, add_entry
from lumbo.store.db import Store
from lumbo.store.tables import PersonRow
from lumbo.store.web_tables import UserRow, WebSessionRow
from lumbo.web.auth import _check_credentials, hasher
from lumbo.web.settings import WebSettings

RESET_SALT = "lumbo-password-reset"
RESET_MAX_AGE_S = 24 * 3600
UNUSABLE_PREFIX = "!reset:"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an admin account, or the command line (``user`` None)."""

    user: User | None
    client: str | None = None


_EVENTS = {
    "enable": "account_enabled",
    "disable": "account_disabled",
    "delete": "account_deleted",
    "force password reset": "password_reset_forced",
    "password reset completed": "password_reset_completed",
}


def _audit(session: Session, actor: Actor, what: str, target: str) -> None:
    event = "role_changed" if what.startswith("role ") else _EVENTS[what]
    add_entry(
        session,
        AuditEntry(
            actor_id=None if actor.user is None else actor.user.id,
            actor_role="cli" if actor.user is None else actor.user.role,
            action="write",
            method="POST" if actor.user is not None else "CLI",
            route=f"account: {what}",
            person_id=None,
            resource_id=target,
            outcome="allowed",
            client=actor.client,
            event=event,
        ),
    )


def _need(repo: AccountRepository, user_id: str) -> User:
    user = repo.get_user(user_id)
    if user is None:
        raise NotFound(f"no account with id {user_id!r}")
    return user


def _active_admins(session: Session) -> int:
    stmt = select(func.count()).select_from(UserRow)
    stmt = stmt.where(UserRow.role == "admin", UserRow.active.is_(True))
    return int(session.scalar(stmt) or 0)


def _guard_last_admin(session: Session, user: User, what: str) -> None:
    if user.role == "admin" and user.active and _active_admins(session) <= 1:
        raise Conflict(f"{user.email} is the last active admin: it cannot be {what}")


def list_accounts(store: Store) -> list[User]:
    with store.uow() as uow:
        return AccountRepository(uow.session).users()


def find_account(store: Store, ref: str) -> User:
    """An account by id or e-mail."""
    with store.uow() as uow:
        repo = AccountRepository(uow.session)
        user = repo.get_user(ref) or repo.user_by_email(ref.strip().lower())
    if user is None:
        raise NotFound(f"no account {ref!r} (give its id or e-mail)")
    return user


def set_active(store: Store, actor: Actor, user_id: str, active: bool) -> User:
    with store.uow() as uow:
        repo = AccountRepository(uow.session)
        user = _need(repo, user_id)
        if not active:
            _guard_last_admin(uow.session, user, "disabled")
        row = uow.session.get(UserRow, user_id)
        assert row is not None
        row.active = active
        if not active:
            uow.session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))
        _audit(uow.session, actor, "enable" if active else "disable", user_id)
        uow.commit()
        return _need(repo, user_id)


def change_role(store: Store, actor: Actor, user_id: str, role: str) -> User:
    staff = [r for r in ROLES if r != "patient"]
    if role not in staff:
        raise InvalidInput([Problem("role", f"must be one of {staff}", role)], "account")
    with store.uow() as uow:
        repo = AccountRepository(uow.session)
        user = _need(repo, user_id)
        if user.role == "patient":
            raise Conflict("a patient account stays a patient account (it belongs to its person)")
        if user.role == role:
            return user
        if user.role == "admin":
            _guard_last_admin(uow.session, user, "demoted")
        row = uow.session.get(UserRow, user_id)
        assert row is not None
        row.role = role
        uow.session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))
        _audit(uow.session, actor, f"role {user.role} -> {role}", user_id)
        uow.commit()
        return _need(repo, user_id)


def delete_account(store: Store, actor: Actor, user_id: str) -> None:
    with store.uow() as uow:
        repo = AccountRepository(uow.session)
        user = _need(repo, user_id)
        if user.role == "patient":
            raise Conflict("a patient account goes with its patient: erase the patient instead")
        _guard_last_admin(uow.session, user, "deleted")
        owned = uow.session.scalar(
            select(func.count()).select_from(PersonRow).where(PersonRow.owner_id == user_id)
        )
        if owned:
            raise Conflict(
                f"{user.email} still has {owned} patient(s): disable the account instead"
            )
        uow.session.execute(delete(UserRow).where(UserRow.id == user_id))
        _audit(uow.session, actor, "delete", user_id)
        uow.commit()


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:24]


def _serializer(settings: WebSettings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=RESET_SALT)


def force_reset(store: Store, settings: WebSettings, actor: Actor, user_id: str) -> str:
    """Retire the account's password and sessions; return the one-time reset token."""
    unusable = UNUSABLE_PREFIX + secrets.token_hex(16)
    with store.uow() as uow:
        repo = AccountRepository(uow.session)
        _need(repo, user_id)
        repo.set_password_hash(user_id, unusable)
        uow.session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))
        _audit(uow.session, actor, "force password reset", user_id)
        uow.commit()
    token: str = _serializer(settings).dumps({"u": user_id, "f": _fingerprint(unusable)})
    return token


def reset_account(settings: WebSettings, store: Store, token: str) -> User:
    """The account a reset token may still set a password for (NotFound: used, old or forged)."""
    try:
        data = _serializer(settings).loads(token, max_age=RESET_MAX_AGE_S)
    except (SignatureExpired, BadSignature):
        raise NotFound("this reset link is not valid (used, replaced or expired)") from None
    with store.uow() as uow:
        user = AccountRepository(uow.session).get_user(str(data.get("u", "")))
    if user is None or _fingerprint(user.password_hash) != data.get("f"):
        raise NotFound("this reset link is not valid (used, replaced or expired)")
    return user


def complete_reset(store: Store, settings: WebSettings, token: str, password: str) -> User:
    """Set the new password through a valid token; the token cannot be used again."""
    user = reset_account(settings, store, token)
    # the sign-in module's password rules (through its own check, whatever it comes to require)
    problems = [p for p in _check_credentials(user.email, password) if p.path != "email"]
    if problems:
        raise InvalidInput(problems, "password")
    with store.uow() as uow:
        repo = AccountRepository(uow.session)
        current = _need(repo, user.id)
        if current.password_hash != user.password_hash:  # used meanwhile
            raise NotFound("this reset link is not valid (used, replaced or expired)")
        repo.set_password_hash(user.id, hasher(settings.hashing).hash(password))
        _audit(uow.session, Actor(current), "password reset completed", user.id)
        uow.commit()
    return current
