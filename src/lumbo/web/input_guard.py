"""Input no database can store: text with NUL characters. PostgreSQL rejects ``\\x00`` in text and
in JSONB (SQLite does not), so without this guard such input would be a 500 on one backend and
stored on the other. Every request's path and query parameters, JSON body and form fields are
checked before any route runs; a NUL anywhere is a 422 naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

NUL = "\x00"
MESSAGE = "must not contain NUL characters"


def _nul_paths(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, str):
        if NUL in value:
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in str(key):
                yield (*loc, str(key).replace(NUL, "\\u0000"))
            yield from _nul_paths(item, (*loc, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nul_paths(item, (*loc, i))


async def reject_nul(request: Request) -> None:
    """An app-wide dependency: refuse NUL characters anywhere in the request's input."""
    found: list[tuple[str | int, ...]] = []
    for where, params in (("path", request.path_params), ("query", request.query_params)):
        found += [(where, k) for k, v in params.items() if NUL in str(k) or NUL in str(v)]
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            document = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            document = None  # FastAPI reports the malformed body itself
        found += list(_nul_paths(document, ("body",)))
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        for key, value in form.multi_items():
            text = value if isinstance(value, str) else (value.filename or "")
            if NUL in key or NUL in text:
                found.append(("body", key.replace(NUL, "\\u0000")))
    if found:
        raise RequestValidationError(
            [{"type": "string_nul", "loc": loc, "msg": MESSAGE, "input": None} for loc in found]
        )
