"""Phases, dose progression and block timing (``knowledge/phases.toml``, ``progression.toml``).

A dose is a technique's template moved by an integer *level* (0 = the template). The step rules are
data; this module only interprets them. Everything here is pure and cached.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from lumbo.domain.errors import KnowledgeBaseError
from lumbo.domain.knowledge import load_knowledge
from lumbo.domain.knowledge.files import PhaseRow, PhasesFile, ProgressionFile, StepRuleRow
from lumbo.domain.knowledge.model import FINDING_CODES, DoseTemplate, Load, NeuralTension, Role
from lumbo.domain.protocol.model import Dose
from lumbo.domain.safety import MAX_STRETCH_INTENSITY

_INT_FIELDS = ("sets", "reps", "hold_s", "work_s", "breaths")


@dataclass(frozen=True, slots=True)
class StepRule:
    field: str
    operation: str
    step: float
    min: int
    max: int
    source: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Phase:
    number: int
    key: str
    name: str
    first_week: int
    last_week: int
    intent: str
    emphasis: tuple[Role, ...]
    required_roles: tuple[Role, ...]
    neural_tension: frozenset[NeuralTension]
    load: frozenset[Load]
    intensity_cap: int
    max_variants: int
    rotate_roles: frozenset[Role] = frozenset()
    release_when_restricted: bool = False
    gentle_emphasis: tuple[Role, ...] | None = None  # symptom modulation (None: `emphasis`)
    gentle_required_roles: tuple[Role, ...] | None = None

    @property
    def weeks(self) -> range:
        return range(self.first_week, self.last_week + 1)

    def rank(self, role: Role, gentle: bool = False) -> int:
        order = self.gentle_emphasis if gentle and self.gentle_emphasis else self.emphasis
        return order.index(role) if role in order else len(order)

    def required(self, gentle: bool = False) -> tuple[Role, ...]:
        """The roles every session of the phase includes (symptom modulation: ``gentle``)."""
        if gentle and self.gentle_required_roles is not None:
            return self.gentle_required_roles
        return self.required_roles


@dataclass(frozen=True, slots=True)
class Timing:
    transition_s: int
    rep_s: int
    breath_s: int
    contract_relax_transition_s: int


@dataclass(frozen=True, slots=True)
class Gate:
    green_sessions: int
    red_sessions_for_review: int
    review_window: int
    tingling_sessions_for_referral_signs: int


@dataclass(frozen=True, slots=True)
class PainModel:
    green_max: int
    acceptable_max: int
    source: str


@dataclass(frozen=True, slots=True)
class Config:
    phases: tuple[Phase, ...]
    reassessment_weeks: tuple[int, ...]
    coverage_by_week: int
    max_blocks_per_session: int
    mobility_restrictions: frozenset[str]
    rotate_from_sessions_per_week: int
    rotate_variants: int
    fill_percent: int
    trim_order: tuple[Role, ...]
    timing: Timing
    rules: dict[str, tuple[StepRule, ...]]
    gate: Gate
    pain: PainModel

    def trim_rank(self, role: Role) -> int:
        """Where a block of ``role`` comes in the order of giving back levels (0 = first)."""
        return self.trim_order.index(role) if role in self.trim_order else -1

    def phase_of(self, week: int) -> Phase:
        for p in self.phases:
            if p.first_week <= week <= p.last_week:
                return p
        raise KnowledgeBaseError(f"phases.toml: no phase covers week {week}")


def _phase(number: int, raw: PhaseRow) -> Phase:
    first, last = raw.weeks
    if raw.intensity_cap > MAX_STRETCH_INTENSITY:
        raise KnowledgeBaseError(
            f"phases.toml {raw.key}: intensity_cap above the overstretch guard"
        )
    return Phase(
        number=number,
        key=raw.key,
        name=raw.name,
        first_week=first,
        last_week=last,
        intent=raw.intent,
        emphasis=raw.emphasis,
        required_roles=raw.required_roles,
        neural_tension=frozenset(raw.neural_tension),
        load=frozenset(raw.load),
        intensity_cap=raw.intensity_cap,
        max_variants=raw.max_variants,
        rotate_roles=frozenset(raw.rotate_roles),
        release_when_restricted=raw.release_when_restricted,
        gentle_emphasis=raw.symptom_modulation_emphasis,
        gentle_required_roles=raw.symptom_modulation_required_roles,
    )


def _trim_order(order: tuple[Role, ...]) -> tuple[Role, ...]:
    if sorted(order) != sorted(Role) or len(set(order)) != len(order):
        raise KnowledgeBaseError(
            "phases.toml: trim_order must name every role once: " + ", ".join(r.value for r in Role)
        )
    return order


def _codes(raw: tuple[str, ...]) -> frozenset[str]:
    unknown = sorted(set(raw) - set(FINDING_CODES))
    if unknown:
        raise KnowledgeBaseError(f"phases.toml mobility_restrictions: unknown codes {unknown}")
    return frozenset(raw)


def _rule(raw: StepRuleRow) -> StepRule:
    if raw.field not in _INT_FIELDS:
        raise KnowledgeBaseError(f"progression.toml: bad rule {raw.model_dump()!r}")
    return StepRule(
        field=raw.field,
        operation=raw.operation,
        step=raw.step,
        min=raw.min,
        max=raw.max,
        source=raw.source,
        note=raw.note,
    )


@cache
def config() -> Config:
    """The phase and progression data, validated once (``knowledge/files.py`` has their schemas)."""
    ph = load_knowledge("phases.toml", PhasesFile)
    pr = load_knowledge("progression.toml", ProgressionFile)
    phases = tuple(_phase(i + 1, raw) for i, raw in enumerate(ph.phase))
    weeks = [w for p in phases for w in p.weeks]
    if weeks != list(range(1, 13)):
        raise KnowledgeBaseError("phases.toml: phases must cover weeks 1-12 in order, once each")
    t = ph.timing
    g = pr.gate
    return Config(
        phases=phases,
        reassessment_weeks=ph.reassessment_weeks,
        coverage_by_week=ph.coverage_by_week,
        max_blocks_per_session=ph.max_blocks_per_session,
        mobility_restrictions=_codes(ph.mobility_restrictions),
        rotate_from_sessions_per_week=ph.rotate_from_sessions_per_week,
        rotate_variants=ph.rotate_variants,
        fill_percent=ph.fill_percent,
        trim_order=_trim_order(ph.trim_order),
        timing=Timing(
            transition_s=t.transition_s,
            rep_s=t.rep_s,
            breath_s=t.breath_s,
            contract_relax_transition_s=t.contract_relax_transition_s,
        ),
        rules={kind: tuple(_rule(r) for r in body.rules) for kind, body in sorted(pr.kind.items())},
        gate=Gate(
            green_sessions=g.green_sessions,
            red_sessions_for_review=g.red_sessions_for_review,
            review_window=g.review_window,
            tingling_sessions_for_referral_signs=g.tingling_sessions_for_referral_signs,
        ),
        pain=PainModel(
            green_max=pr.pain.green_max,
            acceptable_max=pr.pain.acceptable_max,
            source=pr.pain.source,
        ),
    )


def _up(values: dict[str, Any], rules: tuple[StepRule, ...]) -> bool:
    for r in rules:
        v = values.get(r.field)
        if v is None or v >= r.max:
            continue
        new = v + int(r.step) if r.operation == "add" else max(v + 1, round(v * r.step))
        values[r.field] = min(new, r.max)
        return True
    return False


def _down(values: dict[str, Any], rules: tuple[StepRule, ...]) -> bool:
    for r in reversed(rules):
        v = values.get(r.field)
        if v is None or v <= r.min:
            continue
        new = v - int(r.step) if r.operation == "add" else min(v - 1, round(v / r.step))
        values[r.field] = max(new, r.min)
        return True
    return False


@lru_cache(maxsize=8192)
def dose_at(template: DoseTemplate, level: int, intensity_cap: int = MAX_STRETCH_INTENSITY) -> Dose:
    """The template moved ``level`` steps (negative: regressed), intensity capped by the phase."""
    values = template.model_dump()
    rules = config().rules.get(template.kind, ())
    move = _up if level > 0 else _down
    for _ in range(abs(level)):
        if not move(values, rules):
            break
    target = values["intensity_target"]
    if target is not None:
        values["intensity_target"] = min(target, intensity_cap, MAX_STRETCH_INTENSITY)
    return Dose(**values)


@lru_cache(maxsize=4096)
def max_level(template: DoseTemplate) -> int:
    """How many upward steps the template can take before every rule is at its bound."""
    values = template.model_dump()
    rules = config().rules.get(template.kind, ())
    n = 0
    while _up(values, rules):
        n += 1
    return n


@lru_cache(maxsize=4096)
def min_level(template: DoseTemplate) -> int:
    """The lowest level (<= 0) the template can be regressed to by the rules."""
    values = template.model_dump()
    rules = config().rules.get(template.kind, ())
    n = 0
    while _down(values, rules):
        n -= 1
    return n


_SECONDS = re.compile(r"(\d+)(?:\s*-\s*(\d+))?\s*s\b")


@lru_cache(maxsize=256)
def tempo_seconds(tempo: str | None) -> int | None:
    """Seconds of one repetition (or breath) from a tempo text such as "about 3 s each way",
    "about 4 s in, 6-8 s out" (ranges count their upper end); None when it names no seconds."""
    if not tempo:
        return None
    total = sum(int(hi or lo) for lo, hi in _SECONDS.findall(tempo))
    if total and "each way" in tempo:
        total *= 2
    return total or None


def seconds(dose: Dose) -> int:
    """Estimated time of one block with this dose, including getting into position."""
    t = config().timing
    sides = 2 if dose.per_side else 1
    per_set: float
    paced = tempo_seconds(dose.tempo)
    if dose.kind == "hold":
        per_set = (dose.hold_s or 0) + dose.rest_s
    elif dose.kind == "reps":
        rep = max(t.rep_s, paced or 0)
        per_set = (dose.reps or 0) * (rep + (dose.hold_s or 0)) + dose.rest_s
    elif dose.kind == "contract_relax":
        per_set = (
            (dose.contract_s or 0)
            + (dose.hold_s or 0)
            + t.contract_relax_transition_s
            + dose.rest_s
        )
    elif dose.kind == "timed":
        per_set = (dose.work_s or 0) + dose.rest_s
    elif dose.kind == "breaths":
        per_set = (dose.breaths or 0) * max(t.breath_s, paced or 0) + dose.rest_s
        sides = 1
    else:
        return t.transition_s + math.ceil((dose.minutes or 0) * 60)
    return t.transition_s + math.ceil(per_set * dose.sets * sides)


def tenths(dose: Dose) -> int:
    """Estimated block time in tenths of a minute, rounded up (so budgets stay honest)."""
    return -(-seconds(dose) // 6)
