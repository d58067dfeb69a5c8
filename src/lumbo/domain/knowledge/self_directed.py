"""Schemas of the two knowledge files of the individual at home (issue 20):

* ``self_tests.toml``: the tests a person can do safely alone, each with its steps, a "stop if",
  how to record the result, the intake field it fills, a picture (a technique illustration) and
  its source key (``sources.toml``) or "lumbo policy" with a reason;
* ``self_directed.toml``: the stricter defaults of a plan nobody supervises (no nerve tensioners,
  no end-range spinal work without a recorded directional preference, conservative doses, nothing
  that needs a clinician), each rule with its reason and source.

Unknown keys are refused, like every knowledge file.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lumbo.domain.intake import Measurements
from lumbo.domain.knowledge import load_knowledge

MEASUREMENT_FIELDS = frozenset(Measurements.model_fields)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TestChoice(_Strict):
    value: str
    words: str
    fills: dict[str, str] = Field(
        default_factory=dict, description="intake measurement field -> the value this answer sets"
    )


SelfTestKind = Literal["video", "number", "choice"]


class SelfTest(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    name: str
    kind: SelfTestKind
    purpose: str
    steps: Annotated[tuple[str, ...], Field(min_length=2)]
    stop_if: str
    record: str
    fills: Annotated[tuple[str, ...], Field(min_length=1)]
    picture: str
    source: str
    reason: str
    movement: str | None = None  # kind "video": the movement filmed (``domain.movements``)
    unit: str | None = None  # kind "number"
    low: float | None = None
    high: float | None = None
    integer: bool = False
    sides: bool = False  # asked for the left and the right side
    # with ``sides``: the right side's instructions, short (the left side's were just read)
    steps_other_side: tuple[str, ...] = ()
    # asked on the phone after the first plan (with FABQ and PROMIS), not before it; still asked
    # at the self-checks of weeks 4, 8 and 12 (lumbo policy: no rule of the plan reads it)
    after_plan: bool = False
    # asked right after the first plan, in the self-assessment on the phone, and the plan is then
    # rebuilt from the result ("fit your plan"; lumbo policy: the first plan, made without it,
    # follows the stricter defaults for an unknown result); still asked at the self-checks
    fits_plan: bool = False
    choice: tuple[TestChoice, ...] = ()
    norm: str = Field(description="what the result is compared with, in plain words")

    @model_validator(mode="after")
    def _consistent(self) -> SelfTest:
        unknown = [f for f in self.fills if f not in MEASUREMENT_FIELDS]
        unknown += [f for c in self.choice for f in c.fills if f not in MEASUREMENT_FIELDS]
        if unknown:
            raise ValueError(f"fills unknown intake measurement field(s): {', '.join(unknown)}")
        if self.kind == "number" and (self.unit is None or self.low is None or self.high is None):
            raise ValueError("a number test needs unit, low and high")
        if self.kind == "choice" and len(self.choice) < 2:
            raise ValueError("a choice test needs at least two choices")
        if self.after_plan and self.fits_plan:
            raise ValueError("a test is asked after the plan (after_plan) or fits it (fits_plan)")
        if self.kind == "video" and self.movement is None:
            raise ValueError("a video test needs its movement")
        return self


class SelfTestsFile(_Strict):
    test: Annotated[tuple[SelfTest, ...], Field(min_length=1)]


class PolicyRule(_Strict):
    key: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    words: str  # the rule for a person reading their plan, second person
    reason: str
    source: str


class Exclusion(_Strict):
    technique: str
    reason: str
    source: str


class Caps(_Strict):
    max_sets: Annotated[int, Field(ge=1, le=6)]
    max_intensity_target: Annotated[int, Field(ge=0, le=7)]
    reason: str
    source: str


class SelfDirectedFile(_Strict):
    rule: Annotated[tuple[PolicyRule, ...], Field(min_length=1)]
    caps: Caps
    exclude: tuple[Exclusion, ...] = ()


@cache
def self_tests() -> tuple[SelfTest, ...]:
    return load_knowledge("self_tests.toml", SelfTestsFile).test


@cache
def self_directed_policy() -> SelfDirectedFile:
    return load_knowledge("self_directed.toml", SelfDirectedFile)
