"""What every page shares: the templates, rendering with the signed-in user and CSRF token, and
:class:`PageRoute`, which turns any failure into a readable HTML page (never a stack trace).

Page routes call the same services as the JSON API; this module holds no business logic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from lumbo.domain.errors import (
    Conflict,
    InvalidInput,
    KnowledgeBaseError,
    LumboError,
    ReferralRequired,
)
from lumbo.domain.explain import words
from lumbo.services import patient_app
from lumbo.services.accounts import csrf_for
from lumbo.services.errors import Forbidden, NotAuthenticated, outcome_of
from lumbo.store.records import PersonRecord
from lumbo.web.deps import AppContext, Principal
from lumbo.web.errors import audit_refusal

log = logging.getLogger("lumbo.web.pages")
WEB_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


@cache
def templates() -> Jinja2Templates:
    """The Jinja2 environment (autoescaping on), built on first use."""
    built = Jinja2Templates(directory=str(TEMPLATES_DIR))
    built.env.filters["words"] = words
    return built


def ctx_of(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.lumbo
    return ctx


def csrf_token(request: Request, principal: Principal) -> str:
    return csrf_for(ctx_of(request).settings.secret_key, principal.session)


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    principal: Principal | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Render ``name`` with the user, their CSRF token and the page's own context."""
    user = None if principal is None else principal.user
    full: dict[str, Any] = {
        "user": user,
        "csrf": None if principal is None else csrf_token(request, principal),
        # filming makes the person before the first plan: until the plan, the self-assessment's menu
        "plan_pending": user is not None
        and user.role == "patient"
        and user.person_id is not None
        and patient_app.self_assessment_pending(ctx_of(request).store.uow(), user.person_id),
        **context,
    }
    return templates().TemplateResponse(request, name, full, status_code=status)


def error_page(request: Request, status: int, title: str, message: str | list[str]) -> HTMLResponse:
    lines = [message] if isinstance(message, str) else message
    return templates().TemplateResponse(
        request,
        "error.html",
        {"user": None, "csrf": None, "title": title, "lines": lines, "status": status},
        status_code=status,
    )


#: The words a page shows for an error (its status and title come from the one error table,
#: :data:`lumbo.services.errors.OUTCOMES`); an error class without words here shows its message.
def _lines(exc: Exception) -> list[str]:
    if isinstance(exc, InvalidInput):
        return [f"{p.path}: {p.message}" for p in exc.problems]
    if isinstance(exc, Forbidden):
        return [str(exc) or "Your role may not open this page."]
    if isinstance(exc, ReferralRequired):
        return [
            "No exercise plan is shown until a clinician has seen the patient about these "
            "screening answers.",
            *exc.reasons,
        ]
    if isinstance(exc, Conflict):
        return [str(exc), "Reload the page and try again."]
    if isinstance(exc, KnowledgeBaseError):
        return ["The cause is in the server log."]
    if isinstance(exc, LumboError):
        return [str(exc).removeprefix("file: ")]
    return [
        "Something went wrong while loading the data. Nothing was changed.",
        "Try again in a moment; the cause is in the server log.",
    ]


def _explain(exc: Exception) -> tuple[int, str, list[str]]:
    outcome = outcome_of(exc)
    return outcome.status, outcome.title, _lines(exc)


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class PageRoute(APIRoute):
    """A route whose failures become pages: not signed in -> the sign-in page, lumbo errors ->
    their message with the matching status, anything else -> a generic message (cause logged)."""

    def get_route_handler(self) -> Handler:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await inner(request)
            except NotAuthenticated:
                target = request.url.path
                if request.url.query:
                    target += "?" + request.url.query
                if request.method != "GET":
                    target = "/"
                return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
            except RequestValidationError as exc:
                lines = [
                    f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
                    for e in exc.errors()
                ]
                return error_page(request, 422, "Some values are not valid", lines)
            except HTTPException as exc:  # starlette's too (a form with too many fields)
                status = 413 if "Too many" in str(exc.detail) else exc.status_code
                return error_page(request, status, "Cannot show this page", [str(exc.detail)])
            except LumboError as exc:
                status, title, lines = _explain(exc)
                if outcome_of(exc).audited:
                    audit_refusal(request, status)
                if status >= 500:
                    log.error("page %s failed", request.url.path, exc_info=exc)
                return error_page(request, status, title, lines)
            except Exception as exc:
                log.error("page %s failed", request.url.path, exc_info=exc)
                status, title, lines = _explain(exc)
                return error_page(request, status, title, lines)

        return handler


def person_label(person: PersonRecord) -> str:
    """How pages name a patient: their name, else their reference, never the store id."""
    return person.display_name or person.external_ref or "Patient"


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
