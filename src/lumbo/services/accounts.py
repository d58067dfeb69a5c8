# long-module: creating, signing in (with its rate limits) and administering accounts share the
#   password rules, the hashing slots and the audit wording
"""Accounts: creating them, signing in and out (argon2id passwords, server-side sessions, login
rate limits) and administering them (list, disable and re-enable, force a password reset, change a
role, delete a staff account). Used by the sign-in pages and API, the admin API and pages and
``lumbo users``; cookies and CSRF stay in :mod:`lumbo.web.auth`.

Sign-in:

* Passwords are hashed with argon2id (argon2-cffi); hashes with outdated parameters are upgraded
  at the next successful sign-in. argon2 work is bounded: at most ``hashing_slots`` hashes run at
  once in a process (each takes ``memory_kib``), so a burst of sign-ins queues instead of
  exhausting memory.
* A session is a random 256-bit token; the store keeps only its SHA-256, so sessions work across
  workers and sign-out revokes them.
* Failed sign-ins are stored (so every worker sees them) under four keys: account+address,
  account, address and one global key. Past a key's threshold within the window, the next attempt
  must wait a delay that doubles with every further failure, up to ``login_backoff_max_s``: a
  delay, never a lock. A browser that has signed in to the account before carries a signed
  *device* token; with it, the account-wide, address and global delays do not apply, so nobody can
  keep an account's owner out by failing sign-ins on purpose.

Administration:

Rules: the last active admin can be neither disabled, demoted nor deleted; a patient account stays
a patient account (it is tied to its person: erase the patient instead); a clinician who still owns
patients cannot be deleted (disable the account instead). Every change is audited (actor, target
account id, what) and ends the target's sign-in sessions when it takes access away.

A forced reset replaces the password hash by an unusable value (the old password stops working at
once) and returns a signed link token that names the account and a fingerprint of that value: the
first successful use sets a new hash, which retires the token (and any older one) for good.
"""

from __future__ import annotations

# long-module: the account use cases (create, sign in and out with its rate limits, administer)
# share the password rules, the hashing slots and the audit wording; split they would import
# each other's private helpers.
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
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lumbo.domain.errors import Conflict, InvalidInput, NotFound, Problem
from lumbo.services._shared import UnitsOfWork, need_person
from lumbo.services.access import account_entry
from lumbo.services.errors import NotAuthenticated, RateLimited
from lumbo.settings import PasswordHashing, Settings
from lumbo.store.accounts import ROLES, AccountRepository, Role, User
from lumbo.store.audit import AuditEntry
from lumbo.store.tables import utcnow
from lumbo.store.unit_of_work import AbstractUnitOfWork

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,185}\.[^@\s.]{2,}$")
ACCOUNT_REFUSED = (
    "this login cannot be created: the e-mail address cannot be used here, or this patient "
    "already has a login"
)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024


def session_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def csrf_for(secret_key: str, hashed_session: str) -> str:
    """The CSRF token of a session: ``HMAC-SHA256(secret key, session hash)``."""
    mac = hmac.new(secret_key.encode(), b"csrf:" + hashed_session.encode(), hashlib.sha256)
    return mac.hexdigest()


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


def check_credentials(email: str, password: str, role: str = "") -> list[Problem]:
    problems = []
    if not EMAIL.match(email):
        problems.append(Problem("email", "must be an e-mail address", email))
    problem = password_problem(password, email, role)
    if problem is not None:
        problems.append(Problem("password", problem))
    return problems


