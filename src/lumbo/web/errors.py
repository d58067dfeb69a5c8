"""lumbo's exception tree mapped to HTTP, at the edge only. Every error body is ``{"detail": ...}``.

=====================  ======  ===========================================================
InvalidInput           422     ``[{"loc": ["body", ...field path], "msg", "input", "type"}]``
RequestValidationError 422     FastAPI's own list, same shape
NotAuthenticated       401
Forbidden              403
NotFound               404
Conflict               409
ReferralRequired       409     ``{"msg", "urgency", "reasons"}``
TooLarge, TooManyFields 413
RateLimited            429     with ``Retry-After``
KnowledgeBaseError     500     a generic message; the cause goes to the log, never to the client
any other exception    500     likewise
=====================  ======  ===========================================================
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from lumbo.domain.errors import (
    MISSING,
    Conflict,
    InvalidInput,
    LumboError,
    NotFound,
    Problem,
    ReferralRequired,
)
from lumbo.web import audit
from lumbo.web.auth import Forbidden, NotAuthenticated, RateLimited
from lumbo.web.client import client_address
from lumbo.web.input_guard import TooManyFields
from lumbo.web.uploads import TooLarge, TooManyUploads

log = logging.getLogger("lumbo.web")
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def loc_of(path: str, where: str = "body") -> list[str | int]:
    """``"blocks[0].technique"`` -> ``["body", "blocks", 0, "technique"]``."""
    if path in ("", "(document)"):
        return [where]
    parts: list[str | int] = [where]
    for name, index in _PART.findall(path):
        parts.append(int(index) if index else name)
    return parts


def problem_json(p: Problem) -> dict[str, Any]:
    value = None if p.value is MISSING else p.value
    if not isinstance(value, str | int | float | bool | type(None) | list | dict):
        value = repr(value)
    return {"type": "invalid", "loc": loc_of(p.path), "msg": p.message, "input": value}


def _json(status: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


async def _lumbo_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, InvalidInput):
        return _json(422, [problem_json(p) for p in exc.problems])
    if isinstance(exc, NotAuthenticated):
        return _json(401, str(exc) or "not signed in")
    if isinstance(exc, Forbidden):
        audit_refusal(request, 403)
        return _json(403, str(exc) or "not allowed")
    if isinstance(exc, NotFound):
        return _json(404, str(exc))
    if isinstance(exc, ReferralRequired):
        detail = {"msg": str(exc), "urgency": exc.urgency, "reasons": exc.reasons}
        return _json(409, detail)
    if isinstance(exc, Conflict):
        return _json(409, str(exc))
    if isinstance(exc, TooLarge | TooManyFields):
        return _json(413, str(exc))
    if isinstance(exc, TooManyUploads):
        audit_refusal(request, 429)
        return _json(429, str(exc), {"Retry-After": str(exc.retry_after_s)})
    if isinstance(exc, RateLimited):
        audit_refusal(request, 429)
        return _json(429, str(exc), {"Retry-After": str(exc.retry_after_s)})
    return await _internal(request, exc)


def audit_refusal(request: Request, status: int) -> None:
    """Refused requests go to the audit log (never failing the answer itself)."""
    try:
        audit.refused(
            request.app.state.lumbo.store,
            request.method,
            request.url.path,
            client_address(request),
            status,
        )
    except Exception:  # the refusal is still answered; the cause is logged
        log.warning("could not audit a refused %s %s", request.method, request.url.path)


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return _json(500, "internal error; the cause is in the server log")


def install(app: FastAPI) -> None:
    app.add_exception_handler(LumboError, _lumbo_error)
    app.add_exception_handler(Exception, _internal)
