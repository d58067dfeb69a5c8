"""Turning user-supplied JSON into contract models, with field-naming :class:`InvalidInput`."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.validation import problems_from

M = TypeVar("M", bound=BaseModel)


def load_json(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        problem = Problem("(document)", f"not valid JSON: {err.msg} at line {err.lineno}")
        raise InvalidInput([problem], what) from None


def parse_model(model: type[M], data: Any, what: str, prefix: str = "") -> M:
    """Validate ``data`` as ``model``; every fault becomes a :class:`Problem` naming its field."""
    if not isinstance(data, dict):
        where = prefix or "(document)"
        raise InvalidInput([Problem(where, "must be a JSON object", type(data).__name__)], what)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        problems = [
            Problem(f"{prefix}.{p.path}" if prefix else p.path, p.message, p.value)
            for p in problems_from(err)
        ]
        raise InvalidInput(problems, what) from None


def parse_list(model: type[M], data: Any, what: str, key: str) -> list[M]:
    """A JSON list of ``model`` objects (``data[key]`` when ``data`` is an object)."""
    items = data.get(key, []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InvalidInput([Problem(key, "must be a JSON list", type(items).__name__)], what)
    return [parse_model(model, item, what, f"{key}[{i}]") for i, item in enumerate(items)]
