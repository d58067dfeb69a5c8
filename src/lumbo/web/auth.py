"""Accounts and sign-in: argon2id passwords, server-side sessions, CSRF tokens, login rate limits.

* Passwords are hashed with argon2id (argon2-cffi); hashes with outdated parameters are upgraded
  at the next successful sign-in.
* A session is a random 256-bit token in an HttpOnly cookie; the database keeps only its SHA-256
  (``web_sessions``), so sessions work across workers and sign-out revokes them.
* The CSRF token of a session is ``HMAC-SHA256(secret key, session hash)``: the client gets it at
  sign-in (JSON body and a readable ``lumbo_csrf`` cookie) and sends it back in ``X-CSRF-Token``
  (or the ``csrf_token`` form field) with every unsafe request.
* Failed sign-ins are stored in the database (``login_failures``, so every worker sees them) under
  four keys: account+address, account, address and one global key. Past a key's threshold within
  the window, the next attempt must wait a delay that doubles with every further failure, up to
  ``login_backoff_max_s`` (429 with ``Retry-After``): a delay, never a lock. A browser that has
  signed in to the account before carries a signed *device* cookie; with it, the account-wide,
  address and global delays do not apply, so nobody can keep an account's owner out by failing
  sign-ins on purpose.
* argon2 work is bounded: at most ``hashing_slots`` hashes run at once in a process (each takes
  ``memory_kib``), so a burst of sign-ins queues instead of exhausting memory.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.responses import Response

from lumbo.domain.errors import Conflict, InvalidInput, LumboError, Problem
from lumbo.services._shared import need_person
from lumbo.store.accounts import AccountRepository, Role, User
from lumbo.store.audit import add_entry
from lumbo.store.db import Store
from lumbo.store.tables import utcnow
from lumbo.web.audit import account_entry
from lumbo.web.settings import PasswordHashing, WebSettings

SESSION_COOKIE = "lumbo_session"
CSRF_COOKIE = "lumbo_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
DEVICE_COOKIE = "lumbo_device"
DEVICE_DAYS = 365
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,185}\.[^@\s.]{2,}$")
ACCOUNT_REFUSED = (
    "this login cannot be created: the e-mail address cannot be used here, or this patient "
    "already has a login"
)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024


class NotAuthenticated(LumboError):
    """No valid session (HTTP 401)."""


class Forbidden(LumboError):
    """Signed in, but the role may not do this (HTTP 403)."""


class RateLimited(LumboError):
    """Too many failed sign-ins (HTTP 429)."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = max(1, retry_after_s)
        super().__init__(f"too many failed sign-ins; try again in {self.retry_after_s} seconds")


def hasher(params: PasswordHashing) -> PasswordHasher:
    return PasswordHasher(
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        type=Type.ID,
    )


_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def hashing_slots(n: int) -> threading.BoundedSemaphore:
    """The process-wide semaphore bounding concurrent argon2 work to ``n`` hashes."""
    with _SLOTS_LOCK:
        if n not in _SLOTS:
            _SLOTS[n] = threading.BoundedSemaphore(n)
        return _SLOTS[n]


def session_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def csrf_for(secret_key: str, hashed_session: str) -> str:
    mac = hmac.new(secret_key.encode(), b"csrf:" + hashed_session.encode(), hashlib.sha256)
    return mac.hexdigest()


LOGIN_COOKIE = "lumbo_login"


def login_csrf_for(secret_key: str, nonce: str) -> str:
    """The sign-in form's CSRF token: bound to a random nonce in the ``lumbo_login`` cookie, so
    another site cannot sign a browser in to the attacker's account (login CSRF)."""
    mac = hmac.new(secret_key.encode(), b"login:" + nonce.encode(), hashlib.sha256)
    return mac.hexdigest()


def login_csrf_matches(secret_key: str, nonce: str | None, given: str | None) -> bool:
    if not nonce or not given or len(nonce) > 200:
        return False
    return hmac.compare_digest(login_csrf_for(secret_key, nonce), given)


