# long-module: build_plan's phases, variants, dose progression and budget trimming are one
#   deterministic algorithm over shared intermediate state
"""The protocol engine: ``build_plan(intake, assessment) -> Plan``, pure and deterministic.

12 weeks in the phases of ``knowledge/phases.toml``; each phase has a few session *variants* chosen by
:mod:`lumbo.domain.protocol.selection` (coverage of the findings by severity within the time budget,
every release paired with a later stabilize block sharing a region); the sessions of a week cycle
through the variants. Doses move up one progression level per week at most (``progression.toml``),
and a session whose progressed doses would exceed the budget gives back levels until it fits:
warm-up, breathing and mobility first, the main strengthening (stabilize, integrate) last
(``trim_order`` in phases.toml), an extra warm-up or redundant block being left out before the
strengthening gives back, so the strengthening progresses over the 12 weeks (or a note says why not).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from lumbo.domain.assessment.model import SEVERITY_RANK, Assessment, Finding
from lumbo.domain.intake import Intake
from lumbo.domain.knowledge import Library
from lumbo.domain.knowledge import library as shipped_library
from lumbo.domain.knowledge.model import FindingCode, NeuralTension, Role, Technique
from lumbo.domain.progression import Phase, config
from lumbo.domain.protocol.model import STAGES, Block, Excluded, Plan, Session, Stage, Week
from lumbo.domain.protocol.selection import (
    Context,
    Draft,
    Index,
    allowed_in_phase,
    draft_session,
    finding_key,
    index,
    matches,
)
from lumbo.domain.safety import Person, exclusions

__all__ = [
    "SlotSpec",
    "Where",
    "build_plan",
    "fit_session",
    "person_of",
    "strengthening_progresses",
    "where_of",
]

MAIN_STRENGTHENING = (Role.stabilize, Role.integrate)  # the work that must progress over 12 weeks
ACUTE_BELOW_DAYS = 42  # six weeks (lumbo policy, as alrwaily_approach.recent_episode_below_days)

_ROLE_WORDS: dict[Role, str] = {
    Role.warmup: "warm-up to prepare the back for movement",
    Role.breath: "slow breathing to help you relax",
    Role.release: "release of a restricted area, followed in this session by active stabilization",
    Role.neural: "gentle nerve mobilization",
    Role.mobilize: "active mobility through the restricted range",
    Role.stabilize: "active stabilization to control the range",
    Role.integrate: "integrates the new range into whole-body movement",
    Role.education: "understanding pain and movement",
}


def person_of(intake: Intake, assessment: Assessment) -> Person:
    dp = intake.measurements.directional_preference
    pit = intake.measurements.prone_instability_test
    days = intake.history.symptom_duration_days
    return Person(
        conditions=frozenset(c.value for c in intake.history.conditions),
        findings=frozenset(f.code for f in assessment.findings),
        equipment=frozenset(e.value for e in intake.preferences.equipment),
        directional_preference=None if dp is None or dp.value == "none" else dp.value,
        prone_instability_positive=pit is not None and pit.value == "positive",
        pregnancy_weeks=intake.history.pregnancy_weeks,
        acute=days is None or days < ACUTE_BELOW_DAYS,
        stabilization_failure=bool(
            (r := assessment.rules.get("hicks_stabilization_failure")) and r.positive
        ),
    )


@dataclass(frozen=True, slots=True)
class Where:
    """Where a finding is: its side and lumbar levels, for the block text and fields."""

    side: str | None = None
    segments: tuple[str, ...] = ()
    direction: str | None = None  # a directional preference's direction

    def words(self) -> str:
        out = ""
        if self.side in {"left", "right"}:
            out += f" on your {self.side} side"
        elif self.side == "both":
            out += " on both sides"
        if self.segments:
            out += " around " + " and ".join(self.segments)
        return out


def where_of(findings: tuple[Finding, ...] | Iterable[str]) -> dict[str, Where]:
    """Finding code -> where it is (sides merged to "both"; levels in order), from findings or
    from their keys (``Plan.coverage``: ``CODE[:side][:segment][:direction]``)."""
    sides: dict[str, set[str]] = {}
    segs: dict[str, set[str]] = {}
    dirs: dict[str, str] = {}
    for f in findings:
        code, *parts = (f if isinstance(f, str) else finding_key(f)).split(":")
        for part in parts:
            if part in {"left", "right", "both"}:
                sides.setdefault(code, set()).add(part)
            elif part.startswith(("L", "S")) and "-" in part:
                segs.setdefault(code, set()).add(part)
            elif part != "none":
                dirs.setdefault(code, part)
    out = {}
    for code in sorted(set(sides) | set(segs) | set(dirs)):
        s = sides.get(code, set())
        side = None if not s else (next(iter(s)) if len(s) == 1 else "both")
        out[code] = Where(
            side=side, segments=tuple(sorted(segs.get(code, ()))), direction=dirs.get(code)
        )
    return out


def _labels(
    t: Technique, codes: tuple[str, ...], where: dict[str, Where] | None
) -> tuple[str, ...]:
    """The finding codes a block is labelled with: a directional preference only when the
    technique moves in its direction."""
    dp = (where or {}).get("DIRECTIONAL_PREFERENCE")
    if dp is None or dp.direction is None:
        return codes
    moves = {d.value for d in t.directions}
    return tuple(c for c in codes if c != "DIRECTIONAL_PREFERENCE" or dp.direction in moves)


@dataclass(frozen=True, slots=True)
class SlotSpec:
    """One block of a session before it becomes a :class:`Block`: technique, stage, level, partner."""

    tid: str
    stage: int
    level: int
    partner: str | None


def _why(
    idx: Index,
    spec: SlotSpec,
    codes: tuple[str, ...],
    severity: dict[str, str],
    where: dict[str, Where] | None = None,
) -> str:
    """The "why this exercise" text: what it addresses (and where: side, level), its part, the
    technique's rationale."""
    t = idx.infos[spec.tid].t
    parts = []
    if codes:
        parts.append(
            "For "
            + ", ".join(
                f"{c.lower().replace('_', ' ')} ({severity.get(c, '?')})"
                + ((where or {}).get(c) or Where()).words()
                for c in codes
            )
        )
    if spec.stage == 5 and t.role is Role.breath:
        role = "slow breathing to settle at the end of the session"
    else:
        role = _ROLE_WORDS[t.role]
    parts.append(role[0].upper() + role[1:])
    if spec.partner is not None:
        parts.append(
            f"Paired with {idx.infos[spec.partner].t.name}: a release is never left unstabilized"
        )
    parts.append(t.rationale.strip().split(". ")[0].rstrip("."))
    if "DIRECTIONAL_PREFERENCE" in codes and t.role is Role.mobilize:
        parts.append(
            "Besides this session, repeat it through the day, about every 2-3 waking hours, as in "
            "the directional preference trial"
        )
    return ". ".join(parts) + "."


