"""Video analysis through the API with a real ``lumbo worker`` process on a real huey queue (SQLite
storage in the data dir; Redis when reachable): progress, result contract, recording, readable
failures, and jobs that survive a web restart, a lost enqueue and a stopped worker."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from lumbo.jobs.measure import PROGRESS_EVERY_S
from tests.integration.jobs.conftest import Site, clinician, enrol, poll, upload
from tests.integration.jobs.procs import wait_for

pytestmark = [pytest.mark.vision, pytest.mark.slow]

JOB_TIMEOUT_S = 240.0
CONTRACT = {
    "video",
    "movement",
    "view",
    "frames",
    "frames_analysed",
    "frames_with_person",
    "fps",
    "summary",
    "reps",
    "quality",
    "compensations",
    "warnings",
    "measurements",
    "processing",
}
CORRUPT = b"\x00\x00\x00\x18ftypmp42" + uuid.uuid4().bytes * 4096


def _check_measured(job: dict[str, Any]) -> dict[str, Any]:
    assert job["status"] == "done", job
    assert job["error"] is None and job["progress"] == 1.0
    result: dict[str, Any] = job["result"]
    assert result.keys() >= CONTRACT
    assert result["movement"] == "lateral-flexion" and result["view"] == "front"
    assert result["frames_with_person"] > 0
    # Progress is written at most every PROGRESS_EVERY_S: more than once when the pose loop took
    # longer than twice that (the rate limit itself is tested with a fake clock in test_job_rules).
    pose_s = result["processing"]["pose_seconds"]
    assert result["processing"]["progress_writes"] >= (2 if pose_s > 2 * PROGRESS_EVERY_S else 1)
    return result


def test_an_upload_is_measured_by_the_worker_with_progress_and_recorded(
    make_site: Any, clip: bytes
) -> None:
    site: Site = make_site()
    app = site.app()
    api = clinician(app)
    person = enrol(api)
    site.start_worker()
    job = upload(api, person, clip, record=True)
    done, seen = poll(api, job["id"], timeout_s=JOB_TIMEOUT_S)
    result = _check_measured(done)
    assert seen == sorted(seen), "progress never goes back"
    assert any(0.0 < p < 1.0 for p in seen), f"no intermediate progress seen: {seen}"
    stored = api.get(f"/api/patients/{person}/measurements").json()
    assert [m["id"] for m in stored] == [result["recorded_measurement_id"]]
    assert stored[0]["movement"] == "lateral_flexion"

    # Not asked to record: a result, no new measurement. A corrupt file: failed, readably.
    plain = upload(api, person, clip, record=False)
    corrupt = upload(api, person, CORRUPT, record=True)
    failed, _ = poll(api, corrupt["id"], timeout_s=JOB_TIMEOUT_S)
    assert failed["status"] == "failed" and failed["result"] is None
    assert "corrupt" in failed["error"] and "Traceback" not in failed["error"]
    assert str(site.data_dir) not in failed["error"]
    assert _check_measured(poll(api, plain["id"], timeout_s=JOB_TIMEOUT_S)[0])
    assert poll(api, plain["id"], timeout_s=1)[0]["result"]["recorded_measurement_id"] is None
    assert len(api.get(f"/api/patients/{person}/measurements").json()) == 1
    # Quiet: MediaPipe's, TensorFlow Lite's and absl's lines never reach the worker's output.
    from tests.integration.vision.test_trust import THIRD_PARTY

    log = "".join(w.output() for w in site.workers)
    assert not THIRD_PARTY.search(log), log[-2000:]


def test_a_job_survives_a_web_restart_a_lost_enqueue_and_a_stopped_worker(
    make_site: Any, clip: bytes
) -> None:
    site: Site = make_site()
    first = site.app()
    person = enrol(clinician(first))
    queued = upload(clinician(first), person, clip, record=True)
    lost_app = site.app(dispatch=False)  # committed, never enqueued
    lost = upload(clinician(lost_app), person, clip, record=False)
    site.close_app(first)
    site.close_app(lost_app)

    api = clinician(site.app())  # the web app anew; no worker has run yet
    for job in (queued, lost):
        assert api.get(f"/api/jobs/{job['id']}").json()["status"] == "queued"
    worker = site.start_worker()
    running, _ = poll(api, queued["id"], until=("running", "done"), timeout_s=JOB_TIMEOUT_S)
    assert running["status"] == "running", "the first job ran before the worker could be stopped"
    worker.stop()  # SIGTERM: stops at once; the interrupted job goes back to the queue
    assert not worker.alive()
    assert api.get(f"/api/jobs/{queued['id']}").json()["status"] == "queued"

    site.start_worker()
    for job in (queued, lost):
        _check_measured(poll(api, job["id"], timeout_s=JOB_TIMEOUT_S)[0])
    done = api.get(f"/api/jobs/{queued['id']}").json()
    assert done["attempts"] == 2
    assert len(api.get(f"/api/patients/{person}/measurements").json()) == 1


def _redis_url() -> str:
    url = os.environ.get("LUMBO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as err:
        pytest.skip(f"Redis is unreachable at {url}: {err}")
    return url


def test_the_redis_queue_carries_jobs_to_the_worker(make_site: Any, clip: bytes) -> None:
    url = _redis_url()
    name = f"lumbo_test_{uuid.uuid4().hex[:12]}"  # huey keeps [A-Za-z0-9_]
    site: Site = make_site(queue_url=url, queue_name=name)
    api = clinician(site.app())
    person = enrol(api)
    job = upload(api, person, clip, record=False)
    import redis

    conn = redis.Redis.from_url(url)
    try:
        assert conn.llen(f"huey.redis.{name}") == 1  # the task is on Redis, not in SQLite
        assert not (site.data_dir / "queue.db").exists()
        worker = site.start_worker()
        banner = lambda: " ".join(worker.output().split())  # noqa: E731 - the console wraps
        wait_for(lambda: site.queue_settings.describe() in banner(), 60, "the banner")
        _check_measured(poll(api, job["id"], timeout_s=JOB_TIMEOUT_S)[0])
    finally:
        conn.delete(*list(conn.scan_iter(f"huey.*.{name}*")) or [f"huey.redis.{name}"])
        conn.close()
