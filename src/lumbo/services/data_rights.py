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
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lumbo import __version__
from lumbo.domain.errors import Conflict, NotFound
from lumbo.services import interop, patient_records
from lumbo.services._shared import UnitsOfWork, need_person
from lumbo.store.accounts import User
from lumbo.store.audit import AuditEntry
from lumbo.store.records import PatientSettings, QuestionnaireResponse

ERASURE_ROUTE = "erase patient"


def export_all(store: UnitsOfWork, person_id: str, *, now: datetime) -> dict[str, Any]:
    """Every record lumbo holds about the person, plus their FHIR R4 bundle."""
    uow = store.uow()
    with uow:
        need_person(uow.journeys, person_id)
        plans = [
            {
                "version": v.version,
                "reason": v.reason,
                "created_at": v.created_at.isoformat(),
                "plan": v.plan.to_json(),
                "adjustment": None if v.adjustment is None else v.adjustment.to_json(),
            }
            for v in uow.journeys.plan_versions(person_id)
        ]
        approvals = [a.to_json() for a in uow.approvals.of_person(person_id)]
        account = uow.accounts.account_of_person(person_id)
        audit = [e.to_json() for e in uow.audit.entries(person_id, limit=100_000)]
        person = need_person(uow.journeys, person_id)
        answered = [_response_json(r) for r in uow.journeys.questionnaire_responses(person_id)]
        settings = uow.journeys.get_patient_settings(person_id)
    records = {
        "person": patient_records.person_json(person),
        "account": None if account is None else _account_json(account),
        "intakes": [x.to_json() for x in patient_records.intakes(uow, person_id)],
        "assessments": [x.to_json() for x in patient_records.assessments(uow, person_id)],
        "plan_versions": plans,
        "plan_approvals": approvals,
        "session_logs": [
            x.model_dump(mode="json") for x in patient_records.session_logs(uow, person_id)
        ],
        "checkins": [x.model_dump(mode="json") for x in patient_records.checkins(uow, person_id)],
        "reassessments": [x.to_json() for x in patient_records.outcomes(uow, person_id)],
        "video_measurements": [x.to_json() for x in patient_records.measurements(uow, person_id)],
        "videos": [x.to_json() for x in patient_records.videos(uow, person_id)],
        "jobs": [x.to_json() for x in patient_records.jobs(uow, person_id)],
        "questionnaire_responses": answered,
        "patient_settings": None if settings is None else _settings_json(settings),
        "audit": audit,
    }
    return {
        "exported_at": now.isoformat(),
        "lumbo_version": __version__,
        "records": records,
        "fhir": interop.export_fhir(uow, person_id, now=now),
    }


def _account_json(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "role": user.role,
        "active": user.active,
        "created_at": user.created_at.isoformat(),
    }


def _response_json(r: QuestionnaireResponse) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "week": r.week,
        "answers": r.answers,
        "scores": r.scores,
        "created_at": r.created_at.isoformat(),
    }


def _settings_json(s: PatientSettings) -> dict[str, Any]:
    """The patient's choices; never the calendar token's hash (only whether a feed is on)."""
    return {
        "calendar_feed": s.calendar_token_hash is not None,
        "reminder_days": list(s.reminder_days),
        "reminder_time": s.reminder_time,
        "reminder_email": s.reminder_email,
        "reminded_on": s.reminded_on,
        "lessons_read": list(s.lessons_read),
        "updated_at": s.updated_at.isoformat(),
    }


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
    with store.uow() as uow:
        if uow.journeys.get_person(person_id) is None:
            raise NotFound(f"no patient with id {person_id!r}")
        account = uow.accounts.account_of_person(person_id)
        account_ids = [] if account is None else [account.id]
        if actor is not None and actor.id in account_ids:
            raise Conflict("a patient erases their data through their clinician")
        audited = uow.audit.redact_person(person_id, account_ids)
        uow.accounts.delete_sessions_of(account_ids)
        rows = {"audit_log": audited, **uow.journeys.erase_person(person_id)}
        uow.audit.add(
            AuditEntry(
                actor_id=None if actor is None else actor.id,
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
