"""De-identified outcomes for research: one row per patient per assessment. Pure.

What is removed and why (docs/interop.md, "Research export"):

* identifiers: store ids, the intake's person id, accounts and e-mails; each patient gets a random
  key that is new in every export (rows of one patient share it; two exports cannot be linked);
* dates: every date becomes "weeks since baseline";
* free text: PSFS activity names, occupation, session notes, evidence and reason sentences;
* exact age (an age band of 10 years, 80 and over grouped), height and weight (re-identifying
  together with age and sex).

Kept: sex, age band, symptom duration band, classification, psychosocial risk, every score, range
of motion, finding codes (a fixed vocabulary), adherence at reassessments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from lumbo.domain.outcomes.reassessment import adherence
from lumbo.interop.fhir_out import PatientRecords

COLUMNS: tuple[str, ...] = (
    "patient_key",
    "assessment",
    "weeks_since_baseline",
    "sex",
    "age_band",
    "symptom_duration",
    "referral_required",
    "approach",
    "tbc",
    "psychosocial_risk",
    "odi_percent",
    "rmdq",
    "start_back_total",
    "start_back_psychosocial",
    "start_back_risk",
    "fabq_pa",
    "fabq_w",
    "promis_pi_form",
    "promis_pi_raw",
    "promis_pi_t",
    "psfs_mean",
    "pain_now",
    "pain_best",
    "pain_worst",
    "lumbar_flexion_deg",
    "lumbar_extension_deg",
    "lateral_flexion_left_deg",
    "lateral_flexion_right_deg",
    "rotation_left_deg",
    "rotation_right_deg",
    "slr_left_deg",
    "slr_right_deg",
    "findings",
    "plan_versions",
    "adherence_pct",
)
ROM = COLUMNS[COLUMNS.index("lumbar_flexion_deg") : COLUMNS.index("findings")]


def age_band(age: int) -> str:
    if age >= 80:
        return "80+"
    low = age // 10 * 10
    return f"{low}-{low + 9}"


def duration_band(days: int | None) -> str | None:
    """Acute under 6 weeks, subacute 6-12 weeks, chronic over 12 weeks (conventional bands)."""
    if days is None:
        return None
    if days < 42:
        return "acute"
    return "subacute" if days <= 84 else "chronic"


def patient_key(salt: str, person_id: str) -> str:
    return hashlib.sha256(f"{salt}:{person_id}".encode()).hexdigest()[:16]


def rows(records: PatientRecords, salt: str) -> list[dict[str, Any]]:
    """The patient's rows; ``salt`` is the export's random secret (never stored)."""
    if not records.intakes:
        return []
    key = patient_key(salt, records.person_id)
    base = records.intakes[0].created_at
    out = []
    for entry in records.intakes:
        intake, a = entry.intake, entry.assessment
        s = a.scores if a is not None else None
        weeks = (entry.created_at - base).days // 7
        plans = [p for p in records.plans if p.created_at <= entry.created_at] or list(
            records.plans[:1]
        )
        adherence_pct = None
        if entry.kind == "reassessment" and plans:
            logs = [lg for lg in records.logs if lg.performed_on <= entry.created_at.date()]
            adherence_pct = adherence(plans[-1].plan, logs, through_week=max(1, weeks)).percent
        odi, sb, fabq = (s and s.odi), (s and s.start_back), (s and s.fabq)
        promis, psfs, nprs = (s and s.promis_pi), (s and s.psfs), (s and s.nprs)
        m = intake.measurements.model_dump(mode="json")
        row: dict[str, Any] = {
            "patient_key": key,
            "assessment": entry.kind,
            "weeks_since_baseline": weeks,
            "sex": None if intake.person.sex is None else intake.person.sex.value,
            "age_band": age_band(intake.person.age),
            "symptom_duration": duration_band(intake.history.symptom_duration_days),
            "referral_required": None if a is None else a.referral.required,
            "approach": None if a is None else a.classification.approach,
            "tbc": None if a is None else a.classification.tbc,
            "psychosocial_risk": None if a is None else a.classification.psychosocial_risk,
            "odi_percent": odi and odi.percent,
            "rmdq": s and s.rmdq and s.rmdq.score,
            "start_back_total": sb and sb.total,
            "start_back_psychosocial": sb and sb.psychosocial,
            "start_back_risk": sb and sb.risk,
            "fabq_pa": fabq and fabq.pa,
            "fabq_w": fabq and fabq.w,
            "promis_pi_form": promis and promis.form,
            "promis_pi_raw": promis and promis.raw,
            "promis_pi_t": promis and promis.t_score,
            "psfs_mean": psfs and psfs.mean,
            "pain_now": nprs and nprs.now,
            "pain_best": nprs and nprs.best,
            "pain_worst": nprs and nprs.worst,
            **{c: m.get(c) for c in ROM},
            "findings": ";".join(sorted({f.code for f in a.findings})) if a is not None else None,
            "plan_versions": len(plans) if records.plans else 0,
            "adherence_pct": adherence_pct,
        }
        out.append(row)
    return out


def all_rows(patients: Iterable[PatientRecords], salt: str) -> list[dict[str, Any]]:
    return [row for p in patients for row in rows(p, salt)]