def csrf_matches(secret_key: str, hashed_session: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(csrf_for(secret_key, hashed_session), given)


MIN_STRENGTH = 3  # zxcvbn's score 0-4; 3 = "safely unguessable" (about 10^8 guesses or more)
CONTEXT_WORDS = ("lumbo", "back", "spine", "physio", "clinic", "clinician", "patient", "admin")


def password_problem(password: str, email: str, role: str = "") -> str | None:
    """Why ``password`` is refused, or None: length, then zxcvbn's estimate, which knows the
    common and breached passwords shipped with it (dictionaries of frequent passwords, names and
    words, keyboard patterns, dates) and this account's own e-mail, name parts and lumbo's words."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        return f"must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long"
    from zxcvbn import zxcvbn

    local = email.split("@", 1)[0]
    parts = [w for w in re.split(r"[@._+-]+", email) if len(w) >= 3]
    context = [email, local, re.sub(r"[._+-]", "", local), *parts, role, *CONTEXT_WORDS]
    context = [w.lower() for w in context if w]
    # What is left once this account's own words are taken out must be strong by itself.
    rest = password.lower()
    for word in sorted(context, key=len, reverse=True):
        rest = rest.replace(word, "")
    if len(rest.strip()) < 4:
        return "is too easy to guess (it is built from your e-mail or lumbo's own words)"
    for candidate in {password[:100], rest[:100]}:
        estimate = zxcvbn(candidate, user_inputs=context)
        if int(estimate["score"]) < MIN_STRENGTH:
            hint = estimate["feedback"].get("warning") or "it is built from your e-mail or lumbo"
            hint = hint.rstrip(".").lower()
            return f"is too easy to guess ({hint}); use a longer, uncommon phrase"
    return None


def _check_credentials(email: str, password: str, role: str = "") -> list[Problem]:
    problems = []
    if not EMAIL.match(email):
        problems.append(Problem("email", "must be an e-mail address", email))
    problem = password_problem(password, email, role)
    if problem is not None:
        problems.append(Problem("password", problem))
    return problems


def create_user(
    store: Store,
    settings: WebSettings,
    *,
    email: str,
    password: str,
    role: Role,
    person_id: str | None = None,
    created_by: User | None = None,
    client: str | None = None,
) -> User:
    """Store a new account (audited). A patient account needs the person it belongs to."""
    email = email.strip().lower()
    problems = _check_credentials(email, password, role)
    if (role == "patient") != (person_id is not None):
        problems.append(Problem("person_id", "a patient account (and only one) names its person"))
    if problems:
        raise InvalidInput(problems, "account")
    with hashing_slots(settings.hashing_slots):
        password_hash = hasher(settings.hashing).hash(password)
    user = User(email=email, role=role, password_hash=password_hash, person_id=person_id)
    with store.uow() as uow:
        if person_id is not None:
            need_person(uow.journeys, person_id)
        try:
            AccountRepository(uow.session).add_user(user)
        except Conflict:  # one answer for both causes: the e-mail's owner is not revealed
            raise Conflict(ACCOUNT_REFUSED) from None
        add_entry(
            uow.session,
            account_entry(
                "account_created",
                actor=created_by,
                outcome="allowed",
                client=client,
                target=user.id,
                person_id=person_id,
            ),
        )
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
    device: str  # the device cookie: this browser is a known device of the account
    max_age_s: int | None = None  # the session's lifetime (None: settings.session_hours)


def device_token(secret_key: str, user_id: str, nonce: str | None = None) -> str:
    """A device cookie value: a random nonce and its MAC, bound to the account."""
    nonce = nonce or secrets.token_urlsafe(16)
    mac = hmac.new(secret_key.encode(), f"device:{user_id}:{nonce}".encode(), hashlib.sha256)
    return f"{nonce}.{mac.hexdigest()}"


def known_device(secret_key: str, user_id: str, token: str | None) -> bool:
    if not token or len(token) > 200 or "." not in token:
        return False
    nonce = token.split(".", 1)[0]
    return hmac.compare_digest(device_token(secret_key, user_id, nonce), token)


@dataclass(frozen=True, slots=True)
class Limit:
    key: str
    threshold: int
    device_exempt: bool  # a known device of the account is not held back by this key


def _limits(settings: WebSettings, email: str, client: str) -> tuple[Limit, ...]:
    return (
        Limit(f"account+ip:{email}|{client}"[:400], settings.login_failures_per_account_ip, False),
        Limit(f"account:{email}"[:400], settings.login_failures_per_account, True),
        Limit(f"ip:{client}"[:400], settings.login_failures_per_address, True),
        Limit("global", settings.login_failures_global, True),
    )


def backoff_s(settings: WebSettings, failures: int, threshold: int) -> float:
    """The wait after the last failure once ``failures`` reached ``threshold``: the base delay,
    doubling with each further failure, up to the cap."""
    if failures < threshold:
        return 0.0
    delay = settings.login_backoff_base_s * 2 ** min(failures - threshold, 30)
    return float(min(settings.login_backoff_max_s, delay))


def _wait_s(
    accounts: AccountRepository,
    settings: WebSettings,
    limits: tuple[Limit, ...],
    device: bool,
    now: datetime,
) -> int:
    since = now - timedelta(seconds=settings.login_window_s)
    wait = 0.0
    for limit in limits:
        if device and limit.device_exempt:
            continue
        count, last = accounts.failures_since(limit.key, since)
        if last is not None:
            until = last + timedelta(seconds=backoff_s(settings, count, limit.threshold))
            wait = max(wait, (until - now).total_seconds())
    return math.ceil(wait)


def login(
    store: Store,
    settings: WebSettings,
    email: str,
    password: str,
    client: str,
    device: str | None = None,
    *,
    remember: bool = False,
) -> SignedIn:
    """Check the credentials; raise :class:`NotAuthenticated` or :class:`RateLimited`.

    ``device`` is the browser's device cookie, if any (see the module's notes). ``remember``: a
    patient's "remember this device" session lasts ``settings.remember_days`` instead of
    ``settings.session_hours`` (staff sessions never do); account changes still ask for a fresh
    sign-in (:func:`signed_in_recently`)."""
    email = email.strip().lower()
    limits = _limits(settings, email, client)
    now = utcnow()
    with store.uow() as uow:
        accounts = AccountRepository(uow.session)
        user = accounts.user_by_email(email)
        known = user is not None and known_device(settings.secret_key, user.id, device)
        wait = _wait_s(accounts, settings, limits, known, now)
    if wait > 0:
        with store.uow() as uow:
            add_entry(
                uow.session,
                account_entry("sign_in_delayed", actor=user, outcome="denied", client=client),
            )
            uow.commit()
        raise RateLimited(wait)
    ph = hasher(settings.hashing)
    ok = False
    with hashing_slots(settings.hashing_slots):
        try:
            if user is not None and user.active:
                ok = ph.verify(user.password_hash, password)
            else:  # same work for unknown accounts: no timing oracle
                ph.verify(_dummy_hash(ph), password)
        except (VerificationError, InvalidHashError):
            ok = False
        rehashed = (
            ph.hash(password) if ok and user and ph.check_needs_rehash(user.password_hash) else None
        )
    with store.uow() as uow:
        accounts = AccountRepository(uow.session)
        if not ok or user is None:
            accounts.add_failure(*(limit.key for limit in limits))
            add_entry(
                uow.session, account_entry("sign_in", actor=user, outcome="denied", client=client)
            )
            uow.commit()
            raise NotAuthenticated("wrong e-mail or password")
        if rehashed is not None:
            accounts.set_password_hash(user.id, rehashed)
        token = secrets.token_urlsafe(32)
        hashed = session_hash(token)
        lifetime = (
            timedelta(days=settings.remember_days)
            if remember and user.role == "patient"
            else timedelta(hours=settings.session_hours)
        )
        accounts.add_session(hashed, user.id, now + lifetime)
        accounts.clear_failures(limits[0].key)
        accounts.delete_failures_before(now - timedelta(seconds=settings.login_window_s))
        accounts.delete_expired_sessions(now)
        add_entry(
            uow.session, account_entry("sign_in", actor=user, outcome="allowed", client=client)
        )
        uow.commit()
    return SignedIn(
        user=user,
        token=token,
        csrf=csrf_for(settings.secret_key, hashed),
        device=device if known and device else device_token(settings.secret_key, user.id),
        max_age_s=int(lifetime.total_seconds()),
    )


_DUMMY: dict[tuple[int, int, int], str] = {}


def _dummy_hash(ph: PasswordHasher) -> str:
    key = (ph.time_cost, ph.memory_cost, ph.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = ph.hash(secrets.token_hex(16))
    return _DUMMY[key]


def user_for_session(store: Store, hashed: str) -> User | None:
    with store.uow() as uow:
        return AccountRepository(uow.session).session_user(hashed, utcnow())


def signed_in_recently(store: Store, settings: WebSettings, hashed: str) -> bool:
    """Whether the session's sign-in is at most ``settings.session_hours`` old: a remembered
    device may read and run sessions for 30 days, but account changes need a fresh sign-in."""
    with store.uow() as uow:
        created = AccountRepository(uow.session).session_created(hashed)
    return created is not None and utcnow() - created <= timedelta(hours=settings.session_hours)


def logout(store: Store, hashed: str, user: User | None = None, client: str | None = None) -> None:
    with store.uow() as uow:
        AccountRepository(uow.session).delete_session(hashed)
        add_entry(
            uow.session, account_entry("sign_out", actor=user, outcome="allowed", client=client)
        )
        uow.commit()


def set_session_cookies(response: Response, signed: SignedIn, settings: WebSettings) -> None:
    """The HttpOnly session cookie and the script-readable CSRF cookie, with the same lifetime."""
    max_age = signed.max_age_s or int(settings.session_hours * 3600)
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

    response.set_cookie(
        DEVICE_COOKIE,
        signed.device,
        max_age=DEVICE_DAYS * 86_400,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


def clear_session_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
