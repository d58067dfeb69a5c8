"""What every JSON API route answers: its ``response_model``, so ``/openapi.json`` describes each
response. Times are ISO 8601 strings, as the services write them. A domain document with its own
contract (an assessment, a plan, a session, progress; DESIGN.md, ``lumbo ... --json``) is named
here as an object and described by that contract.

Every model forbids fields it does not declare: an answer that drifted from its declared shape is
an error in the tests, never a silent change of the contract.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Document(RootModel[dict[str, Any]]):
    """A JSON object whose shape is one of lumbo's documented contracts."""


class AssessmentDoc(_Document):
    """An assessment, as ``lumbo assess --json`` (its JSON contract: DESIGN.md)."""


class PlanDoc(_Document):
    """A 12-week plan, as ``lumbo plan --json`` (its JSON contract: DESIGN.md)."""


class TodayDoc(_Document):
    """The session due on a day, as ``lumbo today --json`` (its JSON contract: DESIGN.md)."""


class ProgressDoc(_Document):
    """Progress, as ``lumbo progress --json`` (its JSON contract: DESIGN.md)."""


class ClinicOutcomesDoc(_Document):
    """A clinician's clinic outcomes (its JSON contract: DESIGN.md)."""


class IntakeDoc(_Document):
    """An intake (schema_version 1) (its JSON contract: DESIGN.md)."""


class ReferralDoc(_Document):
    """The referral decision of an assessment (its JSON contract: DESIGN.md)."""


class AdjustmentDoc(_Document):
    """What the adjustment rules decided per technique (its JSON contract: DESIGN.md)."""


class OutcomesDoc(_Document):
    """Outcomes against baseline (MCID and norms) (its JSON contract: DESIGN.md)."""


class MeasurementResultDoc(_Document):
    """A video measurement result, as ``lumbo measure --json`` (its JSON contract: DESIGN.md)."""


class Health(_Out):
    status: Literal["ok"]


class UserOut(_Out):
    id: str
    email: str
    role: Literal["clinician", "patient", "admin"]
    person_id: str | None
    active: bool
    created_at: str


class LoginOut(_Out):
    user: UserOut
    csrf_token: str = Field(description="send it back as X-CSRF-Token with every unsafe request")


class Alert(_Out):
    kind: str
    text: str


class CaseloadPatient(_Out):
    """A clinician's patient in their list."""

    id: str
    external_ref: str | None
    created_at: str
    plan_version: int | None
    adherence_percent: float | None
    last_session: str | None
    sessions_logged: int
    alerts: list[Alert]
    owner_id: str


class PatientSummary(_Out):
    """A patient, their latest referral decision, plan version and login (if any)."""

    id: str
    external_ref: str | None
    owner_id: str | None
    created_at: str
    referral: ReferralDoc | None
    plan_version: int | None
    account: str | None


class Enrolled(_Out):
    person_id: str
    external_ref: str | None
    referral: ReferralDoc
    plan_version: int | None


class StoredIntake(_Out):
    id: str
    kind: str
    created_at: str
    intake: IntakeDoc


class StoredAssessment(_Out):
    id: str
    intake_id: str
    created_at: str
    assessment: AssessmentDoc


class Approval(_Out):
    version: int
    approved_by: str | None
    approved_at: str
    note: str | None


class CurrentPlan(_Out):
    version: int
    reason: str
    created_at: str
    approval: Approval | None
    plan: PlanDoc


class PlanVersionOut(_Out):
    version: int
    reason: str
    created_at: str
    adjustment: AdjustmentDoc | None


class SwappedPlan(_Out):
    version: int
    reason: str
    plan: PlanDoc


class Recorded(_Out):
    created: bool = Field(description="false: a replay of an id already recorded")
    plan_version: int
    new_plan: bool
    adjustment: AdjustmentDoc | None


class SessionLogDoc(_Document):
    """A performed session, as recorded (its JSON contract: DESIGN.md)."""


class CheckInDoc(_Document):
    """A next-morning check-in, as recorded (its JSON contract: DESIGN.md)."""


class Reassessed(_Out):
    week: int
    referral: ReferralDoc
    outcomes: OutcomesDoc
    plan_version: int | None
    plan_created: bool


class Reassessment(_Out):
    id: str
    week: int
    created_at: str
    assessment_id: str
    outcomes: OutcomesDoc


class VideoOut(_Out):
    id: str
    person_id: str
    movement: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    job_id: str | None
    created_at: str


class JobOut(_Out):
    """A background job: ``queued``, ``running``, ``done`` or ``failed``; progress 0-1."""

    id: str
    kind: str
    person_id: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    result: MeasurementResultDoc | None
    error: str | None
    attempts: int
    created_at: str
    updated_at: str


class Uploaded(_Out):
    video: VideoOut
    job: JobOut


class MeasurementRecorded(_Out):
    id: str
    movement: str
    created_at: str
    source: str


class Measurement(_Out):
    id: str
    movement: str
    created_at: str
    result: MeasurementResultDoc
    source: str | None = Field(description="who recorded it and how (none on older rows)")
    author_id: str | None


class AuditEntryOut(_Out):
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


class ResetLink(_Out):
    reset_path: str = Field(description="the one-time link's path")
    valid_hours: int


class Erased(_Out):
    erased: Literal[True]
    rows: dict[str, int] = Field(description="rows deleted (or redacted) per table")
    files: int


class QuestionnairesDoc(_Document):
    """An intake's questionnaires section (its JSON contract: DESIGN.md)."""


class QuestionnairesRead(_Out):
    questionnaires: QuestionnairesDoc


class Imported(_Out):
    person_id: str
    questionnaires: list[str]
    plan_version: int | None