def _give_back(
    idx: Index, specs: list[SlotSpec], budget_tenths: int, cap: int
) -> tuple[list[int], list[int]]:
    """Levels and sizes after progressed blocks give back levels until the session fits: in the
    order of ``trim_order`` (phases.toml), warm-up, breathing and mobility before the main
    strengthening (stabilize, integrate); within one role the longest block first."""
    trim_rank = config().trim_rank
    levels = [s.level for s in specs]
    sizes = [idx.dose(s.tid, lv, cap)[1] for s, lv in zip(specs, levels, strict=True)]
    total = sum(sizes)
    while total > budget_tenths:
        movable = [i for i, lv in enumerate(levels) if lv > 0]
        if not movable:
            break
        i = min(
            movable,
            key=lambda k: (trim_rank(idx.infos[specs[k].tid].t.role), -sizes[k], k),
        )
        levels[i] -= 1
        new = idx.dose(specs[i].tid, levels[i], cap)[1]
        total += new - sizes[i]
        sizes[i] = new
    return levels, sizes


def _droppable(idx: Index, specs: list[SlotSpec], findings: tuple[Finding, ...]) -> int | None:
    """The block to leave out so that the main strengthening keeps its progressed level: an extra
    warm-up, or mobility or strengthening work whose findings other blocks of the session address
    too. Never a release, a stabilize partner, the last warm-up, the cool-down, education, or the
    last block of a main strengthening role present."""
    partners = {s.partner for s in specs if s.partner}
    trim_rank = config().trim_rank
    roles = [idx.infos[s.tid].t.role for s in specs]
    candidates = []
    for i, spec in enumerate(specs):
        role = roles[i]
        if (
            spec.tid in partners
            or role not in (Role.warmup, Role.mobilize, *MAIN_STRENGTHENING)
            or (role in (Role.warmup, *MAIN_STRENGTHENING) and roles.count(role) < 2)
        ):
            continue
        t = idx.infos[spec.tid].t
        others = [idx.infos[o.tid].t for j, o in enumerate(specs) if j != i]
        if all(any(matches(o, f) for o in others) for f in findings if matches(t, f)):
            candidates.append(i)
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda k: (
            trim_rank(roles[k]),
            specs[k].level,
            -idx.dose(specs[k].tid, specs[k].level, 7)[1],
            k,
        ),
    )


