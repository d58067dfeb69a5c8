"""Sign in, sign out, who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from lumbo.services import accounts, results
from lumbo.web import auth
from lumbo.web import responses as out
from lumbo.web.client import client_address
from lumbo.web.deps import Ctx, CurrentPrincipal, CurrentUser
from lumbo.web.schemas import LoginIn

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", responses={401: {}, 429: {}}, response_model=out.LoginOut)
def login(body: LoginIn, request: Request, response: Response, ctx: Ctx) -> dict[str, Any]:
    """Sign in with e-mail and password. Sets the HttpOnly session cookie and the CSRF cookie;
    send the returned ``csrf_token`` as ``X-CSRF-Token`` with every POST."""
    client = client_address(request)
    signed = accounts.login(
        ctx.store,
        ctx.settings,
        body.email,
        body.password,
        client,
        request.cookies.get(auth.DEVICE_COOKIE),
    )
    auth.set_session_cookies(response, signed, ctx.settings)
    return {"user": signed.user.public(), "csrf_token": signed.csrf}


@router.post(
    "/logout",
    status_code=204,
    response_class=Response,
    responses={204: {"description": "signed out"}, 401: {}, 403: {}},
)
def logout(principal: CurrentPrincipal, request: Request, response: Response, ctx: Ctx) -> None:
    """Sign out: the session is deleted on the server and the cookies are cleared."""
    accounts.logout(ctx.store, principal.session, principal.user, client_address(request))
    auth.clear_session_cookies(response)


@router.get("/me", responses={401: {}}, response_model=results.UserOut)
def me(user: CurrentUser) -> dict[str, Any]:
    return user.public()
