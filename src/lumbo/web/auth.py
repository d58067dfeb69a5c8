"""Sign-in at the edge: the session, CSRF and device cookies. The accounts themselves (passwords,
sessions, rate limits) are :mod:`lumbo.services.accounts`.

* The session cookie holds a random token (HttpOnly); the store keeps only its SHA-256.
* The CSRF token of a session is ``HMAC-SHA256(secret key, session hash)``: the client gets it at
  sign-in (JSON body and a readable ``lumbo_csrf`` cookie) and sends it back in ``X-CSRF-Token``
  (or the ``csrf_token`` form field) with every unsafe request.
* The sign-in form's own CSRF token is bound to a random nonce in the ``lumbo_login`` cookie.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.responses import Response

from lumbo.services.accounts import SignedIn, csrf_for
from lumbo.settings import Settings

SESSION_COOKIE = "lumbo_session"
CSRF_COOKIE = "lumbo_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
DEVICE_COOKIE = "lumbo_device"
DEVICE_DAYS = 365
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


def set_session_cookies(response: Response, signed: SignedIn, settings: Settings) -> None:
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