def fit_session(
    idx: Index,
    specs: list[SlotSpec],
    budget_tenths: int,
    cap: int,
    person_codes: frozenset[str],
    severity: dict[str, str],
    session_index: int,
    cache: dict[tuple[object, ...], Block] | None = None,
    where: dict[str, Where] | None = None,
    findings: tuple[Finding, ...] | None = None,
) -> Session:
    """Turn specs into a session that fits the budget (:func:`_give_back`; level-0 doses were
    chosen to fit). With ``findings``, when the main strengthening would still give back a level,
    extra blocks are left out first (:func:`_droppable`), one at a time, so the strengthening keeps
    progressing over the 12 weeks."""
    while True:
        levels, sizes = _give_back(idx, specs, budget_tenths, cap)
        if findings is None or not any(
            lv < spec.level and idx.infos[spec.tid].t.role in MAIN_STRENGTHENING
            for spec, lv in zip(specs, levels, strict=True)
        ):
            break
        drop = _droppable(idx, specs, findings)
        if drop is None:
            break
        specs = specs[:drop] + specs[drop + 1 :]
    position = {s.tid: i for i, s in enumerate(specs)}
    blocks = []
    for spec, level, size in zip(specs, levels, sizes, strict=True):
        pairs_with = position.get(spec.partner) if spec.partner else None
        key = (spec.tid, spec.stage, level, cap, pairs_with, spec.partner)
        block = cache.get(key) if cache is not None else None
        if block is None:
            t = idx.infos[spec.tid].t
            codes = _labels(
                idx.infos[spec.tid].t,
                tuple(sorted(idx.infos[spec.tid].addresses & person_codes)),
                where,
            )
            places = [w for c in codes if where and (w := where.get(c)) is not None]
            sides = {w.side for w in places if w.side}
            block = Block(
                side=None if not sides else (sides.pop() if len(sides) == 1 else "both"),
                segments=tuple(sorted({s for w in places for s in w.segments})),
                technique=t.id,
                role=t.role,
                regions=tuple(r.value for r in t.regions),
                dose=idx.dose(t.id, level, cap)[0],
                addresses=cast(tuple[FindingCode, ...], codes),
                pairs_with=pairs_with,
                estimated_minutes=size / 10,
                why=_why(
                    idx, SlotSpec(spec.tid, spec.stage, level, spec.partner), codes, severity, where
                ),
                stage=cast(Stage, STAGES[spec.stage]),
                level=level,
            )
            if cache is not None:
                cache[key] = block
        blocks.append(block)
    return Session(index=session_index, estimated_minutes=sum(sizes) / 10, blocks=tuple(blocks))


