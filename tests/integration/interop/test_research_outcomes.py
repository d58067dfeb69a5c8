"""The research export removes identifiers, dates and free text; the outcomes summary reads the
stored reassessments; both through the service on a real store."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pyarrow.parquet as pq

from lumbo.interop.research import COLUMNS
from lumbo.services import clinic, journey
from lumbo.store.db import Store
from tests.integration.store import samples


def _two_visits(store: Store) -> str:
    pid = journey.init_person(store.uow(), samples.intake_text()).person.id
    follow = samples.intake_dict()
    follow["questionnaires"]["odi"] = [0, 0, 0, 0, 1, 0, 1, 0, 0, 0]  # type: ignore[index]
    follow["measurements"]["lumbar_flexion_deg"] = 60  # type: ignore[index]
    journey.reassess(store.uow(), pid, json.dumps(follow), on=date(2026, 12, 21))
    return pid


def test_research_export_is_de_identified(store: Store) -> None:
    pid = _two_visits(store)
    table = list(csv.DictReader(io.StringIO(clinic.export_research(store, None, "csv").decode())))
    assert [r["assessment"] for r in table] == ["baseline", "reassessment"]
    assert tuple(table[0]) == COLUMNS
    assert {r["patient_key"] for r in table} != {pid} and len(
        {r["patient_key"] for r in table}
    ) == 1
    assert table[0]["age_band"] == "40-49" and table[0]["odi_percent"] == "24.0"
    assert table[1]["lumbar_flexion_deg"] == "60.0"
    text = json.dumps(table)
    for secret in (pid, "seed-case-43m", "software engineer", "lifting my daughter", "2026-"):
        assert secret not in text
    again = list(csv.DictReader(io.StringIO(clinic.export_research(store, None, "csv").decode())))
    assert again[0]["patient_key"] != table[0]["patient_key"]  # exports cannot be linked
    parquet = pq.read_table(io.BytesIO(clinic.export_research(store, None, "parquet")))
    assert parquet.num_rows == 2 and tuple(parquet.column_names) == COLUMNS
    assert parquet.column("odi_percent").to_pylist()[0] == 24.0


def test_outcomes_summary_of_the_store(store: Store) -> None:
    _two_visits(store)
    journey.init_person(store.uow(), samples.intake_text().replace("seed-case-43m", "other-1"))
    summary = clinic.clinic_outcomes(store, None)
    assert summary.overall.patients == 1  # the second patient has no reassessment
    odi = next(r for r in summary.overall.proms if r.measure == "odi_percent")
    assert (odi.k, odi.n) == (1, 1)  # 24% -> 6%: beyond the 10-point MCID
    flexion = next(r for r in summary.overall.rom if r.measure == "lumbar_flexion_deg")
    assert (flexion.k, flexion.n) == (1, 1)  # 48 -> 60 degrees
    assert [g.name for g in summary.by_classification] == ["movement control"]
