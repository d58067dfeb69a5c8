# long-module: the greedy session selection and its cached per-library index belong together; every
#   tie-break reads the same index
"""Technique selection for one session of a phase: coverage by severity within the time budget.

A per-library :class:`Index` is computed once (cached by library identity). :func:`draft_session`
greedily picks techniques for one session *variant* of a phase: an opener, a gentle release of a
mobility restriction when the phase asks for one (not in symptom modulation), the findings in order of
(times already covered, severity), each release with a stabilize partner sharing a region, the roles
every session of the phase needs, a cool-down, then fills leftover time. A session never holds two
techniques of one progression/regression chain (:func:`chains`), so never one technique twice. All
ties break on ids.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from lumbo.domain.assessment.model import Finding
from lumbo.domain.knowledge import Library
from lumbo.domain.knowledge.model import EvidenceLevel, NeuralTension, Role, Technique
from lumbo.domain.progression import Phase, config, dose_at, max_level, tenths
from lumbo.domain.protocol.model import Dose
from lumbo.domain.protocol.validity import phase_reasons
from lumbo.domain.safety import Person

STAGE_OF_ROLE: dict[Role, int] = {
    Role.warmup: 0,
    Role.breath: 0,
    Role.release: 1,
    Role.neural: 1,
    Role.mobilize: 2,
    Role.stabilize: 3,
    Role.integrate: 4,
    Role.education: 5,
}
COOLDOWN = 5
_EVIDENCE_RANK = {level: i for i, level in enumerate(EvidenceLevel)}
_TENSION_RANK = {NeuralTension.none: 0, NeuralTension.slider: 1, NeuralTension.tensioner: 2}


@dataclass(frozen=True, slots=True)
class Info:
    t: Technique
    regions: frozenset[str]
    addresses: frozenset[str]
    base_tenths: int
    evidence_rank: int
    max_level: int
    chain: str  # the smallest id of its progression/regression chain


def chains(techniques: Iterable[Technique]) -> dict[str, str]:
    """Technique id -> its chain: the smallest id among the techniques connected to it through
    ``progressions``/``regressions`` (either direction, transitively; named ids the library does not
    hold still connect). Two techniques of one chain never share a session."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    ids = []
    for t in techniques:
        ids.append(t.id)
        for other in (*t.progressions, *t.regressions):
            a, b = find(t.id), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {tid: find(tid) for tid in ids}


@dataclass(frozen=True, slots=True)
class Index:
    infos: dict[str, Info]
    by_code: dict[str, tuple[str, ...]]
    by_role: dict[Role, tuple[str, ...]]
    doses: dict[tuple[str, int, int], tuple[Dose, int]] = field(default_factory=dict)

    def dose(self, tid: str, level: int, cap: int) -> tuple[Dose, int]:
        """The dose of technique ``tid`` at ``level`` under intensity ``cap``, and its tenths."""
        key = (tid, level, cap)
        hit = self.doses.get(key)
        if hit is None:
            d = dose_at(self.infos[tid].t.dose, level, cap)
            hit = self.doses[key] = (d, tenths(d))
        return hit


_CACHE: weakref.WeakKeyDictionary[Library, Index] = weakref.WeakKeyDictionary()


def index(lib: Library) -> Index:
    """The per-library lookup tables, computed once per library object."""
    cached = _CACHE.get(lib)
    if cached is not None:
        return cached
    infos: dict[str, Info] = {}
    by_code: dict[str, list[str]] = {}
    by_role: dict[Role, list[str]] = {}
    chain = chains(lib.techniques)
    for t in lib.techniques:  # already in id order
        infos[t.id] = Info(
            t=t,
            regions=frozenset(r.value for r in t.regions),
            addresses=frozenset(t.addresses),
            base_tenths=tenths(dose_at(t.dose, 0)),
            evidence_rank=_EVIDENCE_RANK[t.evidence.level],
            max_level=max_level(t.dose),
            chain=chain[t.id],
        )
        for code in sorted(set(t.addresses)):
            by_code.setdefault(code, []).append(t.id)
        by_role.setdefault(t.role, []).append(t.id)
    built = Index(
        infos=infos,
        by_code={k: tuple(v) for k, v in sorted(by_code.items())},
        by_role={k: tuple(v) for k, v in by_role.items()},
    )
    _CACHE[lib] = built
    return built