def _variants(
    ctx: Context, budget: int, cover: dict[str, int], slots: int, per_week: int
) -> list[Draft]:
    """Session variants for one phase: as many as needed to reach every reachable finding, then,
    with enough sessions a week, more that rotate the targets (``rotate_*`` in phases.toml)."""
    reachable = {
        finding_key(f)
        for f in ctx.findings
        if any(
            tid in ctx.allowed_set and matches(ctx.idx.infos[tid].t, f)
            for tid in ctx.idx.by_code.get(f.code, ())
        )
    }
    limit = min(ctx.phase.max_variants, slots)
    seen: set[str] = set()
    variants: list[Draft] = []
    while len(variants) < limit:
        before = dict(cover)
        ctx.avoid = {ctx.idx.infos[tid].chain for tid in ctx.used_in_phase}
        draft = draft_session(ctx, budget, cover)
        new = {k for k in cover if cover[k] > before.get(k, 0)} - seen
        if variants and not new:
            for k, v in before.items():
                cover[k] = v
            break
        variants.append(draft)
        seen |= new
        if reachable <= seen:
            break
    cfg = config()
    if per_week < cfg.rotate_from_sessions_per_week:
        return variants
    while len(variants) < min(limit, cfg.rotate_variants):
        before = dict(cover)
        chains = {tid: ctx.idx.infos[tid] for tid in ctx.used_in_phase}
        ctx.avoid = {i.chain for i in chains.values() if i.t.role in ctx.phase.rotate_roles}
        ctx.partner_avoid = {i.chain for i in chains.values() if i.t.role is Role.stabilize}
        draft = draft_session(ctx, budget, cover)
        if any(draft.used == v.used for v in variants):  # the library allows no other session
            for k, v in before.items():
                cover[k] = v
            break
        variants.append(draft)
    ctx.partner_avoid = set()
    return variants


def _not_covered_note(
    f: Finding, idx: Index, excluded: dict[str, tuple[str, ...]], first: int | None, minutes: int
) -> str:
    key = finding_key(f)
    ids = [tid for tid in idx.by_code.get(f.code, ()) if matches(idx.infos[tid].t, f)]
    when = "not addressed" if first is None else f"first addressed in week {first}"
    if not ids:
        return f"{key}: {when}: no technique in the library addresses it."
    live = [tid for tid in ids if tid not in excluded]
    if not live:
        detail = "; ".join(f"{tid} ({', '.join(excluded[tid])})" for tid in ids)
        return f"{key}: {when}: every technique that addresses it is excluded: {detail}."
    return (
        f"{key}: {when}: the techniques that address it ({', '.join(live)}) are not allowed in the "
        f"early phases, need a stabilize partner that is not available, or did not fit the "
        f"{minutes}-minute session alongside more severe findings."
    )


WARNING_SIGNS = "warning-signs-education"
FLARE_UP = "flare-up-education"
# Education a phase's first sessions hold, besides week 1's (lumbo policy): "What to do in a
# flare-up" when the plan starts restoring range (week 4: higher intensity, nerve tensioners
# allowed, the first reassessment), where a flare-up is likeliest. In week 1 it would take the
# place of core work, since the warning signs already take the first sessions' reading time.
# Sessions shorter than PHASE_ESSENTIALS_MIN_MINUTES have no room for them without giving up the
# strengthening that must progress: the plan's notes then say to go through it with the clinician.
PHASE_ESSENTIALS: dict[str, tuple[str, ...]] = {"restore_mobility": (FLARE_UP,)}
PHASE_ESSENTIALS_MIN_MINUTES = 20
PSYCHOSOCIAL_EDUCATION = ("fear-and-graded-exposure-education", "pacing-and-activity-education")


def high_psychosocial_risk(assessment: Assessment) -> bool:
    """STarT Back high risk, or a high FABQ (ELEVATED_FEAR_AVOIDANCE at its severe level)."""
    return any(
        f.code == "HIGH_PSYCHOSOCIAL_RISK"
        or (f.code == "ELEVATED_FEAR_AVOIDANCE" and f.severity.value == "severe")
        for f in assessment.findings
    )


def week_one_essentials(assessment: Assessment) -> tuple[str, ...]:
    """Education every plan holds in week 1: warning signs for everyone (lumbo policy); with high
    psychosocial risk, fear / graded exposure and pacing too (Hill 2011; NICE NG59)."""
    out = [WARNING_SIGNS]
    if high_psychosocial_risk(assessment):
        out += PSYCHOSOCIAL_EDUCATION
    return tuple(out)


def _week_one_notes(
    weeks: list[Week], essentials: tuple[str, ...], idx: Index, week_no: int = 1
) -> tuple[str, ...]:
    """A note when week ``week_no`` lacks education it should hold (it did not fit)."""
    week = next((w for w in weeks if w.week == week_no), None)
    if week is None:
        return ()
    present = {b.technique for s in week.sessions for b in s.blocks}
    missing = [idx.infos[t].t.name for t in essentials if t in idx.infos and t not in present]
    if not missing:
        return ()
    return (
        f"Week {week_no} should include "
        + ", ".join(missing)
        + " but it did not fit the session time: go through it with your clinician.",
    )


