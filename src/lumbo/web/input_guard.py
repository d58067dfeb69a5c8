"""Input no database can store, or no JSON answer can repeat, refused before any route runs.

* Text with NUL characters: PostgreSQL rejects ``\\x00`` in text and in JSONB (SQLite does not),
  so without this guard such input would be a 500 on one backend and stored on the other.
* Lone surrogates (``"\\ud800"`` in JSON): not encodable as UTF-8, so neither storable nor
  printable in an error answer.
* Non-finite numbers (``NaN``, ``Infinity``, ``-Infinity``: Python's JSON parser accepts them,
  standard JSON and PostgreSQL's JSONB do not).
* JSON nested deeper than :data:`MAX_DEPTH` levels (no lumbo document needs more than a handful).
* Forms with more than :data:`MAX_FORM_FIELDS` fields (a 413 instead of parsing them all).

Every request's path and query parameters, JSON body and form fields are checked; a fault is a
422 naming the field (``loc``), with no echo of the refused value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from lumbo.services.errors import TooLarge

NUL = "\x00"
MESSAGE = "must not contain NUL characters"
SURROGATE_MESSAGE = "must be valid Unicode text (a lone surrogate was sent)"
NONFINITE_MESSAGE = "must be a finite number (NaN and Infinity are not JSON numbers)"
DEPTH_MESSAGE = "is nested too deeply"
MAX_DEPTH = 32
MAX_FORM_FIELDS = 1000
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class TooManyFields(TooLarge):
    """A form with more fields than any lumbo page sends (HTTP 413)."""


class _NonFinite:
    """What a ``NaN``/``Infinity`` token parses to, so its place can be named."""


NONFINITE = _NonFinite()


def _text_fault(text: str) -> str | None:
    if NUL in text:
        return MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def _safe_key(key: str) -> str:
    return key.replace(NUL, "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def faults(value: Any, loc: tuple[str | int, ...], depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every unstorable place in a parsed JSON document, as FastAPI validation errors."""
    if depth > MAX_DEPTH:
        yield {"type": "too_deep", "loc": loc, "msg": DEPTH_MESSAGE + f" (at most {MAX_DEPTH})"}
        return
    if isinstance(value, str):
        fault = _text_fault(value)
        if fault is not None:
            yield {"type": "string_unstorable", "loc": loc, "msg": fault}
    elif value is NONFINITE or (isinstance(value, float) and not math.isfinite(value)):
        yield {"type": "number_nonfinite", "loc": loc, "msg": NONFINITE_MESSAGE}
    elif isinstance(value, dict):
        for key, item in value.items():
            fault = _text_fault(str(key))
            if fault is not None:
                yield {"type": "key_unstorable", "loc": (*loc, _safe_key(str(key))), "msg": fault}
            yield from faults(item, (*loc, _safe_key(str(key))), depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from faults(item, (*loc, i), depth + 1)


def parse_json(raw: bytes) -> Any:
    """The document with every ``NaN``/``Infinity`` token replaced by :data:`NONFINITE`."""
    return json.loads(raw, parse_constant=lambda _token: NONFINITE)


async def reject_unstorable(request: Request) -> None:
    """An app-wide dependency: refuse input no store can keep, anywhere in the request."""
    found: list[dict[str, Any]] = []
    for where, params in (("path", request.path_params), ("query", request.query_params)):
        for k, v in params.items():
            fault = _text_fault(str(k)) or _text_fault(str(v))
            if fault is not None:
                found.append(
                    {"type": "param_unstorable", "loc": (where, _safe_key(k)), "msg": fault}
                )
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            document = parse_json(await request.body())
        except (ValueError, UnicodeDecodeError, RecursionError):
            document = None  # FastAPI reports the malformed body itself
        found += list(faults(document, ("body",)))
    elif content_type.startswith(FORM_TYPES):
        try:
            form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=MAX_FORM_FIELDS)
        except Exception as exc:  # starlette's multipart limits: too many fields or parts
            if "Too many" in str(getattr(exc, "detail", exc)):
                raise TooManyFields(f"a form may have at most {MAX_FORM_FIELDS} fields") from None
            raise
        for key, value in form.multi_items():
            text = value if isinstance(value, str) else (value.filename or "")
            fault = _text_fault(key) or _text_fault(text)
            if fault is not None:
                found.append(
                    {"type": "field_unstorable", "loc": ("body", _safe_key(key)), "msg": fault}
                )
    if found:
        raise RequestValidationError([{**f, "input": None} for f in found])


reject_nul = reject_unstorable  # the name the app used before the guard grew
