"""Outcomes at reassessment: change against baseline, against the age norm and against the MCIDs. Pure.

Range of motion: change in degrees and in % of baseline, and — only when baseline was short of the
age-expected value by at least :data:`MIN_DEFICIT_DEG` — the % of that deficit restored ("restored 68%
of lost extension"), never dividing by a deficit near zero. PROMs: change against the minimal
clinically important differences of clinical-reference.md section 2, each with its source key, and
responder status. Adherence: planned sessions done, and planned sets done.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from lumbo.domain.assessment.model import Assessment
from lumbo.domain.intake import Intake
from lumbo.domain.knowledge import load_knowledge
from lumbo.domain.knowledge.files import McidFile
from lumbo.domain.norms import expected, source
from lumbo.domain.outcomes.self_tests import SelfTestChange, self_test_changes
from lumbo.domain.protocol.model import Plan, SessionLog
from lumbo.domain.thresholds import threshold

__all__ = ["MIN_DEFICIT_DEG", "Outcomes", "adherence", "mcids", "outcomes"]

MIN_DEFICIT_DEG = 2.0
"""Below this shortfall from the age norm there is "no deficit" to restore (lumbo policy)."""

Responder = Literal["responder", "no_important_change", "worse", "not_measured"]


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RomChange(_M):
    measure: str
    baseline_deg: float | None
    now_deg: float | None
    change_deg: float | None
    change_pct: float | None
    expected_deg: float | None
    expected_source: str | None
    deficit_deg: float | None
    deficit_restored_pct: float | None
    statement: str
    detectable: bool | None = None  # change at least the minimal detectable change (MDC)


class PromChange(_M):
    measure: str
    baseline: float | None
    now: float | None
    change: float | None
    better: Literal["lower", "higher"]
    mcid: float
    mcid_source: str
    relative_mcid_pct: float | None
    responder: Responder
    recovered: bool | None
    statement: str


class Adherence(_M):
    through_week: int
    planned_sessions: int
    completed_sessions: int
    percent: float | None
    planned_sets: int
    completed_sets: int
    sets_percent: float | None


class Outcomes(_M):
    person_id: str | None
    rom: tuple[RomChange, ...]
    proms: tuple[PromChange, ...]
    adherence: Adherence
    notes: tuple[str, ...] = ()
    self_tests: tuple[SelfTestChange, ...] = ()  # tests without a norm: against own baseline

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


@dataclass(frozen=True, slots=True)
class Mcid:
    measure: str
    score: str
    key: str
    better: Literal["lower", "higher"]
    mcid: float
    source: str
    relative_pct: float | None  # "a 30% improvement from baseline also counts" (Ostelo 2008)
    recovered_at: float | None  # Kamper 2010: RMDQ <= 2, NRS = 0
    label: str


@cache
def mcids() -> tuple[Mcid, ...]:
    """MCIDs of clinical-reference.md section 2, from ``knowledge/mcid.toml`` (each with its source)."""
    rows = load_knowledge("mcid.toml", McidFile).root
    return tuple(
        Mcid(
            measure=name,
            score=r.score,
            key=r.key,
            better=r.better,
            mcid=r.mcid,
            source=r.source,
            relative_pct=r.relative_pct,
            recovered_at=r.recovered_at,
            label=r.label,
        )
        for name, r in rows.items()
    )


ROM_MEASURES: tuple[tuple[str, str | None, str], ...] = (
    ("lumbar_flexion_deg", "lumbar_flexion_deg", "flexion"),
    ("lumbar_extension_deg", "lumbar_extension_deg", "extension"),
    ("lateral_flexion_left_deg", "lateral_flexion_deg", "left side-bending"),
    ("lateral_flexion_right_deg", "lateral_flexion_deg", "right side-bending"),
    ("rotation_left_deg", "rotation_deg", "left rotation"),
    ("rotation_right_deg", "rotation_deg", "right rotation"),
    ("slr_left_deg", None, "left straight-leg raise"),
    ("slr_right_deg", None, "right straight-leg raise"),
)


def _r(x: float, nd: int = 1) -> float:
    return round(x + 0.0, nd)


def _rom(
    measure: str, norm: str | None, label: str, base: Intake, now: Intake, age: int
) -> RomChange:
    b = getattr(base.measurements, measure)
    n = getattr(now.measurements, measure)
    exp = expected(norm, age) if norm else None
    e = exp.value_deg if exp else None
    cite = None
    if exp is not None:
        cite = exp.source.key + ("" if exp.source.verified else " (secondary source, unverified)")
    empty: dict[str, Any] = {
        "measure": measure,
        "baseline_deg": b,
        "now_deg": n,
        "change_deg": None,
        "change_pct": None,
        "expected_deg": e,
        "expected_source": cite,
        "deficit_deg": None,
        "deficit_restored_pct": None,
    }
    if b is None or n is None:
        missing = "baseline" if b is None else "follow-up"
        return RomChange(**empty, statement=f"{label}: not measured at {missing}")
    change = _r(n - b)
    pct = _r(change / b * 100) if b >= 1.0 else None
    deficit = _r(e - b) if e is not None and e - b >= MIN_DEFICIT_DEG else None
    mdc = float(threshold("rom_mdc")["mdc_deg"])
    detectable = abs(change) >= mdc
    restored = _r(change / deficit * 100, 0) if deficit is not None and detectable else None
    moved = f"{b:g} -> {n:g} deg ({change:+g} deg)"
    if not detectable:
        text = (
            f"{label}: no detectable change ({moved} is within the {mdc:g} deg measurement "
            "error, lumbo policy)"
        )
    elif e is None:
        text = f"{label}: {moved}; no age norm to compare with"
    elif deficit is None:
        text = f"{label}: no deficit at baseline ({b:g} deg, age-expected {e:g} deg); {moved}"
    elif restored is not None and restored >= 100:
        text = f"{label}: restored all of the lost range: {moved}, age-expected {e:g} deg"
    elif change > 0:
        text = (
            f"{label}: restored {restored:g}% of the lost range ({moved}; age-expected {e:g} deg)"
        )
    else:
        text = f"{label}: no gain yet ({moved}; age-expected {e:g} deg)"
    return RomChange(
        **{
            **empty,
            "change_deg": change,
            "change_pct": pct,
            "deficit_deg": deficit,
            "deficit_restored_pct": restored,
        },
        statement=text,
        detectable=detectable,
    )


def _score(a: Assessment, name: str, key: str) -> float | None:
    return a.scores.value(name, key)


def _prom(m: Mcid, base: Assessment, now: Assessment) -> PromChange:
    b, n = _score(base, m.score, m.key), _score(now, m.score, m.key)
    src = source(m.source).key
    common: dict[str, Any] = {
        "measure": m.measure,
        "baseline": b,
        "now": n,
        "better": m.better,
        "mcid": m.mcid,
        "mcid_source": src,
        "relative_mcid_pct": m.relative_pct,
    }
    if b is None or n is None:
        return PromChange(
            **common,
            change=None,
            responder="not_measured",
            recovered=None,
            statement=f"{m.label}: not measured at {'baseline' if b is None else 'follow-up'}",
        )
    change = _r(n - b, 2)
    gain = -change if m.better == "lower" else change
    relative = gain / b * 100 if m.relative_pct is not None and b > 0 else None
    status: Responder
    if gain >= m.mcid or (relative is not None and relative >= (m.relative_pct or 0)):
        status = "responder"
    elif gain <= -m.mcid:
        status = "worse"
    else:
        status = "no_important_change"
    recovered = None if m.recovered_at is None else n <= m.recovered_at
    words = {
        "responder": "a clinically important improvement",
        "worse": "a clinically important worsening",
        "no_important_change": "less than the minimal important difference",
    }[status]
    rel = f" or {m.relative_pct:g}%" if m.relative_pct is not None else ""
    return PromChange(
        **common,
        change=change,
        responder=status,
        recovered=recovered,
        statement=f"{m.label}: {b:g} -> {n:g} ({change:+g}): {words} (MCID {m.mcid:g}{rel}, {src})",
    )


def _adherence(plan: Plan, logs: list[SessionLog], through_week: int | None) -> Adherence:
    # Several logs of one planned session count once; per block the most sets logged count.
    done: dict[tuple[int, int], dict[str, int]] = {}
    for log in logs:
        got = done.setdefault((log.week, log.session_index), {})
        for entry in log.blocks:
            got[entry.technique] = max(got.get(entry.technique, 0), entry.completed_sets)
    last = through_week if through_week is not None else max((w for w, _ in done), default=0)
    weeks = [w for w in plan.weeks if w.week <= last]
    planned = sum(len(w.sessions) for w in weeks)
    done = {k: v for k, v in done.items() if k[0] <= last}
    planned_sets = completed_sets = 0
    for w in weeks:
        for s in w.sessions:
            got = done.get((w.week, s.index), {})
            for b in s.blocks:
                planned_sets += b.dose.sets
                completed_sets += min(got.get(b.technique, 0), b.dose.sets)
    return Adherence(
        through_week=last,
        planned_sessions=planned,
        completed_sessions=len(done),
        percent=_r(len(done) / planned * 100) if planned else None,
        planned_sets=planned_sets,
        completed_sets=completed_sets,
        sets_percent=_r(completed_sets / planned_sets * 100) if planned_sets else None,
    )


def adherence(
    plan: Plan, logs: list[SessionLog] | tuple[SessionLog, ...], through_week: int | None = None
) -> Adherence:
    """Planned sessions and sets done in weeks 1..``through_week`` (default: the last logged week)."""
    return _adherence(plan, list(logs), through_week)


def outcomes(
    baseline_intake: Intake,
    baseline_assessment: Assessment,
    followup_intake: Intake,
    followup_assessment: Assessment,
    logs: list[SessionLog] | tuple[SessionLog, ...],
    plan: Plan,
    *,
    through_week: int | None = None,
) -> Outcomes:
    """Reassessment against baseline. Adherence counts weeks 1..``through_week`` (default: the
    last logged week). Age norms use the baseline age, so the target does not move."""
    age = baseline_intake.person.age
    rom = tuple(
        _rom(measure, norm, label, baseline_intake, followup_intake, age)
        for measure, norm, label in ROM_MEASURES
    )
    notes = []
    m0, m1 = baseline_intake.measurements.method, followup_intake.measurements.method
    if m0 is not None and m1 is not None and m0 != m1:
        notes.append(
            f"Range of motion was measured with {m0.value} at baseline and {m1.value} at follow-up: "
            "compare with caution."
        )
    notes.append(
        "Percentages of the deficit restored use the age-expected value as the target; "
        f"below a {MIN_DEFICIT_DEG:g} deg shortfall there is no deficit to restore."
    )
    return Outcomes(
        person_id=baseline_intake.person.id,
        rom=rom,
        proms=tuple(_prom(m, baseline_assessment, followup_assessment) for m in mcids()),
        adherence=_adherence(plan, list(logs), through_week),
        notes=tuple(notes),
        self_tests=self_test_changes(baseline_intake, followup_intake),
    )