def _phase_notes(weeks: list[Week], idx: Index) -> tuple[str, ...]:
    out: tuple[str, ...] = ()
    for phase in config().phases:
        wanted = PHASE_ESSENTIALS.get(phase.key, ())
        if wanted:
            out += _week_one_notes(weeks, wanted, idx, phase.first_week)
    return out


def plan_shaping_notes(intake: Intake, assessment: Assessment, person: Person) -> tuple[str, ...]:
    """How the classification and the person's situation changed the plan, in plain words."""
    rules = assessment.rules
    c = assessment.classification
    out: list[str] = []

    def positive(key: str) -> bool:
        r = rules.get(key)
        return r is not None and r.positive

    if positive("flynn_manipulation"):
        out.append(
            "Your findings match a rule that predicts a quick response to spinal manipulation: "
            "discuss manipulation with a clinician (this plan does not include it; the rule is not "
            "proven to pick out who benefits)."
        )
    if positive("hicks_stabilization_failure"):
        out.append(
            "Your findings suggest that a stabilization-focused programme alone is less likely to "
            "help: this plan keeps stabilization to what each session needs and what pairs with "
            "each release, and ranks other work first for the rest of the session."
        )
    elif positive("hicks_stabilization"):
        out.append(
            "Your findings suggest stabilization exercise may help: it is practised every session."
        )
    if high_psychosocial_risk(assessment):
        out.append(
            "Worry about your back and how it affects your life are part of the picture: week 1 "
            "starts with education on fear, graded exposure and pacing, and care that includes "
            "psychological support from a trained clinician (psychologically informed "
            "physiotherapy) is recommended alongside this plan."
        )
    if person.directional_preference is not None:
        out.append(
            f"Your back responds to repeated {person.directional_preference} movement: the plan "
            f"uses movement in that direction and never against it, and asks you to repeat it "
            "through the day, about every 2-3 waking hours."
        )
    elif intake.measurements.directional_preference is None:
        out.append(
            "Whether repeated movement in one direction eases your symptoms was not tested, so "
            "the plan uses no repeated end-range back bending in any direction; ask your clinician "
            "to test it."
        )
    elif c.tbc is None or not c.tbc.startswith("specific_exercise"):
        out.append(
            "No direction of movement was found to ease your symptoms, so the plan uses no "
            "repeated end-range back bending in any direction."
        )
    if "pregnancy" in person.conditions:
        weeks = intake.history.pregnancy_weeks
        when = f"at {weeks} weeks" if weeks is not None else "with the week not recorded"
        out.append(
            f"Pregnancy {when}: no lying face down; "
            + (
                "no exercise lying on your back (from about 20 weeks); "
                if person.no_supine
                else "lying on your back is avoided from about 20 weeks; "
            )
            + "pain at the front or back of the pelvis (pelvic girdle pain) is common in "
            "pregnancy: tell your midwife or clinician if it appears or gets worse."
        )
    return tuple(out)


def _harder(idx: Index, tid: str) -> set[str]:
    """The techniques reachable from ``tid`` through its progressions (harder chain members)."""
    out: set[str] = set()
    todo = list(idx.infos[tid].t.progressions) if tid in idx.infos else []
    while todo:
        nxt = todo.pop()
        if nxt not in out and nxt in idx.infos:
            out.add(nxt)
            todo.extend(idx.infos[nxt].t.progressions)
    return out


def strengthening_progresses(weeks: list[Week] | tuple[Week, ...], idx: Index) -> bool | None:
    """Whether the main strengthening work (stabilize and integrate blocks) of the last week is
    harder than that of the first: a technique of both weeks at a higher level, a harder member of
    a first-week technique's chain, or more minutes of it per session. None when the first or the
    last week holds no stabilize block (nothing to compare)."""
    if not weeks:
        return None
    first, last = weeks[0], weeks[-1]

    def main(w: Week) -> list[Block]:
        return [b for s in w.sessions for b in s.blocks if b.role in MAIN_STRENGTHENING]

    a, b = main(first), main(last)
    if not any(x.role is Role.stabilize for x in a) or not any(x.role is Role.stabilize for x in b):
        return None
    level_a: dict[str, int] = {}
    for x in a:
        level_a[x.technique] = max(level_a.get(x.technique, x.level), x.level)
    if any(x.technique in level_a and x.level > level_a[x.technique] for x in b):
        return True
    harder = set().union(*(_harder(idx, t) for t in level_a))
    if any(x.technique in harder for x in b):
        return True
    per_a = sum(x.estimated_minutes for x in a) / len(first.sessions)
    per_b = sum(x.estimated_minutes for x in b) / len(last.sessions)
    return per_b > per_a


