"""The incremental adjustment (a write judges only the unsettled tail against the stored summary)
decides exactly what a full recomputation over the whole history decides, on generated histories:
logs and check-ins in any order, back-dated ones included, replays, red and yellow responses,
new plan versions along the way.

After every write through the service (in-memory store), the adjustment it returned is compared
with ``adjust(plan in force before the write, every stored log, every stored check-in)``, and the
new plan version with what a full recomputation would store (a material change of the
prescription)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lumbo.domain.adjust.apply import material_change
from lumbo.domain.adjust.decide import adjust, apply_adjustment
from lumbo.domain.errors import Conflict
from lumbo.domain.protocol.model import BlockLog, CheckIn, SessionLog
from lumbo.services import journey
from lumbo.store.unit_of_work import FakeUnitOfWork
from tests.conftest import EXAMPLE_INTAKE

START = date(2026, 3, 2)

block_values = st.fixed_dictionaries(
    {
        "pain_during": st.integers(0, 7),
        "pain_after": st.integers(0, 7),
        "intensity": st.one_of(st.none(), st.integers(2, 9)),
        "sharp_pain": st.sampled_from([False] * 9 + [True]),
        "tingling": st.sampled_from([False] * 9 + [True]),
        "short": st.sampled_from([False] * 5 + [True]),
    }
)

log_op = st.tuples(
    st.just("log"),
    st.integers(0, 30),  # day offset
    st.integers(1, 12),  # week
    st.integers(1, 4),  # session index
    st.lists(block_values, min_size=1, max_size=12),
)
checkin_op = st.tuples(
    st.just("checkin"),
    st.integers(0, 31),  # day
    st.integers(0, 8),  # pain
    st.one_of(st.none(), st.integers(0, 50)),  # link to the n-th logged session
)
replay_op = st.tuples(st.just("replay"), st.integers(0, 50))
histories = st.lists(st.one_of(log_op, log_op, checkin_op, replay_op), min_size=1, max_size=24).map(
    lambda ops: sorted_mostly(ops)
)


def sorted_mostly(ops: list[Any]) -> list[Any]:
    """Most real histories move forward in time: sort the first two thirds by day, keep the rest
    in generated order (back-dated writes)."""
    cut = (2 * len(ops)) // 3

    def day(op: Any) -> int:
        return int(op[1]) if op[0] in ("log", "checkin") else 0

    return sorted(ops[:cut], key=day) + ops[cut:]


def _log(plan_week: Any, op: Any, n: int) -> SessionLog:
    _, offset, week, index, values = op
    session = plan_week.sessions[(index - 1) % len(plan_week.sessions)]
    blocks = []
    for i, b in enumerate(session.blocks):
        v = values[i % len(values)]
        blocks.append(
            BlockLog(
                technique=b.technique,
                completed_sets=max(0, b.dose.sets - 1) if v["short"] else b.dose.sets,
                intensity=v["intensity"],
                pain_during=v["pain_during"],
                pain_after=v["pain_after"],
                sharp_pain=v["sharp_pain"],
                new_numbness_or_tingling=v["tingling"],
            )
        )
    return SessionLog(
        session_id=f"sess-{n:05d}",
        week=week,
        session_index=session.index,
        performed_on=START + timedelta(days=offset),
        blocks=tuple(blocks),
    )


@settings(max_examples=150, deadline=None)
@given(ops=histories)
def test_incremental_decisions_equal_the_full_recomputation(ops: list[Any]) -> None:
    uow = FakeUnitOfWork()
    person = journey.init_person(uow, EXAMPLE_INTAKE.read_text(encoding="utf-8")).person.id
    logged: list[SessionLog] = []
    for n, op in enumerate(ops):
        before = journey.current_plan(uow, person)
        if op[0] == "log":
            log = _log(before.plan.weeks[op[2] - 1], op, n)
            done = journey.record_session(uow, person, log)
            logged.append(log)
        elif op[0] == "checkin":
            _, offset, pain, link = op
            session_id = (
                logged[link % len(logged)].session_id if logged and link is not None else None
            )
            checkin = CheckIn(
                checkin_id=f"chk-{n:05d}",
                on=START + timedelta(days=offset),
                pain=pain,
                stiffness=3,
                session_id=session_id,
            )
            try:
                done = journey.record_checkin(uow, person, checkin)
            except Conflict:
                continue
        else:
            if not logged:
                continue
            again = journey.record_session(uow, person, logged[op[1] % len(logged)])
            assert not again.created and again.adjustment is None
            continue
        with uow:
            logs = [s.log for s in uow.journeys.session_logs(person)]
            checkins = [c.checkin for c in uow.journeys.checkins(person)]
        full = adjust(before.plan, logs, checkins)
        assert done.adjustment == full, json.dumps(
            [done.adjustment.to_json() if done.adjustment else None, full.to_json()], indent=1
        )
        stores_new = material_change(before.plan, apply_adjustment(before.plan, full))
        assert done.new_plan == stores_new
        assert done.plan.version == before.version + stores_new
