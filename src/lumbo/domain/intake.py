"""The intake: everything lumbo knows about a person before it assesses them.

Units are in the field names. Every section except ``person.age``, ``preferences`` and ``red_flags`` may
be absent, and absent means "not assessed": lumbo never guesses a value it was not given. Unknown fields
are rejected, so a misspelt field cannot silently become "not assessed".
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lumbo.domain.dates import RecordDate
from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.validation import problems_from

SEGMENTS: tuple[str, ...] = ("L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1")
Segment = Literal["L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"]
Side = Literal["left", "right"]


class Sex(StrEnum):
    male = "male"
    female = "female"
    other = "other"


class Equipment(StrEnum):
    mat = "mat"
    band = "band"
    foam_roller = "foam_roller"
    ball = "ball"
    chair = "chair"
    wall = "wall"
    strap = "strap"
    bench = "bench"
    step = "step"
    towel = "towel"


class Condition(StrEnum):
    spondylolisthesis = "spondylolisthesis"
    osteoporosis = "osteoporosis"
    pregnancy = "pregnancy"
    lumbar_fusion = "lumbar_fusion"
    spinal_stenosis = "spinal_stenosis"
    disc_herniation = "disc_herniation"
    inflammatory_arthritis = "inflammatory_arthritis"
    hypermobility_syndrome = "hypermobility_syndrome"
    hip_replacement = "hip_replacement"
    recent_spinal_surgery = "recent_spinal_surgery"


class Distribution(StrEnum):
    back_only = "back_only"
    buttock = "buttock"
    thigh = "thigh"
    below_knee = "below_knee"


class Bothersomeness(StrEnum):
    not_at_all = "not_at_all"
    slightly = "slightly"
    moderately = "moderately"
    very_much = "very_much"
    extremely = "extremely"


class MeasurementMethod(StrEnum):
    dual_inclinometer = "dual_inclinometer"
    single_inclinometer = "single_inclinometer"
    goniometer = "goniometer"
    tape = "tape"
    visual_estimate = "visual_estimate"
    video = "video"


class Mobility(StrEnum):
    hypo = "hypo"
    normal = "normal"
    hyper = "hyper"


class TestResult(StrEnum):
    positive = "positive"
    negative = "negative"


class KneeReach(StrEnum):
    """The hamstring self-test (90-90, lying on your back): how far the knee straightens."""

    near_straight = "near_straight"
    clearly_bent = "clearly_bent"


class Direction(StrEnum):
    extension = "extension"
    flexion = "flexion"
    lateral = "lateral"
    none = "none"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


Pain = Annotated[int, Field(strict=True, ge=0, le=10)]


class Person(_Model):
    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")] | None = (
        None
    )
    age: Annotated[int, Field(ge=10, le=110, description="years")]
    sex: Sex | None = None
    height_cm: Annotated[float, Field(ge=100, le=250)] | None = None
    weight_kg: Annotated[float, Field(ge=25, le=300)] | None = None
    occupation: Annotated[str, Field(max_length=120)] | None = None
    sitting_hours_per_day: Annotated[float, Field(ge=0, le=24)] | None = None
    working: bool | None = None  # in paid work; false: FABQ-PA is used for fear avoidance


class Preferences(_Model):
    minutes_per_session: Annotated[int, Field(ge=10, le=90)]
    sessions_per_week: Annotated[int, Field(ge=1, le=7)]
    equipment: tuple[Equipment, ...] = ()
    start_date: RecordDate | None = None

    @field_validator("equipment")
    @classmethod
    def _unique_equipment(cls, v: tuple[Equipment, ...]) -> tuple[Equipment, ...]:
        return tuple(sorted(set(v), key=lambda e: e.value))


class History(_Model):
    symptom_duration_days: Annotated[int, Field(ge=0, le=36500)] | None = None
    episodes_last_year: Annotated[int, Field(ge=0, le=365)] | None = None
    conditions: tuple[Condition, ...] = ()
    clinician_clearance: bool = False
    pregnancy_weeks: Annotated[int, Field(strict=True, ge=0, le=45)] | None = None
    obstetric_clearance: bool = False


RED_FLAG_FIELDS: tuple[str, ...] = (
    "saddle_anaesthesia",
    "bladder_or_bowel_dysfunction",
    "progressive_neurological_deficit",
    "history_of_cancer",
    "unexplained_weight_loss",
    "fever_or_chills",
    "recent_bacterial_infection",
    "iv_drug_use",
    "immunosuppression",
    "major_trauma",
    "minor_trauma_with_osteoporosis",
    "prolonged_corticosteroids",
    "severe_night_pain",
    "pain_worse_lying_down",
)


class RedFlags(_Model):
    """Each flag is true, false, or absent (= not screened, which is reported as a caution)."""

    saddle_anaesthesia: bool | None = None
    bladder_or_bowel_dysfunction: bool | None = None
    progressive_neurological_deficit: bool | None = None
    history_of_cancer: bool | None = None
    unexplained_weight_loss: bool | None = None
    fever_or_chills: bool | None = None
    recent_bacterial_infection: bool | None = None
    iv_drug_use: bool | None = None
    immunosuppression: bool | None = None
    major_trauma: bool | None = None
    minor_trauma_with_osteoporosis: bool | None = None
    prolonged_corticosteroids: bool | None = None
    severe_night_pain: bool | None = None
    pain_worse_lying_down: bool | None = None


class Symptoms(_Model):
    pain_now: Pain | None = None
    pain_best: Pain | None = None
    pain_worst: Pain | None = None
    distribution: Distribution | None = None
    numbness_or_tingling: bool | None = None
    bilateral_leg_symptoms: bool | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Symptoms:
        best, worst = self.pain_best, self.pain_worst
        if best is not None and worst is not None and best > worst:
            raise ValueError("pain_best must not exceed pain_worst")
        return self


class PsfsItem(_Model):
    activity: Annotated[str, Field(min_length=1, max_length=200)]
    score: Annotated[int, Field(strict=True, ge=0, le=10)]


OdiSection = Annotated[int, Field(strict=True, ge=0, le=5)] | None
Bit = Literal[0, 1]
FabqItem = Annotated[int, Field(strict=True, ge=0, le=6)]
PromisItem = Annotated[int, Field(strict=True, ge=1, le=5)]

PROMIS_4A: tuple[str, ...] = ("PAININ9", "PAININ22", "PAININ31", "PAININ34")
PROMIS_6A: tuple[str, ...] = (*PROMIS_4A, "PAININ12", "PAININ36")
PROMIS_8A: tuple[str, ...] = (*PROMIS_6A, "PAININ3", "PAININ13")


def _exact_items(v: dict[str, int], expected: tuple[str, ...]) -> dict[str, int]:
    missing = [c for c in expected if c not in v]
    extra = [c for c in v if c not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("unexpected " + ", ".join(extra))
        raise ValueError(
            "items must be exactly " + ", ".join(expected) + " (" + "; ".join(parts) + ")"
        )
    return v


class Questionnaires(_Model):
    odi: Annotated[tuple[OdiSection, ...], Field(min_length=10, max_length=10)] | None = None
    rmdq: Annotated[tuple[bool, ...], Field(min_length=24, max_length=24)] | None = None
    start_back: tuple[Bit, Bit, Bit, Bit, Bit, Bit, Bit, Bit, Bothersomeness] | None = None
    fabq: Annotated[tuple[FabqItem, ...], Field(min_length=16, max_length=16)] | None = None
    promis_pi_4a: dict[str, PromisItem] | None = None
    promis_pi_6a: dict[str, PromisItem] | None = None
    promis_pi_8a: dict[str, PromisItem] | None = None
    psfs: Annotated[tuple[PsfsItem, ...], Field(min_length=1, max_length=5)] | None = None

    @field_validator("promis_pi_4a")
    @classmethod
    def _items_4a(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        return None if v is None else _exact_items(v, PROMIS_4A)

    @field_validator("promis_pi_6a")
    @classmethod
    def _items_6a(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        return None if v is None else _exact_items(v, PROMIS_6A)

    @field_validator("promis_pi_8a")
    @classmethod
    def _items_8a(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        return None if v is None else _exact_items(v, PROMIS_8A)


class SideBool(_Model):
    left: bool | None = None
    right: bool | None = None


class SideTest(_Model):
    left: TestResult | None = None
    right: TestResult | None = None


class NeuroGrade(StrEnum):
    """One neurological screen result. Myotomes: reduced = weakness, absent = marked weakness (little
    or no movement against gravity). Reflexes and dermatomal sensation: reduced or absent."""

    normal = "normal"
    reduced = "reduced"
    absent = "absent"


class SideNeuro(_Model):
    left: NeuroGrade | None = None
    right: NeuroGrade | None = None


class NeuroScreen(_Model):
    """Lower-limb neurological screen, each side; every field optional (absent = not assessed)."""

    myotomes: SideNeuro | None = None
    reflexes: SideNeuro | None = None
    dermatomes: SideNeuro | None = None
    motor_deficit_new: bool | None = None


class Measurements(_Model):
    method: MeasurementMethod | None = None
    lumbar_flexion_deg: Annotated[float, Field(ge=0, le=120)] | None = None
    lumbar_extension_deg: Annotated[float, Field(ge=0, le=60)] | None = None
    lateral_flexion_left_deg: Annotated[float, Field(ge=0, le=60)] | None = None
    lateral_flexion_right_deg: Annotated[float, Field(ge=0, le=60)] | None = None
    rotation_left_deg: Annotated[float, Field(ge=0, le=90)] | None = None
    rotation_right_deg: Annotated[float, Field(ge=0, le=90)] | None = None
    modified_schober_cm: Annotated[float, Field(ge=0, le=15)] | None = None
    slr_left_deg: Annotated[float, Field(ge=0, le=130)] | None = None
    slr_right_deg: Annotated[float, Field(ge=0, le=130)] | None = None
    slr_reproduces_leg_symptoms: SideBool | None = None
    slump: SideTest | None = None
    ake_left_deg: Annotated[float, Field(ge=0, le=90)] | None = None
    ake_right_deg: Annotated[float, Field(ge=0, le=90)] | None = None
    thomas_hip_left_deg: Annotated[float, Field(ge=-45, le=60)] | None = None
    thomas_hip_right_deg: Annotated[float, Field(ge=-45, le=60)] | None = None
    thomas_knee_left_deg: Annotated[float, Field(ge=0, le=160)] | None = None
    thomas_knee_right_deg: Annotated[float, Field(ge=0, le=160)] | None = None
    hip_internal_rotation_left_deg: Annotated[float, Field(ge=0, le=90)] | None = None
    hip_internal_rotation_right_deg: Annotated[float, Field(ge=0, le=90)] | None = None
    prone_instability_test: TestResult | None = None
    aberrant_movement: bool | None = None
    segmental_mobility: dict[Segment, Mobility] | None = None
    segmental_pain: dict[Segment, bool] | None = None
    beighton: Annotated[int, Field(strict=True, ge=0, le=9)] | None = None
    directional_preference: Direction | None = None
    neuro_screen: NeuroScreen | None = None
    # Self-tests a person does alone (issue 20). No published norm is encoded for the two
    # counts below: they are tracked against the person's own baseline (lumbo policy).
    fingertip_to_floor_cm: Annotated[float, Field(ge=0, le=100)] | None = None
    sit_to_stand_30s: Annotated[int, Field(strict=True, ge=0, le=60)] | None = None
    hamstring_self_test_left: KneeReach | None = None
    hamstring_self_test_right: KneeReach | None = None


class Intake(_Model):
    """A complete intake document (schema version 1)."""

    schema_version: Literal[1] = 1
    person: Person
    preferences: Preferences
    history: History = History()
    red_flags: RedFlags
    symptoms: Symptoms = Symptoms()
    questionnaires: Questionnaires = Questionnaires()
    measurements: Measurements = Measurements()


def parse_intake(data: Any) -> Intake:
    """Validate a decoded JSON document as an :class:`Intake`; raise :class:`InvalidInput` on faults."""
    if not isinstance(data, dict):
        raise InvalidInput(
            [Problem("(document)", "must be a JSON object", type(data).__name__)], "intake"
        )
    try:
        # Strict JSON-mode validation: "48" is not a number and "no" is not false in a clinical record.
        return Intake.model_validate_json(json.dumps(data, default=str), strict=True)
    except ValidationError as err:
        raise InvalidInput(problems_from(err, Intake), "intake") from None


def parse_intake_json(text: str | bytes) -> Intake:
    """Parse and validate intake JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidInput(
            [
                Problem(
                    "(document)",
                    f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}",
                )
            ],
            "intake",
        ) from None
    return parse_intake(data)


def intake_json_schema() -> dict[str, Any]:
    """The JSON Schema of the intake document."""
    schema = Intake.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "lumbo intake (schema_version 1)"
    return schema
