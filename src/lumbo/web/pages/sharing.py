"""Sharing with a clinician (issue 20): the person's ``/share`` page (documents to download and
the take-on link), and the clinician's side of a take-on link. Rules: :mod:`lumbo.services.sharing`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.services import sharing
from lumbo.services.errors import Forbidden
from lumbo.store.accounts import User
from lumbo.web.deps import Ctx, CurrentPrincipal
from lumbo.web.pages.common import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _patient(user: User) -> str | None:
    if user.role != "patient":
        raise Forbidden("this page is for the person themselves")
    return user.person_id


def _share_page(
    request: Request,
    principal: CurrentPrincipal,
    ctx: Ctx,
    *,
    link: str | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    person_id = _patient(principal.user)
    context = {
        "title": "Share with a clinician",
        "person_id": person_id,
        "state": None if person_id is None else sharing.sharing_state(ctx.store, person_id),
        "link": link,
        "notice": notice,
        "valid_days": sharing.VALID_DAYS,
    }
    return render(request, "share.html", context, principal=principal)


@router.get("/share", response_class=HTMLResponse)
def share(request: Request, principal: CurrentPrincipal, ctx: Ctx) -> HTMLResponse:
    return _share_page(request, principal, ctx)


@router.post("/share/link", response_class=HTMLResponse)
def make_link(request: Request, principal: CurrentPrincipal, ctx: Ctx) -> HTMLResponse:
    _patient(principal.user)
    made = sharing.make_link(ctx.store, principal.user)
    url = str(request.base_url).rstrip("/") + made.path()
    return _share_page(request, principal, ctx, link=url)


@router.post("/share/revoke")
def revoke(principal: CurrentPrincipal, ctx: Ctx) -> Response:
    _patient(principal.user)
    sharing.revoke_links(ctx.store, principal.user)
    return RedirectResponse("/share?withdrawn=1", status_code=303)


@router.get("/take-on/{token}", response_class=HTMLResponse)
def take_on_page(
    request: Request, token: str, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    offer = sharing.offer(ctx.store, principal.user, token)
    context = {"title": "Take a person on", "offer": offer, "token": token}
    return render(request, "take_on.html", context, principal=principal)


@router.post("/take-on/{token}")
def take_on_submit(token: str, principal: CurrentPrincipal, ctx: Ctx) -> Response:
    person_id = sharing.take_on(ctx.store, principal.user, token)
    return RedirectResponse(f"/patients/{person_id}?taken_on=1", status_code=303)
