"""The journey services over the fake and both real databases: one transaction per write,
idempotency by client id, conflicts, and nothing written on bad input or on a failure mid-write."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from lumbo.domain.errors import Conflict, InvalidInput, NotFound, ReferralRequired
from lumbo.domain.protocol.model import BlockLog, CheckIn, SessionLog
from lumbo.services import journey, recording
from tests.integration.store import samples
from tests.integration.store.conftest import UowFactory

DAY = date(2026, 11, 23)


def _enrol(uow_factory: UowFactory, **changes: Any) -> journey.Enrolled:
    data = samples.intake_dict()
    for section, values in changes.items():
        data[section] = {**data[section], **values}  # type: ignore[dict-item]
    return journey.init_person(uow_factory(), json.dumps(data))


def _log(uow_factory: UowFactory, person_id: str, session_id: str, pain: int = 1) -> SessionLog:
    session = journey.today(uow_factory(), person_id, DAY).session
    assert session is not None
    blocks = tuple(
        BlockLog(
            technique=b.technique,
            completed_sets=b.dose.sets,
            intensity=3,
            pain_during=pain,
            pain_after=1,
        )
        for b in session.blocks
    )
    return SessionLog(
        session_id=session_id, week=1, session_index=session.index, performed_on=DAY, blocks=blocks
    )


def _counts(uow_factory: UowFactory, person_id: str) -> tuple[int, int, int]:
    with uow_factory() as uow:
        r = uow.journeys
        return (
            len(r.session_logs(person_id)),
            len(r.checkins(person_id)),
            len(r.plan_versions(person_id)),
        )


def test_init_stores_person_baseline_and_plan_version_1(uow_factory: UowFactory) -> None:
    enrolled = _enrol(uow_factory)
    assert enrolled.plan is not None and enrolled.plan.version == 1
    assert enrolled.plan.plan.person_id == enrolled.person.id
    with uow_factory() as uow:
        assert [i.kind for i in uow.journeys.intakes(enrolled.person.id)] == ["baseline"]
        assert len(uow.journeys.assessments(enrolled.person.id)) == 1
    assert journey.find_person(uow_factory()).id == enrolled.person.id
    assert journey.find_person(uow_factory(), "seed-case-43m").id == enrolled.person.id
    with pytest.raises(Conflict, match="already enrolled"):
        _enrol(uow_factory)
    with uow_factory() as uow:
        assert len(uow.journeys.persons()) == 1


def test_bad_intake_writes_nothing(uow_factory: UowFactory) -> None:
    with pytest.raises(InvalidInput) as err:
        _enrol(uow_factory, person={"age": 7})
    assert err.value.problems[0].path == "person.age"
    with uow_factory() as uow:
        assert uow.journeys.persons() == []
    with pytest.raises(NotFound):
        journey.find_person(uow_factory())


def test_referral_stores_the_assessment_and_withholds_the_plan(uow_factory: UowFactory) -> None:
    enrolled = _enrol(uow_factory, red_flags={"bladder_or_bowel_dysfunction": True})
    assert enrolled.referral_required and enrolled.plan is None
    with pytest.raises(ReferralRequired):
        journey.today(uow_factory(), enrolled.person.id, DAY)
    with uow_factory() as uow:
        assert len(uow.journeys.assessments(enrolled.person.id)) == 1


def test_session_log_is_idempotent_by_session_id(uow_factory: UowFactory) -> None:
    person = _enrol(uow_factory).person.id
    log = _log(uow_factory, person, "retry-me-0001")
    first = journey.record_session(uow_factory(), person, log)
    assert first.created and first.adjustment is not None
    before = _counts(uow_factory, person)
    replay = journey.record_session(uow_factory(), person, log)
    assert not replay.created and replay.adjustment is None
    assert _counts(uow_factory, person) == before == (1, 0, before[2])
    assert journey.today(uow_factory(), person, DAY).done_this_week == 1

    changed = log.model_copy(update={"notes": "different"})
    with pytest.raises(Conflict, match="retry-me-0001"):
        journey.record_session(uow_factory(), person, changed)
    assert _counts(uow_factory, person) == before


def test_checkin_is_idempotent_by_checkin_id(uow_factory: UowFactory) -> None:
    person = _enrol(uow_factory).person.id
    journey.record_session(uow_factory(), person, _log(uow_factory, person, "sess-for-ck"))
    ck = CheckIn(checkin_id="morning-0001", on=date(2026, 11, 24), pain=1, stiffness=2)
    assert journey.record_checkin(uow_factory(), person, ck).created
    assert not journey.record_checkin(uow_factory(), person, ck).created
    with pytest.raises(Conflict):
        journey.record_checkin(uow_factory(), person, ck.model_copy(update={"pain": 4}))
    assert _counts(uow_factory, person)[1] == 1


def test_a_log_outside_the_plan_is_bad_input_and_writes_nothing(uow_factory: UowFactory) -> None:
    person = _enrol(uow_factory).person.id
    log = _log(uow_factory, person, "bad-index-01").model_copy(update={"session_index": 7})
    with pytest.raises(InvalidInput) as err:
        journey.record_session(uow_factory(), person, log)
    assert err.value.problems[0].path == "session_index"
    assert "must be one of" in err.value.problems[0].message
    assert _counts(uow_factory, person)[0] == 0


def test_a_failure_after_the_insert_rolls_the_whole_write_back(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = _enrol(uow_factory).person.id
    kept = _log(uow_factory, person, "kept-000001")
    journey.record_session(uow_factory(), person, kept)
    before = _counts(uow_factory, person)

    def crash(*_: object, **__: object) -> None:
        raise RuntimeError("crash while adjusting")

    monkeypatch.setattr(recording, "adjust_from", crash)
    lost = _log(uow_factory, person, "lost-000002")
    with pytest.raises(RuntimeError, match="crash while adjusting"):
        journey.record_session(uow_factory(), person, lost)
    assert _counts(uow_factory, person) == before
    with uow_factory() as uow:
        assert uow.journeys.get_session_log(person, "kept-000001") is not None
        assert uow.journeys.get_session_log(person, "lost-000002") is None


def test_reassess_stores_follow_up_and_outcomes(uow_factory: UowFactory) -> None:
    person = _enrol(uow_factory).person.id
    follow = samples.intake_dict()
    follow["measurements"] = {**follow["measurements"], "lumbar_flexion_deg": 55}  # type: ignore[dict-item]
    result = journey.reassess(uow_factory(), person, json.dumps(follow), on=date(2026, 12, 14))
    assert result.week == 4 and result.outcomes is not None
    flexion = next(r for r in result.outcomes["rom"] if r["measure"] == "lumbar_flexion_deg")
    assert flexion["change_deg"] == 7
    with uow_factory() as uow:
        assert [r.week for r in uow.journeys.reassessments(person)] == [4]
        assert [i.kind for i in uow.journeys.intakes(person)] == ["baseline", "reassessment"]
    other = samples.intake_dict()
    other["person"] = {**other["person"], "id": "someone-else"}  # type: ignore[dict-item]
    with pytest.raises(InvalidInput) as err:
        journey.reassess(uow_factory(), person, json.dumps(other), on=DAY)
    assert err.value.problems[0].path == "person.id"
    with uow_factory() as uow:
        assert len(uow.journeys.reassessments(person)) == 1


def test_video_measurements_are_appended(uow_factory: UowFactory) -> None:
    person = _enrol(uow_factory).person.id
    journey.record_video_measurement(uow_factory(), person, "flexion", '{"rom_deg": 51.0}')
    journey.record_video_measurement(uow_factory(), person, "flexion", '{"rom_deg": 53.5}')
    with pytest.raises(InvalidInput):
        journey.record_video_measurement(uow_factory(), person, "flexion", "[1, 2]")
    with uow_factory() as uow:
        got = [v.result["rom_deg"] for v in uow.journeys.video_measurements(person)]
    assert got == [51.0, 53.5]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_retries_of_one_log_store_it_once(
    backend: str, request: pytest.FixtureRequest, tmp_path: Any
) -> None:
    """Two writers post the same log at once (a client retrying over a flaky network)."""
    from concurrent.futures import ThreadPoolExecutor

    from lumbo.store.db import open_store
    from lumbo.store.settings import StoreSettings
    from tests.integration.store.pg import pg_schema_url

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'lumbo.db'}"
    else:
        url = pg_schema_url(request.getfixturevalue("pg_database"))
    store = open_store(StoreSettings(url))
    try:
        person = _enrol(store.uow).person.id
        log = _log(store.uow, person, "twice-at-once")
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(
                pool.map(lambda _: journey.record_session(store.uow(), person, log), range(2))
            )
        assert sorted(r.created for r in results) == [False, True]
        logs, _, versions = _counts(store.uow, person)
        assert logs == 1
        assert versions == max(r.plan.version for r in results)
    finally:
        store.close()
