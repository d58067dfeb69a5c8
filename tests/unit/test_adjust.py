"""Adjustment rules as a table: green/yellow/red logs, overstretch guard, settling, runs, alerts."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest

from lumbo.domain.adjust.decide import (
    STOP_SIGNS,
    URGENT_SIGNS,
    adjust,
    apply_adjustment,
    judge,
    stop_alerts,
    stop_keys_of,
)
from lumbo.domain.assessment.model import Finding, Severity
from lumbo.domain.errors import InvalidInput
from lumbo.domain.intake import RED_FLAG_FIELDS, parse_intake
from lumbo.domain.knowledge import Library
from lumbo.domain.protocol.engine import build_plan
from lumbo.domain.protocol.model import Adjustment, BlockLog, CheckIn, Plan, SessionLog
from tests.strategies import assessment_with, tech

HOLD = {"kind": "hold", "sets": 2, "hold_s": 20, "rest_s": 10, "intensity_target": 5}


def lib() -> Library:
    return Library(
        [
            tech("knee-rock", "warmup", dose="reps"),
            tech(
                "ham-hold", "release", regions=["hamstring"], dose=HOLD,
                addresses=["HAMSTRING_LENGTH_RESTRICTION"],
            ),
            tech(
                "ham-floor", "release", regions=["hamstring"],
                dose={"kind": "hold", "sets": 1, "hold_s": 10, "intensity_target": 4},
                addresses=["HAMSTRING_LENGTH_RESTRICTION"], regressions=["ham-easy"],
            ),
            tech(
                "ham-easy", "release", regions=["hamstring"],
                dose={"kind": "hold", "sets": 1, "hold_s": 10, "intensity_target": 3},
            ),
            tech(
                "bridge", "stabilize", regions=["hamstring", "gluteal"],
                dose={"kind": "reps", "sets": 3, "reps": 15},
                addresses=["MOTOR_CONTROL_DEFICIT"], progressions=["bridge-march"],
            ),
            tech(
                "bridge-march", "stabilize", regions=["hamstring", "gluteal"],
                dose={"kind": "reps", "sets": 2, "reps": 8},
            ),
        ]
    )  # fmt: skip


def plan_for(*codes: str) -> Plan:
    intake = parse_intake(
        {
            "person": {"age": 40},
            "preferences": {"minutes_per_session": 30, "sessions_per_week": 2},
            "red_flags": dict.fromkeys(RED_FLAG_FIELDS, False),
        }
    )
    found = [
        Finding(code=c, severity=Severity.severe, region="lumbar", evidence=("t",))  # type: ignore[arg-type]
        for c in codes
    ]
    return build_plan(intake, assessment_with(found), lib())


PLAN = plan_for("HAMSTRING_LENGTH_RESTRICTION", "MOTOR_CONTROL_DEFICIT")
START = date(2026, 11, 23)
GREEN: dict[str, Any] = {}


def session(
    plan: Plan, n: int, target: str, over: dict[str, Any]
) -> tuple[SessionLog, list[CheckIn]]:
    """Session number ``n`` (0-based, two a week), every block green except ``over`` on ``target``.
    ``over`` may carry ``morning`` (next-morning pain, None = no check-in) and ``before``."""
    week, index = n // 2 + 1, n % 2 + 1
    day = START + timedelta(days=3 * n)
    sid = over.get("sid", f"sess-{n:04d}")
    planned = plan.weeks[week - 1].sessions[index - 1]
    fields = {k: v for k, v in over.items() if k not in {"morning", "before", "sid"}}
    blocks = []
    for b in planned.blocks:
        data: dict[str, Any] = {
            "technique": b.technique,
            "completed_sets": b.dose.sets,
            "pain_during": 1,
            "pain_after": 1,
            "intensity": 4,
        }
        if b.technique == target:
            data.update(fields)
        blocks.append(BlockLog(**data))
    log = SessionLog(
        session_id=sid, week=week, session_index=index, performed_on=day, blocks=tuple(blocks)
    )
    checkins = []
    if "before" in over:
        checkins.append(
            CheckIn(checkin_id=f"pre-{n:05d}", on=day, pain=over["before"], stiffness=2)
        )
    morning = over.get("morning", 1)
    if morning is not None:
        checkins.append(
            CheckIn(
                checkin_id=f"ck-{n:06d}",
                on=day + timedelta(days=1),
                session_id=sid,
                pain=morning,
                stiffness=2,
            )
        )
    return log, checkins


def run(plan: Plan, target: str, sessions: list[dict[str, Any]]) -> Adjustment:
    logs, checkins = [], []
    for n, over in enumerate(sessions):
        log, cks = session(plan, n, target, over)
        logs.append(log)
        checkins += cks
    return adjust(plan, logs, checkins, lib())


def decision(adj: Adjustment, tid: str) -> Any:
    return next(d for d in adj.decisions if d.technique == tid)


NO_CHECKIN: dict[str, Any] = {"morning": None}

# name, sessions (the last one's check-in may be pending), action, reason, level step (relative to
# the planned level of the last session judged; None: the plan keeps its planned doses).
CASES = [
    ("one green session holds as planned", [GREEN], "hold", "1 of 2 green sessions", None),
    ("two green sessions progress", [GREEN, GREEN], "progress", "2 green sessions in a row", 1),
    ("pain 4 during holds", [GREEN, {"pain_during": 4}], "hold", "pain 4/10 during exercise is acceptable", 0),
    ("pain 5 after holds", [{"pain_after": 5}], "hold", "pain 5/10 after exercise is acceptable", 0),
    ("pain 6 during regresses", [{"pain_during": 6}], "regress", "pain 6/10 during exercise is above 5/10", -1),
    ("pain 6 after regresses", [{"pain_after": 6}], "regress", "pain 6/10 after exercise is above 5/10", -1),
    ("intensity 8 regresses", [GREEN, {"intensity": 8}], "regress", "overstretch guard: stretch intensity 8/10", -1),
    ("intensity 7 is allowed", [{"intensity": 7}, {"intensity": 7}], "progress", "2 green sessions", 1),
    ("sharp pain regresses", [{"sharp_pain": True}], "regress", "overstretch guard: sharp or shooting pain", -1),
    ("new tingling regresses", [{"new_numbness_or_tingling": True}], "regress", "new numbness or tingling", -1),
    ("worse next morning regresses", [{"before": 2, "morning": 4}], "regress", "not settled by next morning: pain 4/10, 2/10 before", -1),
    ("back to baseline is settled", [{"before": 3, "morning": 3}, {"before": 3, "morning": 3}], "progress", "2 green", 1),
    ("high morning pain without baseline regresses", [{"morning": 6}], "regress", "next-morning pain 6/10 is above 5/10", -1),
    ("morning pain 4 without baseline holds", [{"morning": 4}], "hold", "no earlier check-in to compare with", 0),
    ("unfinished sets hold", [{"completed_sets": 1}], "hold", "completed 1 of 2 sets", 0),
    ("a run restarts after red", [{"pain_during": 7}, GREEN], "hold", "1 of 2 green sessions", None),
    ("two greens after red progress", [{"pain_during": 7}, GREEN, GREEN], "progress", "2 green", 1),
    ("a retried upload counts once", [{"sid": "same-0001"}, {"sid": "same-0001"}], "hold", "1 of 2", None),
    # The next-morning check-in of the latest session may still come: pending.
    ("a green session awaiting its check-in is pending", [NO_CHECKIN], "hold", "pending: keep the planned dose", None),
    ("pending does not count towards the run", [GREEN, NO_CHECKIN], "hold", "1 of 2 green sessions", None),
    ("pending keeps an earlier progress", [GREEN, GREEN, NO_CHECKIN], "progress", "2 green sessions in a row", 1),
    ("pending does not undo an earlier hold", [GREEN, {"pain_during": 4}, NO_CHECKIN], "hold", "pain 4/10 during", 0),
    ("pending red on its own regresses at once", [GREEN, {**NO_CHECKIN, "sharp_pain": True}], "regress", "sharp or shooting pain", -1),
    ("pending intensity 8 regresses at once", [{**NO_CHECKIN, "intensity": 8}], "regress", "stretch intensity 8/10", -1),
    ("pending yellow on its own holds", [{**NO_CHECKIN, "pain_during": 4}], "hold", "pain 4/10 during exercise", 0),
    # A check-in that never came, once a later session is logged: not settled, the run breaks.
    ("a missed check-in holds", [NO_CHECKIN, GREEN], "hold", "1 of 2 green sessions", None),
    ("a missed check-in breaks the run", [GREEN, NO_CHECKIN, GREEN], "hold", "1 of 2 green sessions", None),
]  # fmt: skip


def _pending_last(sessions: list[dict[str, Any]]) -> bool:
    last = sessions[-1]
    return last.get("morning", 1) is None and not any(
        k in last
        for k in ("sharp_pain", "intensity", "pain_during", "pain_after", "completed_sets")
    )


@pytest.mark.parametrize(
    ("name", "sessions", "action", "reason", "step"), CASES, ids=[c[0] for c in CASES]
)
def test_adjustment_table(
    name: str, sessions: list[dict[str, Any]], action: str, reason: str, step: int | None
) -> None:
    adj = run(PLAN, "ham-hold", sessions)
    d = decision(adj, "ham-hold")
    assert (d.action, reason in d.reason) == (action, True), d.reason
    judged = sessions[:-1] if _pending_last(sessions) else sessions
    if step is None:
        assert d.level is None
    else:
        last_week = (len(judged) - 1) // 2 + 1
        planned_level = next(
            b.level
            for s in PLAN.weeks[last_week - 1].sessions
            for b in s.blocks
            if b.technique == "ham-hold"
        )
        assert d.level == planned_level + step
    # Block logs judge one technique; the next-morning check-in judges the whole session (when
    # it is still awaited, the other techniques' latest session is pending).
    other = decision(adj, "bridge")
    if sessions[-1].get("morning", 1) is None:
        assert other.response == ("green" if len(sessions) > 1 else None), other
        return
    whole_session = any("morning" in over or "before" in over for over in sessions[-1:])
    assert other.response == (d.response if whole_session else "green")


def test_a_missed_check_in_is_yellow_once_a_later_session_exists() -> None:
    adj = run(PLAN, "ham-hold", [NO_CHECKIN, GREEN])
    logs = [session(PLAN, n, "ham-hold", over)[0] for n, over in enumerate([NO_CHECKIN, GREEN])]
    cks = session(PLAN, 1, "ham-hold", GREEN)[1]
    assert adjust(PLAN, logs[:1], [], lib()).decisions[0].reason.startswith("pending")
    assert decision(adjust(PLAN, logs, cks, lib()), "ham-hold") == decision(adj, "ham-hold")
    # A later check-in (not its own) also closes the wait.
    late = CheckIn(checkin_id="late-000001", on=START + timedelta(days=5), pain=1, stiffness=1)
    missed = adjust(PLAN, logs[:1], [late], lib())
    assert "no next-morning check-in" in decision(missed, "ham-hold").reason


def test_red_at_the_lowest_dose_swaps_to_the_declared_regression() -> None:
    plan = plan_for("HAMSTRING_LENGTH_RESTRICTION")
    assert any(b.technique == "ham-floor" for s in plan.weeks[0].sessions for b in s.blocks)
    adj = run(plan, "ham-floor", [{"sharp_pain": True}])
    d = decision(adj, "ham-floor")
    assert (d.action, d.replacement, d.level) == ("swap", "ham-easy", 0)
    assert "sharp or shooting pain" in d.reason


def test_green_run_at_the_top_dose_swaps_in_the_progression() -> None:
    adj = run(PLAN, "bridge", [GREEN, GREEN])
    d = decision(adj, "bridge")
    assert (d.action, d.replacement) == ("swap", "bridge-march")
    assert "declared progression" in d.reason


@pytest.mark.parametrize(
    ("sessions", "kinds"),
    [
        ([{"pain_during": 6}], []),
        ([{"pain_during": 6}, GREEN, {"sharp_pain": True}], ["clinician_review"]),
        ([{"new_numbness_or_tingling": True}, {"new_numbness_or_tingling": True}],
         ["clinician_review", "referral_signs"]),
        ([{"pain_during": 6}, GREEN, GREEN, GREEN, GREEN, {"pain_during": 6}], []),
    ],
)  # fmt: skip
def test_repeated_red_raises_alerts(sessions: list[dict[str, Any]], kinds: list[str]) -> None:
    adj = run(PLAN, "ham-hold", sessions)
    assert [a.kind for a in adj.alerts] == kinds


def test_logs_that_do_not_match_the_plan_are_rejected() -> None:
    log, _ = session(PLAN, 0, "ham-hold", {})
    bad = log.model_copy(
        update={
            "blocks": (BlockLog(technique="nope", completed_sets=1, pain_during=0, pain_after=0),)
        }
    )
    with pytest.raises(InvalidInput) as err:
        adjust(PLAN, [bad], [], lib())
    assert err.value.problems[0].path == "logs[0].blocks[0].technique"
    wrong = log.model_copy(update={"session_index": 5})
    with pytest.raises(InvalidInput) as err:
        adjust(PLAN, [wrong], [], lib())
    assert err.value.problems[0].path == "logs[0].session_index"


def levels(plan: Plan, tid: str) -> list[int | None]:
    return [
        next((b.level for s in w.sessions for b in s.blocks if b.technique == tid), None)
        for w in plan.weeks
    ]


@pytest.mark.parametrize(
    ("sessions", "shift"),
    [([GREEN, GREEN], 0), ([{"pain_during": 6}], -2), ([{"pain_during": 4}], -1), ([GREEN], None)],
)
def test_apply_moves_the_remaining_weeks(sessions: list[dict[str, Any]], shift: int | None) -> None:
    adj = run(PLAN, "ham-hold", sessions)
    new = apply_adjustment(PLAN, adj, lib())
    assert new.version == PLAN.version + 1
    start = adj.from_week
    assert start == 2
    before, after = levels(PLAN, "ham-hold"), levels(new, "ham-hold")
    if shift is None:  # a green run short of the gate keeps the planned doses
        assert new.weeks == PLAN.weeks
        return
    assert after[: start - 1] == before[: start - 1]
    assert after[start - 1] == decision(adj, "ham-hold").level
    assert after[start - 1] == (before[start - 1] or 0) + shift
    for w in new.weeks:
        for s in w.sessions:
            assert sum(b.estimated_minutes for b in s.blocks) <= 30 + 1e-9


def test_apply_swaps_and_keeps_the_pairing() -> None:
    adj = run(PLAN, "bridge", [GREEN, GREEN])
    new = apply_adjustment(PLAN, adj, lib())
    used_after = {b.technique for w in new.weeks[1:] for s in w.sessions for b in s.blocks}
    assert "bridge" not in used_after and "bridge-march" in used_after
    assert any(b.technique == "bridge" for s in new.weeks[0].sessions for b in s.blocks)
    for w in new.weeks:
        for s in w.sessions:
            for b in s.blocks:
                if b.role.value == "release":
                    assert b.pairs_with is not None
                    assert s.blocks[b.pairs_with].technique in {"bridge", "bridge-march"}


def test_apply_rejects_a_stale_adjustment() -> None:
    adj = run(PLAN, "ham-hold", [GREEN, GREEN])
    newer = apply_adjustment(PLAN, adj, lib())
    with pytest.raises(InvalidInput):
        apply_adjustment(newer, adj, lib())


# --- the e2e journey through the service layer: no flip-flopping plan versions --------------------

_ORDER = {"regress": 0, "swap": 0, "hold": 1, "progress": 2}


def _journey_block(b: Any, red: bool) -> BlockLog:
    answers = (
        {"intensity": 9, "sharp_pain": True, "pain_during": 6, "pain_after": 4}
        if red
        else {"intensity": 3, "pain_during": 1, "pain_after": 1}
    )
    return BlockLog(technique=b.technique, completed_sets=b.dose.sets, **answers)


def test_the_three_session_journey_never_undoes_a_plan_version(example_intake: Any) -> None:
    """tests/e2e/test_journey.py's run (green, green, red; each followed by its check-in) through
    the services on the in-memory unit of work: adjust runs after every log and every check-in."""
    import json

    from lumbo.services import journey
    from lumbo.store.unit_of_work import FakeUnitOfWork

    uow = FakeUnitOfWork()
    person = journey.init_person(uow, json.dumps(example_intake)).person.id
    versions = [journey.current_plan(uow, person).plan]
    seen: dict[str, list[tuple[str, int | None]]] = {}
    sessions = []
    red_tid = ""
    results = []
    for n, day in enumerate((23, 24, 25), start=1):
        on = date(2026, 11, day)
        today = journey.today(uow, person, on)
        assert today.session is not None and (today.week, today.session.index) == (1, n)
        sessions.append(today.session)
        if n == 3:
            common = set.intersection(*({b.technique for b in s.blocks} for s in sessions))
            red_tid = next(
                b.technique
                for b in today.session.blocks
                if b.technique in common and b.dose.kind != "education"
            )
        log = SessionLog(
            session_id=f"svc-session-{n}",
            week=1,
            session_index=n,
            performed_on=on,
            blocks=tuple(_journey_block(b, b.technique == red_tid) for b in today.session.blocks),
        )
        ck = CheckIn(
            checkin_id=f"svc-checkin-{n}",
            on=on + timedelta(days=1),
            session_id=log.session_id,
            pain=1,
            stiffness=2,
        )
        for recorded in (journey.record_session(uow, person, log),
                         journey.record_checkin(uow, person, ck)):  # fmt: skip
            results.append(recorded)
            assert recorded.adjustment is not None
            for d in recorded.adjustment.decisions:
                seen.setdefault(d.technique, []).append((d.action, d.level))
            if recorded.new_plan:
                versions.append(recorded.plan.plan)
    # The red technique regressed with its reason at once, when its session was logged.
    red = next(d for d in results[-1].adjustment.decisions if d.technique == red_tid)  # type: ignore[union-attr]
    assert red.action in {"regress", "swap"} and "sharp or shooting pain" in red.reason
    assert results[4].new_plan  # the red session's log
    # Decisions move one way per technique: never back from progress to hold, or up after regress.
    for tid, steps in seen.items():
        ranks = [_ORDER[a] for a, level in steps if level is not None]
        assert all(b >= a for a, b in itertools.pairwise(ranks)) or (
            tid == red_tid and ranks[-1] == 0
        ), (tid, steps)

    # No version is undone by the next: no block a version changed is changed back by the next.
    def blocks(plan: Plan) -> dict[tuple[int, int, str], tuple[int, Any]]:
        return {
            (w.week, s.index, b.technique): (b.level, b.dose)
            for w in plan.weeks
            for s in w.sessions
            for b in s.blocks
        }

    for older, new, newer in zip(versions, versions[1:], versions[2:], strict=False):
        a, b, c = blocks(older), blocks(new), blocks(newer)
        changed = {k for k in a if a[k] != b.get(k)}
        assert changed
        assert not {k for k in changed if c.get(k) == a[k]}, "a version undone by the next one"
    # A green session awaiting its check-in changes nothing; the red log regresses at once.
    assert [r.new_plan for r in results[0:5:2]] == [False, False, True]
    assert len(versions) <= 4, [v.version for v in versions]


# --- warning signs in logs and check-ins (i11) ------------------------------------------------


def _with_signs(where: str, signs: tuple[str, ...]) -> Adjustment:
    log, cks = session(PLAN, 0, "ham-hold", GREEN)
    if where == "log":
        log = log.model_copy(update={"warning_signs": signs})
    else:
        cks = [c.model_copy(update={"warning_signs": signs}) for c in cks]
    return adjust(PLAN, [log], cks, lib())


@pytest.mark.parametrize("where", ["log", "checkin"])
@pytest.mark.parametrize(
    "sign",
    ["new_weakness", "saddle_numbness", "bladder_or_bowel_change", "symptoms_spread_down_leg"],
)
def test_a_warning_sign_stops_the_plan_at_once(where: str, sign: str) -> None:
    adj = _with_signs(where, (sign,))
    assert adj.stopped
    stop = [a for a in adj.alerts if a.kind == "stop_and_refer"]
    assert len(stop) == 1 and stop[0].reason.startswith("Stop the plan now")
    assert STOP_SIGNS[sign] in stop[0].reason


def test_no_warning_sign_no_stop() -> None:
    adj = _with_signs("log", ())
    assert not adj.stopped and not [a for a in adj.alerts if a.kind == "stop_and_refer"]


def test_peripheralisation_regresses_the_block_that_caused_it_and_stops() -> None:
    adj = run(PLAN, "ham-hold", [{"symptoms_spread_down_leg": True}])
    d = decision(adj, "ham-hold")
    assert d.response == "red" and d.action in {"regress", "swap"}
    assert "peripheralisation" in d.reason
    assert adj.stopped
    others = [x for x in adj.decisions if x.technique != "ham-hold"]
    assert all(x.response != "red" for x in others)


@pytest.mark.parametrize(("morning_stiffness", "color"), [(3, "pending"), (4, "yellow")])
def test_next_morning_stiffness_rise_holds_the_dose(morning_stiffness: int, color: str) -> None:
    planned = PLAN.weeks[0].sessions[0].blocks[0]
    log = BlockLog(
        technique=planned.technique,
        completed_sets=planned.dose.sets,
        pain_during=1,
        pain_after=1,
    )
    before = CheckIn(checkin_id="before-1", on=START, pain=1, stiffness=2)
    after = CheckIn(
        checkin_id="after-01", on=START + timedelta(days=1), pain=1, stiffness=morning_stiffness
    )
    got, reasons = judge(log, planned, after, before)
    assert (got if got != "green" else "pending") == color
    assert any("stiffer" in r for r in reasons) is (color == "yellow")


@pytest.mark.parametrize(
    "keys",
    [
        frozenset(c)
        for n in range(len(STOP_SIGNS) + 1)
        for c in itertools.combinations(STOP_SIGNS, n)
    ],
)
def test_the_stored_stop_alert_names_back_exactly_the_signs_reported(
    keys: frozenset[str],
) -> None:
    """The stop in force is read from the alerts kept in the person's status: every combination
    of warning signs in a check-in comes back from its alert, and only from a stop alert."""
    checkin = CheckIn(
        checkin_id="checkin-stop-1",
        on=date(2026, 11, 24),
        pain=2,
        stiffness=3,
        warning_signs=tuple(keys),
    )
    alerts = stop_alerts([], [checkin])
    assert stop_keys_of(alerts) == keys
    assert bool(keys & URGENT_SIGNS) is any(k != "symptoms_spread_down_leg" for k in keys)
    other = tuple(a.model_copy(update={"kind": "clinician_review"}) for a in alerts)
    assert stop_keys_of(other) == frozenset()
