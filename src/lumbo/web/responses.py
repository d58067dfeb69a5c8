"""What every JSON API route answers: its ``response_model``, so ``/openapi.json`` describes each
response. Times are ISO 8601 strings, as the services write them. A domain document with its own
contract (an assessment, a plan, a session, progress; DESIGN.md, ``lumbo ... --json``) is named
here as an object and described by that contract.

Every model forbids fields it does not declare: an answer that drifted from its declared shape is
an error in the tests, never a silent change of the contract.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lumbo.services.progress import Progress as Progress
from lumbo.services.results import (
    AdjustmentJson,
    Approval,
    Document,
    JobOut,
    OutcomesJson,
    ReferralJson,
    UserOut,
    VideoOut,
)
from lumbo.services.results import ClinicOutcomesOut as ClinicOutcomesOut


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AssessmentDoc(Document):
    """An assessment, as ``lumbo assess --json`` (its JSON contract: DESIGN.md)."""


class PlanDoc(Document):
    """A 12-week plan, as ``lumbo plan --json`` (its JSON contract: DESIGN.md)."""


class TodayDoc(Document):
    """The session due on a day, as ``lumbo today --json`` (its JSON contract: DESIGN.md)."""


class Health(_Out):
    status: Literal["ok"]


class LoginOut(_Out):
    user: UserOut
    csrf_token: str = Field(description="send it back as X-CSRF-Token with every unsafe request")


class Alert(_Out):
    kind: str
    text: str


class CaseloadPatient(_Out):
    """A clinician's patient in their list."""

    id: str
    display_name: str | None = None
    days_since_session: int | None = None
    external_ref: str | None
    created_at: str
    plan_version: int | None
    adherence_percent: float | None
    last_session: str | None
    sessions_logged: int
    alerts: list[Alert]
    owner_id: str


class Enrolled(_Out):
    person_id: str
    external_ref: str | None
    referral: ReferralJson
    plan_version: int | None


class CurrentPlan(_Out):
    version: int
    reason: str
    created_at: str
    approval: Approval | None
    awaiting_approval: bool = False  # the latest version waits (a patient is shown the approved)
    plan: PlanDoc


class SwappedPlan(_Out):
    version: int
    reason: str
    plan: PlanDoc


class Recorded(_Out):
    created: bool = Field(description="false: a replay of an id already recorded")
    plan_version: int
    new_plan: bool
    adjustment: AdjustmentJson | None


class Reassessed(_Out):
    week: int
    referral: ReferralJson
    outcomes: OutcomesJson
    plan_version: int | None
    plan_created: bool


class Uploaded(_Out):
    video: VideoOut
    job: JobOut


class MeasurementRecorded(_Out):
    id: str
    movement: str
    created_at: str
    source: str


class ResetLink(_Out):
    reset_path: str = Field(description="the one-time link's path")
    valid_hours: int


class Erased(_Out):
    erased: Literal[True]
    rows: dict[str, int] = Field(description="rows deleted (or redacted) per table")
    files: int


class QuestionnairesDoc(Document):
    """An intake's questionnaires section (its JSON contract: DESIGN.md)."""


class QuestionnairesRead(_Out):
    questionnaires: QuestionnairesDoc


class Imported(_Out):
    person_id: str
    questionnaires: list[str]
    plan_version: int | None
