"""Contract models of the protocol engine: plans, session logs, check-ins, adjustment decisions.

These are the shapes shared by the pure engine (``protocol.engine``, ``adjust.decide``, ``outcomes.reassessment``),
the store and the entry points. ``Plan.to_json()`` is the ``lumbo plan --json`` contract
of DESIGN.md.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lumbo.domain.dates import RecordDate
from lumbo.domain.knowledge.model import FindingCode, Role

Score10 = Annotated[int, Field(strict=True, ge=0, le=10)]

Stage = Literal["warmup", "release", "mobilize", "stabilize", "integrate", "cooldown"]
STAGES: tuple[str, ...] = ("warmup", "release", "mobilize", "stabilize", "integrate", "cooldown")


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Dose(_M):
    """A concrete dose for one block (a technique's template after week-by-week progression)."""

    kind: Literal["hold", "reps", "contract_relax", "timed", "breaths", "education"]
    sets: int
    reps: int | None = None
    hold_s: int | None = None
    contract_s: int | None = None
    contract_effort_pct: int | None = None
    work_s: int | None = None
    breaths: int | None = None
    minutes: float | None = None
    rest_s: int = 0
    per_side: bool = False
    intensity_target: int | None = None
    tempo: str | None = None


class Block(_M):
    technique: str
    role: Role
    regions: tuple[str, ...]
    dose: Dose
    addresses: tuple[FindingCode, ...] = ()
    pairs_with: int | None = Field(
        default=None,
        description=(
            "index (within the session) of the partner block: a release points to its stabilize"
        ),
    )
    estimated_minutes: float
    why: str
    stage: Stage | None = Field(
        default=None,
        description=(
            "place in the session order: "
            "warmup -> release -> mobilize -> stabilize -> integrate -> cooldown"
        ),
    )
    level: int = Field(
        default=0, description="progression level of the dose relative to the technique's template"
    )
    side: Literal["left", "right", "both"] | None = Field(
        default=None, description="side of the finding(s) this block addresses, when one-sided"
    )
    segments: tuple[str, ...] = Field(
        default=(), description="lumbar levels of the finding(s) this block addresses"
    )


class Session(_M):
    index: int
    estimated_minutes: float
    blocks: tuple[Block, ...]


class Week(_M):
    week: Annotated[int, Field(ge=1, le=12)]
    phase: str
    phase_name: str | None = None
    reassessment: bool = False
    sessions: tuple[Session, ...]


class Excluded(_M):
    technique: str
    reasons: tuple[str, ...]


class Plan(_M):
    status: Literal["ok", "referral_required"]
    person_id: str | None = None
    version: int = 1
    start_date: date | None = None
    weeks: tuple[Week, ...] = ()
    reassessment_weeks: tuple[int, ...] = ()
    excluded: tuple[Excluded, ...] = ()
    coverage: dict[str, int | None] = Field(
        default_factory=dict,
        description="finding key -> first week it is addressed (None: not addressed, see notes)",
    )
    notes: tuple[str, ...] = ()
    referral_reasons: tuple[str, ...] = ()
    minutes_per_session: int | None = Field(
        default=None, description="the time budget of a session"
    )
    sessions_per_week: int | None = None
    severity: dict[str, str] = Field(
        default_factory=dict,
        description="finding code -> its most severe severity in the assessment",
    )

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class BlockLog(_M):
    """What the person did in one block and how it felt."""

    technique: str
    completed_sets: Annotated[int, Field(strict=True, ge=0, le=20)]
    completed_reps: Annotated[int, Field(strict=True, ge=0, le=200)] | None = None
    hold_s: Annotated[int, Field(strict=True, ge=0, le=600)] | None = None
    intensity: Score10 | None = Field(default=None, description="stretch intensity 0-10")
    pain_during: Score10
    pain_after: Score10
    sharp_pain: bool = False
    new_numbness_or_tingling: bool = False
    symptoms_spread_down_leg: bool = Field(
        default=False,
        description="symptoms spread further down the leg during this exercise (peripheralisation)",
    )


WarningSign = Literal[
    "new_weakness", "saddle_numbness", "bladder_or_bowel_change", "symptoms_spread_down_leg"
]
"""Warning signs a session log or check-in can report: each one stops the plan at once."""


class SessionLog(_M):
    """One performed session. ``session_id`` comes from the client: a retry never duplicates."""

    session_id: Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    plan_version: int | None = None
    week: Annotated[int, Field(ge=1, le=12)]
    session_index: Annotated[int, Field(ge=1, le=7)]
    performed_on: RecordDate
    blocks: Annotated[tuple[BlockLog, ...], Field(min_length=1)]
    notes: Annotated[str, Field(max_length=2000)] | None = None
    warning_signs: tuple[WarningSign, ...] = ()


class CheckIn(_M):
    """The next-morning check-in after a session."""

    checkin_id: Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    on: RecordDate
    session_id: (
        Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] | None
    ) = None
    pain: Score10
    stiffness: Score10
    warning_signs: tuple[WarningSign, ...] = ()


class Decision(_M):
    technique: str
    action: Literal["progress", "hold", "regress", "swap"]
    replacement: str | None = None
    reason: str
    level: int | None = Field(
        default=None,
        description="progression level the next sessions use (of the replacement, after a swap)",
    )
    response: Literal["green", "yellow", "red"] | None = Field(
        default=None, description="the latest logged response (pain-monitoring model)"
    )


class Alert(_M):
    kind: Literal["clinician_review", "referral_signs", "stop_and_refer"]
    reason: str


class Adjustment(_M):
    decisions: tuple[Decision, ...]
    alerts: tuple[Alert, ...] = ()
    stopped: bool = Field(
        default=False,
        description="a warning sign was reported: stop the plan and see a clinician (see alerts)",
    )
    plan_version: int | None = Field(
        default=None, description="the plan version the logs were judged against"
    )
    from_week: int | None = Field(
        default=None,
        description="first week the decisions change (the week after the last logged one)",
    )

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
