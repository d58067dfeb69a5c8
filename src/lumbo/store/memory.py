"""An in-memory :class:`JourneyRepository` with the same contract as the SQLAlchemy one.

It works on a private copy of :class:`MemoryData`; :class:`~lumbo.store.unit_of_work.FakeUnitOfWork`
publishes the copy on commit and drops it on rollback, so the fake is transactional too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lumbo.domain.errors import Conflict
from lumbo.store.records import (
    AssessmentRecord,
    IntakeRecord,
    PatientSettings,
    PersonRecord,
    PersonStatus,
    PlanVersion,
    QuestionnaireResponse,
    ReassessmentRecord,
    StoredCheckIn,
    StoredSessionLog,
    VideoMeasurementRecord,
)
from lumbo.store.repository import JourneyRepository


@dataclass
class MemoryData:
    persons: list[PersonRecord] = field(default_factory=list)
    intakes: list[IntakeRecord] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    plans: list[PlanVersion] = field(default_factory=list)
    logs: list[StoredSessionLog] = field(default_factory=list)
    checkins: list[StoredCheckIn] = field(default_factory=list)
    reassessments: list[ReassessmentRecord] = field(default_factory=list)
    videos: list[VideoMeasurementRecord] = field(default_factory=list)
    statuses: list[PersonStatus] = field(default_factory=list)
    questionnaires: list[QuestionnaireResponse] = field(default_factory=list)
    settings: list[PatientSettings] = field(default_factory=list)

    def copy(self) -> MemoryData:
        """A copy whose lists can change independently (the records themselves are frozen)."""
        fields = self.__dataclass_fields__
        return replace(self, **{name: list(getattr(self, name)) for name in fields})


class InMemoryRepository(JourneyRepository):
    def __init__(self, data: MemoryData) -> None:
        self.data = data

    def _need_person(self, person_id: str, what: str) -> None:
        if self.get_person(person_id) is None:
            raise Conflict(f"{what} contradicts stored state: no person {person_id}")

    def add_person(self, person: PersonRecord) -> None:
        if self.get_person(person.id) is not None:
            raise Conflict(f"person {person.id} contradicts stored state: already exists")
        self.data.persons.append(person)

    def get_person(self, person_id: str) -> PersonRecord | None:
        return next((p for p in self.data.persons if p.id == person_id), None)

    def persons(self) -> list[PersonRecord]:
        return sorted(self.data.persons, key=lambda p: p.created_at)

    def add_intake(self, intake: IntakeRecord) -> None:
        self._need_person(intake.person_id, f"intake {intake.id}")
        self.data.intakes.append(intake)

    def intakes(self, person_id: str) -> list[IntakeRecord]:
        return sorted(
            (i for i in self.data.intakes if i.person_id == person_id), key=lambda i: i.created_at
        )

    def add_assessment(self, assessment: AssessmentRecord) -> None:
        self._need_person(assessment.person_id, f"assessment {assessment.id}")
        if not any(i.id == assessment.intake_id for i in self.data.intakes):
            raise Conflict(f"assessment {assessment.id}: no intake {assessment.intake_id}")
        if any(a.intake_id == assessment.intake_id for a in self.data.assessments):
            raise Conflict(f"assessment {assessment.id}: intake already assessed")
        self.data.assessments.append(assessment)

    def assessments(self, person_id: str) -> list[AssessmentRecord]:
        return sorted(
            (a for a in self.data.assessments if a.person_id == person_id),
            key=lambda a: a.created_at,
        )

    def add_plan_version(self, plan: PlanVersion) -> None:
        what = f"plan version {plan.version} of person {plan.person_id}"
        self._need_person(plan.person_id, what)
        if any(p.version == plan.version for p in self.plan_versions(plan.person_id)):
            raise Conflict(f"{what} contradicts stored state: version exists")
        self.data.plans.append(plan)

    def plan_versions(self, person_id: str) -> list[PlanVersion]:
        return sorted(
            (p for p in self.data.plans if p.person_id == person_id), key=lambda p: p.version
        )

    def add_session_log(self, log: StoredSessionLog) -> None:
        what = f"session log {log.log.session_id}"
        self._need_person(log.person_id, what)
        if self.get_session_log(log.person_id, log.log.session_id) is not None:
            raise Conflict(f"{what} contradicts stored state: session id exists")
        self.data.logs.append(log)

    def session_logs(self, person_id: str) -> list[StoredSessionLog]:
        return sorted(
            (s for s in self.data.logs if s.person_id == person_id),
            key=lambda s: (s.log.performed_on, s.created_at),
        )

    def get_session_log(self, person_id: str, session_id: str) -> StoredSessionLog | None:
        return next(
            (
                s
                for s in self.data.logs
                if s.person_id == person_id and s.log.session_id == session_id
            ),
            None,
        )

    def add_checkin(self, checkin: StoredCheckIn) -> None:
        what = f"check-in {checkin.checkin.checkin_id}"
        self._need_person(checkin.person_id, what)
        if self.get_checkin(checkin.person_id, checkin.checkin.checkin_id) is not None:
            raise Conflict(f"{what} contradicts stored state: check-in id exists")
        self.data.checkins.append(checkin)

    def checkins(self, person_id: str) -> list[StoredCheckIn]:
        return sorted(
            (c for c in self.data.checkins if c.person_id == person_id),
            key=lambda c: (c.checkin.on, c.created_at),
        )

    def get_checkin(self, person_id: str, checkin_id: str) -> StoredCheckIn | None:
        return next(
            (
                c
                for c in self.data.checkins
                if c.person_id == person_id and c.checkin.checkin_id == checkin_id
            ),
            None,
        )

    def get_status(self, person_id: str, *, lock: bool = False) -> PersonStatus | None:
        return next((s for s in self.data.statuses if s.person_id == person_id), None)

    def put_status(self, status: PersonStatus) -> None:
        self._need_person(status.person_id, f"status of person {status.person_id}")
        others = [s for s in self.data.statuses if s.person_id != status.person_id]
        self.data.statuses[:] = [*others, status]

    def add_reassessment(self, reassessment: ReassessmentRecord) -> None:
        self._need_person(reassessment.person_id, f"reassessment {reassessment.id}")
        self.data.reassessments.append(reassessment)

    def reassessments(self, person_id: str) -> list[ReassessmentRecord]:
        return sorted(
            (r for r in self.data.reassessments if r.person_id == person_id),
            key=lambda r: r.created_at,
        )

    def add_video_measurement(self, measurement: VideoMeasurementRecord) -> None:
        self._need_person(measurement.person_id, f"video measurement {measurement.id}")
        self.data.videos.append(measurement)

    def video_measurements(self, person_id: str) -> list[VideoMeasurementRecord]:
        return sorted(
            (v for v in self.data.videos if v.person_id == person_id), key=lambda v: v.created_at
        )

    def add_questionnaire_response(self, response: QuestionnaireResponse) -> None:
        self._need_person(response.person_id, f"questionnaire response {response.id}")
        if any(q.id == response.id for q in self.data.questionnaires):
            raise Conflict(f"questionnaire response {response.id} contradicts stored state")
        self.data.questionnaires.append(response)

    def questionnaire_responses(self, person_id: str) -> list[QuestionnaireResponse]:
        return sorted(
            (q for q in self.data.questionnaires if q.person_id == person_id),
            key=lambda q: q.created_at,
        )

    def get_patient_settings(self, person_id: str) -> PatientSettings | None:
        return next((x for x in self.data.settings if x.person_id == person_id), None)

    def put_patient_settings(self, settings: PatientSettings) -> None:
        self._need_person(settings.person_id, f"settings of {settings.person_id}")
        token = settings.calendar_token_hash
        if token is not None and any(
            x.calendar_token_hash == token and x.person_id != settings.person_id
            for x in self.data.settings
        ):
            raise Conflict(f"settings of {settings.person_id} contradict stored state")
        others = [x for x in self.data.settings if x.person_id != settings.person_id]
        self.data.settings[:] = [*others, settings]

    def settings_for_calendar(self, token_hash: str) -> PatientSettings | None:
        return next((x for x in self.data.settings if x.calendar_token_hash == token_hash), None)
