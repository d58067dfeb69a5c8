"""The patient's account, from the clinician's side: invite (a one-time link and its QR code),
send the link again, revoke it, disable or re-enable the account. Calls
``lumbo.services.invitations``; the link itself opens the password page of ``data_admin``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.domain.errors import Conflict, InvalidInput, NotFound
from lumbo.services import invitations
from lumbo.services.invitations import Invitation
from lumbo.web.deps import Ctx, CurrentPrincipal, OwnPatient
from lumbo.web.pages.common import PageRoute, person_label, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

NOTICES = {
    "disabled": "The account is disabled: the patient cannot sign in.",
    "enabled": "The account is enabled again.",
    "revoked": "The invitation is withdrawn: its link no longer works.",
}


def _page(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    *,
    invitation: Invitation | None = None,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    state = invitations.account_state(ctx.store, scope.person_id)
    context: dict[str, object] = {
        "title": "Patient account",
        "person_id": scope.person_id,
        "person_name": person_label(scope.person),
        "active": "account",
        "account": state,
        "error": error,
        "notice": notice,
    }
    if invitation is not None:
        link = str(request.base_url).rstrip("/") + invitation.path()
        context["invitation"] = {
            "email": invitation.email,
            "link": link,
            "qr": segno.make(link, error="m").svg_data_uri(scale=4, border=2),
            "expires": invitation.expires_at.strftime("%-d %B %Y, %H:%M UTC"),
        }
    return render(request, "patient_account.html", context, principal=principal, status=status)


@router.get("/patients/{person_id}/account", response_class=HTMLResponse)
def account(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    done: str | None = None,
) -> HTMLResponse:
    return _page(request, scope, principal, ctx, notice=NOTICES.get(done or ""))


@router.post("/patients/{person_id}/account/invite", response_class=HTMLResponse)
def invite(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    email: Annotated[str, Form(max_length=254)] = "",
) -> HTMLResponse:
    try:
        sent = invitations.invite(ctx.store, ctx.settings, scope.user, scope.person_id, email)
    except InvalidInput as exc:
        return _page(request, scope, principal, ctx, error=exc.problems[0].message, status=422)
    except Conflict as exc:
        return _page(request, scope, principal, ctx, error=str(exc), status=409)
    return _page(request, scope, principal, ctx, invitation=sent)


@router.post("/patients/{person_id}/account/resend", response_class=HTMLResponse)
def resend(
    request: Request, scope: OwnPatient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    try:
        sent = invitations.resend(ctx.store, ctx.settings, scope.user, scope.person_id)
    except Conflict as exc:
        return _page(request, scope, principal, ctx, error=str(exc), status=409)
    return _page(request, scope, principal, ctx, invitation=sent)


def _done(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    act: Callable[[], object],
    done: str,
) -> Response:
    try:
        act()
    except (Conflict, NotFound) as exc:
        return _page(request, scope, principal, ctx, error=str(exc), status=409)
    return RedirectResponse(f"/patients/{scope.person_id}/account?done={done}", status_code=303)


@router.post("/patients/{person_id}/account/revoke", response_class=HTMLResponse)
def revoke(request: Request, scope: OwnPatient, principal: CurrentPrincipal, ctx: Ctx) -> Response:
    def act() -> None:
        invitations.revoke(ctx.store, scope.user, scope.person_id)

    return _done(request, scope, principal, ctx, act, "revoked")


@router.post("/patients/{person_id}/account/disable", response_class=HTMLResponse)
def disable(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    confirm: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    if confirm != "yes":
        error = "Tick the box to confirm that the patient should no longer sign in."
        return _page(request, scope, principal, ctx, error=error, status=422)
    return _done(
        request,
        scope,
        principal,
        ctx,
        lambda: invitations.disable(ctx.store, scope.user, scope.person_id),
        "disabled",
    )


@router.post("/patients/{person_id}/account/enable", response_class=HTMLResponse)
def enable(request: Request, scope: OwnPatient, principal: CurrentPrincipal, ctx: Ctx) -> Response:
    return _done(
        request,
        scope,
        principal,
        ctx,
        lambda: invitations.enable(ctx.store, scope.user, scope.person_id),
        "enabled",
    )
