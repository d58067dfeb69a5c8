"""The job task's rules in-process on a real SQLite store: throttled progress, readable failures
(vision extra missing, bad movement, missing file), duplicate deliveries skipped, orphaned jobs
found again, and settings that name the bad variable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from lumbo.cli.demo import example_intake_text
from lumbo.domain.errors import InvalidInput
from lumbo.jobs import measure
from lumbo.jobs.measure import JobLost, ProgressWriter, run_measure_job
from lumbo.jobs.settings import QueueSettings
from lumbo.services import journey
from lumbo.services.video_jobs import orphaned as orphaned_jobs
from lumbo.services.video_jobs import requeue_if_running
from lumbo.settings import Settings
from lumbo.store.db import Store, open_store
from lumbo.store.jobs import VIDEO_ANALYSIS, Job, Video
from lumbo.store.settings import StoreSettings
from lumbo.store.tables import utcnow
from lumbo.store.web_tables import JobRow


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(StoreSettings(f"sqlite:///{tmp_path / 'lumbo.db'}"))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def person(store: Store) -> str:
    return journey.init_person(store.uow(), example_intake_text()).person.id


def add_job(
    store: Store, person: str, tmp_path: Path, movement: str = "lateral_flexion", body: bytes = b""
) -> Job:
    relative = f"uploads/{person}/v.mp4"
    (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / relative).write_bytes(body or b"\x00\x00\x00\x18ftypmp42")
    job = Job(kind=VIDEO_ANALYSIS, person_id=person, payload={"movement": movement})
    video = Video(person, movement, "v.mp4", "video/mp4", 1, "0" * 64, relative, job_id=job.id)
    job = Job(
        id=job.id,
        kind=VIDEO_ANALYSIS,
        person_id=person,
        payload={"video_id": video.id, "path": relative, "movement": movement},
    )
    with store.uow() as uow:
        repo = uow.jobs
        repo.add_job(job)
        repo.add_video(video)
        uow.commit()
    return job


def get(store: Store, job_id: str) -> Job:
    with store.uow() as uow:
        found = uow.jobs.get_job(job_id)
    assert found is not None
    return found


def test_progress_is_written_at_most_every_half_second_and_in_steps(
    store: Store, person: str, tmp_path: Path
) -> None:
    job = add_job(store, person, tmp_path)
    with store.uow() as uow:
        uow.jobs.claim(job.id)
        uow.commit()
    now = [0.0]
    writer = ProgressWriter(store, job.id, clock=lambda: now[0])
    for frame in range(1, 101):  # 100 frames, 0.05 s apart: 5 s
        now[0] = frame * 0.05
        writer.frames(frame, 100)
    assert 8 <= writer.writes <= 11  # every 0.5 s, not per frame
    assert get(store, job.id).progress == pytest.approx(writer.value)
    assert 0.8 < writer.value <= measure.POSE_SHARE
    writer.frames(1, 100)  # never goes back
    assert get(store, job.id).progress == pytest.approx(writer.value)

    with store.uow() as uow:  # taken away (e.g. queued again by recovery): the writer stops
        uow.jobs.requeue(job.id)
        uow.commit()
    with pytest.raises(JobLost):
        writer.heartbeat()


def test_missing_vision_extra_fails_the_job_with_the_install_hint(
    store: Store, person: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lumbo.vision import pose

    def missing() -> None:
        raise pose.VisionUnavailable("video measurement needs mediapipe; install it with: x")

    monkeypatch.setattr(pose, "require_vision", missing)
    job = add_job(store, person, tmp_path)
    assert run_measure_job(store, tmp_path, job.id) == "failed"
    failed = get(store, job.id)
    assert failed.status == "failed"
    assert failed.error == (
        "video analysis is not available on this worker: "
        "video measurement needs mediapipe; install it with: x"
    )


@pytest.mark.parametrize(
    ("movement", "remove", "message"),
    [
        ("forward_bend", False, "invalid video measurement options: movement: must be one of"),
        ("lateral_flexion", True, "the uploaded video file is missing from the data directory"),
    ],
)
def test_bad_jobs_fail_with_a_readable_message(
    store: Store, person: str, tmp_path: Path, movement: str, remove: bool, message: str
) -> None:
    pytest.importorskip("mediapipe")
    job = add_job(store, person, tmp_path, movement)
    if remove:
        (tmp_path / job.payload["path"]).unlink()
    assert run_measure_job(store, tmp_path, job.id) == "failed"
    error = get(store, job.id).error
    assert error is not None and error.startswith(message), error
    assert str(tmp_path) not in error and "Traceback" not in error


def test_a_job_delivered_twice_runs_once(store: Store, person: str, tmp_path: Path) -> None:
    job = add_job(store, person, tmp_path, "forward_bend")
    assert run_measure_job(store, tmp_path, job.id) == "failed"
    assert run_measure_job(store, tmp_path, job.id) == "skipped"
    assert get(store, job.id).attempts == 1


def test_orphaned_jobs_are_found_stale_running_ones_requeued(
    store: Store, person: str, tmp_path: Path
) -> None:
    fresh, stale, running, done = (add_job(store, person, tmp_path) for _ in range(4))
    with store.uow() as uow:
        repo = uow.jobs
        for job in (stale, running, done):
            repo.claim(job.id)
        repo.finish(done.id, {})
        old = utcnow() - timedelta(seconds=600)
        uow.session.execute(update(JobRow).where(JobRow.id == stale.id).values(updated_at=old))
        uow.commit()
    found = orphaned_jobs(store, stale_after_s=120)
    assert set(found) == {fresh.id, stale.id}
    assert get(store, stale.id).status == "queued"
    assert get(store, running.id).status == "running"  # a live worker's job is left alone
    assert orphaned_jobs(store, 120, queued_older_than_s=300) == []  # the sweep waits
    assert requeue_if_running(store, running.id) is True
    assert requeue_if_running(store, done.id) is False


def test_queue_settings_from_the_environment(tmp_path: Path) -> None:
    env = {"LUMBO_DATA_DIR": str(tmp_path), "LUMBO_SECRET_KEY": "k" * 40}
    default = QueueSettings.of(Settings.from_env(env))
    assert default.queue_url is None and default.sqlite_path == tmp_path / "queue.db"
    assert default.database_url == f"sqlite:///{tmp_path / 'lumbo.db'}"
    redis = QueueSettings.of(
        Settings.from_env(
            {**env, "LUMBO_QUEUE_URL": "redis://:pw@127.0.0.1:6379/0", "LUMBO_JOB_STALE_S": "30"}
        )
    )
    assert redis.uses_redis and redis.stale_after_s == 30 and redis.heartbeat_s == 7.5
    assert "pw" not in redis.describe()
    for bad in (
        {"LUMBO_QUEUE_URL": "amqp://x"},
        {"LUMBO_QUEUE_NAME": "a b"},
        {"LUMBO_JOB_STALE_S": "soon"},
        {"LUMBO_JOB_STALE_S": "0"},
    ):
        with pytest.raises(InvalidInput) as err:
            QueueSettings.of(Settings.from_env({**env, **bad}))
        assert next(iter(bad)) in str(err.value)


@pytest.mark.parametrize("record", [False, True])
def test_a_job_taken_away_mid_run_is_left_to_its_next_run(
    store: Store, person: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record: bool
) -> None:
    job = add_job(store, person, tmp_path)
    if record:
        with store.uow() as uow:
            uow.session.execute(
                update(JobRow)
                .where(JobRow.id == job.id)
                .values(payload={**job.payload, "record": True})
            )
            uow.commit()

    def requeued_meanwhile(work: measure.Work, writer: ProgressWriter) -> dict[str, object]:
        assert requeue_if_running(store, work.job.id)  # e.g. a sweep took it for orphaned
        return {"processing": {}}

    monkeypatch.setattr(measure, "_measure", requeued_meanwhile)
    assert run_measure_job(store, tmp_path, job.id) == "lost"
    after = get(store, job.id)
    assert after.status == "queued" and after.error is None and after.result is None
    with store.uow() as uow:
        assert uow.journeys.video_measurements(person) == []  # nothing recorded


def test_a_worker_whose_queue_is_unreachable_stops_at_once_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from lumbo.cli import main

    monkeypatch.setenv("LUMBO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LUMBO_DATABASE_URL", raising=False)
    monkeypatch.setenv("LUMBO_QUEUE_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert main(["worker"]) == 2
    err = capsys.readouterr().err
    assert "LUMBO_QUEUE_URL: cannot reach the queue" in err and "127.0.0.1:1" in err
