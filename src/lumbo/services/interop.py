"""FHIR export and import as use cases: read the records in one transaction, map them purely."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from lumbo import __version__
from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.knowledge import library
from lumbo.interop.fhir_in import questionnaires_from_fhir
from lumbo.interop.fhir_out import IntakeEntry, PatientRecords, PlanEntry, patient_bundle
from lumbo.services._shared import need_person
from lumbo.services.journey import Enrolled, init_person
from lumbo.store.repository import JourneyRepository
from lumbo.store.unit_of_work import AbstractUnitOfWork


def patient_records(repo: JourneyRepository, person_id: str) -> PatientRecords:
    """Everything the FHIR mapping needs about one person (inside an open unit of work)."""
    person = need_person(repo, person_id)
    by_intake = {a.intake_id: a.assessment for a in repo.assessments(person_id)}
    intakes = [
        IntakeEntry(i.id, i.kind, i.created_at, i.intake, by_intake.get(i.id))
        for i in repo.intakes(person_id)
    ]
    plans = [
        PlanEntry(v.version, v.reason, v.created_at, v.plan) for v in repo.plan_versions(person_id)
    ]
    logs = [s.log for s in repo.session_logs(person_id)]
    names = {t.id: t.name for t in library().techniques}
    return PatientRecords(person.id, person.external_ref, intakes, plans, logs, names)


def export_fhir(uow: AbstractUnitOfWork, person_id: str, *, now: datetime) -> dict[str, object]:
    """The person's FHIR R4 Bundle."""
    with uow:
        records = patient_records(uow.journeys, person_id)
    return patient_bundle(records, version=__version__, generated_at=now)


def read_fhir(text: str | bytes) -> dict[str, Any]:
    """The intake ``questionnaires`` section a FHIR document fills (nothing is written)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        problem = Problem(
            "(document)", f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}"
        )
        raise InvalidInput([problem], "FHIR document") from None
    return questionnaires_from_fhir(document)


def with_questionnaires(intake: dict[str, Any], questionnaires: dict[str, Any]) -> dict[str, Any]:
    """The intake document with its questionnaires section replaced by ``questionnaires``."""
    if not isinstance(intake, dict):
        raise InvalidInput([Problem("intake", "must be a JSON object", intake)], "intake")
    return {**intake, "questionnaires": questionnaires}


def import_fhir(
    uow: AbstractUnitOfWork,
    fhir_text: str | bytes,
    intake: dict[str, Any],
    *,
    owner_id: str | None = None,
) -> Enrolled:
    """Enrol a new patient from ``intake`` (the clinician's part: person, preferences, red flags,
    measurements) with the questionnaires the FHIR document holds. Bad input anywhere: nothing is
    written."""
    questionnaires = read_fhir(fhir_text)
    merged = with_questionnaires(intake, questionnaires)
    return init_person(uow, json.dumps(merged), owner_id=owner_id)
