"""Pydantic validation errors -> lumbo :class:`Problem` lists naming field, value and allowed range."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from lumbo.domain.errors import MISSING, Problem


def _loc(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            # pydantic adds the type tag for unions and wrappers; they mean nothing to a user.
            if item in {"int", "float", "bool", "str", "tuple[...]", "constrained-int", "none"}:
                continue
            if item.startswith(("function-", "literal[", "is-instance")):
                continue
            if item == "[key]":
                continue
            parts.append(("." if parts else "") + item)
    return "".join(parts) or "(document)"


def problems_from(err: ValidationError, model: type[BaseModel] | None = None) -> list[Problem]:
    """Turn pydantic's errors into lumbo's :class:`Problem` list, one per field, in document order.

    ``model`` (the validated class) lets range errors say "must be between LO and HI".
    """
    seen: dict[str, Problem] = {}
    for e in err.errors(include_url=False):
        path = _loc(tuple(e["loc"]))
        msg = e["msg"].removeprefix("Value error, ")
        ctx = e.get("ctx") or {}
        if e["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; units belong in the name)"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif "expected" in ctx:
            msg = f"must be one of {ctx['expected']}"
        elif e["type"] in {"greater_than_equal", "less_than_equal"}:
            msg = _range_message(model, path, msg)
        elif e["type"] in {"int_type", "int_parsing", "int_from_float"}:
            msg = _range_message(model, path, "must be a whole number").replace(
                "must be", "must be a whole number"
            )
        elif e["type"] in {"float_type", "float_parsing"}:
            msg = _range_message(model, path, "must be a number").replace(
                "must be", "must be a number"
            )
        elif e["type"] in {"bool_type", "bool_parsing"}:
            msg = "must be true or false"
        value = MISSING if e["type"] == "missing" else e.get("input")
        if path in seen:
            continue
        seen[path] = Problem(path=path, message=msg, value=value)
    # A failing item also makes pydantic report the list as too short: keep only the item's error.
    return [
        p
        for path, p in seen.items()
        if not (
            p.message.startswith("Tuple should have")
            and any(k.startswith(path + "[") for k in seen)
        )
    ]


def _range_message(model: type[BaseModel] | None, path: str, fallback: str) -> str:
    if model is None:
        return fallback
    generic = re.sub(r"\[\d+\]", "[]", path)
    ranges = _ranges(model)
    lo_hi = ranges.get(generic) or ranges.get(generic.rsplit(".", 1)[0] + ".*")
    if lo_hi is None:
        return fallback
    lo, hi = lo_hi
    return f"must be between {lo:g} and {hi:g}"


@cache
def _ranges(model: type[BaseModel]) -> dict[str, tuple[float, float]]:
    """Every numeric range of a model, read from its JSON Schema (one source of truth)."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    ranges: dict[str, tuple[float, float]] = {}

    def walk(node: dict[str, Any], path: str) -> None:
        if "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        if "minimum" in node and "maximum" in node:
            ranges[path] = (float(node["minimum"]), float(node["maximum"]))
        for alt in node.get("anyOf", []):
            walk(alt, path)
        for name, sub in node.get("properties", {}).items():
            walk(sub, f"{path}.{name}" if path else name)
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + "[]")
        for sub in node.get("prefixItems", []):
            walk(sub, path + "[]")
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], path + ".*")

    walk(schema, "")
    return ranges
