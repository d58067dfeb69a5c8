"""A clinic's outcomes: what its own patients did, for the patients who reached a reassessment. Pure.

For each patient the latest reassessment counts (its outcomes were computed against baseline when
it was stored, see :mod:`lumbo.domain.outcomes.reassessment`). Per instrument: the share of patients whose
change reached the instrument's MCID (``responder``), with a 95% Wilson score interval; per range
of motion measure: the share who improved by more than the minimal detectable change; adherence.
Everything is split by classification (the baseline's treatment approach) and by adherence band.
No published figure is shown as evidence: only this clinic's counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from lumbo.domain.errors import KnowledgeBaseError
from lumbo.domain.norms import source
from lumbo.domain.outcomes.reassessment import ROM_MEASURES, mcids

ROM_MDC_DEG = 5.0
"""lumbo policy: no minimal detectable change for these range-of-motion measures is encoded from a
published source yet; 5 degrees is a conservative stand-in above typical repeat-measurement error.
Shown on the page and in the output as lumbo policy."""
ROM_MDC_SOURCE = "lumbo policy"

ADHERENCE_BANDS: tuple[tuple[str, float], ...] = (
    ("under 50%", 50.0),
    ("50-79%", 80.0),
    ("80% or more", math.inf),
)
"""lumbo policy: adherence bands (planned sessions done)."""

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of k successes in n trials (None when n is 0)."""
    if n <= 0:
        return None
    if not 0 <= k <= n:
        raise ValueError("need 0 <= k <= n")
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def adherence_band(percent: float | None) -> str:
    if percent is None:
        return "not known"
    for name, upper in ADHERENCE_BANDS:
        if percent < upper:
            return name
    return ADHERENCE_BANDS[-1][0]


@dataclass(frozen=True, slots=True)
class PatientOutcome:
    """One patient's latest reassessment outcomes (the stored JSON) and baseline approach."""

    approach: str
    outcomes: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Rate:
    measure: str
    label: str
    k: int
    n: int
    threshold: str
    source: str

    @property
    def percent(self) -> float | None:
        return None if self.n == 0 else round(100 * self.k / self.n, 1)

    @property
    def ci(self) -> tuple[float, float] | None:
        found = wilson(self.k, self.n)
        return None if found is None else (round(100 * found[0], 1), round(100 * found[1], 1))

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "label": self.label,
            "responders": self.k,
            "measured": self.n,
            "percent": self.percent,
            "ci95": None if self.ci is None else list(self.ci),
            "threshold": self.threshold,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    patients: int
    proms: tuple[Rate, ...]
    rom: tuple[Rate, ...]
    adherence_median: float | None
    adherence_known: int

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.name,
            "patients": self.patients,
            "proms": [r.to_json() for r in self.proms],
            "rom": [r.to_json() for r in self.rom],
            "adherence_median_pct": self.adherence_median,
            "adherence_known": self.adherence_known,
        }


@dataclass(frozen=True, slots=True)
class ClinicOutcomes:
    overall: Group
    by_classification: tuple[Group, ...]
    by_adherence: tuple[Group, ...]
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_json(),
            "by_classification": [g.to_json() for g in self.by_classification],
            "by_adherence": [g.to_json() for g in self.by_adherence],
            "notes": list(self.notes),
        }


def _prom_rates(patients: Sequence[PatientOutcome]) -> tuple[Rate, ...]:
    seen: dict[str, dict[str, Any]] = {}
    counts: dict[str, list[int]] = {}
    for p in patients:
        for prom in p.outcomes.get("proms", []):
            if prom.get("responder") in (None, "not_measured"):
                continue
            name = str(prom["measure"])
            seen.setdefault(name, prom)
            k_n = counts.setdefault(name, [0, 0])
            k_n[1] += 1
            k_n[0] += prom["responder"] == "responder"
    return tuple(
        Rate(
            name,
            _label(seen[name]),
            k,
            n,
            f"change of at least {seen[name]['mcid']:g} (MCID)",
            _short(str(seen[name]["mcid_source"])),
        )
        for name, (k, n) in sorted(counts.items())
    )


def _short(key: str) -> str:
    try:
        return source(key).short
    except KnowledgeBaseError:
        return key


def _label(prom: dict[str, Any]) -> str:
    labels = {m.measure: m.label for m in mcids()}
    return labels.get(str(prom["measure"]), str(prom["measure"]))


def _rom_rates(patients: Sequence[PatientOutcome]) -> tuple[Rate, ...]:
    counts: dict[str, list[int]] = {}
    for p in patients:
        for rom in p.outcomes.get("rom", []):
            change = rom.get("change_deg")
            if change is None:
                continue
            k_n = counts.setdefault(str(rom["measure"]), [0, 0])
            k_n[1] += 1
            k_n[0] += change > ROM_MDC_DEG
    return tuple(
        Rate(
            name,
            _ROM_LABELS.get(name, name.removesuffix("_deg").replace("_", " ")),
            k,
            n,
            f"gain of more than {ROM_MDC_DEG:g} deg (MDC)",
            ROM_MDC_SOURCE,
        )
        for name, (k, n) in sorted(counts.items())
    )


_ROM_LABELS = {
    measure: ("lumbar " + label if label in ("flexion", "extension") else label)
    for measure, _, label in ROM_MEASURES
}


def _adherence(p: PatientOutcome) -> float | None:
    value = (p.outcomes.get("adherence") or {}).get("percent")
    return None if value is None else float(value)


def _group(name: str, patients: Sequence[PatientOutcome]) -> Group:
    known = [a for a in (_adherence(p) for p in patients) if a is not None]
    return Group(
        name=name,
        patients=len(patients),
        proms=_prom_rates(patients),
        rom=_rom_rates(patients),
        adherence_median=None if not known else round(float(median(known)), 1),
        adherence_known=len(known),
    )


def summarize(patients: Iterable[PatientOutcome]) -> ClinicOutcomes:
    found = list(patients)
    approaches = sorted({p.approach for p in found})
    bands = [b for b, _ in ADHERENCE_BANDS] + ["not known"]
    by_band = {b: [p for p in found if adherence_band(_adherence(p)) == b] for b in bands}
    return ClinicOutcomes(
        overall=_group("all patients", found),
        by_classification=tuple(
            _group(a.replace("_", " "), [p for p in found if p.approach == a]) for a in approaches
        ),
        by_adherence=tuple(_group(b, ps) for b, ps in by_band.items() if ps),
        notes=(
            "Counts are this clinic's patients who reached a reassessment; each patient's latest "
            "reassessment is compared with their baseline.",
            "Intervals are 95% Wilson score intervals; with few patients they are wide.",
            f"Range of motion: no published minimal detectable change is encoded yet; "
            f"{ROM_MDC_DEG:g} degrees is lumbo policy. Adherence bands are lumbo policy.",
        ),
    )
