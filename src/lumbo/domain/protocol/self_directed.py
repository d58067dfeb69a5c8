"""The self-directed plan: the engine's plan with the stricter defaults of ``self_directed.toml``
(issue 20). Pure.

1. :func:`policy_exclusions` removes from the library what a person without a clinician should not
   do: nerve tensioners; end-range work on the spine unless a directional preference is recorded,
   and then only in that direction; the techniques the policy names (a clinician-marked level or
   side, adapted hands-on techniques).
2. :func:`build_plan` runs the engine on what is left, then :func:`cap_doses` lowers every dose to
   the policy's caps (sets, stretch intensity target) and recomputes the session times.
3. The plan lists the removed techniques with their reasons, says in its notes that it is
   self-directed, and :func:`self_directed_violations` checks it: every rule of
   :func:`lumbo.domain.protocol.validity.plan_violations` plus the policy's own.
"""

from __future__ import annotations

from lumbo.domain.assessment.model import Assessment
from lumbo.domain.intake import Intake
from lumbo.domain.knowledge import Library
from lumbo.domain.knowledge import library as shipped_library
from lumbo.domain.knowledge.model import MoveDirection, NeuralTension, Region, Technique
from lumbo.domain.knowledge.self_directed import SelfDirectedFile, self_directed_policy
from lumbo.domain.progression import tenths
from lumbo.domain.protocol import engine
from lumbo.domain.protocol.model import Block, Excluded, Plan, Session, Week
from lumbo.domain.protocol.validity import Violation, plan_violations
from lumbo.domain.safety import Person

SELF_DIRECTED_NOTE = (
    "Self-directed plan: you follow it on your own, without a clinician, so it keeps stricter "
    "limits than a supervised plan."
)
"""The first note of every self-directed plan (tests and pages look for it)."""

SPINE = frozenset({Region.lumbar, Region.thoracolumbar})
POLICY_TENSIONER = "self_directed_no_tensioner"
POLICY_END_RANGE = "self_directed_end_range_without_direction"
POLICY_NAMED = "self_directed_needs_clinician"
POLICY_SETS = "self_directed_sets_cap"
POLICY_INTENSITY = "self_directed_intensity_cap"


def _rule_words(policy: SelfDirectedFile, key: str) -> str:
    return next(r.words for r in policy.rule if r.key == key)


def policy_exclusions(
    t: Technique, person: Person, policy: SelfDirectedFile | None = None
) -> tuple[tuple[str, str], ...]:
    """Why the policy leaves ``t`` out for ``person``, as (rule, reason); empty: it may be used."""
    policy = policy or self_directed_policy()
    out: list[tuple[str, str]] = []
    if t.neural_tension is NeuralTension.tensioner:
        out.append((POLICY_TENSIONER, _rule_words(policy, "no_nerve_tensioners")))
    if t.end_range and set(t.regions) & SPINE:
        moves = set(t.directions) - {MoveDirection.neutral}
        dp = person.directional_preference
        if dp is None or not moves <= {MoveDirection(dp)}:
            out.append(
                (POLICY_END_RANGE, _rule_words(policy, "no_end_range_spine_without_direction"))
            )
    named = next((e for e in policy.exclude if e.technique == t.id), None)
    if named is not None:
        out.append((POLICY_NAMED, named.reason))
    return tuple(out)


def _without(lib: Library, removed: set[str]) -> Library:
    kept = [
        t.model_copy(
            update={
                "progressions": tuple(p for p in t.progressions if p not in removed),
                "regressions": tuple(r for r in t.regressions if r not in removed),
            }
        )
        for t in lib.techniques
        if t.id not in removed
    ]
    return Library(kept)


def cap_block(block: Block, policy: SelfDirectedFile | None = None) -> Block:
    """The block with its dose within the policy's caps and its time recomputed."""
    caps = (policy or self_directed_policy()).caps
    dose = block.dose
    target = dose.intensity_target
    capped = dose.model_copy(
        update={
            "sets": min(dose.sets, caps.max_sets),
            "intensity_target": None if target is None else min(target, caps.max_intensity_target),
        }
    )
    if capped == dose:
        return block
    return block.model_copy(update={"dose": capped, "estimated_minutes": tenths(capped) / 10})


def cap_doses(plan: Plan, policy: SelfDirectedFile | None = None) -> Plan:
    weeks = []
    for w in plan.weeks:
        sessions = []
        for s in w.sessions:
            blocks = tuple(cap_block(b, policy) for b in s.blocks)
            minutes = round(sum(b.estimated_minutes for b in blocks), 1)
            sessions.append(Session(index=s.index, estimated_minutes=minutes, blocks=blocks))
        weeks.append(w.model_copy(update={"sessions": tuple(sessions)}))
    return plan.model_copy(update={"weeks": tuple(weeks)})


def build_plan(intake: Intake, assessment: Assessment, library: Library | None = None) -> Plan:
    """The self-directed plan for this person (``referral_required`` as the engine's)."""
    full = library if library is not None else shipped_library()
    policy = self_directed_policy()
    person = engine.person_of(intake, assessment)
    removed = {
        t.id: tuple(why for _, why in reasons)
        for t in full.techniques
        if (reasons := policy_exclusions(t, person, policy))
    }
    plan = engine.build_plan(intake, assessment, _without(full, set(removed)))
    if plan.status != "ok":
        return plan
    plan = cap_doses(plan, policy)
    excluded = {e.technique: e.reasons for e in plan.excluded}
    for tid, whys in removed.items():
        excluded[tid] = (*excluded.get(tid, ()), *whys)
    notes = (SELF_DIRECTED_NOTE, *(r.words for r in policy.rule), *plan.notes)
    return plan.model_copy(
        update={
            "excluded": tuple(
                Excluded(technique=t, reasons=r) for t, r in sorted(excluded.items())
            ),
            "notes": notes,
        }
    )


def self_directed_violations(
    plan: Plan, person: Person, library: Library | None = None
) -> tuple[Violation, ...]:
    """Every rule the plan breaks: the plan-validity rules, then the self-directed policy (an
    excluded technique, a dose above the caps)."""
    lib = library if library is not None else shipped_library()
    policy = self_directed_policy()
    out = list(plan_violations(plan, person, lib))
    for w in plan.weeks:
        for s in w.sessions:
            out += _block_violations(w, s, person, lib, policy)
    return tuple(out)


def _block_violations(
    w: Week, s: Session, person: Person, lib: Library, policy: SelfDirectedFile
) -> list[Violation]:
    out = []
    caps = policy.caps
    for b in s.blocks:
        for rule, why in policy_exclusions(lib.get(b.technique), person, policy):
            out.append(Violation(rule, why, w.week, s.index, b.technique))
        if b.dose.sets > caps.max_sets:
            why = f"{b.dose.sets} sets: a self-directed plan prescribes at most {caps.max_sets}"
            out.append(Violation(POLICY_SETS, why, w.week, s.index, b.technique))
        target = b.dose.intensity_target
        if target is not None and target > caps.max_intensity_target:
            why = (
                f"stretch target {target}/10: a self-directed plan stays at or below "
                f"{caps.max_intensity_target}/10"
            )
            out.append(Violation(POLICY_INTENSITY, why, w.week, s.index, b.technique))
    return out
