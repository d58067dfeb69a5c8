"""What the repositories store and return: frozen records wrapping the domain's contract models.

Services and the in-memory fake speak in these records, never in ORM rows, so a fake and the real
store are interchangeable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from lumbo.domain.adjust.state import Settled
from lumbo.domain.assessment.model import Assessment
from lumbo.domain.intake import Intake
from lumbo.domain.protocol.model import Adjustment, Alert, CheckIn, Plan, SessionLog
from lumbo.store.tables import new_id, utcnow

IntakeKind = Literal["baseline", "reassessment"]
WORSENING_RISE = 2  # lumbo policy: a rise of 2/10 in next-morning pain over the latest check-ins
PAIN_TREND_CHECKINS = 4  # lumbo policy: the check-ins the trend looks at


class _UTC:
    """Records keep ``created_at`` in UTC; a naive timestamp is a programming error."""

    __slots__ = ()

    created_at: datetime

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        object.__setattr__(self, "created_at", self.created_at.astimezone(UTC))


@dataclass(frozen=True, slots=True)
class PersonRecord(_UTC):
    external_ref: str | None = None
    owner_id: str | None = None
    display_name: str | None = None  # the patient's name as the clinician writes it
    start_on: date | None = None  # the plan's first day (None: the day of enrolment)
    self_directed: bool = False  # an individual at home without a clinician (issue 20)
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)

    @property
    def unsupervised(self) -> bool:
        """Self-directed and no clinician has taken them on: the self-directed limits apply and
        every plan version is in force as it is made."""
        return self.self_directed and self.owner_id is None


@dataclass(frozen=True, slots=True)
class IntakeRecord(_UTC):
    person_id: str
    kind: IntakeKind
    intake: Intake
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class AssessmentRecord(_UTC):
    person_id: str
    intake_id: str
    assessment: Assessment
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class PlanVersion(_UTC):
    """One stored version of a person's plan; ``plan.version`` equals ``version``."""

    person_id: str
    version: int
    plan: Plan
    reason: str
    assessment_id: str | None = None
    adjustment: Adjustment | None = None
    changed_by: str | None = None  # the account whose edit made this version (None: the engine)
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class StoredSessionLog(_UTC):
    person_id: str
    log: SessionLog
    plan_version: int | None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class StoredCheckIn(_UTC):
    person_id: str
    checkin: CheckIn
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class ReassessmentRecord(_UTC):
    person_id: str
    intake_id: str
    assessment_id: str
    week: int | None = None
    outcomes: dict[str, Any] | None = None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class VideoMeasurementRecord(_UTC):
    person_id: str
    movement: str
    result: dict[str, Any]
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    author_id: str | None = None  # the account that recorded it (None: the CLI or older rows)
    source: str | None = None  # patient_reported | clinician | video_job | cli


@dataclass(frozen=True, slots=True)
class PersonStatus:
    """Derived per-person state kept beside the history (table ``person_status``): the adjustment
    rules' summary of the settled sessions (judged against ``plan_version``), the alerts of the
    latest adjustment, and the latest session with warning signs (performed_on, week, index)."""

    person_id: str
    plan_version: int | None = None
    settled: Settled | None = None
    alerts: tuple[Alert, ...] = ()
    last_warning: tuple[str, int, int] | None = None
    updated_at: datetime = field(default_factory=utcnow)
    pain_rise: int | None = None  # next-morning pain: latest minus lowest of the latest check-ins

    @property
    def worsening(self) -> bool:
        """Lumbo policy: next-morning pain up by 2 points or more over the latest check-ins."""
        return self.pain_rise is not None and self.pain_rise >= WORSENING_RISE

    @property
    def attention(self) -> int:
        return len(self.alerts) + (self.last_warning is not None) + self.worsening


@dataclass(frozen=True, slots=True)
class QuestionnaireResponse(_UTC):
    """A questionnaire set the patient filled in on their phone (issue 16). ``id`` comes from the
    client, so a re-sent answer is stored once. ``kind``: intake (before the first visit) or
    reassessment (weeks 4, 8, 12); ``answers`` by instrument, ``scores`` as lumbo scored them."""

    person_id: str
    id: str
    kind: str
    week: int | None
    answers: dict[str, Any]
    scores: dict[str, Any]
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class PatientSettings:
    """The patient's own settings: the private calendar feed (only the token's hash is kept; None
    when revoked), reminders (days 0=Monday..6, a local time HH:MM in the patient's time zone,
    e-mail on or off) and the lessons marked as read."""

    person_id: str
    calendar_token_hash: str | None = None
    reminder_days: tuple[int, ...] = ()
    reminder_time: str | None = None
    reminder_email: bool = False
    reminded_on: str | None = None  # ISO date of the last e-mail reminder (one a day at most)
    time_zone: str | None = None  # IANA name (Europe/Paris); None: the clinic's time zone
    lessons_read: tuple[str, ...] = ()  # education techniques the patient marked as read
    updated_at: datetime = field(default_factory=utcnow)
