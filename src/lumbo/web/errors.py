"""lumbo's exception tree mapped to HTTP, at the edge only. Every error body is ``{"detail": ...}``.

The status of each error comes from the one table, :data:`lumbo.services.errors.OUTCOMES`; this
module only shapes the body: ``InvalidInput`` as ``[{"loc": ["body", ...field path], "msg",
"input", "type"}]`` (FastAPI's own ``RequestValidationError`` has the same shape),
``ReferralRequired`` as ``{"msg", "urgency", "reasons"}``, ``RateLimited`` with ``Retry-After``;
internal errors (``KnowledgeBaseError`` and any other exception) as a generic message, the cause
going to the log, never to the client. Refusals the table marks ``audited`` go to the audit log.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from lumbo.domain.errors import MISSING, InvalidInput, LumboError, Problem, ReferralRequired
from lumbo.services import access as policy
from lumbo.services.errors import RateLimited, outcome_of
from lumbo.web.client import client_address

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
    outcome = outcome_of(exc)
    if outcome.status >= 500:
        return await _internal(request, exc)
    if outcome.audited:
        audit_refusal(request, outcome.status)
    if isinstance(exc, InvalidInput):
        return _json(outcome.status, [problem_json(p) for p in exc.problems])
    if isinstance(exc, ReferralRequired):
        detail = {"msg": str(exc), "urgency": exc.urgency, "reasons": exc.reasons}
        return _json(outcome.status, detail)
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after_s)}
        return _json(outcome.status, str(exc), headers)
    return _json(outcome.status, str(exc) or outcome.title.lower())


def audit_refusal(request: Request, status: int) -> None:
    """Refused requests go to the audit log (never failing the answer itself)."""
    try:
        policy.refused(
            request.app.state.lumbo.store.uow(),
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
