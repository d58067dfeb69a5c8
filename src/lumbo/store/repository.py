# long-module: the journey repository's contract and its SQLAlchemy implementation side by side, so
#   the contract and its one real implementation read together
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
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Result, Row, Select, Table, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lumbo.domain.adjust.state import Settled
from lumbo.domain.assessment.model import Assessment
from lumbo.domain.errors import Conflict
from lumbo.domain.intake import Intake
from lumbo.domain.protocol.model import Adjustment, Alert, CheckIn, Plan, SessionLog
from lumbo.store import tables as t
from lumbo.store.clinic_settings import AUTO_APPROVE, get_setting
from lumbo.store.records import (
    AssessmentRecord,
    IntakeKind,
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
from lumbo.store.web_tables import PlanApprovalRow

if TYPE_CHECKING:
    from lumbo.store.caseload import CaseloadEntry, Flag, Sort


class JourneyRepository(abc.ABC):
    """Everything stored about persons and their journey through lumbo."""

    # a clinician's caseload
    @abc.abstractmethod
    def caseload_page(
        self,
        owner_id: str,
        *,
        offset: int,
        limit: int,
        q: str | None = None,
        attention_only: bool = False,
        sort: Sort = "attention",
        on: date | None = None,
        flag: Flag | None = None,
        reassessment_weeks: tuple[int, ...] = (4, 8, 12),
    ) -> tuple[int, list[CaseloadEntry]]:
        """(how many of the owner's persons match, the entries of one page): ``q`` a prefix of
        the external reference, ``attention_only`` those with an alert or a referral, sorted by
        ``attention`` (most first, then reference), ``name`` (reference) or ``created``."""

    # persons
    @abc.abstractmethod
    def add_person(self, person: PersonRecord) -> None: ...
    @abc.abstractmethod
    def erase_person(self, person_id: str) -> dict[str, int]:
        """Delete the person and every row that refers to them (their account included; the
        audit log is redacted, not deleted: ``uow.audit.redact_person``); rows per table."""

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

    # cheap reads for a write (defaults built on the lists above; the SQL store overrides them)
    def latest_pains(self, person_id: str, count: int) -> list[int]:
        """Next-morning pain of the latest ``count`` check-ins, oldest first."""
        return [c.checkin.pain for c in self.checkins(person_id)][-count:]

    def latest_referral_required(self, person_id: str) -> bool | None:
        """Whether the latest assessment requires a referral (None: no assessment)."""
        found = self.assessments(person_id)
        return found[-1].assessment.referral.required if found else None

    def plan_version_numbers(self, person_id: str) -> list[int]:
        return [v.version for v in self.plan_versions(person_id)]

    def session_logs_since(self, person_id: str, day: date) -> list[StoredSessionLog]:
        """Session logs performed on or after ``day``, oldest first."""
        return [s for s in self.session_logs(person_id) if s.log.performed_on >= day]

    def session_day(self, person_id: str, session_id: str) -> date | None:
        """The day the session ``session_id`` was performed (None: no such log)."""
        found = self.get_session_log(person_id, session_id)
        return None if found is None else found.log.performed_on

    def checkins_for_tail(
        self, person_id: str, day: date, session_ids: Collection[str]
    ) -> list[StoredCheckIn]:
        """Every check-in the judgement of a session performed on or after ``day`` can see:
        those dated from the day before ``day`` on, those linked to ``session_ids``, and the two
        latest before (``lumbo.domain.adjust.state``)."""
        edge = day - timedelta(days=1)
        found = self.checkins(person_id)
        earlier = sorted(
            (c for c in found if c.checkin.on < edge),
            key=lambda c: (c.checkin.on, c.checkin.checkin_id),
        )[-2:]
        keep = {c.id for c in earlier}
        return [
            c
            for c in found
            if c.id in keep or c.checkin.on >= edge or c.checkin.session_id in session_ids
        ]

    # approvals (the SQL store keeps them; the in-memory store has none: every version counts)
    def approved_versions(self, person_id: str) -> frozenset[int] | None:
        """The plan versions a clinician (or the clinic's auto-approval) approved; None: this
        store does not track approvals."""
        return None

    def approve_automatically(self, person_id: str, version: int, note: str) -> bool:
        """Approve a version the rules made when the clinic auto-approves them (True: approved)."""
        return True

    # derived per-person state (table person_status)
    @abc.abstractmethod
    def get_status(self, person_id: str, *, lock: bool = False) -> PersonStatus | None:
        """The person's status; ``lock``: hold it until the unit of work ends (one writer per
        person at a time)."""

    @abc.abstractmethod
    def put_status(self, status: PersonStatus) -> None: ...

    # reassessments and video measurements
    @abc.abstractmethod
    def add_reassessment(self, reassessment: ReassessmentRecord) -> None: ...
    @abc.abstractmethod
    def reassessments(self, person_id: str) -> list[ReassessmentRecord]: ...
    @abc.abstractmethod
    def add_video_measurement(self, measurement: VideoMeasurementRecord) -> None: ...
    @abc.abstractmethod
    def video_measurements(self, person_id: str) -> list[VideoMeasurementRecord]: ...

    # the patient's phone app (issue 16): questionnaires filled in, settings
    @abc.abstractmethod
    def add_questionnaire_response(self, response: QuestionnaireResponse) -> None: ...
    @abc.abstractmethod
    def questionnaire_responses(self, person_id: str) -> list[QuestionnaireResponse]: ...
    @abc.abstractmethod
    def get_patient_settings(self, person_id: str) -> PatientSettings | None: ...
    @abc.abstractmethod
    def put_patient_settings(self, settings: PatientSettings) -> None: ...
    @abc.abstractmethod
    def settings_for_calendar(self, token_hash: str) -> PatientSettings | None: ...
    @abc.abstractmethod
    def claim_reminder(self, person_id: str, day: str) -> bool:
        """Mark ``day``'s e-mail reminder as sent, in one conditional write: True for the one
        caller that set it (it sends), False when it was already set (someone else sends)."""

    @abc.abstractmethod
    def release_reminder(self, person_id: str, day: str, previous: str | None) -> None:
        """Undo :meth:`claim_reminder` after a failed send (only if ``day`` is still claimed)."""


R = TypeVar("R", bound=t.Base)
D = TypeVar("D")


def _doc(model: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump(mode="json")
    return dumped


class SqlAlchemyRepository(JourneyRepository):
    def __init__(self, session: Session) -> None:
        self.session = session
        # the person row a write locked: held here, since the session's identity map keeps rows
        # only while something refers to them, so the write's get_person finds it in the session
        self._locked: t.PersonRow | None = None

    def _insert(self, row: t.Base, what: str) -> None:
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as err:
            raise Conflict(f"{what} contradicts stored state: {err.orig}") from None

    def _insert_values(self, model: type[t.Base], values: dict[str, Any], what: str) -> None:
        """An insert without the ORM's flush (the write path's hottest statements; the row is
        not needed as an object in this unit of work)."""
        table = model.__table__
        assert isinstance(table, Table)
        try:
            self.session.connection().execute(table.insert().values(values))
        except IntegrityError as err:
            raise Conflict(f"{what} contradicts stored state: {err.orig}") from None

    def _core(self, stmt: Select[Any]) -> Result[Any]:
        """Run a column select on the unit of work's connection, without the ORM's loading."""
        return self.session.connection().execute(stmt)

    def _list(self, model: type[R], person_id: str, to: Callable[[R], D], *order: Any) -> list[D]:
        stmt = select(model).where(model.person_id == person_id)  # type: ignore[attr-defined]
        by = order or (model.created_at, model.id)  # type: ignore[attr-defined]
        return [to(row) for row in self.session.scalars(stmt.order_by(*by))]

    def caseload_page(
        self,
        owner_id: str,
        *,
        offset: int,
        limit: int,
        q: str | None = None,
        attention_only: bool = False,
        sort: Sort = "attention",
        on: date | None = None,
        flag: Flag | None = None,
        reassessment_weeks: tuple[int, ...] = (4, 8, 12),
    ) -> tuple[int, list[CaseloadEntry]]:
        from lumbo.store.caseload import caseload_page

        return caseload_page(
            self.session, owner_id, offset=offset, limit=limit, q=q,
            attention_only=attention_only, sort=sort, on=on, flag=flag,
            reassessment_weeks=reassessment_weeks,
        )  # fmt: skip

    # persons
    def erase_person(self, person_id: str) -> dict[str, int]:
        rows: dict[str, int] = {}
        for table in person_tables():
            done = self.session.execute(delete(table).where(table.c.person_id == person_id))
            rows[table.name] = int(getattr(done, "rowcount", 0) or 0)
        done = self.session.execute(delete(t.PersonRow).where(t.PersonRow.id == person_id))
        rows["persons"] = int(getattr(done, "rowcount", 0) or 0)
        return rows

    def add_person(self, person: PersonRecord) -> None:
        row = t.PersonRow(
            id=person.id,
            owner_id=person.owner_id,
            external_ref=person.external_ref,
            display_name=person.display_name,
            start_on=person.start_on,
            self_directed=person.self_directed,
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
            changed_by=plan.changed_by,
            created_at=plan.created_at,
        )
        self._insert(row, f"plan version {plan.version} of person {plan.person_id}")

    def _plans(self, person_id: str, latest: bool = False) -> list[PlanVersion]:
        """Plan versions, parsed once per process: a stored version never changes, so the key
        columns are read and only versions not yet cached load (and validate) their documents."""
        r = t.PlanVersionRow
        stmt = select(r.id, r.version).where(r.person_id == person_id)
        stmt = stmt.order_by(r.version.desc()).limit(1) if latest else stmt.order_by(r.version)
        keys = [(row.id, row.version) for row in self.session.execute(stmt)]
        found = {k: PLAN_CACHE.get(k) for k in keys}
        missing = [pid for (pid, _), got in found.items() if got is None]
        if missing:
            for row in self.session.scalars(select(r).where(r.id.in_(missing))):
                parsed = _plan(row)
                found[(row.id, row.version)] = PLAN_CACHE.put((row.id, row.version), parsed)
        return [p for k in keys if (p := found[k]) is not None]

    def plan_versions(self, person_id: str) -> list[PlanVersion]:
        return self._plans(person_id)

    def latest_plan(self, person_id: str) -> PlanVersion | None:
        found = self._plans(person_id, latest=True)
        return found[0] if found else None

    def plan_version_numbers(self, person_id: str) -> list[int]:
        r = t.PlanVersionRow
        stmt = select(r.version).where(r.person_id == person_id).order_by(r.version)
        return list(self.session.scalars(stmt))

    def latest_referral_required(self, person_id: str) -> bool | None:
        a = t.AssessmentRow
        stmt = (
            select(a.referral_required)
            .where(a.person_id == person_id)
            .order_by(a.created_at.desc(), a.id.desc())
            .limit(1)
        )
        got = self.session.execute(stmt).first()
        return None if got is None else bool(got[0])

    # session logs and check-ins
    def add_session_log(self, log: StoredSessionLog) -> None:
        values = {
            "id": log.id,
            "person_id": log.person_id,
            "session_id": log.log.session_id,
            "plan_version": log.plan_version,
            "week": log.log.week,
            "session_index": log.log.session_index,
            "performed_on": log.log.performed_on,
            "document": _doc(log.log),
            "created_at": log.created_at,
        }
        self._insert_values(t.SessionLogRow, values, f"session log {log.log.session_id}")

    def session_logs(self, person_id: str) -> list[StoredSessionLog]:
        r = t.SessionLogRow
        return self._list(r, person_id, _log, r.performed_on, r.created_at, r.id)

    def get_session_log(self, person_id: str, session_id: str) -> StoredSessionLog | None:
        r = t.SessionLogRow
        stmt = select(*_LOG).where(r.person_id == person_id, r.session_id == session_id)
        row = self._core(stmt).first()
        return None if row is None else _log(row)

    def session_logs_since(self, person_id: str, day: date) -> list[StoredSessionLog]:
        r = t.SessionLogRow
        stmt = (
            select(*_LOG)
            .where(r.person_id == person_id, r.performed_on >= day)
            .order_by(r.performed_on, r.created_at, r.id)
        )
        return [_log(row) for row in self._core(stmt)]

    def session_day(self, person_id: str, session_id: str) -> date | None:
        r = t.SessionLogRow
        stmt = select(r.performed_on).where(r.person_id == person_id, r.session_id == session_id)
        return self.session.scalars(stmt).first()

    def checkins_for_tail(
        self, person_id: str, day: date, session_ids: Collection[str]
    ) -> list[StoredCheckIn]:
        r = t.CheckInRow
        edge = day - timedelta(days=1)
        near = r.on_date >= edge
        if session_ids:
            near = near | r.session_id.in_(sorted(session_ids))
        earlier = (
            select(r.id)
            .where(r.person_id == person_id, r.on_date < edge)
            .order_by(r.on_date.desc(), r.checkin_id.desc())
            .limit(2)
        )
        # Two statements: one with ``OR id IN (subquery)`` was measured dearer on PostgreSQL
        ids = [row[0] for row in self._core(earlier)]
        stmt = select(*_CHECKIN).where(
            r.person_id == person_id, near | r.id.in_(ids) if ids else near
        )
        rows = self._core(stmt.order_by(r.on_date, r.created_at, r.id))
        return [_checkin(row) for row in rows]

    def get_status(self, person_id: str, *, lock: bool = False) -> PersonStatus | None:
        stmt = select(t.PersonStatusRow).where(t.PersonStatusRow.person_id == person_id)
        if lock:  # the person's row always exists (the status may not yet): lock that
            person = select(t.PersonRow).where(t.PersonRow.id == person_id)
            # FOR NO KEY UPDATE; loaded whole, so the write's get_person finds it in the session
            self._locked = self.session.scalars(person.with_for_update(key_share=True)).first()
        row = self.session.scalars(stmt.execution_options(populate_existing=True)).first()
        return None if row is None else _status(row)

    def put_status(self, status: PersonStatus) -> None:
        values = {
            "person_id": status.person_id,
            "plan_version": status.plan_version,
            "settled": None if status.settled is None else status.settled.to_json(),
            "alerts": [a.model_dump(mode="json") for a in status.alerts],
            "attention": status.attention,
            "last_warning": None if status.last_warning is None else list(status.last_warning),
            "pain_rise": status.pain_rise,
            "updated_at": status.updated_at,
        }
        table = t.PersonStatusRow.__table__
        assert isinstance(table, Table)
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
        update = {k: v for k, v in values.items() if k != "person_id"}
        stmt = insert.values(**values).on_conflict_do_update(
            index_elements=["person_id"], set_=update
        )
        try:
            self.session.execute(stmt)
        except IntegrityError as err:
            raise Conflict(f"status of person {status.person_id}: {err.orig}") from None

    def add_checkin(self, checkin: StoredCheckIn) -> None:
        c = checkin.checkin
        values = {
            "id": checkin.id,
            "person_id": checkin.person_id,
            "checkin_id": c.checkin_id,
            "on_date": c.on,
            "session_id": c.session_id,
            "pain": c.pain,
            "stiffness": c.stiffness,
            "document": _doc(c),
            "created_at": checkin.created_at,
        }
        self._insert_values(t.CheckInRow, values, f"check-in {c.checkin_id}")

    def checkins(self, person_id: str) -> list[StoredCheckIn]:
        r = t.CheckInRow
        return self._list(r, person_id, _checkin, r.on_date, r.created_at, r.id)

    def approved_versions(self, person_id: str) -> frozenset[int] | None:
        a = PlanApprovalRow
        return frozenset(
            int(v) for v in self.session.scalars(select(a.version).where(a.person_id == person_id))
        )

    def approve_automatically(self, person_id: str, version: int, note: str) -> bool:
        if not get_setting(self.session, AUTO_APPROVE):
            return False
        self.session.add(
            PlanApprovalRow(person_id=person_id, version=version, approved_by=None, note=note)
        )
        self.session.flush()
        return True

    def latest_pains(self, person_id: str, count: int) -> list[int]:
        r = t.CheckInRow
        stmt = (
            select(r.pain)
            .where(r.person_id == person_id)
            .order_by(r.on_date.desc(), r.created_at.desc(), r.id.desc())
            .limit(count)
        )
        return [int(p) for p in self.session.scalars(stmt)][::-1]

    def get_checkin(self, person_id: str, checkin_id: str) -> StoredCheckIn | None:
        r = t.CheckInRow
        stmt = select(*_CHECKIN).where(r.person_id == person_id, r.checkin_id == checkin_id)
        row = self._core(stmt).first()
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

    def add_questionnaire_response(self, response: QuestionnaireResponse) -> None:
        row = t.QuestionnaireResponseRow(
            id=response.id,
            person_id=response.person_id,
            kind=response.kind,
            week=response.week,
            answers=response.answers,
            scores=response.scores,
            created_at=response.created_at,
        )
        self._insert(row, f"questionnaire response {response.id}")

    def questionnaire_responses(self, person_id: str) -> list[QuestionnaireResponse]:
        return self._list(t.QuestionnaireResponseRow, person_id, _questionnaire)

    def get_patient_settings(self, person_id: str) -> PatientSettings | None:
        row = self.session.get(t.PatientSettingsRow, person_id)
        return None if row is None else _settings(row)

    def put_patient_settings(self, settings: PatientSettings) -> None:
        row = self.session.get(t.PatientSettingsRow, settings.person_id)
        if row is None:
            row = t.PatientSettingsRow(person_id=settings.person_id)
            self.session.add(row)
        row.calendar_token_hash = settings.calendar_token_hash
        row.reminder_days = list(settings.reminder_days)
        row.reminder_time = settings.reminder_time
        row.reminder_email = settings.reminder_email
        row.reminded_on = settings.reminded_on
        row.time_zone = settings.time_zone
        row.lessons_read = list(settings.lessons_read)
        row.updated_at = settings.updated_at
        try:
            self.session.flush()
        except IntegrityError as err:
            raise Conflict(
                f"settings of {settings.person_id} contradict stored state: {err.orig}"
            ) from None

    def claim_reminder(self, person_id: str, day: str) -> bool:
        row = t.PatientSettingsRow
        stmt = (
            update(row)
            .where(
                row.person_id == person_id,
                or_(row.reminded_on.is_(None), row.reminded_on != day),
            )
            .values(reminded_on=day)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(self.session.execute(stmt), "rowcount", 0) or 0) == 1

    def release_reminder(self, person_id: str, day: str, previous: str | None) -> None:
        row = t.PatientSettingsRow
        stmt = (
            update(row)
            .where(row.person_id == person_id, row.reminded_on == day)
            .values(reminded_on=previous)
            .execution_options(synchronize_session=False)
        )
        self.session.execute(stmt)

    def settings_for_calendar(self, token_hash: str) -> PatientSettings | None:
        stmt = select(t.PatientSettingsRow).where(
            t.PatientSettingsRow.calendar_token_hash == token_hash
        )
        row = self.session.scalars(stmt).first()
        return None if row is None else _settings(row)


def person_tables() -> list[Any]:
    """Every table with a ``person_id`` column but the audit log, children before parents."""
    from lumbo.store.web_tables import AuditRow

    return [
        table
        for table in reversed(t.Base.metadata.sorted_tables)
        if "person_id" in table.c and table.name != AuditRow.__tablename__
    ]


def _person(r: t.PersonRow) -> PersonRecord:
    return PersonRecord(
        id=r.id,
        owner_id=r.owner_id,
        external_ref=r.external_ref,
        display_name=r.display_name,
        start_on=r.start_on,
        self_directed=r.self_directed,
        created_at=r.created_at,
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
        changed_by=r.changed_by,
        created_at=r.created_at,
    )


class _PlanCache:
    """A bounded, thread-safe map of parsed plan versions keyed by (row id, version). Only
    immutable data is kept: a stored plan version is never updated, so every process may keep its
    own copy (nothing here is shared between requests that another process could change)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, int], PlanVersion] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[str, int]) -> PlanVersion | None:
        with self._lock:
            got = self._items.get(key)
            if got is None:
                self.misses += 1
                return None
            self.hits += 1
            self._items.move_to_end(key)
            return got

    def put(self, key: tuple[str, int], plan: PlanVersion) -> PlanVersion:
        with self._lock:
            self._items[key] = plan
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return plan

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


PLAN_CACHE = _PlanCache()


def _status(r: t.PersonStatusRow) -> PersonStatus:
    warning = r.last_warning
    return PersonStatus(
        person_id=r.person_id,
        plan_version=r.plan_version,
        settled=None if r.settled is None else Settled.from_json(r.settled),
        alerts=tuple(Alert.model_validate(a) for a in r.alerts),
        last_warning=None
        if warning is None
        else (str(warning[0]), int(warning[1]), int(warning[2])),
        updated_at=r.updated_at,
        pain_rise=r.pain_rise,
    )


_LOG = (
    t.SessionLogRow.id,
    t.SessionLogRow.person_id,
    t.SessionLogRow.document,
    t.SessionLogRow.plan_version,
    t.SessionLogRow.created_at,
)
_CHECKIN = (
    t.CheckInRow.id,
    t.CheckInRow.person_id,
    t.CheckInRow.document,
    t.CheckInRow.created_at,
)


def _log(r: t.SessionLogRow | Row[Any]) -> StoredSessionLog:
    return StoredSessionLog(
        id=r.id,
        person_id=r.person_id,
        log=SessionLog.model_validate(r.document),
        plan_version=r.plan_version,
        created_at=r.created_at,
    )


def _checkin(r: t.CheckInRow | Row[Any]) -> StoredCheckIn:
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


def _questionnaire(r: t.QuestionnaireResponseRow) -> QuestionnaireResponse:
    return QuestionnaireResponse(
        person_id=r.person_id,
        id=r.id,
        kind=r.kind,
        week=r.week,
        answers=r.answers,
        scores=r.scores,
        created_at=r.created_at,
    )


def _settings(r: t.PatientSettingsRow) -> PatientSettings:
    return PatientSettings(
        person_id=r.person_id,
        calendar_token_hash=r.calendar_token_hash,
        reminder_days=tuple(int(d) for d in r.reminder_days),
        reminder_time=r.reminder_time,
        reminder_email=r.reminder_email,
        reminded_on=r.reminded_on,
        time_zone=r.time_zone,
        lessons_read=tuple(str(x) for x in r.lessons_read),
        updated_at=r.updated_at,
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
