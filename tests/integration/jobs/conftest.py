"""A site for job tests: a temp data dir and SQLite database, the web app in-process with the real
huey dispatcher (SQLite queue in the data dir, or Redis), and real ``lumbo worker`` subprocesses.

The test video is the Sports2D demo (obtained with pip, as the vision tests do), trimmed to its
first 2 s (the man on the box, front view: lateral flexion), so a job takes a few seconds.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from lumbo.jobs.queue import HueyDispatcher, JobQueue
from lumbo.jobs.settings import QueueSettings
from lumbo.store.jobs import JobDispatcher, NoDispatch
from lumbo.web.app import create_app
from tests.integration.jobs.procs import (
    FAST_HASHING,
    SECRET,
    Proc,
    base_env,
    create_clinician,
    intake,
    worker,
)
from tests.integration.web.world import Client, signed_in

#: 6 s at 30 frames/s: with --stride auto the pose loop takes over 1 s here, long enough for the
#: worker's progress (written at most every 0.5 s) to be written more than once.
CLIP_FRAMES = 180


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    pytest.importorskip("mediapipe")
    from tests.integration.vision.conftest import _obtain_demo, write_clip

    out = tmp_path_factory.mktemp("jobs-media") / "lateral.mp4"
    write_clip(_obtain_demo(), out, 0, CLIP_FRAMES)
    return out.read_bytes()


@dataclass
class Site:
    root: Path
    queue_url: str | None = None
    queue_name: str = "lumbo"
    workers: list[Proc] = field(default_factory=list)
    apps: list[FastAPI] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.data_dir = self.root / "data"
        self.database_url = f"sqlite:///{self.data_dir / 'lumbo.db'}"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        create_clinician(self.data_dir, self.database_url)

    @property
    def queue_settings(self) -> QueueSettings:
        return QueueSettings(
            self.data_dir, self.database_url, self.queue_url, self.queue_name, heartbeat_s=1.0
        )

    def env(self) -> dict[str, str]:
        extra = {"LUMBO_QUEUE_NAME": self.queue_name}
        if self.queue_url is not None:
            extra["LUMBO_QUEUE_URL"] = self.queue_url
        return base_env(self.data_dir, self.database_url, **extra)

    def app(self, *, dispatch: bool = True) -> FastAPI:
        """A new web app over the site (``dispatch=False``: the enqueue is lost, as when the web
        process dies between its commit and the enqueue)."""
        from lumbo.settings import Settings

        settings = Settings(
            data_dir=self.data_dir,
            secret_key=SECRET,
            database_url=self.database_url,
            hashing=FAST_HASHING,
        )
        dispatcher: JobDispatcher = (
            HueyDispatcher(JobQueue(self.queue_settings)) if dispatch else NoDispatch()
        )
        app = create_app(settings, dispatcher=dispatcher)
        self.apps.append(app)
        return app

    def close_app(self, app: FastAPI) -> None:
        app.state.lumbo.store.close()
        self.apps.remove(app)

    def start_worker(self) -> Proc:
        proc = worker(self.env(), self.root / f"worker-{len(self.workers)}.log")
        self.workers.append(proc)
        return proc

    def close(self) -> None:
        for proc in self.workers:
            proc.stop()
        for app in list(self.apps):
            self.close_app(app)


@pytest.fixture
def make_site(tmp_path: Path) -> Iterator[Any]:
    made: list[Site] = []

    def make(**kwargs: Any) -> Site:
        site = Site(tmp_path / f"site-{len(made)}", **kwargs)
        made.append(site)
        return site

    yield make
    for site in made:
        site.close()


def enrol(client: Client, ref: str | None = None) -> str:
    got = client.post("/api/patients", json=intake(ref or f"jobs-{uuid.uuid4().hex[:8]}"))
    assert got.status_code == 201, got.text
    person: str = got.json()["person_id"]
    return person


def clinician(app: FastAPI) -> Client:
    return signed_in(app, "clinician@jobs.test")


def upload(
    client: Client, person: str, data: bytes, *, movement: str = "lateral_flexion", record: bool
) -> dict[str, Any]:
    got = client.post(
        f"/api/patients/{person}/videos",
        files={"file": ("clip.mp4", data, "video/mp4")},
        data={"movement": movement, "record": "true" if record else "false"},
    )
    assert got.status_code == 202, got.text
    job: dict[str, Any] = got.json()["job"]
    return job


def poll(
    client: Client, job_id: str, *, until: tuple[str, ...] = ("done", "failed"), timeout_s: float
) -> tuple[dict[str, Any], list[float]]:
    """The job once its status is one of ``until``, and every progress value seen on the way."""
    seen: list[float] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = client.get(f"/api/jobs/{job_id}")
        assert got.status_code == 200, got.text
        job: dict[str, Any] = got.json()
        seen.append(job["progress"])
        if job["status"] in until:
            return job, seen
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not {until} after {timeout_s:.0f} s: {job}")