def build_plan(intake: Intake, assessment: Assessment, library: Library | None = None) -> Plan:
    """The 12-week plan for this person (``status="referral_required"`` and no weeks on referral)."""
    prefs = intake.preferences
    if assessment.referral.required:
        return Plan(
            status="referral_required",
            person_id=intake.person.id,
            start_date=prefs.start_date,
            referral_reasons=assessment.referral.reasons,
            notes=(f"No plan: referral required ({assessment.referral.urgency}).",),
            minutes_per_session=prefs.minutes_per_session,
            sessions_per_week=prefs.sessions_per_week,
        )
    cfg = config()
    idx = index(library if library is not None else shipped_library())
    person = person_of(intake, assessment)
    excluded = exclusions((i.t for i in idx.infos.values()), person)
    findings = tuple(
        sorted(assessment.findings, key=lambda f: (-SEVERITY_RANK[f.severity], finding_key(f)))
    )
    severity: dict[str, str] = {}
    for f in findings:  # most severe first: the first seen wins
        severity.setdefault(f.code, f.severity.value)
    budget = prefs.minutes_per_session * 10
    per_week = prefs.sessions_per_week
    cover: dict[str, int] = {}
    gentle = assessment.classification.approach == "symptom_modulation"
    slider_done = False
    plan_weeks: list[tuple[int, Phase, list[Draft]]] = []
    phase_notes: list[str] = []
    for phase in cfg.phases:
        allowed = allowed_in_phase(idx, set(excluded), person, phase, slider_done)
        # Symptom modulation is gentle in the phases that say how (phases.toml: phase 1).
        soft = gentle and phase.gentle_emphasis is not None
        ctx = Context(idx, person, phase, allowed, findings, cfg.max_blocks_per_session, soft)
        if phase.first_week == 1:
            ctx.essentials = week_one_essentials(assessment)
        if prefs.minutes_per_session >= PHASE_ESSENTIALS_MIN_MINUTES:
            ctx.essentials += PHASE_ESSENTIALS.get(phase.key, ())
        variants = _variants(ctx, budget, cover, len(phase.weeks) * per_week, per_week)
        for role in phase.required(soft):
            if not all(d.has_role(role, idx) for d in variants):
                phase_notes.append(
                    f"{phase.name} (weeks {phase.first_week}-{phase.last_week}): not every "
                    f"session holds {role.value} work, which the phase asks for; no allowed "
                    f"{role.value} technique fitted the {prefs.minutes_per_session}-minute session "
                    "with the rest."
                )
        for w in phase.weeks:
            base = (w - phase.first_week) * per_week
            plan_weeks.append(
                (w, phase, [variants[(base + s) % len(variants)] for s in range(per_week)])
            )
        slider_done = slider_done or any(
            idx.infos[p.tid].t.neural_tension is NeuralTension.slider
            for d in variants
            for p in d.picks
        )
    weeks, coverage = _weeks(idx, plan_weeks, person, severity, budget, findings)
    if strengthening_progresses(weeks, idx) is False:
        phase_notes.append(
            "Your strengthening work does not get harder from week 1 to week 12: the "
            f"{prefs.minutes_per_session}-minute session leaves no room for it to grow alongside "
            "the rest; ask your clinician how to progress it."
        )
    cautions = tuple(f"Caution: {c}" for c in assessment.referral.cautions)
    notes = (
        cautions
        + plan_shaping_notes(intake, assessment, person)
        + _notes(idx, findings, coverage, excluded, person, prefs.minutes_per_session)
        + _week_one_notes(weeks, week_one_essentials(assessment), idx)
        + _phase_notes(weeks, idx)
        + tuple(phase_notes)
    )
    return Plan(
        status="ok",
        person_id=intake.person.id,
        start_date=prefs.start_date,
        weeks=tuple(weeks),
        reassessment_weeks=cfg.reassessment_weeks,
        excluded=tuple(Excluded(technique=tid, reasons=r) for tid, r in excluded.items()),
        coverage=coverage,
        notes=notes,
        minutes_per_session=prefs.minutes_per_session,
        sessions_per_week=per_week,
        severity=dict(sorted(severity.items())),
    )


