"""Incremental writes on the fake and on both real databases: the store's tail queries give the
adjustment exactly what a full recomputation sees (same decisions after every write of a long,
partly back-dated history), a forward-moving history never reads the whole history again, and a
new plan version is stored only on a material change of the prescription."""

from __future__ import annotations

import itertools
import json
import random
from datetime import date, timedelta
from typing import Any

import pytest

from lumbo.domain.adjust.apply import material_change
from lumbo.domain.adjust.decide import adjust, apply_adjustment
from lumbo.domain.protocol.model import BlockLog, CheckIn, SessionLog
from lumbo.services import journey
from lumbo.store.repository import JourneyRepository, SqlAlchemyRepository
from lumbo.store.unit_of_work import FakeUnitOfWork
from tests.integration.store import samples
from tests.integration.store.conftest import UowFactory

START = date(2026, 3, 2)


def _log(plan: Any, rng: random.Random, n: int, day: date) -> SessionLog:
    week = plan.weeks[min(11, (day - START).days // 7)]
    session = rng.choice(week.sessions)
    pains = [0, 1, 1, 2, 2, 3, 4, 6]
    blocks = tuple(
        BlockLog(
            technique=b.technique,
            completed_sets=b.dose.sets if rng.random() > 0.1 else 0,
            intensity=rng.choice([None, 3, 5, 8]),
            pain_during=rng.choice(pains),
            pain_after=rng.choice(pains),
            new_numbness_or_tingling=rng.random() < 0.03,
        )
        for b in session.blocks
    )
    return SessionLog(
        session_id=f"s-{n:06d}",
        week=week.week,
        session_index=session.index,
        performed_on=day,
        blocks=blocks,
    )


def _history(uow_factory: UowFactory, seed: int, writes: int, backdate: float) -> list[Any]:
    """Run ``writes`` writes (logs and next-morning check-ins, a share ``backdate`` of them dated
    in the past); return per write (returned adjustment, full recomputation, new_plan, material)."""
    rng = random.Random(seed)
    person = journey.init_person(uow_factory(), json.dumps(samples.intake_dict())).person.id
    out = []
    day = START
    logged: list[SessionLog] = []
    for n in range(writes):
        before = journey.current_plan(uow_factory(), person)
        back = rng.random() < backdate
        when = day - timedelta(days=rng.randint(1, 6)) if back else day
        if rng.random() < 0.6 or not logged:
            log = _log(before.plan, rng, n, max(START, when))
            done = journey.record_session(uow_factory(), person, log)
            logged.append(log)
        else:
            linked = rng.choice(logged) if rng.random() < 0.5 else None
            checkin = CheckIn(
                checkin_id=f"c-{n:06d}",
                on=when + timedelta(days=1),
                session_id=None if linked is None else linked.session_id,
                pain=rng.choice([1, 2, 3, 5]),
                stiffness=2,
            )
            done = journey.record_checkin(uow_factory(), person, checkin)
        day += timedelta(days=rng.choice([0, 1, 1, 2]))
        with uow_factory() as uow:
            logs = [s.log for s in uow.journeys.session_logs(person)]
            checkins = [c.checkin for c in uow.journeys.checkins(person)]
        full = adjust(before.plan, logs, checkins)
        material = material_change(before.plan, apply_adjustment(before.plan, full))
        out.append((done.adjustment, full, done.new_plan, material))
    return out


@pytest.mark.parametrize("backdate", [0.0, 0.25])
def test_every_write_decides_like_the_full_recomputation(
    uow_factory: UowFactory, backdate: float
) -> None:
    for n, (got, full, new_plan, material) in enumerate(_history(uow_factory, 7, 70, backdate)):
        assert got == full, f"write {n}"
        assert new_plan == material, f"write {n}"


def test_a_forward_history_is_never_read_whole_again(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the first writes, a write reads only the tail (``session_logs_since``): the cost of a
    write does not depend on how long the history is."""
    if isinstance(uow_factory(), FakeUnitOfWork):
        pytest.skip("the fake's tail query filters its whole list; the real stores query the tail")
    calls: list[str] = []

    def counting(kind: str, original: Any) -> Any:
        def counted(self: JourneyRepository, *args: Any) -> Any:
            calls.append(kind)
            return original(self, *args)

        return counted

    cls = SqlAlchemyRepository
    monkeypatch.setattr(cls, "session_logs", counting("whole", cls.session_logs))
    monkeypatch.setattr(cls, "session_logs_since", counting("since", cls.session_logs_since))
    person = journey.init_person(uow_factory(), json.dumps(samples.intake_dict())).person.id
    rng = random.Random(3)
    for n in range(40):
        day = START + timedelta(days=n)
        plan = journey.current_plan(uow_factory(), person).plan
        journey.record_session(uow_factory(), person, _log(plan, rng, n, day))
    assert calls.count("whole") <= 2, calls
    assert calls.count("since") >= 38


def test_a_new_plan_version_only_on_a_material_change(uow_factory: UowFactory) -> None:
    """Every stored version after the first differs from the one before in what the person is
    asked to do (techniques, doses or pairings)."""
    _history(uow_factory, 11, 60, 0.0)
    with uow_factory() as uow:
        person = uow.journeys.persons()[-1].id
        versions = uow.journeys.plan_versions(person)
    for older, newer in itertools.pairwise(versions):
        assert material_change(older.plan, newer.plan), newer.reason


def test_sparse_sessions_are_judged_against_the_check_in_before_them(
    uow_factory: UowFactory,
) -> None:
    """Sessions every fourth day, each with its next-morning check-in: the check-in before a
    session lies before the tail the write reads, and must still be the one compared with."""
    rng = random.Random(5)
    person = journey.init_person(uow_factory(), json.dumps(samples.intake_dict())).person.id
    for n in range(16):
        day = START + timedelta(days=4 * n)
        before = journey.current_plan(uow_factory(), person)
        log = _log(before.plan, rng, n, day)
        journey.record_session(uow_factory(), person, log)
        checkin = CheckIn(
            checkin_id=f"c-{n:06d}", on=day + timedelta(days=1), pain=[2, 3, 1][n % 3], stiffness=2
        )
        before = journey.current_plan(uow_factory(), person)
        done = journey.record_checkin(uow_factory(), person, checkin)
        with uow_factory() as uow:
            logs = [s.log for s in uow.journeys.session_logs(person)]
            checkins = [c.checkin for c in uow.journeys.checkins(person)]
        assert done.adjustment == adjust(before.plan, logs, checkins), f"check-in {n}"


def test_concurrent_writers_of_one_person_keep_the_summary_exact(uow_factory: UowFactory) -> None:
    """Four threads log sessions of one person at once: the writes queue on the person's lock, so
    the stored summary still equals a full recomputation, and so does the next decision."""
    from concurrent.futures import ThreadPoolExecutor

    from lumbo.domain.adjust.decide import adjust_from
    from lumbo.domain.adjust.state import Settled, settle_before

    if isinstance(uow_factory(), FakeUnitOfWork):
        pytest.skip("the fake has no concurrent transactions")
    person = journey.init_person(uow_factory(), json.dumps(samples.intake_dict())).person.id
    plan = journey.current_plan(uow_factory(), person).plan
    rng = random.Random(9)
    logs = [_log(plan, rng, n, START + timedelta(days=n)) for n in range(16)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda log: journey.record_session(uow_factory(), person, log), logs))
    current = journey.current_plan(uow_factory(), person)
    with uow_factory() as uow:
        stored = [s.log for s in uow.journeys.session_logs(person)]
        status = uow.journeys.get_status(person)
    assert len(stored) == 16 and status is not None
    if status.plan_version == current.version:
        cut = settle_before([s.performed_on for s in stored])
        _, full = adjust_from(
            current.plan, Settled.empty(current.version), stored, [], settle_before=cut
        )
        assert status.settled is not None
        assert status.settled.to_json() == full.to_json()
    last = _log(current.plan, rng, 99, START + timedelta(days=17))
    done = journey.record_session(uow_factory(), person, last)
    assert done.adjustment == adjust(current.plan, [*stored, last], [])


@pytest.mark.parametrize("remember", [True, False])
def test_remembered_unchanged_decisions_give_what_applying_them_gives(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch, remember: bool
) -> None:
    """A write whose decisions were already applied to the plan version in force without a
    material change skips ``apply_adjustment``; with the memory on or off, every write returns
    the same adjustment, the same new-version flag and the same plan version."""
    from lumbo.services import recording

    applied: list[int] = []
    original = recording.apply_adjustment

    def counted(*args: Any, **kwargs: Any) -> Any:
        applied.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(recording, "apply_adjustment", counted)
    monkeypatch.setattr(recording, "UNCHANGED", recording._Seen())
    if not remember:
        monkeypatch.setattr(recording._Seen, "__contains__", lambda _self, _key: False)
    history = _history(uow_factory, 5, 40, 0.1)
    for n, (got, full, new_plan, material) in enumerate(history):
        assert got == full, f"write {n}"
        assert new_plan == material, f"write {n}"
    decided = sum(any(d.level is not None for d in got.decisions) for got, *_ in history)
    if remember:
        assert len(applied) < decided  # some writes repeated the decisions of the one before
    else:
        assert len(applied) == decided
