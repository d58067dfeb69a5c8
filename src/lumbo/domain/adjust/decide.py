# long-module: the traffic-light judgement of each block and the per-technique decisions read the
#   same pending/settled rules
"""Adjustment: how the person responded decides progress / hold / regress per technique. Pure.

Each logged block is judged with the pain-monitoring model (Silbernagel 2007; thresholds in
``progression.toml``): *red* (regress) when pain during or after exceeds 5/10, when the next-morning
check-in is worse than before the session (not settled), or when the overstretch guard fires
(stretch intensity above 7/10, sharp or shooting pain, new numbness or tingling); *yellow* (hold)
for pain 4-5/10, unfinished sets or a next-morning check-in that never came; *green* otherwise.

*Pending*: the next-morning check-in of the latest session(s) may simply not have arrived yet (no
session was performed later and no later check-in exists). Such a session is judged on its own: red
on its own regresses at once (the overstretch guard acts immediately) and yellow on its own holds,
but a session otherwise green is *pending*: it neither holds nor counts towards a green run until its
check-in arrives, so re-running the rules after the log and again after the check-in never bounces
the plan. With only pending sessions a technique keeps its planned dose (``level`` None).

A run of ``gate.green_sessions`` green sessions progresses the dose one level, or swaps in the
technique's declared progression once the dose is at the top of its rules; a shorter green run keeps
the planned doses as they are (``level`` None: the plan already waits for the gate). Repeated red
sessions raise a clinician-review alert; new numbness or tingling in several sessions raises a
referral-signs alert.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from lumbo.domain.adjust.apply import apply_adjustment
from lumbo.domain.adjust.state import Color, Judged, Settled, Track, fold
from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.knowledge import Library
from lumbo.domain.knowledge import library as shipped_library
from lumbo.domain.knowledge.model import Technique
from lumbo.domain.progression import config, max_level, min_level
from lumbo.domain.protocol.model import (
    Adjustment,
    Alert,
    Block,
    BlockLog,
    CheckIn,
    Decision,
    Plan,
    SessionLog,
)
from lumbo.domain.protocol.selection import index
from lumbo.domain.safety import overstretch_signs

__all__ = [
    "Judged",
    "Settled",
    "adjust",
    "adjust_from",
    "apply_adjustment",
    "judge",
    "stop_alerts",
    "stop_keys_of",
]


STIFFNESS_RISE = 2
"""A next-morning stiffness at least this much above the check-in before the session holds the dose
(yellow). Lumbo policy: the stiffness rating is collected at every check-in and used here."""

STOP_SIGNS: dict[str, str] = {
    "saddle_numbness": "numbness between the legs or around the back passage",
    "bladder_or_bowel_change": "a new problem passing or holding urine or stool",
    "new_weakness": "new weakness in a leg",
    "symptoms_spread_down_leg": "symptoms spreading further down the leg",
}
STOP_MESSAGE = (
    "Stop the plan now. Numbness around the saddle area, bladder or bowel change or new leg "
    "weakness need same-day emergency assessment; symptoms spreading further down the leg need a "
    "clinician before you exercise again"
)


def stop_keys(
    logs: list[SessionLog] | tuple[SessionLog, ...],
    checkins: list[CheckIn] | tuple[CheckIn, ...],
) -> frozenset[str]:
    """The warning signs (keys of :data:`STOP_SIGNS`) reported in session logs, their blocks
    (peripheralisation) or check-ins."""
    seen: set[str] = set()
    for log in logs:
        seen.update(log.warning_signs)
        if any(b.symptoms_spread_down_leg for b in log.blocks):
            seen.add("symptoms_spread_down_leg")
    for c in checkins:
        seen.update(c.warning_signs)
    return frozenset(seen & STOP_SIGNS.keys())


def _stop_alert(keys: frozenset[str]) -> tuple[Alert, ...]:
    signs = [STOP_SIGNS[s] for s in STOP_SIGNS if s in keys]
    if not signs:
        return ()
    return (Alert(kind="stop_and_refer", reason=f"{STOP_MESSAGE}. Reported: {'; '.join(signs)}."),)


URGENT_SIGNS = frozenset({"saddle_numbness", "bladder_or_bowel_change", "new_weakness"})
"""Warning signs that need same-day emergency care; the others need a clinician before the next
exercise (clinical-reference: cauda equina and progressive neurological deficit)."""

STOP_ADVICE = {
    "urgent": (
        "Stop your exercises now and get same-day emergency care: go to an emergency department "
        "or call your emergency number today. Do not wait to see if it settles."
    ),
    "clinician": (
        "Stop your exercises now and see your clinician before you exercise again. If you also "
        "notice numbness between your legs, a change passing urine or stool, or new weakness in a "
        "leg, get same-day emergency care."
    ),
}
"""What the patient is told to do once a warning sign stops the plan (plain second person)."""


def stop_keys_of(alerts: tuple[Alert, ...] | list[Alert]) -> frozenset[str]:
    """The warning signs named by the ``stop_and_refer`` alerts among ``alerts`` (as stored in the
    person's status), read back from the signs' wording in the alert."""
    keys: set[str] = set()
    for a in alerts:
        if a.kind == "stop_and_refer":
            reported = a.reason.partition("Reported: ")[2]
            keys.update(k for k, words in STOP_SIGNS.items() if words in reported)
    return frozenset(keys)


def stop_alerts(
    logs: list[SessionLog] | tuple[SessionLog, ...],
    checkins: list[CheckIn] | tuple[CheckIn, ...],
) -> tuple[Alert, ...]:
    """Warning signs reported in session logs, their blocks (peripheralisation) or check-ins:
    each one stops the plan at once with the referral message."""
    return _stop_alert(stop_keys(logs, checkins))


def judge(
    log: BlockLog,
    planned: Block,
    next_morning: CheckIn | None,
    before: CheckIn | None,
    pending: bool = False,
) -> tuple[Color, tuple[str, ...]]:
    """Judge one logged block with the pain-monitoring model and the overstretch guard.
    ``pending``: the next-morning check-in may still come (see the module docs)."""
    pain = config().pain
    red: list[str] = []
    yellow: list[str] = []
    red += [f"overstretch guard: {sign}" for sign in overstretch_signs(log)]
    if log.symptoms_spread_down_leg:
        red.append("symptoms spread further down the leg during this exercise (peripheralisation)")
    for label, value in (("during", log.pain_during), ("after", log.pain_after)):
        if value > pain.acceptable_max:
            red.append(f"pain {value}/10 {label} exercise is above {pain.acceptable_max}/10")
        elif value > pain.green_max:
            yellow.append(f"pain {value}/10 {label} exercise is acceptable but not yet easy")
    if next_morning is None:
        if not pending:
            yellow.append("no next-morning check-in: cannot confirm that pain settled")
    elif before is not None:
        if next_morning.pain > before.pain:
            red.append(
                f"not settled by next morning: pain {next_morning.pain}/10, "
                f"{before.pain}/10 before the session"
            )
    elif next_morning.pain > pain.acceptable_max:
        red.append(f"next-morning pain {next_morning.pain}/10 is above {pain.acceptable_max}/10")
    elif next_morning.pain > pain.green_max:
        yellow.append(
            f"next-morning pain {next_morning.pain}/10 with no earlier check-in to compare with"
        )
    if (
        next_morning is not None
        and before is not None
        and next_morning.stiffness - before.stiffness >= STIFFNESS_RISE
    ):
        yellow.append(
            f"stiffer next morning: {next_morning.stiffness}/10, {before.stiffness}/10 before the "
            "session"
        )
    if log.completed_sets < planned.dose.sets:
        yellow.append(f"completed {log.completed_sets} of {planned.dose.sets} sets")
    if red:
        return "red", tuple(red)
    if yellow:
        return "yellow", tuple(yellow)
    if next_morning is None:
        return "pending", ("waiting for the next-morning check-in to confirm that pain settled",)
    return "green", (
        f"pain at most {pain.green_max}/10 during and after, settled by next morning, "
        "all sets done",
    )


def _validate(plan: Plan, logs: list[SessionLog]) -> None:
    problems = []
    if plan.status != "ok":
        problems.append(
            Problem("plan.status", "no plan to adjust (referral required)", plan.status)
        )
    for i, log in enumerate(logs):
        if plan.status != "ok":
            break
        if log.week > len(plan.weeks):
            problems.append(Problem(f"logs[{i}].week", "no such week in the plan", log.week))
            continue
        sessions = plan.weeks[log.week - 1].sessions
        if log.session_index > len(sessions):
            problems.append(
                Problem(
                    f"logs[{i}].session_index",
                    f"must be between 1 and {len(sessions)}",
                    log.session_index,
                )
            )
            continue
        planned = {b.technique for b in sessions[log.session_index - 1].blocks}
        for j, b in enumerate(log.blocks):
            if b.technique not in planned:
                problems.append(
                    Problem(
                        f"logs[{i}].blocks[{j}].technique",
                        f"not in week {log.week} session {log.session_index} of the plan",
                        b.technique,
                    )
                )
    if problems:
        raise InvalidInput(problems, "session logs")


def _checkins(log: SessionLog, checkins: list[CheckIn]) -> tuple[CheckIn | None, CheckIn | None]:
    """The next-morning check-in of a session, and the latest check-in before it (the baseline)."""
    linked = [c for c in checkins if c.session_id == log.session_id]
    day_after = log.performed_on + timedelta(days=1)
    after = (
        linked[0]
        if linked
        else next((c for c in checkins if c.session_id is None and c.on == day_after), None)
    )
    earlier = [c for c in checkins if c.on <= log.performed_on and c is not after]
    before = earlier[-1] if earlier else None
    return after, before


def _pending(log: SessionLog, last_day: date, last_checkin: date | None) -> bool:
    """May this session's next-morning check-in still arrive? Yes while no session was performed
    on a later day (``last_day``: the latest session day) and no check-in is dated after its next
    morning (``last_checkin``: the latest check-in day)."""
    day_after = log.performed_on + timedelta(days=1)
    return log.performed_on >= last_day and (last_checkin is None or last_checkin <= day_after)


def _judge_all(plan: Plan, logs: list[SessionLog], checkins: list[CheckIn]) -> list[Judged]:
    out = []
    last_day = max((log.performed_on for log in logs), default=date.min)
    last_checkin = max((c.on for c in checkins), default=None)
    for log in logs:
        after, before = _checkins(log, checkins)
        pending = after is None and _pending(log, last_day, last_checkin)
        session = plan.weeks[log.week - 1].sessions[log.session_index - 1]
        by_tid = {b.technique: b for b in session.blocks}
        order = (log.performed_on.isoformat(), log.week, log.session_index, log.session_id)
        for b in log.blocks:
            planned = by_tid[b.technique]
            color, reasons = judge(b, planned, after, before, pending)
            out.append(
                Judged(
                    b.technique, order, color, reasons, planned.level, b.new_numbness_or_tingling
                )
            )
    return sorted(out, key=lambda j: (j.order, j.technique))


def _weeks_with(plan: Plan, tid: str, from_week: int) -> list[tuple[int, Block, tuple[Block, ...]]]:
    return [
        (w.week, b, s.blocks)
        for w in plan.weeks
        if w.week >= from_week
        for s in w.sessions
        for b in s.blocks
        if b.technique == tid
    ]


def _replacement(
    plan: Plan, lib: Library, t: Technique, options: tuple[str, ...], from_week: int
) -> str | None:
    """The first declared progression/regression that is safe and keeps the plan's rules."""
    if from_week > len(plan.weeks):
        return None
    excluded = {e.technique for e in plan.excluded}
    idx = index(lib)
    chain = {tid: info.chain for tid, info in idx.infos.items()}
    uses = _weeks_with(plan, t.id, from_week)
    for rid in options:
        if rid in excluded or rid not in lib:
            continue
        r = lib.get(rid)
        if r.role is not t.role:
            continue
        own = chain[rid]  # a session never holds two techniques of one chain
        regions = {x.value for x in r.regions}
        fits = True
        for week, block, blocks in uses:
            phase = config().phase_of(week)
            partners = [
                blocks[k]
                for k, other in enumerate(blocks)
                if other.pairs_with is not None and blocks[other.pairs_with] is block
            ]
            if block.pairs_with is not None:
                partners.append(blocks[block.pairs_with])
            if (
                r.load not in phase.load
                or r.neural_tension not in phase.neural_tension
                or any(
                    o is not block and (o.technique == rid or chain.get(o.technique) == own)
                    for o in blocks
                )
                or any(not regions & set(p.regions) for p in partners)
                or idx.dose(rid, 0, phase.intensity_cap)[1] > round(block.estimated_minutes * 10)
            ):
                fits = False
                break
        if fits:
            return rid
    return None


def _decide(plan: Plan, lib: Library, tid: str, track: Track, from_week: int) -> Decision:
    """The decision for one technique from its judged history, summarised as a :class:`Track`
    (the latest non-pending judgement and the green run ending the history)."""
    t = lib.get(tid)
    last = track.last
    if last is None:
        return Decision(
            technique=tid,
            action="hold",
            level=None,
            response=None,
            reason="pending: keep the planned dose until the next-morning check-in confirms "
            "that pain settled",
        )
    run = track.run
    gate = config().gate.green_sessions
    why = "; ".join(last.reasons)
    if last.color == "red":
        if last.level > min_level(t.dose):
            return Decision(
                technique=tid,
                action="regress",
                level=last.level - 1,
                response="red",
                reason=f"regress one dose step: {why}",
            )
        rid = _replacement(plan, lib, t, t.regressions, from_week)
        if rid is not None:
            return Decision(
                technique=tid,
                action="swap",
                replacement=rid,
                level=0,
                response="red",
                reason=f"regress to the easier {rid} (dose already at its lowest): {why}",
            )
        return Decision(
            technique=tid,
            action="regress",
            level=last.level,
            response="red",
            reason=f"keep the lowest dose (no easier variant available): {why}",
        )
    if last.color == "yellow":
        return Decision(
            technique=tid,
            action="hold",
            level=last.level,
            response="yellow",
            reason=f"hold the dose: {why}",
        )
    if run < gate:
        return Decision(
            technique=tid,
            action="hold",
            level=None,  # the plan's next step already waits for the gate: keep it as planned
            response="green",
            reason=f"hold: {run} of {gate} green sessions in a row needed before progressing",
        )
    if last.level < max_level(t.dose):
        return Decision(
            technique=tid,
            action="progress",
            level=last.level + 1,
            response="green",
            reason=f"progress one dose step: {run} green sessions in a row ({why})",
        )
    rid = _replacement(plan, lib, t, t.progressions, from_week)
    if rid is not None:
        return Decision(
            technique=tid,
            action="swap",
            replacement=rid,
            level=0,
            response="green",
            reason=f"swap in the declared progression {rid}: {run} green sessions at the top dose",
        )
    return Decision(
        technique=tid,
        action="hold",
        level=last.level,
        response="green",
        reason="hold: already at the top of its progression and no safe harder variant fits",
    )


def _alerts(state: Settled) -> tuple[Alert, ...]:
    gate = config().gate
    recent = [order for order, _ in state.recent]
    red = [order for order, was_red in state.recent if was_red]
    alerts = []
    if len(red) >= gate.red_sessions_for_review:
        alerts.append(
            Alert(
                kind="clinician_review",
                reason=(
                    f"red responses in {len(red)} of the last {len(recent)} sessions "
                    f"(weeks {', '.join(str(k[1]) for k in red)}): a clinician should review the plan"
                ),
            )
        )
    if state.tingling >= gate.tingling_sessions_for_referral_signs:
        alerts.append(
            Alert(
                kind="referral_signs",
                reason=(
                    f"new numbness or tingling in {state.tingling} sessions: "
                    "see a clinician before continuing"
                ),
            )
        )
    return tuple(alerts)


def adjust(
    plan: Plan,
    logs: list[SessionLog] | tuple[SessionLog, ...],
    checkins: list[CheckIn] | tuple[CheckIn, ...] = (),
    library: Library | None = None,
) -> Adjustment:
    """Decide, per logged technique, whether its next sessions progress, hold, regress or swap."""
    return adjust_from(plan, Settled.empty(plan.version), logs, checkins, library)[0]


def adjust_from(
    plan: Plan,
    settled: Settled,
    logs: list[SessionLog] | tuple[SessionLog, ...],
    checkins: list[CheckIn] | tuple[CheckIn, ...] = (),
    library: Library | None = None,
    settle_before: date | None = None,
) -> tuple[Adjustment, Settled]:
    """:func:`adjust` over a history whose sessions before ``settled.before`` are summarised in
    ``settled``; ``logs`` are the sessions performed since (all of them: the tail) and
    ``checkins`` every check-in the tail's judgements can see (``lumbo.domain.adjust.state``).

    Also returns the summary settled before ``settle_before`` (default: ``settled.before``),
    for the next write."""
    lib = library if library is not None else shipped_library()
    unique: dict[str, SessionLog] = {}
    for log in sorted(logs, key=lambda s: (s.performed_on, s.week, s.session_index, s.session_id)):
        unique.setdefault(log.session_id, log)  # a retried upload never counts twice
    ordered = list(unique.values())
    _validate(plan, ordered)
    cks = sorted(checkins, key=lambda c: (c.on, c.checkin_id))
    judged = _judge_all(plan, ordered, cks)
    window = config().gate.review_window
    cut = settle_before or settled.before
    if cut is None or cut == settled.before:
        next_settled = settled
    else:
        done = [j for j in judged if j.order[0] < cut.isoformat()]
        next_settled = fold(settled, done, window)
        settled_stops = stop_keys(
            [log for log in ordered if log.performed_on < cut], [c for c in cks if c.on <= cut]
        )
        next_settled = replace(next_settled, stops=next_settled.stops | settled_stops)
    next_settled = _with(next_settled, cut, plan.version)
    state = fold(settled, judged, window)
    from_week = state.max_week + 1
    decisions = tuple(
        _decide(plan, lib, tid, track, from_week) for tid, track in sorted(state.tracks.items())
    )
    stop = _stop_alert(settled.stops | stop_keys(ordered, cks))
    adjustment = Adjustment(
        decisions=decisions,
        alerts=stop + _alerts(state),
        stopped=bool(stop),
        plan_version=plan.version,
        from_week=from_week if state.logs and from_week <= len(plan.weeks) else None,
    )
    return adjustment, next_settled


def _with(state: Settled, before: date | None, plan_version: int) -> Settled:
    return Settled(
        before=before,
        plan_version=plan_version,
        tracks=state.tracks,
        recent=state.recent,
        tingling=state.tingling,
        max_week=state.max_week,
        logs=state.logs,
        stops=state.stops,
    )
