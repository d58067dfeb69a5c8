"""Typed results of the read use cases (``patient_records``, account and job listings): what the
services return and what the JSON API declares as its responses (``lumbo.web.responses``).

Times are ISO 8601 strings, as stored. A domain document with its own JSON contract (an intake, an
assessment, a referral decision, outcomes, a measurement result; DESIGN.md) is a named object
here, described by that contract. Every model forbids fields it does not declare.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel


class Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Document(RootModel[dict[str, Any]]):
    """A JSON object whose shape is one of lumbo's documented contracts (a whole answer); inside
    a result such an object is one of the ``...Json`` fields below."""


AssessmentJson = Annotated[
    dict[str, Any],
    Field(description="An assessment, as ``lumbo assess --json`` (its JSON contract: DESIGN.md)."),
]


IntakeJson = Annotated[
    dict[str, Any],
    Field(description="An intake (schema_version 1) (its JSON contract: DESIGN.md)."),
]


ReferralJson = Annotated[
    dict[str, Any],
    Field(description="The referral decision of an assessment (its JSON contract: DESIGN.md)."),
]


AdjustmentJson = Annotated[
    dict[str, Any],
    Field(
        description="What the adjustment rules decided per technique (its JSON contract: DESIGN.md)."
    ),
]


OutcomesJson = Annotated[
    dict[str, Any],
    Field(description="Outcomes against baseline (MCID and norms) (its JSON contract: DESIGN.md)."),
]


MeasurementResultJson = Annotated[
    dict[str, Any],
    Field(
        description="A video measurement result, as ``lumbo measure --json`` (its JSON contract: DESIGN.md)."
    ),
]


PlanJson = Annotated[
    dict[str, Any],
    Field(description="A 12-week plan, as ``lumbo plan --json`` (its JSON contract: DESIGN.md)."),
]


FhirBundleJson = Annotated[
    dict[str, Any],
    Field(description="A FHIR R4 Bundle of the person (docs/fhir.md)."),
]


StoreRecordJson = Annotated[
    dict[str, Any],
    Field(description="A stored record (an approval, an audit entry) as the store writes it."),
]


class PersonOut(Result):
    id: str
    external_ref: str | None
    owner_id: str | None
    created_at: str


class UserOut(Result):
    id: str
    email: str
    role: Literal["clinician", "patient", "admin"]
    person_id: str | None
    active: bool
    created_at: str


class PatientSummary(Result):
    """A patient, their latest referral decision, plan version and login (if any)."""

    id: str
    external_ref: str | None
    owner_id: str | None
    created_at: str
    referral: ReferralJson | None
    plan_version: int | None
    account: str | None


class StoredIntake(Result):
    id: str
    kind: str
    created_at: str
    intake: IntakeJson


class StoredAssessment(Result):
    id: str
    intake_id: str
    created_at: str
    assessment: AssessmentJson


class Approval(Result):
    version: int
    approved_by: str | None
    approved_at: str
    note: str | None


class PlanVersionOut(Result):
    version: int
    reason: str
    created_at: str
    adjustment: AdjustmentJson | None
    changed_by: str | None = None  # the editing account's id; None when the engine made it


class Reassessment(Result):
    id: str
    week: int
    created_at: str
    assessment_id: str
    outcomes: OutcomesJson


class VideoOut(Result):
    id: str
    person_id: str
    movement: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    job_id: str | None
    created_at: str


class JobOut(Result):
    """A background job: ``queued``, ``running``, ``done`` or ``failed``; progress 0-1."""

    id: str
    kind: str
    person_id: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    result: MeasurementResultJson | None
    error: str | None
    attempts: int
    created_at: str
    updated_at: str


class Measurement(Result):
    id: str
    movement: str
    created_at: str
    result: MeasurementResultJson
    source: str | None = Field(description="who recorded it and how (none on older rows)")
    author_id: str | None


class AuditEntryOut(Result):
    id: str
    at: str
    actor_id: str | None
    actor_role: str | None
    action: Literal["read", "write"]
    method: str
    route: str
    person_id: str | None
    resource_id: str | None
    outcome: Literal["allowed", "denied"]
    client: str | None
    event: str | None


class RateOut(Result):
    """A responder rate: ``responders`` of ``measured`` patients, with its 95% Wilson interval."""

    measure: str
    label: str
    responders: int
    measured: int
    percent: float | None
    ci95: tuple[float, float] | None
    threshold: str
    source: str


class GroupOut(Result):
    group: str
    patients: int
    proms: tuple[RateOut, ...]
    rom: tuple[RateOut, ...]
    adherence_median_pct: float | None
    adherence_known: int


class ClinicOutcomesOut(Result):
    """A clinician's clinic outcomes (:class:`lumbo.domain.outcomes.clinic.ClinicOutcomes`, its
    JSON contract: DESIGN.md)."""

    overall: GroupOut
    by_classification: tuple[GroupOut, ...]
    by_adherence: tuple[GroupOut, ...]
    notes: tuple[str, ...]
