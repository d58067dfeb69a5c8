"""Plan validity: every rule a 12-week plan keeps for a person, owned once. Pure.

:func:`plan_violations` checks a whole plan and returns each broken rule as a :class:`Violation`
with a stable ``rule`` name (for code, tests and the audit) and a ``reason`` sentence (for people:
"which rule and why"). The same per-technique predicates decide what the engine may pick
(:func:`phase_reasons` in :func:`lumbo.domain.protocol.selection.allowed_in_phase`), so the engine,
a clinician's edit (:mod:`lumbo.services.plan_edit`) and the property tests apply one set of rules:

- the exclusion table of :mod:`lumbo.domain.safety` (conditions, findings, the technique's own
  contraindications, equipment), by its rule keys, and the plan's own list of excluded techniques;
- the phase rules of ``phases.toml`` (load, neural tension) and the phase's stretch intensity cap,
  never above the overstretch guard;
- neural sequencing with neural mechanosensitivity or radicular symptoms: a tensioner only after a
  slider in an earlier week and not before :data:`TENSIONERS_FROM_WEEK`;
- every release paired with a later stabilize block sharing a region;
- no technique twice in one session, and the session within the person's time budget.
"""

from __future__ import annotations

from dataclasses import dataclass

from lumbo.domain.knowledge import Library
from lumbo.domain.knowledge.model import NeuralTension, Role, Technique
from lumbo.domain.progression import Phase, config
from lumbo.domain.protocol.model import Plan, Session
from lumbo.domain.safety import MAX_STRETCH_INTENSITY, Person, named_reasons_for

TENSIONERS_FROM_WEEK = 5
"""With neural mechanosensitivity or radicular symptoms, weeks 1-4 use sliders only; tensioners
come in the first phase that starts after week 4 (lumbo policy on Coppieters & Butler 2008)."""

# Stable rule names of the plan-level rules (the exclusion rules use their keys in safety.py).
EXCLUDED_FOR_PERSON = "excluded_for_person"
PHASE_LOAD = "phase_load"
PHASE_NEURAL_TENSION = "phase_neural_tension"
INTENSITY_CAP = "stretch_intensity_cap"
TENSIONER_BEFORE_SLIDER = "neural_tensioner_before_slider"
TENSIONER_TOO_EARLY = "neural_tensioner_too_early"
RELEASE_UNPAIRED = "release_without_stabilize_partner"
TECHNIQUE_TWICE = "technique_twice_in_session"
SESSION_BUDGET = "session_time_budget"


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule at one place of a plan: ``rule`` is a stable name, ``reason`` a sentence."""

    rule: str
    reason: str
    week: int
    session: int
    technique: str | None = None

    @property
    def where(self) -> str:
        return f"week {self.week} session {self.session}"

    def __str__(self) -> str:
        what = f"{self.technique}: {self.reason}" if self.technique else self.reason
        return f"{self.where}: {what}"


def phase_reasons(
    t: Technique, person: Person, phase: Phase, week: int, slider_before: bool
) -> list[tuple[str, str]]:
    """Why ``t`` may not be done in ``week`` of ``phase`` (empty: it may), as (rule, reason).
    ``slider_before``: a neural slider was done in an earlier week."""
    out: list[tuple[str, str]] = []
    if t.load not in phase.load:
        out.append((PHASE_LOAD, f"{t.load.value} load is not used in phase {phase.name!r}"))
    if t.neural_tension not in phase.neural_tension:
        out.append(
            (
                PHASE_NEURAL_TENSION,
                f"a neural {t.neural_tension.value} is not used in phase {phase.name!r}",
            )
        )
    if t.neural_tension is NeuralTension.tensioner and person.neural_sensitive:
        if not slider_before:
            out.append(
                (
                    TENSIONER_BEFORE_SLIDER,
                    "a neural tensioner before any slider week, with neural mechanosensitivity "
                    "or radicular symptoms",
                )
            )
        if week < TENSIONERS_FROM_WEEK:
            out.append(
                (
                    TENSIONER_TOO_EARLY,
                    f"a neural tensioner before week {TENSIONERS_FROM_WEEK}, with neural "
                    "mechanosensitivity or radicular symptoms",
                )
            )
    return out


def intensity_limit(phase: Phase) -> int:
    """The highest stretch intensity target a block of ``phase`` may have."""
    return min(MAX_STRETCH_INTENSITY, phase.intensity_cap)


def _session_violations(s: Session, week: int, phase: Phase, budget: int | None) -> list[Violation]:
    out: list[Violation] = []
    seen: set[str] = set()
    for b in s.blocks:
        if b.technique in seen:
            reason = "appears twice in one session"
            out.append(Violation(TECHNIQUE_TWICE, reason, week, s.index, b.technique))
        seen.add(b.technique)
    minutes = sum(b.estimated_minutes for b in s.blocks)
    if budget is not None and minutes > budget + 1e-6:
        reason = f"takes {minutes:.1f} minutes: exceeds the {budget}-minute session budget"
        out.append(Violation(SESSION_BUDGET, reason, week, s.index))
    for i, b in enumerate(s.blocks):
        target = b.dose.intensity_target
        if target is not None and target > intensity_limit(phase):
            reason = (
                f"stretch intensity target {target}/10 too high: phase {phase.name!r} allows "
                f"{intensity_limit(phase)}/10 (overstretch guard {MAX_STRETCH_INTENSITY}/10)"
            )
            out.append(Violation(INTENSITY_CAP, reason, week, s.index, b.technique))
        if b.role is Role.release:
            j = b.pairs_with
            partner = s.blocks[j] if j is not None and i < j < len(s.blocks) else None
            if (
                partner is None
                or partner.role is not Role.stabilize
                or not set(partner.regions) & set(b.regions)
            ):
                reason = "release lacks a later stabilize partner sharing a region"
                out.append(Violation(RELEASE_UNPAIRED, reason, week, s.index, b.technique))
    return out


def plan_violations(plan: Plan, person: Person, library: Library) -> tuple[Violation, ...]:
    """Every rule ``plan`` breaks for ``person`` (empty: the plan keeps them all), session by
    session: the session-wide rules first, then block by block."""
    out: list[Violation] = []
    excluded = {e.technique for e in plan.excluded}
    first_slider: int | None = None
    for w in plan.weeks:
        phase = config().phase_of(w.week)
        for s in w.sessions:
            for b in s.blocks:
                if library.get(b.technique).neural_tension is NeuralTension.slider:
                    first_slider = w.week if first_slider is None else first_slider
        slider_before = first_slider is not None and first_slider < w.week
        for s in w.sessions:
            found = _session_violations(s, w.week, phase, plan.minutes_per_session)
            for b in s.blocks:
                t = library.get(b.technique)
                named = list(named_reasons_for(t, person))
                if t.id in excluded:
                    named.append((EXCLUDED_FOR_PERSON, "is excluded for this person"))
                named += phase_reasons(t, person, phase, w.week, slider_before)
                found += [Violation(rule, why, w.week, s.index, t.id) for rule, why in named]
            out += found
    return tuple(out)