def _weeks(
    idx: Index,
    plan_weeks: list[tuple[int, Phase, list[Draft]]],
    person: Person,
    severity: dict[str, str],
    budget: int,
    findings: tuple[Finding, ...],
) -> tuple[list[Week], dict[str, int | None]]:
    cfg = config()
    gate = cfg.gate.green_sessions
    where = where_of(findings)
    prior_weeks: Counter[str] = Counter()
    prior_sessions: Counter[str] = Counter()
    cache: dict[tuple[object, ...], Block] = {}
    same: dict[tuple[object, ...], Session] = {}  # weeks whose levels no longer change
    last_level: dict[str, int] = {}
    first_week: dict[str, int | None] = {finding_key(f): None for f in findings}
    weeks = []
    for w, phase, drafts in plan_weeks:
        sessions = []
        this_week: Counter[str] = Counter()
        fitted: dict[int, Session] = {}
        week_level: dict[str, int] = {}
        for s, draft in enumerate(drafts, start=1):
            done = fitted.get(id(draft))
            if done is None:
                # Level: one step per week at most, one step per `gate` sessions done, within
                # the template's rules, and one above what was last prescribed at most (a trimmed
                # dose resumes from where it was rather than jumping to the planned level).
                specs = [
                    SlotSpec(
                        p.tid,
                        p.stage,
                        min(
                            prior_weeks[p.tid],
                            prior_sessions[p.tid] // gate,
                            idx.infos[p.tid].max_level,
                            last_level.get(p.tid, -1) + 1,
                        ),
                        p.partner,
                    )
                    for p in draft.picks
                ]
                cap = phase.intensity_cap
                key = (id(draft), cap, tuple(spec.level for spec in specs))
                done = same.get(key)
                if done is None:
                    done = fit_session(
                        idx, specs, budget, cap, person.findings, severity, s, cache, where,
                        findings=findings,
                    )  # fmt: skip
                    same[key] = done
                fitted[id(draft)] = done
                for b in done.blocks:
                    week_level[b.technique] = max(week_level.get(b.technique, b.level), b.level)
                for k in draft.covers:
                    if first_week[k] is None:
                        first_week[k] = w
            sessions.append(done if done.index == s else done.model_copy(update={"index": s}))
            this_week.update(b.technique for b in done.blocks)
        for tid, n in this_week.items():
            prior_weeks[tid] += 1
            prior_sessions[tid] += n
        last_level.update(week_level)
        weeks.append(
            Week(
                week=w,
                phase=phase.key,
                phase_name=phase.name,
                reassessment=w in cfg.reassessment_weeks,
                sessions=tuple(sessions),
            )
        )
    return weeks, dict(sorted(first_week.items()))


def _notes(
    idx: Index,
    findings: tuple[Finding, ...],
    coverage: dict[str, int | None],
    excluded: dict[str, tuple[str, ...]],
    person: Person,
    minutes: int,
) -> tuple[str, ...]:
    by_week = config().coverage_by_week
    notes = []
    done: set[str] = set()
    for f in findings:
        k = finding_key(f)
        first = coverage[k]
        if k in done or (first is not None and first <= by_week):
            continue
        done.add(k)
        notes.append(_not_covered_note(f, idx, excluded, first, minutes))
    if person.neural_sensitive:
        tensioners = sorted(
            tid
            for tid, i in idx.infos.items()
            if i.t.neural_tension is NeuralTension.tensioner and tid not in excluded
        )
        if tensioners:
            notes.append(
                "Neural mechanosensitivity or radicular symptoms: sliders come before tensioners; "
                "tensioners ("
                + ", ".join(tensioners)
                + ") are never used in phase 1 and only after a slider has been done."
            )
    return tuple(notes)
