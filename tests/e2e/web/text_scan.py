"""What a rendered page must never show its reader (issues 15 and 16).

``problems(text, audience)`` returns one line per offending match in a page's visible text:

* every audience: a CLI command or flag, a Python repr, an internal id (uuid, ``web-3fa2...``), a
  ``snake_case`` word, a finding-style code (``SEGMENTAL_HYPERMOBILITY``) or an HTTP status code;
* ``patient`` also: source keys (``ostelo2008``), citations and severity grades (``(moderate)``); patients get plain words, the
  sources stay on the clinician's pages.

Browser tests call it through ``Browsing.check(label, scan=...)`` on every page they visit.
"""

from __future__ import annotations

import re
from typing import Literal

Audience = Literal["clinician", "patient"]

_COMMON: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "a CLI command",
        re.compile(
            r"\blumbo\s+(?:assess|plan|adjust|init|today|session|log|checkin|reassess|progress|"
            r"measure|form|serve|worker|users|audit|export|import|erase|outcomes|report|demo|"
            r"schema|techniques?)\b"
        ),
    ),
    ("a CLI flag", re.compile(r"(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*\b")),
    (
        "a Python repr",
        re.compile(
            r"\{\s*'[A-Za-z_]+'\s*:|\[\s*'[a-z_]+'\s*,|<[\w.]+ object at 0x|\bNone\b|\bTraceback\b"
        ),
    ),
    (
        "an internal id",
        re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
    ),
    ("an internal id", re.compile(r"\b(?:web|cli|job|sess|log)-[0-9a-f]{6,}\b")),
    ("a snake_case word", re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")),
    ("a code", re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b")),
    ("a status code", re.compile(r"\b(?:[Ss]tatus|HTTP|[Ee]rror)\s*(?:code\s*)?[1-5]\d\d\b")),
)

_PATIENT: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a source key", re.compile(r"\b[a-z]+(?:[a-z_]*)(?:19|20)\d\d[a-z]?\b")),
    ("a citation", re.compile(r"\bet al\.?|\bdoi:|\bPMID\b", re.IGNORECASE)),
    # the engine's clinical grading, "lumbar extension hypomobility (moderate)"
    ("a severity grade", re.compile(r"\((?:mild|moderate|severe)\)")),
)


def problems(text: str, audience: Audience = "clinician") -> list[str]:
    """Each offending match in ``text`` as ``"<what>: '<match>' in '...context...'"``."""
    rules = _COMMON + (_PATIENT if audience == "patient" else ())
    found: list[str] = []
    for what, pattern in rules:
        for m in pattern.finditer(text):
            start, end = max(0, m.start() - 40), min(len(text), m.end() + 40)
            context = " ".join(text[start:end].split())
            found.append(f"{what}: {m.group(0)!r} in '...{context}...'")
    return found
