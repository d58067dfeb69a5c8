"""The repository interface for a person's journey, and its SQLAlchemy implementation.

The interface speaks in :mod:`lumbo.store.records`; the in-memory fake (``memory.py``) and the
SQLAlchemy implementation satisfy the same contract tests. Contract:

* ``add_*`` for a duplicate key (plan version per person, session id per person, check-in id per
  person) or for an unknown person raises :class:`~lumbo.domain.errors.Conflict`; the unit of work
  is then finished (roll it back).
* Lists come oldest first (plan versions by version number).
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lumbo.domain.assessment_model import Assessment
from lumbo.domain.errors import Conflict
from lumbo.domain.intake import Intake
from lumbo.domain.protocol_model import Adjustment, CheckIn, Plan, SessionLog
from lumbo.store import tables as t
from lumbo.store.records import (
    AssessmentRecord,
    IntakeKind,
    IntakeRecord,
    PersonRecord,
    PlanVersion,
    ReassessmentRecord,
    StoredCheckIn,
    StoredSessionLog,
    VideoMeasurementRecord,
)


class JourneyRepository(abc.ABC):
    """Everything stored about persons and their journey through lumbo."""

    # persons
    @abc.abstractmethod
    def add_person(self, person: PersonRecord) -> None: ...
    @abc.abstractmethod
    def get_person(self, person_id: str) -> PersonRecord | None: ...
    @abc.abstractmethod
    def persons(self) -> list[PersonRecord]: ...

    def find_persons(self, ref: str) -> list[PersonRecord]:
        """Persons whose id or external reference (the intake's ``person.id``) is ``ref``."""
        return [p for p in self.persons() if ref in (p.id, p.external_ref)]

    # intakes and assessments
    @abc.abstractmethod
    def add_intake(self, intake: IntakeRecord) -> None: ...
    @abc.abstractmethod
    def intakes(self, person_id: str) -> list[IntakeRecord]: ...
    @abc.abstractmethod
    def add_assessment(self, assessment: AssessmentRecord) -> None: ...
    @abc.abstractmethod
    def assessments(self, person_id: str) -> list[AssessmentRecord]: ...

    # plans
    @abc.abstractmethod
    def add_plan_version(self, plan: PlanVersion) -> None: ...
    @abc.abstractmethod
    def plan_versions(self, person_id: str) -> list[PlanVersion]: ...

    def latest_plan(self, person_id: str) -> PlanVersion | None:
        versions = self.plan_versions(person_id)
        return versions[-1] if versions else None

    # session logs and check-ins
    @abc.abstractmethod
    def add_session_log(self, log: StoredSessionLog) -> None: ...
    @abc.abstractmethod
    def session_logs(self, person_id: str) -> list[StoredSessionLog]: ...
    @abc.abstractmethod
    def get_session_log(self, person_id: str, session_id: str) -> StoredSessionLog | None: ...
    @abc.abstractmethod
    def add_checkin(self, checkin: StoredCheckIn) -> None: ...
    @abc.abstractmethod
    def checkins(self, person_id: str) -> list[StoredCheckIn]: ...
    @abc.abstractmethod
    def get_checkin(self, person_id: str, checkin_id: str) -> StoredCheckIn | None: ...

    # reassessments and video measurements
    @abc.abstractmethod
    def add_reassessment(self, reassessment: ReassessmentRecord) -> None: ...
    @abc.abstractmethod
    def reassessments(self, person_id: str) -> list[ReassessmentRecord]: ...
    @abc.abstractmethod
    def add_video_measurement(self, measurement: VideoMeasurementRecord) -> None: ...
    @abc.abstractmethod
    def video_measurements(self, person_id: str) -> list[VideoMeasurementRecord]: ...


R = TypeVar("R", bound=t.Base)
D = TypeVar("D")


def _doc(model: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump(mode="json")
    return dumped


class SqlAlchemyRepository(JourneyRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def _insert(self, row: t.Base, what: str) -> None:
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as err:
            raise Conflict(f"{what} contradicts stored state: {err.orig}") from None

    def _list(self, model: type[R], person_id: str, to: Callable[[R], D], *order: Any) -> list[D]:
        stmt = select(model).where(model.person_id == person_id)  # type: ignore[attr-defined]
        by = order or (model.created_at, model.id)  # type: ignore[attr-defined]
        return [to(row) for row in self.session.scalars(stmt.order_by(*by))]

    # persons
    def add_person(self, person: PersonRecord) -> None:
        row = t.PersonRow(
            id=person.id,
            owner_id=person.owner_id,
            external_ref=person.external_ref,
            created_at=person.created_at,
        )
        self._insert(row, f"person {person.id}")

    def get_person(self, person_id: str) -> PersonRecord | None:
        row = self.session.get(t.PersonRow, person_id)
        return None if row is None else _person(row)

    def persons(self) -> list[PersonRecord]:
        rows = self.session.scalars(select(t.PersonRow).order_by(t.PersonRow.created_at))
        return [_person(r) for r in rows]

    def find_persons(self, ref: str) -> list[PersonRecord]:
        p = t.PersonRow
        stmt = select(p).where((p.id == ref) | (p.external_ref == ref)).order_by(p.created_at)
        return [_person(r) for r in self.session.scalars(stmt)]

    # intakes and assessments
    def add_intake(self, intake: IntakeRecord) -> None:
        row = t.IntakeRow(
            id=intake.id,
            person_id=intake.person_id,
            kind=intake.kind,
            document=_doc(intake.intake),
            created_at=intake.created_at,
        )
        self._insert(row, f"intake {intake.id}")

    def intakes(self, person_id: str) -> list[IntakeRecord]:
        return self._list(t.IntakeRow, person_id, _intake)

    def add_assessment(self, assessment: AssessmentRecord) -> None:
        a = assessment.assessment
        row = t.AssessmentRow(
            id=assessment.id,
            person_id=assessment.person_id,
            intake_id=assessment.intake_id,
            referral_required=a.referral.required,
            urgency=a.referral.urgency,
            document=_doc(a),
            created_at=assessment.created_at,
        )
        self._insert(row, f"assessment {assessment.id}")

    def assessments(self, person_id: str) -> list[AssessmentRecord]:
        return self._list(t.AssessmentRow, person_id, _assessment)

    # plans
    def add_plan_version(self, plan: PlanVersion) -> None:
        row = t.PlanVersionRow(
            id=plan.id,
            person_id=plan.person_id,
            version=plan.version,
            assessment_id=plan.assessment_id,
            reason=plan.reason,
            document=_doc(plan.plan),
            adjustment=None if plan.adjustment is None else _doc(plan.adjustment),
            created_at=plan.created_at,
        )
        self._insert(row, f"plan version {plan.version} of person {plan.person_id}")

    def plan_versions(self, person_id: str) -> list[PlanVersion]:
        return self._list(t.PlanVersionRow, person_id, _plan, t.PlanVersionRow.version)

    def latest_plan(self, person_id: str) -> PlanVersion | None:
        stmt = (
            select(t.PlanVersionRow)
            .where(t.PlanVersionRow.person_id == person_id)
            .order_by(t.PlanVersionRow.version.desc())
            .limit(1)
        )
        row = self.session.scalars(stmt).first()
        return None if row is None else _plan(row)

    # session logs and check-ins
    def add_session_log(self, log: StoredSessionLog) -> None:
        row = t.SessionLogRow(
            id=log.id,
            person_id=log.person_id,
            session_id=log.log.session_id,
            plan_version=log.plan_version,
            week=log.log.week,
            session_index=log.log.session_index,
            performed_on=log.log.performed_on,
            document=_doc(log.log),
            created_at=log.created_at,
        )
        self._insert(row, f"session log {log.log.session_id}")

    def session_logs(self, person_id: str) -> list[StoredSessionLog]:
        r = t.SessionLogRow
        return self._list(r, person_id, _log, r.performed_on, r.created_at, r.id)

    def get_session_log(self, person_id: str, session_id: str) -> StoredSessionLog | None:
        r = t.SessionLogRow
        stmt = select(r).where(r.person_id == person_id, r.session_id == session_id)
        row = self.session.scalars(stmt).first()
        return None if row is None else _log(row)

    def add_checkin(self, checkin: StoredCheckIn) -> None:
        c = checkin.checkin
        row = t.CheckInRow(
            id=checkin.id,
            person_id=checkin.person_id,
            checkin_id=c.checkin_id,
            on_date=c.on,
            session_id=c.session_id,
            pain=c.pain,
            stiffness=c.stiffness,
            document=_doc(c),
            created_at=checkin.created_at,
        )
        self._insert(row, f"check-in {c.checkin_id}")

    def checkins(self, person_id: str) -> list[StoredCheckIn]:
        r = t.CheckInRow
        return self._list(r, person_id, _checkin, r.on_date, r.created_at, r.id)

    def get_checkin(self, person_id: str, checkin_id: str) -> StoredCheckIn | None:
        r = t.CheckInRow
        stmt = select(r).where(r.person_id == person_id, r.checkin_id == checkin_id)
        row = self.session.scalars(stmt).first()
        return None if row is None else _checkin(row)

    # reassessments and video measurements
    def add_reassessment(self, reassessment: ReassessmentRecord) -> None:
        row = t.ReassessmentRow(
            id=reassessment.id,
            person_id=reassessment.person_id,
            intake_id=reassessment.intake_id,
            assessment_id=reassessment.assessment_id,
            week=reassessment.week,
            outcomes=reassessment.outcomes,
            created_at=reassessment.created_at,
        )
        self._insert(row, f"reassessment {reassessment.id}")

    def reassessments(self, person_id: str) -> list[ReassessmentRecord]:
        return self._list(t.ReassessmentRow, person_id, _reassessment)

    def add_video_measurement(self, measurement: VideoMeasurementRecord) -> None:
        row = t.VideoMeasurementRow(
            id=measurement.id,
            person_id=measurement.person_id,
            movement=measurement.movement,
            result=measurement.result,
            created_at=measurement.created_at,
            author_id=measurement.author_id,
            source=measurement.source,
        )
        self._insert(row, f"video measurement {measurement.id}")

    def video_measurements(self, person_id: str) -> list[VideoMeasurementRecord]:
        return self._list(t.VideoMeasurementRow, person_id, _video)


def _person(r: t.PersonRow) -> PersonRecord:
    return PersonRecord(
        id=r.id, owner_id=r.owner_id, external_ref=r.external_ref, created_at=r.created_at
    )


def _intake(r: t.IntakeRow) -> IntakeRecord:
    kind: IntakeKind = "baseline" if r.kind == "baseline" else "reassessment"
    return IntakeRecord(
        id=r.id,
        person_id=r.person_id,
        kind=kind,
        intake=Intake.model_validate(r.document),
        created_at=r.created_at,
    )


def _assessment(r: t.AssessmentRow) -> AssessmentRecord:
    return AssessmentRecord(
        id=r.id,
        person_id=r.person_id,
        intake_id=r.intake_id,
        assessment=Assessment.model_validate(r.document),
        created_at=r.created_at,
    )


def _plan(r: t.PlanVersionRow) -> PlanVersion:
    return PlanVersion(
        id=r.id,
        person_id=r.person_id,
        version=r.version,
        plan=Plan.model_validate(r.document),
        reason=r.reason,
        assessment_id=r.assessment_id,
        adjustment=None if r.adjustment is None else Adjustment.model_validate(r.adjustment),
        created_at=r.created_at,
    )


def _log(r: t.SessionLogRow) -> StoredSessionLog:
    return StoredSessionLog(
        id=r.id,
        person_id=r.person_id,
        log=SessionLog.model_validate(r.document),
        plan_version=r.plan_version,
        created_at=r.created_at,
    )


def _checkin(r: t.CheckInRow) -> StoredCheckIn:
    return StoredCheckIn(
        id=r.id,
        person_id=r.person_id,
        checkin=CheckIn.model_validate(r.document),
        created_at=r.created_at,
    )


def _reassessment(r: t.ReassessmentRow) -> ReassessmentRecord:
    return ReassessmentRecord(
        id=r.id,
        person_id=r.person_id,
        intake_id=r.intake_id,
        assessment_id=r.assessment_id,
        week=r.week,
        outcomes=r.outcomes,
        created_at=r.created_at,
    )


def _video(r: t.VideoMeasurementRow) -> VideoMeasurementRecord:
    return VideoMeasurementRecord(
        id=r.id,
        person_id=r.person_id,
        movement=r.movement,
        result=r.result,
        created_at=r.created_at,
        author_id=r.author_id,
        source=r.source,
    )
