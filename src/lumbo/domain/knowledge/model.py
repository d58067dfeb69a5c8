"""The technique library's schema. The entries themselves are data files (``techniques/*.toml``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lumbo.domain.intake import Condition, Equipment, Segment


class Role(StrEnum):
    warmup = "warmup"
    breath = "breath"
    release = "release"
    neural = "neural"
    mobilize = "mobilize"
    stabilize = "stabilize"
    integrate = "integrate"
    education = "education"


class MoveDirection(StrEnum):
    flexion = "flexion"
    extension = "extension"
    rotation = "rotation"
    lateral = "lateral"
    neutral = "neutral"


class Load(StrEnum):
    none = "none"
    bodyweight = "bodyweight"
    resisted = "resisted"


class NeuralTension(StrEnum):
    none = "none"
    slider = "slider"
    tensioner = "tensioner"


class Position(StrEnum):
    prone = "prone"
    supine = "supine"
    side = "side"
    quadruped = "quadruped"
    kneeling = "kneeling"
    standing = "standing"
    seated = "seated"


class Region(StrEnum):
    """Body regions a technique works on; a release and its stabilize partner must share one."""

    lumbar = "lumbar"
    thoracolumbar = "thoracolumbar"
    pelvis = "pelvis"
    hip = "hip"
    hamstring = "hamstring"
    hip_flexor = "hip_flexor"
    rectus_femoris = "rectus_femoris"
    gluteal = "gluteal"
    abdominal = "abdominal"
    sciatic_nerve = "sciatic_nerve"
    whole_body = "whole_body"


class Mode(StrEnum):
    """How the movement is produced: by the person's own muscles, held isometrically, or passively."""

    active = "active"
    isometric = "isometric"
    passive = "passive"


class EvidenceLevel(StrEnum):
    systematic_review = "systematic_review"
    rct = "rct"
    cohort = "cohort"
    expert_consensus = "expert_consensus"
    technique_description = "technique_description"
    secondary_source = "secondary_source"


# Finding codes (DESIGN.md vocabulary). Kept here as data so the knowledge base can refer to them.
FindingCode = Literal[
    "LUMBAR_FLEXION_HYPOMOBILITY",
    "LUMBAR_EXTENSION_HYPOMOBILITY",
    "LATERAL_FLEXION_RESTRICTION",
    "ROTATION_RESTRICTION",
    "ROTATION_ASYMMETRY",
    "SEGMENTAL_HYPOMOBILITY",
    "SEGMENTAL_HYPERMOBILITY",
    "HAMSTRING_LENGTH_RESTRICTION",
    "HIP_FLEXOR_RESTRICTION",
    "RECTUS_FEMORIS_RESTRICTION",
    "NEURAL_MECHANOSENSITIVITY",
    "RADICULAR_SYMPTOMS",
    "MOTOR_CONTROL_DEFICIT",
    "GENERALIZED_HYPERMOBILITY",
    "ELEVATED_FEAR_AVOIDANCE",
    "HIGH_PSYCHOSOCIAL_RISK",
    "DIRECTIONAL_PREFERENCE",
]
FINDING_CODES: tuple[str, ...] = FindingCode.__args__  # type: ignore[attr-defined]

# What a technique may name as a contraindication: a condition code or a finding code.
Contraindication = Condition | FindingCode


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DoseTemplate(_Data):
    """The starting dose of a technique. Kind decides which fields matter.

    - ``hold``: ``sets`` x ``hold_s`` seconds (per side when ``per_side``), ``rest_s`` between.
    - ``reps``: ``sets`` x ``reps`` repetitions (with an optional ``hold_s`` at the end of each rep).
    - ``contract_relax`` (PNF): ``sets`` x (``contract_s`` at ``contract_effort_pct`` then ``hold_s``).
    - ``timed``: ``sets`` x ``work_s`` seconds of continuous movement.
    - ``breaths``: ``sets`` x ``breaths`` slow breaths.
    - ``education``: ``minutes`` of reading or listening.
    """

    kind: Literal["hold", "reps", "contract_relax", "timed", "breaths", "education"]
    sets: Annotated[int, Field(ge=1, le=6)] = 1
    reps: Annotated[int, Field(ge=1, le=30)] | None = None
    hold_s: Annotated[int, Field(ge=1, le=120)] | None = None
    contract_s: Annotated[int, Field(ge=1, le=10)] | None = None
    contract_effort_pct: Annotated[int, Field(ge=5, le=50)] | None = None
    work_s: Annotated[int, Field(ge=10, le=600)] | None = None
    breaths: Annotated[int, Field(ge=1, le=30)] | None = None
    minutes: Annotated[float, Field(gt=0, le=20)] | None = None
    rest_s: Annotated[int, Field(ge=0, le=120)] = 0
    per_side: bool = False
    intensity_target: Annotated[int, Field(ge=0, le=7)] | None = Field(
        default=None,
        description="self-rated stretch intensity target 0-10; never above 7 (overstretch guard)",
    )
    tempo: str | None = None

    @model_validator(mode="after")
    def _fields_for_kind(self) -> DoseTemplate:
        needed = {
            "hold": ("hold_s",),
            "reps": ("reps",),
            "contract_relax": ("contract_s", "contract_effort_pct", "hold_s"),
            "timed": ("work_s",),
            "breaths": ("breaths",),
            "education": ("minutes",),
        }[self.kind]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"dose kind {self.kind!r} needs {', '.join(missing)}")
        return self


class Evidence(_Data):
    level: EvidenceLevel
    source: Annotated[str, Field(min_length=3)]
    note: str | None = None


class Technique(_Data):
    """One entry of the technique library."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
    name: Annotated[str, Field(min_length=3, max_length=80)]
    role: Role
    summary: Annotated[str, Field(min_length=10, max_length=300)]
    rationale: Annotated[str, Field(min_length=10)]
    steps: Annotated[tuple[str, ...], Field(min_length=2)]
    cues: Annotated[tuple[str, ...], Field(min_length=1)]
    directions: Annotated[tuple[MoveDirection, ...], Field(min_length=1)]
    end_range: bool
    load: Load
    neural_tension: NeuralTension
    mode: Mode
    positions: Annotated[tuple[Position, ...], Field(min_length=1)]
    equipment: tuple[Equipment, ...] = ()
    regions: Annotated[tuple[Region, ...], Field(min_length=1)]
    segments: tuple[Segment, ...] = ()
    addresses: tuple[FindingCode, ...] = ()
    contraindications: tuple[Contraindication, ...] = ()
    cautions: tuple[str, ...] = ()
    dose: DoseTemplate
    progressions: tuple[str, ...] = ()
    regressions: tuple[str, ...] = ()
    evidence: Evidence
    seed_article: bool = Field(
        default=False, description="the technique idea comes from one of the seed articles"
    )
