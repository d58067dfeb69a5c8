"""Small helpers shared by tests."""

from __future__ import annotations

import copy
from typing import Any

from lumbo.domain.assessment.assess import assess
from lumbo.domain.assessment.model import Assessment, Finding
from lumbo.domain.intake import parse_intake


def with_changes(doc: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``doc`` with dotted-path ``changes`` applied (value ``DELETE`` removes a key)."""
    out = copy.deepcopy(doc)
    for path, value in changes.items():
        node = out
        *parents, last = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = value
    return out


DELETE: Any = object()


def assess_doc(doc: dict[str, Any]) -> Assessment:
    return assess(parse_intake(doc))


def findings_of(a: Assessment, code: str) -> list[Finding]:
    return [f for f in a.findings if f.code == code]