def finding_key(f: Finding) -> str:
    return ":".join(part for part in (f.code, f.side, f.segment, f.direction) if part)


def matches(t: Technique, f: Finding) -> bool:
    """Does technique ``t`` address finding ``f`` (code, and segment/direction when they matter)?"""
    if f.code not in t.addresses:
        return False
    if f.segment and t.segments and f.segment not in t.segments:
        return False
    return not (
        f.code == "DIRECTIONAL_PREFERENCE"
        and f.direction
        and f.direction != "none"
        and f.direction not in {d.value for d in t.directions}
    )


@dataclass(slots=True)
class Pick:
    tid: str
    stage: int
    partner: str | None = None


@dataclass(slots=True)
class Draft:
    budget: int
    picks: list[Pick] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    chains: set[str] = field(default_factory=set)
    spent: int = 0
    covers: frozenset[str] = frozenset()

    def has_role(self, role: Role, idx: Index) -> bool:
        return any(idx.infos[p.tid].t.role is role for p in self.picks)


@dataclass(slots=True)
class Context:
    """Everything fixed for one phase of one person's plan (plus per-draft caches)."""

    idx: Index
    person: Person
    phase: Phase
    allowed: tuple[str, ...]  # technique ids allowed in this phase, id order
    findings: tuple[Finding, ...]  # severity order
    max_blocks: int
    gentle: bool = False  # symptom modulation: the phase's gentle emphasis, no forced release
    used_in_phase: set[str] = field(default_factory=set)
    avoid: set[str] = field(default_factory=set)  # chains ranked last in this draft (used earlier)
    released_regions: set[str] = field(default_factory=set)  # by releases of earlier variants
    partner_avoid: set[str] = field(default_factory=set)  # stabilize chains to rotate as partners
    essentials: tuple[str, ...] = ()  # added first to the next draft only (week-1 education)
    allowed_set: frozenset[str] = field(init=False)
    keys: tuple[str, ...] = field(init=False)
    matching: dict[str, frozenset[str]] = field(init=False)
    _ranked: dict[object, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.allowed_set = frozenset(self.allowed)
        self.keys = tuple(finding_key(f) for f in self.findings)
        self.matching = {
            k: frozenset(
                tid
                for tid in self.idx.by_code.get(f.code, ())
                if tid in self.allowed_set and matches(self.idx.infos[tid].t, f)
            )
            for f, k in zip(self.findings, self.keys, strict=True)
        }
        self._ranked = {}

    def rank(self, tid: str) -> tuple[bool, bool, bool, int, int, int, int, str]:
        """Symptom modulation: releases last. Then chains used by earlier variants last (within
        one, the technique used before first), the phase's role emphasis, findings addressed,
        evidence, time, id."""
        info = self.idx.infos[tid]
        avoided = info.chain in self.avoid
        return (
            self.gentle and info.t.role is Role.release,
            avoided,
            avoided and tid not in self.used_in_phase,
            (
                len(Role)  # Hicks failure rule positive: extra stabilize work ranks last
                if self.person.stabilization_failure and info.t.role is Role.stabilize
                else self.phase.rank(info.t.role, self.gentle)
            ),
            -len(info.addresses & self.person.findings),
            info.evidence_rank,
            info.base_tenths,
            tid,
        )

    def ranked(self, what: object, ids: frozenset[str] | tuple[str, ...]) -> list[str]:
        """``ids`` in rank order, cached for the current draft under ``what``."""
        hit = self._ranked.get(what)
        if hit is None:
            hit = self._ranked[what] = sorted(ids, key=self.rank)
        return hit

    def new_draft(self) -> None:
        self._ranked = {}


def allowed_in_phase(
    idx: Index, excluded: set[str], person: Person, phase: Phase, slider_done: bool
) -> tuple[str, ...]:
    """Ids of techniques not excluded and allowed by the phase rules (and neural sequencing) from
    the phase's first week on: the plan-validity rules of :func:`phase_reasons`."""
    out = []
    for tid, info in idx.infos.items():
        if tid in excluded or phase_reasons(info.t, person, phase, phase.first_week, slider_done):
            continue
        out.append(tid)
    if phase.first_week == 1:
        # Loading starts at the easiest member of a chain that is not excluded: a technique whose
        # regression is itself allowed waits for a later phase.
        # (A regression counts when it is allowed and does some of the same work.)
        allowed = set(out)

        def easier_allowed(tid: str) -> bool:
            info = idx.infos[tid]
            return any(
                r in allowed and (idx.infos[r].addresses & info.addresses or not info.addresses)
                for r in info.t.regressions
            )

        out = [tid for tid in out if not easier_allowed(tid)]
    return tuple(out)


def _partner(ctx: Context, draft: Draft, release: Info) -> tuple[str | None, int]:
    """A stabilize block sharing a region with ``release``: one already picked (free) or a new one."""
    for p in draft.picks:
        info = ctx.idx.infos[p.tid]
        if info.t.role is Role.stabilize and info.regions & release.regions:
            return p.tid, 0
    pool = _role_pool(ctx, Role.stabilize)
    fresh = [tid for tid in pool if ctx.idx.infos[tid].chain not in ctx.partner_avoid]
    for tid in fresh + [tid for tid in pool if ctx.idx.infos[tid].chain in ctx.partner_avoid]:
        info = ctx.idx.infos[tid]
        if (
            info.chain not in draft.chains
            and info.chain != release.chain
            and info.regions & release.regions
        ):
            return tid, info.base_tenths
    return None, 0


def try_add(ctx: Context, draft: Draft, tid: str, stage: int | None = None) -> bool:
    """Add ``tid`` (and a stabilize partner when it is a release) if it fits the budget and no
    technique of its progression/regression chain is in the session yet."""
    if ctx.idx.infos[tid].chain in draft.chains or len(draft.picks) >= ctx.max_blocks:
        return False
    info = ctx.idx.infos[tid]
    cost = info.base_tenths
    partner: str | None = None
    if info.t.role is Role.release:
        partner, extra = _partner(ctx, draft, info)
        if partner is None:
            return False
        cost += extra
        if extra and len(draft.picks) + 2 > ctx.max_blocks:
            return False
    if draft.spent + cost > draft.budget:
        return False
    if partner is not None and partner not in draft.used:
        draft.picks.append(Pick(partner, STAGE_OF_ROLE[Role.stabilize]))
        draft.used.add(partner)
        draft.chains.add(ctx.idx.infos[partner].chain)
    draft.picks.append(Pick(tid, STAGE_OF_ROLE[info.t.role] if stage is None else stage, partner))
    draft.used.add(tid)
    draft.chains.add(info.chain)
    draft.spent += cost
    return True


def _role_pool(ctx: Context, role: Role) -> list[str]:
    ids = tuple(tid for tid in ctx.idx.by_role.get(role, ()) if tid in ctx.allowed_set)
    return ctx.ranked(("role", role), ids)


def _restriction_release(ctx: Context, draft: Draft, keys: list[str]) -> None:
    """Add the first release (with its partner) that fits, among those addressing the person's
    mobility restrictions: unused in the phase first, then away from the regions earlier variants
    released, then by the most severe restriction addressed, then by rank."""
    restrictions = config().mobility_restrictions
    best: dict[str, int] = {}
    for i, key in enumerate(keys):  # severity order
        if key.split(":")[0] in restrictions:
            for tid in ctx.matching[key]:
                if ctx.idx.infos[tid].t.role is Role.release:
                    best.setdefault(tid, i)
    order = sorted(
        best,
        key=lambda tid: (
            ctx.idx.infos[tid].chain in ctx.avoid,
            bool(ctx.idx.infos[tid].regions & ctx.released_regions),
            best[tid],
            ctx.rank(tid),
        ),
    )
    for tid in order:
        if try_add(ctx, draft, tid):
            return


def _required_roles(ctx: Context, draft: Draft) -> None:
    for role in ctx.phase.required(ctx.gentle):
        if not draft.has_role(role, ctx.idx):
            for tid in _role_pool(ctx, role):
                if try_add(ctx, draft, tid):
                    break


def draft_session(ctx: Context, budget_tenths: int, cover: dict[str, int]) -> Draft:
    """Pick the techniques of one session variant. ``cover`` counts how often each finding key was
    addressed by earlier variants; it is updated in place."""
    ctx.new_draft()
    draft = Draft(budget=budget_tenths)
    pairs = list(zip(ctx.findings, ctx.keys, strict=True))
    # 1. Opener: a warm-up (or, lacking one, a breathing block); symptom modulation: breathing first.
    warmups, breaths = _role_pool(ctx, Role.warmup), _role_pool(ctx, Role.breath)
    for tid in (breaths or warmups) if ctx.gentle else (warmups or breaths):
        if try_add(ctx, draft, tid, stage=0):
            break
    # 1a. Symptom modulation: the phase's required roles (education among them) before the rest.
    if ctx.gentle:
        _required_roles(ctx, draft)
    # 1b. A gentle release of a mobility restriction, paired with its stabilize partner.
    if ctx.phase.release_when_restricted and not ctx.gentle:
        _restriction_release(ctx, draft, [key for _, key in pairs])
    # 1c. Week-1 essentials (warning signs for everyone; fear, graded exposure and pacing with
    #     high psychosocial risk), once each: what does not fit this variant goes to the next.
    ctx.essentials = tuple(
        tid for tid in ctx.essentials if tid in ctx.allowed_set and not try_add(ctx, draft, tid)
    )
    # 2. Findings, least covered first, then most severe (ctx.findings is in severity order).
    order = sorted(range(len(pairs)), key=lambda i: (cover.get(pairs[i][1], 0), i))
    for i in order:
        key = pairs[i][1]
        if ctx.matching[key] & draft.used:
            continue
        for tid in ctx.ranked(("finding", key), ctx.matching[key]):
            if try_add(ctx, draft, tid):
                break
    # 3. Roles every session of the phase includes (stabilization above all).
    _required_roles(ctx, draft)
    # 4. Cool-down: a breathing block to settle.
    for tid in _role_pool(ctx, Role.breath):
        if try_add(ctx, draft, tid, stage=COOLDOWN):
            break
    # 5. Fill the remaining time, up to `fill_percent` of it (the rest is room for the doses to
    #    grow), with more work on the findings, most severe first (symptom modulation: no extra
    #    release; a release is used only where nothing gentler helps).
    full, draft.budget = draft.budget, draft.budget * config().fill_percent // 100
    progress = True
    while progress and len(draft.picks) < ctx.max_blocks:
        progress = False
        for _, key in pairs:
            for tid in ctx.ranked(("finding", key), ctx.matching[key]):
                if ctx.gentle and ctx.idx.infos[tid].t.role is Role.release:
                    continue
                if try_add(ctx, draft, tid):
                    progress = True
                    break
    draft.budget = full
    covered = {key for _, key in pairs if ctx.matching[key] & draft.used}
    for k in covered:
        cover[k] = cover.get(k, 0) + 1
    draft.covers = frozenset(covered)
    ctx.used_in_phase.update(draft.used)
    for tid in draft.used:
        if ctx.idx.infos[tid].t.role is Role.release:
            ctx.released_regions |= ctx.idx.infos[tid].regions
    draft.picks.sort(key=lambda p: (p.stage, _TENSION_RANK[ctx.idx.infos[p.tid].t.neural_tension]))
    return draft
