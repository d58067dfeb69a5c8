"""Video uploads (type, signature and size limits; file and rows all or nothing), the job rows a
worker drives (claim, progress, finish, fail) and the status API that reports them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lumbo.domain.errors import Conflict
from lumbo.web.app import create_app
from tests.integration.web.conftest import make_settings
from tests.integration.web.world import World, signed_in

MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 500


def _files(world: World) -> list[Path]:
    root = world.ctx.settings.upload_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(
    world: World, data: bytes, content_type: str = "video/mp4", movement: str = "trunk_flexion"
):  # type: ignore[no-untyped-def]
    return world.patient_a.post(
        f"/api/patients/{world.person_a}/videos",
        files={"file": ("clip", data, content_type)},
        data={"movement": movement},
    )


def test_an_upload_is_stored_under_the_data_dir_with_a_queued_job(world: World) -> None:
    got = upload(world, MP4)
    assert got.status_code == 202, got.text
    video, job = got.json()["video"], got.json()["job"]
    assert video["size_bytes"] == len(MP4) and video["sha256"] == hashlib.sha256(MP4).hexdigest()
    assert job["status"] == "queued" and job["progress"] == 0.0 and job["kind"] == "video_analysis"
    stored = world.ctx.settings.data_dir / job_payload(world, job["id"])["path"]
    assert stored.read_bytes() == MP4
    assert stored.is_relative_to(world.ctx.settings.upload_dir / world.person_a)
    assert world.clinician_a.get(f"/api/jobs/{job['id']}").json()["status"] == "queued"
    assert [
        v["id"] for v in world.patient_a.get(f"/api/patients/{world.person_a}/videos").json()
    ] == [video["id"]]
    assert upload(world, WEBM, "video/webm").status_code == 202


def job_payload(world: World, job_id: str) -> dict[str, object]:
    with world.ctx.store.uow() as uow:
        job = uow.jobs.get_job(job_id)
    assert job is not None
    return job.payload


@pytest.mark.parametrize(
    ("data", "content_type", "movement", "field"),
    [
        (MP4, "text/plain", "trunk_flexion", "file"),
        (b"just some text, not a video", "video/mp4", "trunk_flexion", "file"),
        (b"", "video/mp4", "trunk_flexion", "file"),
        (MP4, "video/mp4", "Forward Bend!", "movement"),
        (MP4, "video/mp4", "forward_bend", "movement"),
    ],
)
def test_bad_uploads_are_422_and_leave_nothing(
    world: World, data: bytes, content_type: str, movement: str, field: str
) -> None:
    before = world.row_counts()
    got = upload(world, data, content_type, movement)
    assert got.status_code == 422, got.text
    assert field in [p["loc"][-1] for p in got.json()["detail"]]
    assert world.row_counts() == before
    assert _files(world) == []


def test_uploads_above_the_limit_are_413_and_leave_nothing(world: World, tmp_path: Path) -> None:
    settings = make_settings(
        world.ctx.settings.data_dir, world.ctx.settings.database_url, max_upload_bytes=1000
    )
    app = create_app(settings)
    try:
        client = signed_in(app, "pa@x.test")
        before = world.row_counts()
        big = MP4 + b"\x00" * 2000
        got = client.post(
            f"/api/patients/{world.person_a}/videos",
            files={"file": ("clip.mp4", big, "video/mp4")},
            data={"movement": "trunk_flexion"},
        )
        assert got.status_code == 413
        huge = client.post(
            f"/api/patients/{world.person_a}/videos",
            files={"file": ("clip.mp4", big * 40, "video/mp4")},
            data={"movement": "trunk_flexion"},
        )
        assert huge.status_code == 413  # refused by Content-Length before parsing
        assert world.row_counts() == before
        assert _files(world) == []
    finally:
        app.state.lumbo.store.close()


def test_a_streamed_body_above_the_limit_is_refused_without_a_length(world: World) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(30):
            yield b" " * 100_000

    before = world.row_counts()
    got = world.clinician_a.post(
        "/api/patients", content=chunks(), headers={"content-type": "application/json"}
    )
    assert got.request.headers.get("transfer-encoding") == "chunked"
    assert got.status_code == 413
    assert world.row_counts() == before


def test_a_json_body_above_two_mib_is_refused(world: World) -> None:
    got = world.clinician_a.post(
        "/api/assess",
        content=b"[" + b"0," * 1_100_000 + b"0]",
        headers={"content-type": "application/json"},
    )
    assert got.status_code == 413


def test_the_worker_side_of_a_job_shows_in_the_status_api(world: World) -> None:
    job_id = upload(world, MP4).json()["job"]["id"]
    store = world.ctx.store
    with store.uow() as uow:
        jobs = uow.jobs
        oldest = jobs.claim()  # oldest first: the world's job of patient a
        assert oldest is not None and oldest.id == world.job_a and oldest.status == "running"
        claimed = jobs.claim(job_id)
        assert claimed is not None and claimed.status == "running" and claimed.attempts == 1
        assert jobs.claim(job_id) is None  # already running
        rest = jobs.claim()
        assert rest is not None and rest.id == world.job_b
        assert jobs.claim() is None
        uow.commit()
    with store.uow() as uow:
        uow.jobs.set_progress(claimed.id, 0.5)
        uow.commit()
    status = world.patient_a.get(f"/api/jobs/{claimed.id}").json()
    assert status["status"] == "running" and status["progress"] == 0.5
    with store.uow() as uow:
        uow.jobs.finish(claimed.id, {"rom_deg": 42.0})
        uow.commit()
    done = world.clinician_a.get(f"/api/jobs/{job_id}").json()
    assert done == {**done, "status": "done", "progress": 1.0, "result": {"rom_deg": 42.0}}
    with store.uow() as uow, pytest.raises(Conflict):
        uow.jobs.finish(job_id, {})
    with store.uow() as uow:
        uow.jobs.fail(world.job_a, "decoder crashed")
        uow.commit()
    failed = world.clinician_a.get(f"/api/jobs/{world.job_a}").json()
    assert failed["status"] == "failed" and failed["error"] == "decoder crashed"
    listed = world.clinician_a.get(f"/api/patients/{world.person_a}/jobs").json()
    assert {j["status"] for j in listed} == {"done", "failed"}


class RecordingDispatcher:
    """A JobDispatcher that notes each job and whether its row was committed when told."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, bool]] = []
        self.app: object = None

    def dispatch(self, job_id: str) -> None:
        store = self.app.state.lumbo.store  # type: ignore[attr-defined]
        with store.uow() as uow:
            self.seen.append((job_id, uow.jobs.get_job(job_id) is not None))


def test_the_dispatcher_is_told_after_the_commit(world: World) -> None:
    dispatcher = RecordingDispatcher()
    app = create_app(world.ctx.settings, dispatcher=dispatcher)
    dispatcher.app = app
    try:
        client = signed_in(app, "pa@x.test")
        got = client.post(
            f"/api/patients/{world.person_a}/videos",
            files={"file": ("clip.mp4", MP4, "video/mp4")},
            data={"movement": "trunk_flexion"},
        )
        assert got.status_code == 202
        assert dispatcher.seen == [(got.json()["job"]["id"], True)]
        assert TestClient(app).get("/api/health").json() == {"status": "ok"}
    finally:
        app.state.lumbo.store.close()
