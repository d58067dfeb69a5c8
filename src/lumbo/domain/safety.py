"""The exclusion rules of the protocol engine: a table of named predicates with reasons and sources.

Each :class:`Rule` says when it applies to a person (their conditions, findings, equipment) and
which techniques it excludes. :func:`exclusions` evaluates the table for one person and returns
every excluded technique with *every* reason, so the plan can list them (``Plan.excluded``). Phase
rules (what is allowed *when*, e.g. no neural tensioners in phase 1) live in ``phases.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lumbo.domain.knowledge.model import (
    Load,
    Mode,
    MoveDirection,
    Position,
    Region,
    Technique,
)

MAX_STRETCH_INTENSITY = 7
"""Overstretch guard: a static stretch intensity target never exceeds 7/10 (DESIGN.md)."""

DESIGN_RULES = "DESIGN.md safety rules"

HYPERMOBILITY_FINDINGS = frozenset({"SEGMENTAL_HYPERMOBILITY", "GENERALIZED_HYPERMOBILITY"})
NEURAL_SENSITIVE_FINDINGS = frozenset({"NEURAL_MECHANOSENSITIVITY", "RADICULAR_SYMPTOMS"})
SPINE_REGIONS = frozenset({Region.lumbar, Region.thoracolumbar})


@dataclass(frozen=True, slots=True)
class Person:
    """What the exclusion rules need to know about one person."""

    conditions: frozenset[str]
    findings: frozenset[str]
    equipment: frozenset[str]

    @property
    def hypermobile(self) -> bool:
        return bool(self.findings & HYPERMOBILITY_FINDINGS) or (
            "hypermobility_syndrome" in self.conditions
        )

    @property
    def neural_sensitive(self) -> bool:
        return bool(self.findings & NEURAL_SENSITIVE_FINDINGS)


@dataclass(frozen=True, slots=True)
class Rule:
    """One named exclusion rule: applies to a person, excludes some techniques, says why."""

    key: str
    applies: Callable[[Person], bool]
    excludes: Callable[[Technique], bool]
    reason: str
    source: str


def _end_range_extension(t: Technique) -> bool:
    return t.end_range and MoveDirection.extension in t.directions


def _loaded_end_range_flexion_rotation(t: Technique) -> bool:
    moves = {MoveDirection.flexion, MoveDirection.rotation}
    return t.end_range and t.load is not Load.none and bool(moves & set(t.directions))


def _prone(t: Technique) -> bool:
    return Position.prone in t.positions


def _end_range_passive_spine(t: Technique) -> bool:
    return t.end_range and t.mode is Mode.passive and bool(SPINE_REGIONS & set(t.regions))


def _intensity_above_guard(t: Technique) -> bool:
    target = t.dose.intensity_target
    return target is not None and target > MAX_STRETCH_INTENSITY


RULES: tuple[Rule, ...] = (
    Rule(
        key="spondylolisthesis_end_range_extension",
        applies=lambda p: "spondylolisthesis" in p.conditions,
        excludes=_end_range_extension,
        reason="spondylolisthesis: no end-range extension",
        source=DESIGN_RULES,
    ),
    Rule(
        key="osteoporosis_loaded_end_range_flexion_rotation",
        applies=lambda p: "osteoporosis" in p.conditions,
        excludes=_loaded_end_range_flexion_rotation,
        reason="osteoporosis: no loaded end-range flexion or rotation",
        source=DESIGN_RULES,
    ),
    Rule(
        key="pregnancy_prone",
        applies=lambda p: "pregnancy" in p.conditions,
        excludes=_prone,
        reason="pregnancy: no prone positions",
        source=DESIGN_RULES,
    ),
    Rule(
        key="hypermobility_end_range_passive_spine",
        applies=lambda p: p.hypermobile,
        excludes=_end_range_passive_spine,
        reason=(
            "hypermobility (segmental, generalized or hypermobility syndrome): "
            "no end-range passive mobilization of the lumbar or thoracolumbar spine"
        ),
        source=DESIGN_RULES,
    ),
    Rule(
        key="overstretch_guard_intensity",
        applies=lambda p: True,
        excludes=_intensity_above_guard,
        reason=f"overstretch guard: stretch intensity target above {MAX_STRETCH_INTENSITY}/10",
        source=DESIGN_RULES,
    ),
)


def _own_contraindications(t: Technique, person: Person) -> list[str]:
    present = person.conditions | person.findings
    hits = sorted({str(c) for c in t.contraindications} & present)
    return [f"contraindicated by {code} (technique entry)" for code in hits]


def _missing_equipment(t: Technique, person: Person) -> list[str]:
    missing = sorted({e.value for e in t.equipment} - person.equipment)
    if not missing:
        return []
    return ["needs equipment not available: " + ", ".join(missing)]


def reasons_for(t: Technique, person: Person, rules: Iterable[Rule] = RULES) -> tuple[str, ...]:
    """Every reason ``t`` must not appear in this person's plan (empty: allowed)."""
    reasons = [r.reason for r in rules if r.applies(person) and r.excludes(t)]
    reasons += _own_contraindications(t, person)
    reasons += _missing_equipment(t, person)
    return tuple(reasons)


def exclusions(techniques: Iterable[Technique], person: Person) -> dict[str, tuple[str, ...]]:
    """Technique id -> reasons, for every excluded technique, in id order."""
    rules = tuple(r for r in RULES if r.applies(person))
    out: dict[str, tuple[str, ...]] = {}
    for t in sorted(techniques, key=lambda t: t.id):
        reasons = reasons_for(t, person, rules)
        if reasons:
            out[t.id] = reasons
    return out
