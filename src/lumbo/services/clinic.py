"""Clinic-wide reads: the outcomes summary and the de-identified research table (CSV, Parquet).

``owner_id`` limits both to one clinician's patients (the web pages); None means every person in
the store (the command line, run by whoever administers the store).
"""

from __future__ import annotations

import csv
import io
import secrets
from typing import Any

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.outcomes.clinic import ClinicOutcomes, PatientOutcome, summarize
from lumbo.interop.research import COLUMNS, all_rows
from lumbo.services._shared import UnitsOfWork
from lumbo.services.interop import patient_records
from lumbo.services.results import ClinicOutcomesOut
from lumbo.store.records import PersonRecord

FORMATS = ("csv", "parquet")


def _persons(store: UnitsOfWork, owner_id: str | None) -> list[PersonRecord]:
    with store.uow() as uow:
        if owner_id is None:
            return uow.journeys.persons()
        return uow.accounts.persons_of_owner(owner_id)


def clinic_outcomes(store: UnitsOfWork, owner_id: str | None) -> ClinicOutcomes:
    found: list[PatientOutcome] = []
    with store.uow() as uow:
        repo = uow.journeys
        for person in _persons(store, owner_id):
            done = [r for r in repo.reassessments(person.id) if r.outcomes is not None]
            assessments = repo.assessments(person.id)
            if not done or not assessments:
                continue
            approach = assessments[0].assessment.classification.approach
            outcomes = done[-1].outcomes
            assert outcomes is not None
            found.append(PatientOutcome(approach, outcomes))
    return summarize(found)


def clinic_outcomes_out(store: UnitsOfWork, owner_id: str | None) -> ClinicOutcomesOut:
    """:func:`clinic_outcomes` as the API's typed answer (the same JSON)."""
    return ClinicOutcomesOut.model_validate(clinic_outcomes(store, owner_id).to_json())


def research_rows(store: UnitsOfWork, owner_id: str | None) -> list[dict[str, Any]]:
    salt = secrets.token_hex(16)  # new in every export: patient keys cannot be linked across
    with store.uow() as uow:
        records = [patient_records(uow.journeys, p.id) for p in _persons(store, owner_id)]
    return all_rows(records, salt)


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def to_parquet(rows: list[dict[str, Any]]) -> bytes:
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:
        problem = Problem(
            "format", "parquet needs the research extra: pip install 'lumbo[research]'"
        )
        raise InvalidInput([problem], "research export") from None
    table = pa.Table.from_pylist(rows, schema=_schema(pa)) if rows else _schema(pa).empty_table()
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


_TEXT = {
    "patient_key",
    "assessment",
    "sex",
    "age_band",
    "symptom_duration",
    "approach",
    "tbc",
    "psychosocial_risk",
    "start_back_risk",
    "promis_pi_form",
    "findings",
}
_INTS = {
    "weeks_since_baseline",
    "rmdq",
    "start_back_total",
    "start_back_psychosocial",
    "fabq_pa",
    "fabq_w",
    "promis_pi_raw",
    "pain_now",
    "pain_best",
    "pain_worst",
    "plan_versions",
}


def _schema(pa: Any) -> Any:
    def kind(name: str) -> Any:
        if name in _TEXT:
            return pa.string()
        if name in _INTS:
            return pa.int64()
        if name == "referral_required":
            return pa.bool_()
        return pa.float64()

    return pa.schema([(c, kind(c)) for c in COLUMNS])


def export_research(store: UnitsOfWork, owner_id: str | None, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise InvalidInput([Problem("format", f"must be one of {list(FORMATS)}", fmt)], "options")
    found = research_rows(store, owner_id)
    return to_csv(found) if fmt == "csv" else to_parquet(found)
