"""Sign-in and sign-out pages, and the home page that sends each role where it works."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.services import accounts
from lumbo.services.errors import NotAuthenticated, RateLimited
from lumbo.web import auth
from lumbo.web.client import client_address
from lumbo.web.deps import Ctx, CurrentPrincipal
from lumbo.web.pages.common import PageRoute, render, safe_next

router = APIRouter(route_class=PageRoute, include_in_schema=False)
LOGIN_FORM_S = 2 * 3600  # how long a sign-in form stays valid


def home_of(role: str, person_id: str | None) -> str:
    if role == "clinician":
        return "/patients"
    if role == "patient" and person_id is not None:
        return f"/patients/{person_id}/today"
    if role == "patient":  # signed up, no record yet: the guided self-assessment
        return "/start"
    return "/account"


@router.get("/")
def home(principal: CurrentPrincipal) -> RedirectResponse:
    user = principal.user
    return RedirectResponse(home_of(user.role, user.person_id), status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, principal: CurrentPrincipal) -> HTMLResponse:
    return render(request, "account.html", {"title": "Your account"}, principal=principal)


def _login_form(
    request: Request, ctx: Ctx, context: Mapping[str, object], status: int = 200
) -> HTMLResponse:
    """The sign-in page with a fresh login-CSRF token (and its nonce cookie)."""
    nonce = secrets.token_urlsafe(24)
    context = {
        **context,
        "login_csrf": auth.login_csrf_for(ctx.settings.secret_key, nonce),
        "signup_open": ctx.settings.signup,
    }
    response = render(request, "login.html", context, status=status)
    response.set_cookie(
        auth.LOGIN_COOKIE,
        nonce,
        max_age=LOGIN_FORM_S,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.cookie_secure,
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    ctx: Ctx,
    next: str | None = None,
    again: bool = False,
    confirmed: bool = False,
) -> HTMLResponse:
    context = {"title": "Sign in", "next": safe_next(next)}
    if again:
        context["notice"] = "For your safety, sign in again to change these settings."
    if confirmed:
        context["notice"] = "Your e-mail address is confirmed. Sign in to start."
    return _login_form(request, ctx, context)


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    ctx: Ctx,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    remember: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    if not auth.login_csrf_matches(
        ctx.settings.secret_key, request.cookies.get(auth.LOGIN_COOKIE), csrf_token
    ):
        context = {
            "title": "Sign in",
            "next": safe_next(next),
            "email": email,
            "error": "This sign-in form had expired. Please sign in again.",
        }
        return _login_form(request, ctx, context, status=403)
    client = client_address(request)
    try:
        signed = accounts.login(
            ctx.store,
            ctx.settings,
            email,
            password,
            client,
            request.cookies.get(auth.DEVICE_COOKIE),
            remember=remember == "on",
        )
    except (NotAuthenticated, RateLimited) as exc:
        status = 429 if isinstance(exc, RateLimited) else 401
        context = {"title": "Sign in", "next": safe_next(next), "email": email, "error": str(exc)}
        return _login_form(request, ctx, context, status=status)
    target = safe_next(next)
    if target == "/":
        target = home_of(signed.user.role, signed.user.person_id)
    response = RedirectResponse(target, status_code=303)
    auth.set_session_cookies(response, signed, ctx.settings)
    response.delete_cookie(auth.LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout_submit(principal: CurrentPrincipal, request: Request, ctx: Ctx) -> RedirectResponse:
    accounts.logout(ctx.store, principal.session, principal.user, client_address(request))
    response = RedirectResponse("/login", status_code=303)
    auth.clear_session_cookies(response)
    return response
