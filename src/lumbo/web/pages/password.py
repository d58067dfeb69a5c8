"""Getting back into an account (issue 16): "Forgot your password?" sends a one-time reset link
by e-mail when SMTP is configured (the same token as a forced reset: ``services.accounts``), and a
clinician can issue a reset link for their own patient's account (``services.accounts.force_reset``).
Both links lead to ``/reset/{token}``. The e-mail answer is the same whether or not the address
has an account (no account discovery).

``/account/password``: a signed-in person changes their own password (the current one, the new one
twice); their other sign-ins end (``services.accounts.change_password``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.services import accounts as account_admin
from lumbo.services.errors import Forbidden, RateLimited
from lumbo.services.mail import Mail, mailer_for
from lumbo.web import auth
from lumbo.web.client import client_address
from lumbo.web.deps import Ctx, CurrentPrincipal, OwnPatient
from lumbo.web.pages.clinician import patient_nav
from lumbo.web.pages.common import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SENT = (
    "If that address belongs to a lumbo account, a link to choose a new password is on its way. "
    "It works once, for 24 hours. Check your spam folder if it does not arrive."
)
NO_MAIL = (
    "This lumbo service cannot send e-mail. Ask your clinician for a link to choose a new password."
)


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot(request: Request, ctx: Ctx) -> HTMLResponse:
    context = {"title": "Forgot your password", "mail_on": ctx.settings.mail is not None}
    return render(request, "forgot.html", context)


@router.post("/password/forgot", response_class=HTMLResponse)
def forgot_submit(
    request: Request, ctx: Ctx, email: Annotated[str, Form(max_length=254)] = ""
) -> HTMLResponse:
    mailer = mailer_for(ctx.settings.mail)
    if mailer is None:
        context = {"title": "Forgot your password", "mail_on": False, "notice": NO_MAIL}
        return render(request, "forgot.html", context, status=409)
    allowed = account_admin.reset_request_allowed(
        ctx.store, ctx.settings, email, client_address(request)
    )
    with ctx.store.uow() as uow:
        user = uow.accounts.user_by_email(email.strip().lower())
    if allowed and user is not None and user.active:
        token = account_admin.reset_link_token(ctx.store, ctx.settings, user.id)
        link = str(request.base_url).rstrip("/") + f"/reset/{token}"
        mailer.send(
            Mail(
                to=user.email,
                subject="lumbo: choose a new password",
                text=(
                    "Hello,\n\nSomeone (we hope you) asked to choose a new password for lumbo. "
                    f"Open this link within 24 hours:\n\n{link}\n\nIf it was not you, ignore "
                    "this e-mail: your password stays as it is.\n"
                ),
            )
        )
    context = {"title": "Forgot your password", "mail_on": True, "notice": SENT}
    return render(request, "forgot.html", context)


@router.post("/patients/{person_id}/account/reset-link", response_class=HTMLResponse)
def clinician_reset_link(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    confirm: Annotated[str, Form(max_length=3)] = "",
) -> HTMLResponse:
    """The clinician gives their patient a one-time link to choose a new password (the old one
    stops working at once, as for a forced reset). The form sends ``confirm=yes``; without it
    nothing changes."""
    if confirm != "yes":
        raise InvalidInput([Problem("confirm", "must be yes to make a new password link", confirm)])
    with ctx.store.uow() as uow:
        account = uow.accounts.account_of_person(scope.person_id)
    if account is None:
        raise Forbidden("this patient has no account yet")
    actor = account_admin.Actor(principal.user)
    token = account_admin.force_reset(ctx.store, ctx.settings, actor, account.id)
    context = {
        "title": "Password reset link",
        **patient_nav(scope.person_id, scope.person.external_ref, "data"),
        "link": str(request.base_url).rstrip("/") + f"/reset/{token}",
        "account_email": account.email,
    }
    return render(request, "reset_link.html", context, principal=principal)


def _change_page(
    request: Request, principal: CurrentPrincipal, context: Mapping[str, object], status: int = 200
) -> HTMLResponse:
    from lumbo.web.pages.signin import home_of

    user = principal.user
    full = {"title": "Change your password", "home": home_of(user.role, user.person_id), **context}
    return render(request, "password_change.html", full, principal=principal, status=status)


@router.get("/account/password", response_class=HTMLResponse)
def change_page(request: Request, principal: CurrentPrincipal) -> HTMLResponse:
    return _change_page(request, principal, {})


@router.post("/account/password", response_class=HTMLResponse)
def change_submit(
    request: Request,
    principal: CurrentPrincipal,
    ctx: Ctx,
    current_password: Annotated[str, Form(max_length=1024)] = "",
    new_password: Annotated[str, Form(max_length=1024)] = "",
    confirm_password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    try:
        changed = account_admin.change_password(
            ctx.store,
            ctx.settings,
            principal.session,
            current_password,
            new_password,
            confirm_password,
            client_address(request),
            request.cookies.get(auth.DEVICE_COOKIE),
        )
    except InvalidInput as exc:
        words = {
            "current_password": "The current password you typed",
            "new_password": "The new password",
            "confirm_password": "The repeated password",
        }
        lines = [f"{words.get(p.path, 'The form')} {p.message}." for p in exc.problems]
        return _change_page(request, principal, {"errors": lines}, status=422)
    except RateLimited as exc:
        minutes = max(1, round(exc.retry_after_s / 60))
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        lines = [f"Too many wrong passwords: wait {wait}, then try again."]
        page = _change_page(request, principal, {"errors": lines}, status=429)
        page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    context = {"done": True, "ended": changed.other_sessions_ended}
    return _change_page(request, principal, context)
