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


class OdiResult(_Out):
    percent: float
    band: str
    published_band: str | None
    answered: int
    source: str


class RmdqResult(_Out):
    score: int
    of: int
    note: str | None


class StartBackResult(_Out):
    total: int
    psychosocial: int
    risk: Literal["low", "medium", "high"]
    source: str


class FabqResult(_Out):
    pa: int
    pa_max: int
    w: int
    w_max: int
    source: str


class PromisPiResult(_Out):
    form: str
    raw: int
    raw_range: tuple[int, int]
    t_score: float | None
    t_score_verified: bool | None
    reason: str | None
    source: str


class PsfsActivity(_Out):
    activity: str
    score: int


class PsfsResult(_Out):
    mean: float
    activities: tuple[PsfsActivity, ...]
    source: str


class NprsResult(_Out):
    now: int | None
    best: int | None
    worst: int | None
    mean: float | None


class Scores(_Out):
    """Every questionnaire score of an assessment (None: not assessed), in the shape of the
    ``scores`` object of ``lumbo assess --json`` (DESIGN.md)."""

    odi: OdiResult | None
    rmdq: RmdqResult | None
    start_back: StartBackResult | None
    fabq: FabqResult | None
    promis_pi: PromisPiResult | None
    psfs: PsfsResult | None
    nprs: NprsResult

    def value(self, score: str, key: str) -> float | None:
        """One number by score and key (e.g. ``"odi", "percent"``), as ``mcid.toml`` names it;
        None when the score is absent or the value is not a number."""
        entry = getattr(self, score, None)
        value = getattr(entry, key, None) if isinstance(entry, BaseModel) else None
        return (
            float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        )


class Assessment(_Out):
    """Everything the assessment concluded."""

    person_id: str | None
    age: int
    referral: Referral
    scores: Scores
    findings: tuple[Finding, ...]
    rules: dict[str, RuleResult]
    classification: Classification
    not_assessed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The machine-readable contract of ``lumbo assess --json`` (DESIGN.md)."""
        return self.model_dump(mode="json")
