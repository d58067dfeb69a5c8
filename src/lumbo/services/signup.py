"""Sign-up for individuals (issue 20): a person at home creates their own patient account, with no
clinician (a *self-directed* person: ``persons.owner_id`` is None), when the server allows it
(:attr:`lumbo.settings.Settings.signup`, ``LUMBO_SIGNUP``).

* E-mail and password, with the password rules of every account
  (:func:`lumbo.services.accounts.check_credentials`).
* When SMTP is configured, the address is confirmed first: the account is stored with its argon2
  hash behind :data:`VERIFY_PREFIX` (no password verifies against it, so nobody can sign in yet)
  and a signed one-time link (24 hours) naming the account and a fingerprint of that stored value
  is e-mailed; opening it removes the prefix, which retires the link. An address that already has
  an account gets an e-mail saying so instead, and the page's answer is the same either way (no
  account discovery). An address someone else signed up with but never confirmed is not lost:
  its owner chooses a password through "Forgot your password?" (which also confirms it).
* Without mail the account works at once (the embedded, single-household case).
* Sign-ups are limited per address and overall, like sign-ins (:data:`SIGNUPS_PER_ADDRESS`,
  :data:`SIGNUPS_OVERALL` within ``settings.login_window_s``), and audited.
* A self-directed person has the data rights of every patient: download everything
  (:func:`lumbo.services.data_rights.export_all`) and erasure, which they ask for themselves
  (:func:`lumbo.services.data_rights.erase_own`) since no clinician can do it for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lumbo.domain.errors import Conflict, InvalidInput, NotFound
from lumbo.services._shared import UnitsOfWork
from lumbo.services.access import account_entry
from lumbo.services.accounts import (
    ACCOUNT_REFUSED,
    _fingerprint,
    check_credentials,
    hasher,
    hashing_slots,
)
from lumbo.services.errors import Forbidden, RateLimited
from lumbo.services.mail import Mail, Mailer
from lumbo.settings import Settings
from lumbo.store.accounts import User
from lumbo.store.tables import utcnow

__all__ = [
    "SIGNUPS_OVERALL",
    "SIGNUPS_PER_ADDRESS",
    "VERIFY_PREFIX",
    "SignedUp",
    "confirm",
    "pending_account",
    "sign_up",
]

VERIFY_PREFIX = "!verify:"
VERIFY_SALT = "lumbo-signup-verify"
VERIFY_MAX_AGE_S = 24 * 3600
SIGNUPS_PER_ADDRESS = 5  # per sign-in window and client address (lumbo policy: a household)
SIGNUPS_OVERALL = 200  # per sign-in window on the whole server (lumbo policy: no mass creation)
OFF = "This lumbo service does not take new sign-ups. Ask your clinic for an invitation."
LINK_INVALID = "This confirmation link is not valid (used already, or older than 24 hours)."


@dataclass(frozen=True, slots=True)
class SignedUp:
    """The outcome of a sign-up. ``ready``: the account works now (no mail configured);
    otherwise a confirmation e-mail went out (or, for a taken address, a note saying so)."""

    email: str
    ready: bool
    user: User | None = None  # only when ready


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=VERIFY_SALT)


def _check_rate(store: UnitsOfWork, settings: Settings, client: str) -> None:
    keys = ((f"signup-ip:{client}"[:400], SIGNUPS_PER_ADDRESS), ("signup-all", SIGNUPS_OVERALL))
    now = utcnow()
    since = now - timedelta(seconds=settings.login_window_s)
    with store.uow() as uow:
        for key, limit in keys:
            count, last = uow.accounts.failures_since(key, since)
            if count >= limit and last is not None:
                wait = settings.login_window_s - (now - last).total_seconds()
                uow.audit.add(
                    account_entry("sign_up_delayed", actor=None, outcome="denied", client=client)
                )
                uow.commit()
                raise RateLimited(
                    math.ceil(max(1.0, wait)),
                    f"too many new accounts from here; try again in {math.ceil(wait / 60)} minutes",
                )
        uow.accounts.add_failure(*(k for k, _ in keys))
        uow.commit()


def sign_up(
    store: UnitsOfWork,
    settings: Settings,
    *,
    email: str,
    password: str,
    client: str,
    mailer: Mailer | None,
    link_base: str,
) -> SignedUp:
    """Create a self-directed patient: a person with no clinician and their account.

    ``mailer`` None: the account works at once. Otherwise a confirmation link
    (``{link_base}/signup/confirm/{token}``) is e-mailed and the account waits for it.
    Raises :class:`Forbidden` when sign-up is off, :class:`InvalidInput` naming the field,
    :class:`RateLimited`, and (without mail) :class:`Conflict` for an address in use."""
    if not settings.signup:
        raise Forbidden(OFF)
    email = email.strip().lower()
    problems = check_credentials(email, password, "patient")
    if problems:
        raise InvalidInput(problems, "sign-up")
    _check_rate(store, settings, client)
    with hashing_slots(settings.hashing_slots):
        hashed = hasher(settings.hashing).hash(password)
    stored = hashed if mailer is None else VERIFY_PREFIX + hashed
    user = User(email=email, role="patient", password_hash=stored, person_id=None)
    with store.uow() as uow:
        taken = uow.accounts.user_by_email(email) is not None
        if not taken:
            uow.accounts.add_user(user)
            uow.audit.add(
                account_entry(
                    "account_created",
                    actor=None,
                    outcome="allowed",
                    client=client,
                    target=user.id,
                )
            )
            uow.commit()
    if mailer is None:
        if taken:
            raise Conflict(ACCOUNT_REFUSED)
        return SignedUp(email=email, ready=True, user=user)
    if taken:
        mailer.send(
            Mail(
                to=email,
                subject="lumbo: you already have an account",
                text=(
                    "Hello,\n\nSomeone (we hope you) tried to create a lumbo account with this "
                    "address, but it already has one. Sign in, or choose a new password here:\n\n"
                    f"{link_base}/password/forgot\n\nIf it was not you, ignore this e-mail.\n"
                ),
            )
        )
    else:
        token = _serializer(settings).dumps({"u": user.id, "f": _fingerprint(stored)})
        mailer.send(
            Mail(
                to=email,
                subject="lumbo: confirm your e-mail address",
                text=(
                    "Hello,\n\nTo finish creating your lumbo account, open this link within "
                    f"24 hours:\n\n{link_base}/signup/confirm/{token}\n\nIf you did not sign up "
                    "for lumbo, ignore this e-mail: nothing happens without the link.\n"
                ),
            )
        )
    return SignedUp(email=email, ready=False)


def pending_account(store: UnitsOfWork, settings: Settings, token: str) -> User:
    """The account a confirmation link still confirms (:class:`NotFound` otherwise)."""
    try:
        data = _serializer(settings).loads(token, max_age=VERIFY_MAX_AGE_S)
    except (SignatureExpired, BadSignature):
        raise NotFound(LINK_INVALID) from None
    with store.uow() as uow:
        user = uow.accounts.get_user(str(data.get("u", "")))
    if (
        user is None
        or not user.password_hash.startswith(VERIFY_PREFIX)
        or _fingerprint(user.password_hash) != data.get("f")
    ):
        raise NotFound(LINK_INVALID)
    return user


def confirm(store: UnitsOfWork, settings: Settings, token: str, client: str | None) -> User:
    """Confirm the address: the account's password works from now on; the link is spent."""
    user = pending_account(store, settings, token)
    with store.uow() as uow:
        current = uow.accounts.get_user(user.id)
        if current is None or current.password_hash != user.password_hash:
            raise NotFound(LINK_INVALID)
        uow.accounts.set_password_hash(user.id, user.password_hash.removeprefix(VERIFY_PREFIX))
        uow.audit.add(
            account_entry(
                "email_confirmed",
                actor=user,
                outcome="allowed",
                client=client,
                target=user.id,
                person_id=user.person_id,
            )
        )
        uow.commit()
    return user
