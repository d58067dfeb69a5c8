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
    Role,
    Technique,
)
from lumbo.domain.protocol.model import BlockLog

MAX_STRETCH_INTENSITY = 7
"""Overstretch guard: a static stretch intensity target never exceeds 7/10 (DESIGN.md)."""


def overstretched(intensity: int | None) -> bool:
    """The overstretch guard's one predicate: a stretch intensity (reported after a block, or a
    dose's target) above :data:`MAX_STRETCH_INTENSITY`. Every check of the guard calls this; the
    web player reads the same threshold from the page (``max_stretch_intensity``)."""
    return intensity is not None and intensity > MAX_STRETCH_INTENSITY


def overstretch_signs(block: BlockLog) -> tuple[str, ...]:
    """Why the overstretch guard fires for one logged block (empty: it does not): a stretch
    intensity above the guard, sharp or shooting pain, new numbness or tingling. Any one of them
    regresses the technique at once and is a warning sign for the clinician (DESIGN.md)."""
    signs: list[str] = []
    if overstretched(block.intensity):
        signs.append(f"stretch intensity {block.intensity}/10 is above {MAX_STRETCH_INTENSITY}/10")
    if block.sharp_pain:
        signs.append("sharp or shooting pain")
    if block.new_numbness_or_tingling:
        signs.append("new numbness or tingling")
    return tuple(signs)


DESIGN_RULES = "DESIGN.md safety rules"

HYPERMOBILITY_FINDINGS = frozenset({"SEGMENTAL_HYPERMOBILITY", "GENERALIZED_HYPERMOBILITY"})
NEURAL_SENSITIVE_FINDINGS = frozenset({"NEURAL_MECHANOSENSITIVITY", "RADICULAR_SYMPTOMS"})
SPINE_REGIONS = frozenset({Region.lumbar, Region.thoracolumbar})


LUMBO_POLICY = "lumbo policy"
DP_DIRECTIONS = frozenset({MoveDirection.flexion, MoveDirection.extension, MoveDirection.lateral})


@dataclass(frozen=True, slots=True)
class Person:
    """What the exclusion rules need to know about one person. The fields after ``equipment``
    have defaults so that callers built before them keep working."""

    conditions: frozenset[str]
    findings: frozenset[str]
    equipment: frozenset[str]
    directional_preference: str | None = None  # recorded direction; None also when "none"
    prone_instability_positive: bool = False
    pregnancy_weeks: int | None = None
    acute: bool = False  # symptoms for less than 6 weeks (or duration not recorded)
    stabilization_failure: bool = False  # Hicks 2005 failure rule positive: less stabilization

    @property
    def hypermobile(self) -> bool:
        return bool(self.findings & HYPERMOBILITY_FINDINGS) or (
            "hypermobility_syndrome" in self.conditions
        )

    @property
    def lumbar_instability(self) -> bool:
        """Hypermobile segments, generalized hypermobility, or a positive prone instability test."""
        return self.hypermobile or self.prone_instability_positive

    @property
    def no_supine(self) -> bool:
        """Pregnancy from about 20 weeks, or pregnancy with the week not recorded (ACOG 804)."""
        if "pregnancy" not in self.conditions:
            return False
        return self.pregnancy_weeks is None or self.pregnancy_weeks >= 20

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


def _repeated_end_range_directional(t: Technique) -> bool:
    """Repeated end-range movement of the lumbar spine in a directional-preference direction
    (the McKenzie-style repeated movements: press-ups, repeated flexion, side glides)."""
    return (
        t.end_range
        and t.role is Role.mobilize
        and bool(DP_DIRECTIONS & set(t.directions))
        and bool(SPINE_REGIONS & set(t.regions))
    )


def _not_in_dp(p: Person) -> Callable[[Technique], bool]:
    def excludes(t: Technique) -> bool:
        if not _repeated_end_range_directional(t):
            return False
        dp = p.directional_preference
        return dp is None or dp not in {d.value for d in t.directions}

    return excludes


def _against_dp(p: Person) -> Callable[[Technique], bool]:
    """A technique moving in a direction-preference direction that is not the person's."""

    def excludes(t: Technique) -> bool:
        dp = p.directional_preference
        moves = {d.value for d in DP_DIRECTIONS & set(t.directions)}
        if dp is None or not moves or dp in moves:
            return False
        return t.end_range or "DIRECTIONAL_PREFERENCE" in t.addresses

    return excludes


def _directional_exercise(t: Technique) -> bool:
    """Exercise prescribed for a directional preference (it addresses one and moves in a direction)."""
    return "DIRECTIONAL_PREFERENCE" in t.addresses and bool(DP_DIRECTIONS & set(t.directions))


def _end_range_lumbar_flex_ext(t: Technique) -> bool:
    moves = {MoveDirection.flexion, MoveDirection.extension}
    return t.end_range and bool(moves & set(t.directions)) and bool(SPINE_REGIONS & set(t.regions))


