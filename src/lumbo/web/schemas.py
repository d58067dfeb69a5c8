"""Request bodies of the JSON API that are not domain contracts (those come from the domain)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class MeasurementIn(_In):
    movement: Annotated[str, Field(min_length=1, max_length=64)]
    result: dict[str, Any] = Field(description="the JSON of `lumbo measure --json`")


INTAKE_DOC = (
    "an intake document, as `lumbo schema intake` describes (for example "
    "`examples/intake-seed-case.json`); faults are reported per field with 422"
)
