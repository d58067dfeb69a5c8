"""Inviting a patient: a one-time link (and its QR code) that lets the patient set their own
password, with expiry, resend and revoke; disabling and re-enabling the account.

Built on the one-time link of a forced password reset (``lumbo.services.accounts``): an invited
account is created with an unusable password hash, and the link is the same signed token naming
the account and a fingerprint of that hash. The patient's first password retires the link; a
resend stores a new unusable hash (the previous link stops working at once); a revoke deletes the
account that was never used (a new invitation may then name another e-mail). No second token
system. Every change is audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from lumbo.domain.errors import Conflict, InvalidInput, NotFound, Problem
from lumbo.services._shared import UnitsOfWork, need_person
from lumbo.services.access import write_entry
from lumbo.services.accounts import (
    RESET_MAX_AGE_S,
    UNUSABLE_PREFIX,
    Actor,
    _fingerprint,
    _serializer,
    set_active,
)
from lumbo.settings import Settings
from lumbo.store.accounts import AccountRepository, User
from lumbo.store.tables import utcnow

__all__ = [
    "AccountState",
    "Invitation",
    "account_state",
    "disable",
    "enable",
    "invite",
    "resend",
    "revoke",
]

State = Literal["none", "invited", "active", "disabled"]
VALID_FOR = timedelta(seconds=RESET_MAX_AGE_S)


@dataclass(frozen=True, slots=True)
class AccountState:
    state: State
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Invitation:
    email: str
    token: str
    expires_at: datetime

    def path(self) -> str:
        return f"/reset/{self.token}"


def _state(user: User | None) -> AccountState:
    if user is None:
        return AccountState("none")
    if not user.active:
        return AccountState("disabled", user.email)
    if user.password_hash.startswith(UNUSABLE_PREFIX):
        return AccountState("invited", user.email)
    return AccountState("active", user.email)


def account_state(store: UnitsOfWork, person_id: str) -> AccountState:
    with store.uow() as uow:
        need_person(uow.journeys, person_id)
        return _state(uow.accounts.account_of_person(person_id))


def _link(settings: Settings, user_id: str, unusable: str) -> str:
    token: str = _serializer(settings).dumps({"u": user_id, "f": _fingerprint(unusable)})
    return token


def _check_email(email: str) -> str:
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or " " in email:
        raise InvalidInput(
            [Problem("email", "must be the patient's e-mail address, like name@example.org")],
            "invitation",
        )
    return email


def invite(
    store: UnitsOfWork, settings: Settings, actor: User, person_id: str, email: str
) -> Invitation:
    """Create the patient's account, not usable until they set a password through the link."""
    address = _check_email(email)
    unusable = UNUSABLE_PREFIX + secrets.token_hex(16)
    user = User(email=address, role="patient", password_hash=unusable, person_id=person_id)
    with store.uow() as uow:
        need_person(uow.journeys, person_id)
        repo = uow.accounts
        existing = repo.account_of_person(person_id)
        if existing is not None:
            state = _state(existing).state
            raise Conflict(
                "this patient has already been invited: send the link again or revoke it"
                if state == "invited"
                else "this patient already has an account"
            )
        try:
            repo.add_user(user)
        except Conflict:
            raise Conflict("that e-mail address already belongs to another account") from None
        uow.audit.add(
            write_entry(
                "account", "patient_invited", actor=actor, person_id=person_id, resource=user.id
            )
        )
        uow.commit()
    return Invitation(address, _link(settings, user.id, unusable), utcnow() + VALID_FOR)


def _pending(repo: AccountRepository, person_id: str) -> User:
    user = repo.account_of_person(person_id)
    if user is None or _state(user).state != "invited":
        raise Conflict("there is no open invitation for this patient")
    return user


def resend(store: UnitsOfWork, settings: Settings, actor: User, person_id: str) -> Invitation:
    """A new link; the previous one stops working."""
    unusable = UNUSABLE_PREFIX + secrets.token_hex(16)
    with store.uow() as uow:
        repo = uow.accounts
        user = _pending(repo, person_id)
        repo.set_password_hash(user.id, unusable)
        uow.audit.add(
            write_entry(
                "account", "invitation_resent", actor=actor, person_id=person_id, resource=user.id
            )
        )
        uow.commit()
    return Invitation(user.email, _link(settings, user.id, unusable), utcnow() + VALID_FOR)


def revoke(store: UnitsOfWork, actor: User, person_id: str) -> None:
    """Withdraw an invitation that was never used: its account goes, the link stops working."""
    with store.uow() as uow:
        repo = uow.accounts
        user = _pending(repo, person_id)
        repo.delete_user(user.id)
        uow.audit.add(
            write_entry(
                "account", "invitation_revoked", actor=actor, person_id=person_id, resource=user.id
            )
        )
        uow.commit()


def _account(store: UnitsOfWork, person_id: str) -> User:
    with store.uow() as uow:
        user = uow.accounts.account_of_person(person_id)
    if user is None:
        raise NotFound("this patient has no account")
    return user


def disable(store: UnitsOfWork, actor: User, person_id: str) -> AccountState:
    """The patient can no longer sign in (signed-in sessions end at once)."""
    return _state(set_active(store, Actor(actor), _account(store, person_id).id, False))


def enable(store: UnitsOfWork, actor: User, person_id: str) -> AccountState:
    return _state(set_active(store, Actor(actor), _account(store, person_id).id, True))
