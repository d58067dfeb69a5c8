"""Sign-up for individuals (issue 20): ``/signup`` (when ``settings.signup`` is on), the e-mailed
confirmation link, and erasing one's own data for a self-directed person. The rules, rate limits
and e-mails are :mod:`lumbo.services.signup`; this module parses forms and renders pages."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.domain.errors import Conflict, InvalidInput, NotFound, Problem
from lumbo.services import accounts, data_rights, signup
from lumbo.services.errors import Forbidden, RateLimited
from lumbo.services.mail import mailer_for
from lumbo.web import auth
from lumbo.web.client import client_address
from lumbo.web.deps import Ctx, CurrentPrincipal
from lumbo.web.pages.common import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
FORM_S = 2 * 3600
START = "/start"  # the guided self-assessment (web/pages/self_assessment.py)
FIELD_WORDS = {"email": "Your e-mail address", "password": "Your password"}


def _form(request: Request, ctx: Ctx, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """The sign-up page with a fresh form token bound to a nonce cookie (as the sign-in form)."""
    nonce = secrets.token_urlsafe(24)
    full = {
        "title": "Create your account",
        "mail_on": ctx.settings.mail is not None,
        "form_token": auth.login_csrf_for(ctx.settings.secret_key, nonce),
        **context,
    }
    response = render(request, "signup.html", full, status=status)
    response.set_cookie(
        auth.LOGIN_COOKIE,
        nonce,
        max_age=FORM_S,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.cookie_secure,
    )
    return response


def _need_open(ctx: Ctx) -> None:
    if not ctx.settings.signup:
        raise NotFound(signup.OFF)


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request, ctx: Ctx) -> HTMLResponse:
    _need_open(ctx)
    return _form(request, ctx, {})


@router.post("/signup", response_class=HTMLResponse)
def signup_submit(
    request: Request,
    ctx: Ctx,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    again: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    _need_open(ctx)
    if not auth.login_csrf_matches(
        ctx.settings.secret_key, request.cookies.get(auth.LOGIN_COOKIE), csrf_token
    ):
        error = "This form had expired. Please fill it in again."
        return _form(request, ctx, {"email": email, "errors": [error]}, status=403)
    if password != again:
        errors = ["The two passwords are not the same."]
        return _form(request, ctx, {"email": email, "errors": errors}, status=422)
    client = client_address(request)
    try:
        done = signup.sign_up(
            ctx.store,
            ctx.settings,
            email=email,
            password=password,
            client=client,
            mailer=mailer_for(ctx.settings.mail),
            link_base=str(request.base_url).rstrip("/"),
        )
    except InvalidInput as exc:
        errors = [f"{FIELD_WORDS.get(p.path, p.path)} {p.message}." for p in exc.problems]
        return _form(request, ctx, {"email": email, "errors": errors}, status=422)
    except (Conflict, RateLimited) as exc:
        status = 429 if isinstance(exc, RateLimited) else 409
        error = str(exc)
        return _form(
            request, ctx, {"email": email, "errors": [error[0].upper() + error[1:]]}, status=status
        )
    if not done.ready:
        context = {"title": "Check your e-mail", "email": done.email}
        sent = render(request, "signup_sent.html", context)
        sent.delete_cookie(auth.LOGIN_COOKIE)
        return sent
    signed = accounts.login(
        ctx.store,
        ctx.settings,
        done.email,
        password,
        client,
        request.cookies.get(auth.DEVICE_COOKIE),
    )
    response = RedirectResponse(START, status_code=303)
    auth.set_session_cookies(response, signed, ctx.settings)
    response.delete_cookie(auth.LOGIN_COOKIE)
    return response


@router.get("/signup/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, token: str, ctx: Ctx) -> HTMLResponse:
    """A page with one button (so a mail scanner following the link confirms nothing)."""
    try:
        user = signup.pending_account(ctx.store, ctx.settings, token)
    except NotFound as exc:
        context = {"title": "Confirm your e-mail address", "invalid": str(exc)}
        return render(request, "signup_confirm.html", context, status=404)
    context = {"title": "Confirm your e-mail address", "email": user.email, "token": token}
    return render(request, "signup_confirm.html", context)


@router.post("/signup/confirm/{token}", response_class=HTMLResponse)
def confirm_submit(request: Request, token: str, ctx: Ctx) -> Response:
    try:
        signup.confirm(ctx.store, ctx.settings, token, client_address(request))
    except NotFound as exc:
        context = {"title": "Confirm your e-mail address", "invalid": str(exc)}
        return render(request, "signup_confirm.html", context, status=404)
    return RedirectResponse("/login?confirmed=1&next=/start", status_code=303)


@router.post("/account/erase", response_class=HTMLResponse)
def erase_own(
    request: Request,
    principal: CurrentPrincipal,
    ctx: Ctx,
    confirm: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """A self-directed person erases their own data and account (typing ERASE to confirm)."""
    user = principal.user
    if user.role != "patient":
        raise Forbidden("only a patient erases their own data here")
    if confirm.strip().upper() != "ERASE":
        raise InvalidInput([Problem("confirm", "type ERASE to confirm that everything is deleted")])
    data_rights.erase_own(ctx.store, user, data_dir=ctx.settings.data_dir)
    response = render(request, "erased.html", {"title": "Your data is erased"})
    auth.clear_session_cookies(response)
    return response
