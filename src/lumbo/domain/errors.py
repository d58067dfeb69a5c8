"""One documented exception tree for lumbo.

Every error lumbo raises on purpose derives from :class:`LumboError`. The domain raises them; only the
edges (CLI, web) map them to exit codes or HTTP statuses:

    LumboError
    ├── InvalidInput        bad input; names each field, its value and what is allowed  (CLI 2, HTTP 422)
    ├── ReferralRequired    a red flag withholds the plan                                (CLI 3, HTTP 409)
    ├── NotFound            an id that does not exist (or is not yours)                  (CLI 2, HTTP 404)
    ├── Conflict            a write that contradicts stored state                       (CLI 2, HTTP 409)
    └── KnowledgeBaseError  a shipped data file is invalid (a packaging bug)            (CLI 70, HTTP 500)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class _Missing:
    def __repr__(self) -> str:
        return "nothing"


MISSING: Any = _Missing()
"""The value of a :class:`Problem` whose field was absent."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where, what was given, and what is allowed."""

    path: str
    message: str
    value: Any = MISSING

    def __str__(self) -> str:
        if self.value is MISSING:
            return f"{self.path}: {self.message}"
        return f"{self.path}: {self.message} (got {_show(self.value)})"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class LumboError(Exception):
    """Base of every error lumbo raises on purpose."""


class InvalidInput(LumboError):
    """Input that does not satisfy the contract. Carries one :class:`Problem` per fault."""

    def __init__(self, problems: list[Problem], what: str = "input") -> None:
        self.problems = problems
        self.what = what
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"invalid {what}: {len(problems)} problem(s)\n{lines}")


class ReferralRequired(LumboError):
    """A red flag withholds the plan until a clinician has seen the person."""

    def __init__(self, urgency: str, reasons: list[str]) -> None:
        self.urgency = urgency
        self.reasons = reasons
        super().__init__(f"referral required ({urgency}): " + "; ".join(reasons))


class NotFound(LumboError):
    """An identifier that does not exist, or that the caller may not see."""


class Conflict(LumboError):
    """A write that contradicts what is already stored."""


class KnowledgeBaseError(LumboError):
    """A shipped knowledge-base file is invalid. This is a packaging bug, not a user error."""
