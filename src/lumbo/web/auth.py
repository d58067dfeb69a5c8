"""Accounts and sign-in: argon2id passwords, server-side sessions, CSRF tokens, login rate limits.

* Passwords are hashed with argon2id (argon2-cffi); hashes with outdated parameters are upgraded
  at the next successful sign-in.
* A session is a random 256-bit token in an HttpOnly cookie; the database keeps only its SHA-256
  (``web_sessions``), so sessions work across workers and sign-out revokes them.
* The CSRF token of a session is ``HMAC-SHA256(secret key, session hash)``: the client gets it at
  sign-in (JSON body and a readable ``lumbo_csrf`` cookie) and sends it back in ``X-CSRF-Token``
  (or the ``csrf_token`` form field) with every unsafe request.
* Failed sign-ins are stored (``login_failures``) per account+address and per account; past the
  limits within the window, sign-in answers 429 until the window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.responses import Response

from lumbo.domain.errors import InvalidInput, LumboError, Problem
from lumbo.services._shared import need_person
from lumbo.store.accounts import AccountRepository, Role, User
from lumbo.store.db import Store
from lumbo.store.tables import utcnow
from lumbo.web.settings import PasswordHashing, WebSettings

SESSION_COOKIE = "lumbo_session"
CSRF_COOKIE = "lumbo_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,185}\.[^@\s.]{2,}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024


class NotAuthenticated(LumboError):
    """No valid session (HTTP 401)."""


class Forbidden(LumboError):
    """Signed in, but the role may not do this (HTTP 403)."""


class RateLimited(LumboError):
    """Too many failed sign-ins (HTTP 429)."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__("too many failed sign-ins; try again later")


def hasher(params: PasswordHashing) -> PasswordHasher:
    return PasswordHasher(
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        type=Type.ID,
    )


def session_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def csrf_for(secret_key: str, hashed_session: str) -> str:
    mac = hmac.new(secret_key.encode(), b"csrf:" + hashed_session.encode(), hashlib.sha256)
    return mac.hexdigest()


def csrf_matches(secret_key: str, hashed_session: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(csrf_for(secret_key, hashed_session), given)


def _check_credentials(email: str, password: str) -> list[Problem]:
    problems = []
    if not EMAIL.match(email):
        problems.append(Problem("email", "must be an e-mail address", email))
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        problems.append(
            Problem("password", f"must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long")
        )
    return problems


def create_user(
    store: Store,
    settings: WebSettings,
    *,
    email: str,
    password: str,
    role: Role,
    person_id: str | None = None,
) -> User:
    """Store a new account. A patient account needs the person it belongs to."""
    email = email.strip().lower()
    problems = _check_credentials(email, password)
    if (role == "patient") != (person_id is not None):
        problems.append(Problem("person_id", "a patient account (and only one) names its person"))
    if problems:
        raise InvalidInput(problems, "account")
    user = User(
        email=email,
        role=role,
        password_hash=hasher(settings.hashing).hash(password),
        person_id=person_id,
    )
    with store.uow() as uow:
        if person_id is not None:
            need_person(uow.journeys, person_id)
        AccountRepository(uow.session).add_user(user)
        uow.commit()
    return user


def list_users(store: Store) -> list[User]:
    with store.uow() as uow:
        return AccountRepository(uow.session).users()


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    token: str  # goes into the session cookie; never stored
    csrf: str


def _keys(email: str, client: str) -> tuple[str, str]:
    return f"account+ip:{email}|{client}"[:400], f"account:{email}"[:400]


def login(store: Store, settings: WebSettings, email: str, password: str, client: str) -> SignedIn:
    """Check the credentials; raise :class:`NotAuthenticated` or :class:`RateLimited`."""
    email = email.strip().lower()
    pair_key, account_key = _keys(email, client)
    now = utcnow()
    since = now - timedelta(seconds=settings.login_window_s)
    with store.uow() as uow:
        accounts = AccountRepository(uow.session)
        if (
            accounts.failures_since(pair_key, since) >= settings.login_failures_per_account_ip
            or accounts.failures_since(account_key, since) >= settings.login_failures_per_account
        ):
            raise RateLimited(settings.login_window_s)
        user = accounts.user_by_email(email)
    ph = hasher(settings.hashing)
    ok = False
    try:
        if user is not None and user.active:
            ok = ph.verify(user.password_hash, password)
        else:  # same work for unknown accounts: no timing oracle
            ph.verify(_dummy_hash(ph), password)
    except (VerificationError, InvalidHashError):
        ok = False
    with store.uow() as uow:
        accounts = AccountRepository(uow.session)
        if not ok or user is None:
            accounts.add_failure(pair_key, account_key)
            uow.commit()
            raise NotAuthenticated("wrong e-mail or password")
        if ph.check_needs_rehash(user.password_hash):
            accounts.set_password_hash(user.id, ph.hash(password))
        token = secrets.token_urlsafe(32)
        hashed = session_hash(token)
        accounts.add_session(hashed, user.id, now + timedelta(hours=settings.session_hours))
        accounts.clear_failures(pair_key)
        accounts.delete_expired_sessions(now)
        uow.commit()
    return SignedIn(user=user, token=token, csrf=csrf_for(settings.secret_key, hashed))


_DUMMY: dict[tuple[int, int, int], str] = {}


def _dummy_hash(ph: PasswordHasher) -> str:
    key = (ph.time_cost, ph.memory_cost, ph.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = ph.hash(secrets.token_hex(16))
    return _DUMMY[key]


def user_for_session(store: Store, hashed: str) -> User | None:
    with store.uow() as uow:
        return AccountRepository(uow.session).session_user(hashed, utcnow())


def logout(store: Store, hashed: str) -> None:
    with store.uow() as uow:
        AccountRepository(uow.session).delete_session(hashed)
        uow.commit()


def set_session_cookies(response: Response, signed: SignedIn, settings: WebSettings) -> None:
    """The HttpOnly session cookie and the script-readable CSRF cookie, with the same lifetime."""
    max_age = int(settings.session_hours * 3600)
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    response.set_cookie(
        CSRF_COOKIE,
        signed.csrf,
        max_age=max_age,
        httponly=False,
        samesite="strict",
        secure=settings.cookie_secure,
    )


def clear_session_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