def _knees_to_chest(t: Technique) -> bool:
    """Passive end-range lumbar flexion lying on the back (knees to chest)."""
    return (
        t.end_range
        and t.mode is Mode.passive
        and MoveDirection.flexion in t.directions
        and Position.supine in t.positions
    )


def _supine(t: Technique) -> bool:
    return Position.supine in t.positions


def _intensity_above_guard(t: Technique) -> bool:
    return overstretched(t.dose.intensity_target)


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
        key="instability_end_range_lumbar_flexion_extension",
        applies=lambda p: p.lumbar_instability,
        excludes=_end_range_lumbar_flex_ext,
        reason=(
            "hypermobility or a positive prone instability test: no repeated end-range lumbar "
            "extension or flexion, active or passive; mid-range control instead"
        ),
        source=LUMBO_POLICY,
    ),
    Rule(
        key="acute_radicular_without_directional_preference",
        applies=lambda p: (
            p.acute and "RADICULAR_SYMPTOMS" in p.findings and p.directional_preference is None
        ),
        excludes=_directional_exercise,
        reason=(
            "acute radicular symptoms and no recorded directional preference: no directional "
            "(McKenzie-style) exercise"
        ),
        source=LUMBO_POLICY,
    ),
    Rule(
        key="acute_disc_herniation_knees_to_chest",
        applies=lambda p: p.acute and "disc_herniation" in p.conditions,
        excludes=_knees_to_chest,
        reason="disc herniation in the first six weeks: no knees-to-chest (passive end-range flexion)",
        source=LUMBO_POLICY,
    ),
    Rule(
        key="pregnancy_no_supine_from_20_weeks",
        applies=lambda p: p.no_supine,
        excludes=_supine,
        reason=(
            "pregnancy from about 20 weeks (or week not recorded): no exercise lying on the back"
        ),
        source="ACOG Committee Opinion 804",
    ),
    Rule(
        key="overstretch_guard_intensity",
        applies=lambda p: True,
        excludes=_intensity_above_guard,
        reason=f"overstretch guard: stretch intensity target above {MAX_STRETCH_INTENSITY}/10",
        source=DESIGN_RULES,
    ),
)


def _own_contraindications(t: Technique, person: Person) -> list[tuple[str, str]]:
    present = person.conditions | person.findings
    hits = sorted({str(c) for c in t.contraindications} & present)
    return [(CONTRAINDICATED, f"contraindicated by {code} (technique entry)") for code in hits]


def _missing_equipment(t: Technique, person: Person) -> list[tuple[str, str]]:
    missing = sorted({e.value for e in t.equipment} - person.equipment)
    if not missing:
        return []
    return [(EQUIPMENT_MISSING, "needs equipment not available: " + ", ".join(missing))]


@dataclass(frozen=True, slots=True)
class PersonRule:
    """An exclusion rule whose technique test depends on the person (e.g. their direction)."""

    key: str
    excludes: Callable[[Person], Callable[[Technique], bool]]
    reason: str
    source: str


PERSON_RULES: tuple[PersonRule, ...] = (
    PersonRule(
        key="repeated_end_range_only_in_directional_preference",
        excludes=_not_in_dp,
        reason=(
            "repeated end-range movement is used only in the direction of a recorded directional "
            "preference (none recorded in this direction)"
        ),
        source="Long 2004; lumbo policy",
    ),
    PersonRule(
        key="never_against_directional_preference",
        excludes=_against_dp,
        reason="moves against the recorded directional preference",
        source="Long 2004",
    ),
)


CONTRAINDICATED = "technique_contraindication"
"""Rule name of a contraindication the technique entry itself lists."""
EQUIPMENT_MISSING = "equipment_missing"
"""Rule name of equipment the technique needs and the person does not have."""


def named_reasons_for(
    t: Technique, person: Person, rules: Iterable[Rule] = RULES
) -> tuple[tuple[str, str], ...]:
    """Every (rule name, reason) for which ``t`` must not appear in this person's plan."""
    named = [(r.key, r.reason) for r in rules if r.applies(person) and r.excludes(t)]
    named += [(r.key, r.reason) for r in PERSON_RULES if r.excludes(person)(t)]
    named += _own_contraindications(t, person)
    named += _missing_equipment(t, person)
    return tuple(named)


def reasons_for(t: Technique, person: Person, rules: Iterable[Rule] = RULES) -> tuple[str, ...]:
    """Every reason ``t`` must not appear in this person's plan (empty: allowed)."""
    return tuple(reason for _, reason in named_reasons_for(t, person, rules))


def exclusions(techniques: Iterable[Technique], person: Person) -> dict[str, tuple[str, ...]]:
    """Technique id -> reasons, for every excluded technique, in id order."""
    rules = tuple(r for r in RULES if r.applies(person))
    out: dict[str, tuple[str, ...]] = {}
    for t in sorted(techniques, key=lambda t: t.id):
        reasons = reasons_for(t, person, rules)
        if reasons:
            out[t.id] = reasons
    return out
