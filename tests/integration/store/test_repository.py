"""The repository + unit-of-work contract, on the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from lumbo.domain.assessment.assess import assess
from lumbo.domain.errors import Conflict
from lumbo.domain.protocol.model import Adjustment, Decision
from lumbo.store.records import (
    AssessmentRecord,
    IntakeRecord,
    PersonRecord,
    PlanVersion,
    ReassessmentRecord,
    StoredCheckIn,
    StoredSessionLog,
    VideoMeasurementRecord,
)
from tests.integration.store import samples
from tests.integration.store.conftest import UowFactory


def _person(uow_factory: UowFactory, ref: str | None = "seed-case-43m") -> PersonRecord:
    person = PersonRecord(external_ref=ref)
    with uow_factory() as uow:
        uow.journeys.add_person(person)
        uow.commit()
    return person


def test_every_record_round_trips(uow_factory: UowFactory) -> None:
    person = _person(uow_factory)
    intake = samples.intake()
    intake_rec = IntakeRecord(person_id=person.id, kind="baseline", intake=intake)
    assessment_rec = AssessmentRecord(
        person_id=person.id, intake_id=intake_rec.id, assessment=assess(intake)
    )
    adjustment = Adjustment(
        decisions=(Decision(technique="bird-dog", action="progress", reason="easy, settled"),)
    )
    v1 = PlanVersion(
        person_id=person.id,
        version=1,
        plan=samples.plan(person.id),
        reason="initial",
        assessment_id=assessment_rec.id,
    )
    v2 = PlanVersion(
        person_id=person.id,
        version=2,
        plan=samples.plan(person.id, version=2, hold_s=45),
        reason="adjusted",
        adjustment=adjustment,
    )
    log = StoredSessionLog(person_id=person.id, log=samples.log(), plan_version=1)
    checkin = StoredCheckIn(person_id=person.id, checkin=samples.checkin())
    reassessment = ReassessmentRecord(
        person_id=person.id,
        intake_id=intake_rec.id,
        assessment_id=assessment_rec.id,
        week=4,
        outcomes={"rom": {"lumbar_flexion_deg": {"change": 6.0}}},
    )
    video = VideoMeasurementRecord(
        person_id=person.id, movement="flexion", result={"rom_deg": 52.5, "quality": [1, 2]}
    )
    with uow_factory() as uow:
        repo = uow.journeys
        repo.add_intake(intake_rec)
        repo.add_assessment(assessment_rec)
        repo.add_plan_version(v2)  # out of order on purpose: lists come back by version
        repo.add_plan_version(v1)
        repo.add_session_log(log)
        repo.add_checkin(checkin)
        repo.add_reassessment(reassessment)
        repo.add_video_measurement(video)
        uow.commit()

    with uow_factory() as uow:
        repo = uow.journeys
        assert repo.get_person(person.id) == person
        assert repo.intakes(person.id) == [intake_rec]
        assert repo.intakes(person.id)[0].intake == intake
        assert repo.assessments(person.id) == [assessment_rec]
        assert repo.plan_versions(person.id) == [v1, v2]
        assert repo.latest_plan(person.id) == v2
        assert repo.session_logs(person.id) == [log]
        assert repo.get_session_log(person.id, "sess-0001") == log
        assert repo.get_session_log(person.id, "sess-missing") is None
        assert repo.checkins(person.id) == [checkin]
        assert repo.get_checkin(person.id, "check-0001") == checkin
        assert repo.reassessments(person.id) == [reassessment]
        assert repo.video_measurements(person.id) == [video]


def test_timestamps_come_back_as_utc(uow_factory: UowFactory) -> None:
    local = datetime(2026, 11, 22, 14, 30, tzinfo=timezone(timedelta(hours=5)))
    person = PersonRecord(created_at=local)
    with uow_factory() as uow:
        uow.journeys.add_person(person)
        uow.commit()
    with uow_factory() as uow:
        got = uow.journeys.get_person(person.id)
    assert got is not None
    assert got.created_at == datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    assert got.created_at.utcoffset() == timedelta(0)


def test_find_persons_by_id_or_external_reference(uow_factory: UowFactory) -> None:
    first = _person(uow_factory, "shared-ref")
    second = _person(uow_factory, "other")
    with uow_factory() as uow:
        assert [p.id for p in uow.journeys.find_persons("shared-ref")] == [first.id]
        assert [p.id for p in uow.journeys.find_persons(second.id)] == [second.id]
        assert uow.journeys.find_persons("nobody") == []


def test_plan_version_is_unique_per_person(uow_factory: UowFactory) -> None:
    alice, bob = _person(uow_factory), _person(uow_factory)
    with uow_factory() as uow:
        uow.journeys.add_plan_version(
            PlanVersion(person_id=alice.id, version=1, plan=samples.plan(), reason="a")
        )
        uow.journeys.add_plan_version(
            PlanVersion(person_id=bob.id, version=1, plan=samples.plan(), reason="b")
        )
        uow.commit()

    def add_again() -> None:
        with uow_factory() as uow:
            uow.journeys.add_plan_version(
                PlanVersion(person_id=alice.id, version=1, plan=samples.plan(), reason="again")
            )
            uow.commit()

    with pytest.raises(Conflict):
        add_again()
    with uow_factory() as uow:
        assert [p.reason for p in uow.journeys.plan_versions(alice.id)] == ["a"]


@pytest.mark.parametrize("kind", ["session_log", "checkin"])
def test_client_ids_are_unique_per_person(uow_factory: UowFactory, kind: str) -> None:
    person = _person(uow_factory)

    def add(pain: int) -> None:
        with uow_factory() as uow:
            if kind == "session_log":
                uow.journeys.add_session_log(
                    StoredSessionLog(person.id, samples.log(pain_after=pain), plan_version=1)
                )
            else:
                uow.journeys.add_checkin(StoredCheckIn(person.id, samples.checkin(pain=pain)))
            uow.commit()

    add(2)
    with pytest.raises(Conflict):
        add(3)
    with uow_factory() as uow:
        stored = (
            [s.log.blocks[0].pain_after for s in uow.journeys.session_logs(person.id)]
            if kind == "session_log"
            else [c.checkin.pain for c in uow.journeys.checkins(person.id)]
        )
    assert stored == [2]


def test_rows_for_an_unknown_person_are_a_conflict(uow_factory: UowFactory) -> None:
    def add() -> None:
        with uow_factory() as uow:
            uow.journeys.add_session_log(StoredSessionLog("no-such-person", samples.log(), 1))
            uow.commit()

    with pytest.raises(Conflict):
        add()


def test_leaving_without_commit_writes_nothing(uow_factory: UowFactory) -> None:
    person = PersonRecord()
    with uow_factory() as uow:
        uow.journeys.add_person(person)
    with uow_factory() as uow:
        assert uow.journeys.get_person(person.id) is None


def test_crash_inside_a_unit_of_work_keeps_what_was_committed(uow_factory: UowFactory) -> None:
    kept = _person(uow_factory)
    lost = PersonRecord()

    def crash() -> None:
        with uow_factory() as uow:
            uow.journeys.add_person(lost)
            uow.journeys.add_session_log(StoredSessionLog(kept.id, samples.log(), 1))
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        crash()
    with uow_factory() as uow:
        assert uow.journeys.get_person(kept.id) == kept
        assert uow.journeys.get_person(lost.id) is None
        assert uow.journeys.session_logs(kept.id) == []


def test_sessions_and_checkins_are_listed_in_date_order(uow_factory: UowFactory) -> None:
    person = _person(uow_factory)
    with uow_factory() as uow:
        for i, day in enumerate((date(2026, 11, 27), date(2026, 11, 23), date(2026, 11, 25))):
            uow.journeys.add_session_log(
                StoredSessionLog(person.id, samples.log(f"sess-000{i}", on=day), 1)
            )
        uow.commit()
    with uow_factory() as uow:
        days = [s.log.performed_on.day for s in uow.journeys.session_logs(person.id)]
    assert days == [23, 25, 27]