def create_user(
    store: UnitsOfWork,
    settings: Settings,
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
    problems = check_credentials(email, password, role)
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
            uow.accounts.add_user(user)
        except Conflict:  # one answer for both causes: the e-mail's owner is not revealed
            raise Conflict(ACCOUNT_REFUSED) from None
        uow.audit.add(
            account_entry(
                "account_created",
                actor=created_by,
                outcome="allowed",
                client=client,
                target=user.id,
                person_id=person_id,
            )
        )
        uow.commit()
    return user


def list_users(store: UnitsOfWork) -> list[User]:
    with store.uow() as uow:
        return uow.accounts.users()


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


def _limits(settings: Settings, email: str, client: str) -> tuple[Limit, ...]:
    return (
        Limit(f"account+ip:{email}|{client}"[:400], settings.login_failures_per_account_ip, False),
        Limit(f"account:{email}"[:400], settings.login_failures_per_account, True),
        Limit(f"ip:{client}"[:400], settings.login_failures_per_address, True),
        Limit("global", settings.login_failures_global, True),
    )


def backoff_s(settings: Settings, failures: int, threshold: int) -> float:
    """The wait after the last failure once ``failures`` reached ``threshold``: the base delay,
    doubling with each further failure, up to the cap."""
    if failures < threshold:
        return 0.0
    delay = settings.login_backoff_base_s * 2 ** min(failures - threshold, 30)
    return float(min(settings.login_backoff_max_s, delay))


def _wait_s(
    accounts: AccountRepository,
    settings: Settings,
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
    store: UnitsOfWork,
    settings: Settings,
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
        accounts = uow.accounts
        user = accounts.user_by_email(email)
        known = user is not None and known_device(settings.secret_key, user.id, device)
        wait = _wait_s(accounts, settings, limits, known, now)
    if wait > 0:
        with store.uow() as uow:
            uow.audit.add(
                account_entry("sign_in_delayed", actor=user, outcome="denied", client=client)
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
        accounts = uow.accounts
        if not ok or user is None:
            accounts.add_failure(*(limit.key for limit in limits))
            uow.audit.add(account_entry("sign_in", actor=user, outcome="denied", client=client))
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
        uow.audit.add(account_entry("sign_in", actor=user, outcome="allowed", client=client))
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


def user_for_session(uow: AbstractUnitOfWork, hashed: str) -> User | None:
    """The signed-in user of a session; only reads (the web passes a read-only unit of work)."""
    with uow:
        return uow.accounts.session_user(hashed, utcnow())


def signed_in_recently(store: UnitsOfWork, settings: Settings, hashed: str) -> bool:
    """Whether the session's sign-in is at most ``settings.session_hours`` old: a remembered
    device may read and run sessions for 30 days, but account changes need a fresh sign-in."""
    with store.uow() as uow:
        created = uow.accounts.session_created(hashed)
    return created is not None and utcnow() - created <= timedelta(hours=settings.session_hours)


RESET_REQUESTS_PER_WINDOW = 5  # e-mailed reset links per address and per account (lumbo policy)


def reset_request_allowed(store: UnitsOfWork, settings: Settings, email: str, client: str) -> bool:
    """Count one e-mailed reset request; False once an address or an account asked more than
    ``RESET_REQUESTS_PER_WINDOW`` times within the sign-in window (no mail flood, no probing)."""
    keys = (f"reset-ip:{client}"[:400], f"reset-account:{email.strip().lower()}"[:400])
    since = utcnow() - timedelta(seconds=settings.login_window_s)
    with store.uow() as uow:
        counts = [uow.accounts.failures_since(k, since)[0] for k in keys]
        uow.accounts.add_failure(*keys)
        uow.commit()
    return max(counts) < RESET_REQUESTS_PER_WINDOW


def reset_link_token(store: UnitsOfWork, settings: Settings, user_id: str) -> str:
    """A reset token for a patient who asked for one by e-mail (issue 16): the same signed,
    one-time token as :func:`force_reset`, bound to the account's *current* password hash, which
    keeps working until the link is used (so a stranger asking cannot lock the account)."""
    with store.uow() as uow:
        user = _need(uow.accounts, user_id)
    token: str = _serializer(settings).dumps({"u": user.id, "f": _fingerprint(user.password_hash)})
    return token


def logout(
    store: UnitsOfWork, hashed: str, user: User | None = None, client: str | None = None
) -> None:
    with store.uow() as uow:
        uow.accounts.delete_session(hashed)
        uow.audit.add(account_entry("sign_out", actor=user, outcome="allowed", client=client))
        uow.commit()


@dataclass(frozen=True, slots=True)
class PasswordChanged:
    """A password changed by its owner: how many other sign-in sessions were ended."""

    user: User
    other_sessions_ended: int


def change_password(
    store: UnitsOfWork,
    settings: Settings,
    session: str,
    current: str,
    new: str,
    confirm: str,
    client: str,
    device: str | None = None,
) -> PasswordChanged:
    """The signed-in owner (``session``: the session hash) changes their password: the current
    one must be right (a wrong one counts as a failed sign-in, under the sign-in limits, and
    :class:`RateLimited` once they impose a wait), the new one must meet the password rules and
    match its confirmation. Every other session of the account ends; this one stays. Audited,
    granted or refused. Bad input is :class:`InvalidInput` naming ``current_password``,
    ``new_password`` or ``confirm_password``; nothing is written but the failure count."""
    now = utcnow()
    with store.uow() as uow:
        user = uow.accounts.session_user(session, now)
    if user is None:
        raise NotAuthenticated("sign in first")
    limits = _limits(settings, user.email, client)
    known = known_device(settings.secret_key, user.id, device)
    with store.uow() as uow:
        wait = _wait_s(uow.accounts, settings, limits, known, now)
        if wait > 0:
            entry = account_entry("password_change", actor=user, outcome="denied", client=client)
            uow.audit.add(entry)
            uow.commit()
    if wait > 0:
        raise RateLimited(wait)
    problems = []
    if not new:
        problems.append(Problem("new_password", "must be filled in"))
    elif (why := password_problem(new, user.email, user.role)) is not None:
        problems.append(Problem("new_password", why))
    elif new == current:
        problems.append(Problem("new_password", "must differ from your current password"))
    if new != confirm:
        problems.append(Problem("confirm_password", "must repeat the new password exactly"))
    ph = hasher(settings.hashing)
    with hashing_slots(settings.hashing_slots):
        try:
            ok = bool(current) and ph.verify(user.password_hash, current)
        except (VerificationError, InvalidHashError):
            ok = False
        new_hash = ph.hash(new) if ok and not problems else None
    if not ok:
        with store.uow() as uow:
            uow.accounts.add_failure(*(limit.key for limit in limits))
            entry = account_entry("password_change", actor=user, outcome="denied", client=client)
            uow.audit.add(entry)
            uow.commit()
        problems.insert(0, Problem("current_password", "is not right"))
    if problems or new_hash is None:
        raise InvalidInput(problems, "password change")
    with store.uow() as uow:
        repo = uow.accounts
        if _need(repo, user.id).password_hash != user.password_hash:  # changed meanwhile
            raise Conflict("your password was changed meanwhile: sign in again")
        repo.set_password_hash(user.id, new_hash)
        ended = repo.delete_other_sessions(user.id, session)
        repo.clear_failures(limits[0].key)
        uow.audit.add(
            account_entry(
                "password_change", actor=user, outcome="allowed", client=client, target=user.id
            )
        )
        uow.commit()
    return PasswordChanged(user=user, other_sessions_ended=ended)


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


def _admin_entry(actor: Actor, what: str, target: str) -> AuditEntry:
    event = "role_changed" if what.startswith("role ") else _EVENTS[what]
    return AuditEntry(
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
    )


def _need(repo: AccountRepository, user_id: str) -> User:
    user = repo.get_user(user_id)
    if user is None:
        raise NotFound(f"no account with id {user_id!r}")
    return user


def _guard_last_admin(repo: AccountRepository, user: User, what: str) -> None:
    if user.role == "admin" and user.active and repo.active_admins() <= 1:
        raise Conflict(f"{user.email} is the last active admin: it cannot be {what}")


def list_accounts(store: UnitsOfWork) -> list[User]:
    with store.uow() as uow:
        return uow.accounts.users()


def find_account(store: UnitsOfWork, ref: str) -> User:
    """An account by id or e-mail."""
    with store.uow() as uow:
        repo = uow.accounts
        user = repo.get_user(ref) or repo.user_by_email(ref.strip().lower())
    if user is None:
        raise NotFound(f"no account {ref!r} (give its id or e-mail)")
    return user


def set_active(store: UnitsOfWork, actor: Actor, user_id: str, active: bool) -> User:
    with store.uow() as uow:
        repo = uow.accounts
        user = _need(repo, user_id)
        if not active:
            _guard_last_admin(repo, user, "disabled")
        repo.set_active(user_id, active)
        if not active:
            repo.delete_sessions_of([user_id])
        uow.audit.add(_admin_entry(actor, "enable" if active else "disable", user_id))
        uow.commit()
        return _need(repo, user_id)


def change_role(store: UnitsOfWork, actor: Actor, user_id: str, role: str) -> User:
    staff = [r for r in ROLES if r != "patient"]
    new = next((r for r in staff if r == role), None)
    if new is None:
        raise InvalidInput([Problem("role", f"must be one of {staff}", role)], "account")
    with store.uow() as uow:
        repo = uow.accounts
        user = _need(repo, user_id)
        if user.role == "patient":
            raise Conflict("a patient account stays a patient account (it belongs to its person)")
        if user.role == role:
            return user
        if user.role == "admin":
            _guard_last_admin(repo, user, "demoted")
        repo.set_role(user_id, new)
        repo.delete_sessions_of([user_id])
        uow.audit.add(_admin_entry(actor, f"role {user.role} -> {role}", user_id))
        uow.commit()
        return _need(repo, user_id)


def delete_account(store: UnitsOfWork, actor: Actor, user_id: str) -> None:
    with store.uow() as uow:
        repo = uow.accounts
        user = _need(repo, user_id)
        if user.role == "patient":
            raise Conflict("a patient account goes with its patient: erase the patient instead")
        _guard_last_admin(repo, user, "deleted")
        owned = len(repo.persons_of_owner(user_id))
        if owned:
            raise Conflict(
                f"{user.email} still has {owned} patient(s): disable the account instead"
            )
        repo.delete_sessions_of([user_id])
        repo.delete_user(user_id)
        uow.audit.add(_admin_entry(actor, "delete", user_id))
        uow.commit()


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:24]


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=RESET_SALT)


def force_reset(store: UnitsOfWork, settings: Settings, actor: Actor, user_id: str) -> str:
    """Retire the account's password and sessions; return the one-time reset token."""
    unusable = UNUSABLE_PREFIX + secrets.token_hex(16)
    with store.uow() as uow:
        repo = uow.accounts
        _need(repo, user_id)
        repo.set_password_hash(user_id, unusable)
        repo.delete_sessions_of([user_id])
        uow.audit.add(_admin_entry(actor, "force password reset", user_id))
        uow.commit()
    token: str = _serializer(settings).dumps({"u": user_id, "f": _fingerprint(unusable)})
    return token


def reset_account(settings: Settings, store: UnitsOfWork, token: str) -> User:
    """The account a reset token may still set a password for (NotFound: used, old or forged)."""
    try:
        data = _serializer(settings).loads(token, max_age=RESET_MAX_AGE_S)
    except (SignatureExpired, BadSignature):
        raise NotFound("this reset link is not valid (used, replaced or expired)") from None
    with store.uow() as uow:
        user = uow.accounts.get_user(str(data.get("u", "")))
    if user is None or _fingerprint(user.password_hash) != data.get("f"):
        raise NotFound("this reset link is not valid (used, replaced or expired)")
    return user


def complete_reset(store: UnitsOfWork, settings: Settings, token: str, password: str) -> User:
    """Set the new password through a valid token; the token cannot be used again."""
    user = reset_account(settings, store, token)
    # the sign-in module's password rules (through its own check, whatever it comes to require)
    problems = [p for p in check_credentials(user.email, password) if p.path != "email"]
    if problems:
        raise InvalidInput(problems, "password")
    with store.uow() as uow:
        repo = uow.accounts
        current = _need(repo, user.id)
        if current.password_hash != user.password_hash:  # used meanwhile
            raise NotFound("this reset link is not valid (used, replaced or expired)")
        repo.set_password_hash(user.id, hasher(settings.hashing).hash(password))
        uow.audit.add(_admin_entry(Actor(current), "password reset completed", user.id))
        uow.commit()
    return current
