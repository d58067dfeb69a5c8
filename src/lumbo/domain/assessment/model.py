"""The result of an assessment: frozen models whose ``to_json()`` is the ``lumbo assess --json`` contract."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from lumbo.domain.knowledge.model import FindingCode


class Severity(StrEnum):
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


SEVERITY_RANK: dict[Severity, int] = {Severity.mild: 1, Severity.moderate: 2, Severity.severe: 3}

Urgency = Literal["emergency", "before_starting", "none"]
Status = Literal["met", "not_met", "unknown"]
Approach = Literal["symptom_modulation", "movement_control", "function_optimization"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Referral(_Out):
    required: bool
    urgency: Urgency
    reasons: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()  # mandatory screening questions not answered (field names)


class Finding(_Out):
    """A node of restriction (or a sign that shapes the plan), with the evidence that produced it."""

    code: FindingCode
    side: Literal["left", "right", "both"] | None = None
    segment: str | None = None
    direction: str | None = None
    severity: Severity
    region: str
    evidence: tuple[str, ...]
    percent_of_expected: float | None = None

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.code, self.side, self.segment)


class Criterion(_Out):
    status: Status
    detail: str


class RuleResult(_Out):
    count: int
    of: int
    positive: bool
    threshold: int
    unknown: int
    criteria: dict[str, Criterion]
    source: str
    note: str | None = None
    applicable: bool = True
    not_applicable_reason: str | None = None
    caveat: str | None = None


class Classification(_Out):
    approach: Approach
    approach_reasons: tuple[str, ...]
    tbc: str | None
    tbc_reasons: tuple[str, ...]
    psychosocial_risk: str | None


class Assessment(_Out):
    """Everything the assessment concluded. ``scores`` is a plain mapping of score name to its result."""

    person_id: str | None
    age: int
    referral: Referral
    scores: dict[str, Any]
    findings: tuple[Finding, ...]
    rules: dict[str, RuleResult]
    classification: Classification
    not_assessed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The machine-readable contract of ``lumbo assess --json`` (DESIGN.md)."""
        return self.model_dump(mode="json")
