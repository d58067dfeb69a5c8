"""A person's data rights: download everything lumbo holds about them, and erasure.

* :func:`export_all` gathers every record of the person (one JSON document) with their FHIR
  bundle. Authorization and the audit entry happen at the edge (web scope, CLI).
* :func:`erase_person` deletes, in one transaction, every row that refers to the person
  (``uow.journeys.erase_person``: every table with a ``person_id`` column) and their patient
  account with its sessions; it blanks who, whom and where in the audit entries about them or made by their account
  (each keeps the digest of what it held, so the hash chain still verifies); it adds a de-identified tombstone to
  the audit log (that an erasure happened, by whom, when: no person id). After the commit it
  deletes the person's files (every ``<data dir>/<area>/<person id>`` directory: uploads and
  anything derived from them).
* :func:`erase_own`: the same erasure asked for by a self-directed person (no clinician) for
  themselves; the tombstone then keeps only that a patient erased their own data, and when.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lumbo import __version__
from lumbo.domain.errors import Conflict, NotFound
from lumbo.domain.protocol.model import CheckIn, SessionLog
from lumbo.services import interop, patient_records
from lumbo.services._shared import UnitsOfWork, need_person
from lumbo.services.results import (
    AdjustmentJson,
    FhirBundleJson,
    JobOut,
    Measurement,
    PersonOut,
    PlanJson,
    Reassessment,
    Result,
    StoredAssessment,
    StoredIntake,
    StoreRecordJson,
    VideoOut,
)
from lumbo.store.accounts import User
from lumbo.store.audit import AuditEntry
from lumbo.store.records import PatientSettings, QuestionnaireResponse

ERASURE_ROUTE = "erase patient"


class AccountExport(Result):
    email: str
    role: str
    active: bool
    created_at: str


class ExportedPlanVersion(Result):
    version: int
    reason: str
    created_at: str
    plan: PlanJson
    adjustment: AdjustmentJson | None


class ResponseExport(Result):
    """A questionnaire set the patient answered on the phone."""

    id: str
    kind: str
    week: int | None
    answers: dict[str, Any]
    scores: dict[str, Any]
    created_at: str


class SettingsExport(Result):
    """The patient's choices; never the calendar token's hash (only whether a feed is on)."""

    calendar_feed: bool
    reminder_days: tuple[int, ...]
    reminder_time: str | None
    reminder_email: bool
    reminded_on: str | None
    time_zone: str | None
    lessons_read: tuple[str, ...]
    updated_at: str


class SelfAssessmentExport(Result):
    """The self-assessment the person answered on their phone (issue 20), as stored."""

    answers: dict[str, Any]
    step: str | None
    gate: str
    created_at: str
    updated_at: str
    finished_at: str | None


class ExportRecords(Result):
    """Every record of the person, table by table."""

    person: PersonOut
    account: AccountExport | None
    intakes: tuple[StoredIntake, ...]
    assessments: tuple[StoredAssessment, ...]
    plan_versions: tuple[ExportedPlanVersion, ...]
    plan_approvals: tuple[StoreRecordJson, ...]
    session_logs: tuple[SessionLog, ...]
    checkins: tuple[CheckIn, ...]
    reassessments: tuple[Reassessment, ...]
    video_measurements: tuple[Measurement, ...]
    videos: tuple[VideoOut, ...]
    jobs: tuple[JobOut, ...]
    questionnaire_responses: tuple[ResponseExport, ...]
    patient_settings: SettingsExport | None
    audit: tuple[StoreRecordJson, ...]
    self_assessment: SelfAssessmentExport | None = None


class DataExport(Result):
    """The download of everything lumbo holds about one person (``lumbo export all``)."""

    exported_at: str
    lumbo_version: str
    records: ExportRecords
    fhir: FhirBundleJson


def export_all(store: UnitsOfWork, person_id: str, *, now: datetime) -> DataExport:
    """Every record lumbo holds about the person, plus their FHIR R4 bundle."""
    uow = store.uow()
    with uow:
        need_person(uow.journeys, person_id)
        plans = tuple(
            ExportedPlanVersion(
                version=v.version,
                reason=v.reason,
                created_at=v.created_at.isoformat(),
                plan=v.plan.to_json(),
                adjustment=None if v.adjustment is None else v.adjustment.to_json(),
            )
            for v in uow.journeys.plan_versions(person_id)
        )
        approvals = tuple(a.to_json() for a in uow.approvals.of_person(person_id))
        account = uow.accounts.account_of_person(person_id)
        audit = tuple(e.to_json() for e in uow.audit.entries(person_id, limit=100_000))
        person = need_person(uow.journeys, person_id)
        answered = tuple(_response(r) for r in uow.journeys.questionnaire_responses(person_id))
        settings = uow.journeys.get_patient_settings(person_id)
        draft = uow.self_assessments.of_person(person_id) or (
            None if account is None else uow.self_assessments.get(account.id)
        )
    records = ExportRecords(
        person=patient_records.person_out(person),
        account=None if account is None else _account(account),
        intakes=tuple(patient_records.intakes(uow, person_id)),
        assessments=tuple(patient_records.assessments(uow, person_id)),
        plan_versions=plans,
        plan_approvals=approvals,
        session_logs=tuple(patient_records.session_logs(uow, person_id)),
        checkins=tuple(patient_records.checkins(uow, person_id)),
        reassessments=tuple(patient_records.outcomes(uow, person_id)),
        video_measurements=tuple(patient_records.measurements(uow, person_id)),
        videos=tuple(patient_records.videos(uow, person_id)),
        jobs=tuple(patient_records.jobs(uow, person_id)),
        questionnaire_responses=answered,
        patient_settings=None if settings is None else _settings(settings),
        audit=audit,
        self_assessment=None
        if draft is None
        else SelfAssessmentExport(
            answers=draft.answers,
            step=draft.step,
            gate=draft.gate,
            created_at=draft.created_at.isoformat(),
            updated_at=draft.updated_at.isoformat(),
            finished_at=None if draft.finished_at is None else draft.finished_at.isoformat(),
        ),
    )
    return DataExport(
        exported_at=now.isoformat(),
        lumbo_version=__version__,
        records=records,
        fhir=interop.export_fhir(uow, person_id, now=now),
    )


def _account(user: User) -> AccountExport:
    return AccountExport(
        email=user.email,
        role=user.role,
        active=user.active,
        created_at=user.created_at.isoformat(),
    )


def _response(r: QuestionnaireResponse) -> ResponseExport:
    return ResponseExport(
        id=r.id,
        kind=r.kind,
        week=r.week,
        answers=dict(r.answers),
        scores=dict(r.scores),
        created_at=r.created_at.isoformat(),
    )


def _settings(s: PatientSettings) -> SettingsExport:
    """The patient's choices; never the calendar token's hash (only whether a feed is on)."""
    return SettingsExport(
        calendar_feed=s.calendar_token_hash is not None,
        reminder_days=tuple(s.reminder_days),
        reminder_time=s.reminder_time,
        reminder_email=s.reminder_email,
        reminded_on=s.reminded_on,
        time_zone=s.time_zone,
        lessons_read=tuple(s.lessons_read),
        updated_at=s.updated_at.isoformat(),
    )


@dataclass(frozen=True, slots=True)
class Erased:
    rows: dict[str, int]  # table -> rows deleted
    files: int


def erase_person(
    store: UnitsOfWork,
    person_id: str,
    *,
    actor: User | None,
    data_dir: Path | None,
    via: str = "api",
) -> Erased:
    """Erase the person everywhere (see the module doc). ``actor`` None: the command line."""
    return _erase(store, person_id, actor=actor, data_dir=data_dir, via=via, own=False)


def erase_own(store: UnitsOfWork, user: User, *, data_dir: Path | None) -> Erased:
    """A self-directed person (no clinician: ``persons.owner_id`` None) erases their own data
    and account; a person with a clinician asks their clinician (:class:`Conflict`)."""
    if user.role != "patient":
        raise Conflict("only a patient erases their own data")
    if user.person_id is not None:
        return _erase(store, user.person_id, actor=user, data_dir=data_dir, via="self", own=True)
    with store.uow() as uow:  # signed up, no record yet: the account and its draft answers
        audited = uow.audit.redact_person(user.id, [user.id])  # no person: the account's
        uow.accounts.delete_sessions_of([user.id])
        uow.accounts.delete_user(user.id)
        uow.audit.add(
            AuditEntry(
                actor_id=None,
                actor_role=user.role,
                action="write",
                method="DELETE",
                route=f"{ERASURE_ROUTE} (self)",
                person_id=None,
                outcome="allowed",
            )
        )
        uow.commit()
    return Erased(rows={k: v for k, v in {"audit_log": audited, "users": 1}.items() if v}, files=0)


def _erase(
    store: UnitsOfWork,
    person_id: str,
    *,
    actor: User | None,
    data_dir: Path | None,
    via: str,
    own: bool,
) -> Erased:
    with store.uow() as uow:
        person = uow.journeys.get_person(person_id)
        if person is None:
            raise NotFound(f"no patient with id {person_id!r}")
        account = uow.accounts.account_of_person(person_id)
        account_ids = [] if account is None else [account.id]
        if actor is not None and actor.id in account_ids and not own:
            raise Conflict("a patient erases their data through their clinician")
        if own and (person.owner_id is not None or actor is None or actor.id not in account_ids):
            raise Conflict("a patient with a clinician erases their data through their clinician")
        audited = uow.audit.redact_person(person_id, account_ids)
        uow.accounts.delete_sessions_of(account_ids)
        rows = {"audit_log": audited, **uow.journeys.erase_person(person_id)}
        uow.audit.add(
            AuditEntry(
                actor_id=None if actor is None or own else actor.id,  # own: no id is kept
                actor_role="cli" if actor is None else actor.role,
                action="write",
                method="DELETE",
                route=f"{ERASURE_ROUTE} ({via})",
                person_id=None,
                outcome="allowed",
            )
        )
        uow.commit()
    return Erased(
        rows={k: v for k, v in rows.items() if v}, files=_erase_files(data_dir, person_id)
    )


def _erase_files(data_dir: Path | None, person_id: str) -> int:
    if data_dir is None or not data_dir.is_dir():
        return 0
    removed = 0
    for area in data_dir.iterdir():
        target = area / person_id
        if area.is_dir() and target.exists():
            removed += sum(1 for p in target.rglob("*") if p.is_file())
            shutil.rmtree(target)
    return removed
