"""Request bodies of the JSON API that are not domain contracts (those come from the domain)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lumbo.domain.movements import Movement

Email = Annotated[str, Field(min_length=3, max_length=254)]
Password = Annotated[str, Field(min_length=1, max_length=1024)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LoginIn(_In):
    email: Email
    password: Password


class UserIn(_In):
    email: Email
    password: Password
    role: Literal["clinician", "admin"]


class AccountIn(_In):
    email: Email
    password: Password


class SwapIn(_In):
    plan_version: Annotated[int, Field(ge=1, le=100_000)]
    technique: Annotated[str, Field(min_length=1, max_length=64)]
    replacement: Annotated[str, Field(min_length=1, max_length=64)]
    from_week: Annotated[int, Field(ge=1, le=12)] | None = Field(
        default=None, description="first week changed (default: the current plan week)"
    )


class ApproveIn(_In):
    plan_version: Annotated[int, Field(ge=1, le=100_000)]
    note: Annotated[str, Field(max_length=2000)] | None = None


Degrees = Annotated[float, Field(ge=-360, le=360, allow_inf_nan=False)]


class MeasuredResult(BaseModel):
    """The shape of `lumbo measure --json`: the parts lumbo reads are checked, the rest is kept."""

    model_config = ConfigDict(extra="allow", frozen=True)
    movement: Annotated[str, Field(min_length=1, max_length=64)]
    view: Literal["side", "front"]
    summary: dict[
        Annotated[str, Field(max_length=64)],
        Degrees | str | bool | list[Any] | dict[str, Any] | None,
    ]
    measurements: dict[Annotated[str, Field(max_length=64)], Any] = Field(default_factory=dict)
    warnings: list[Annotated[str, Field(max_length=2000)]] = Field(
        default_factory=list, max_length=200
    )


class MeasurementIn(_In):
    movement: Annotated[
        str,
        Field(
            min_length=1,
            max_length=64,
            description=", ".join(Movement.names()),
        ),
    ]
    result: MeasuredResult = Field(description="the JSON of `lumbo measure --json`")

    @field_validator("movement")
    @classmethod
    def _known_movement(cls, value: str) -> str:
        movement = Movement.of(value)
        if movement is None:
            raise ValueError(f"must be one of {', '.join(Movement.names())}")
        return movement.key

    @model_validator(mode="after")
    def _same_movement(self) -> MeasurementIn:
        measured = Movement.of(self.result.movement)
        if measured is None or measured.key != self.movement:
            raise ValueError("result.movement must be the measured movement")
        return self


INTAKE_DOC = (
    "an intake document, as `lumbo schema intake` describes (for example "
    "`examples/intake-seed-case.json`); faults are reported per field with 422"
)
