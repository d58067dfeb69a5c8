"""Real processes for the job and crash tests: ``lumbo serve`` and ``lumbo worker`` as subprocesses
on loopback, an HTTP client that signs in and sends the CSRF token, and a populated store.

Every wait is a bounded loop; every process is stopped (or killed) by the fixture that started it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from lumbo.cli.demo import example_intake_text
from lumbo.services.accounts import create_user
from lumbo.settings import PasswordHashing, Settings
from lumbo.store.db import open_store
from lumbo.store.settings import StoreSettings

SECRET = "jobs-test-secret-" + "s" * 40
PASSWORD = "correct horse battery"
CLINICIAN = "clinician@jobs.test"
FAST_HASHING = PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def base_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBO_")}
    env.update(
        LUMBO_DATA_DIR=str(data_dir),
        LUMBO_DATABASE_URL=database_url,
        LUMBO_SECRET_KEY=SECRET,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def wait_for(check: Callable[[], bool], timeout_s: float, what: str, step_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


class Proc:
    """A ``python -m lumbo ...`` subprocess with its output in a log file."""

    def __init__(self, args: list[str], env: Mapping[str, str], log: Path) -> None:
        self.log = log
        self._out = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "lumbo", *args],
            env=dict(env),
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 20.0) -> None:
        if self.alive():
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        self._out.close()

    def kill9(self) -> None:
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)
        self._out.close()


class Server(Proc):
    def __init__(self, env: Mapping[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(["serve", "--host", "127.0.0.1", "--port", str(self.port)], env, log)

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        def up() -> bool:
            if not self.alive():
                raise AssertionError(f"server exited:\n{self.output()[-3000:]}")
            try:
                return httpx.get(f"{self.url}/api/health", timeout=1.0).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, timeout_s, "the server to answer /api/health", 0.2)


def worker(env: Mapping[str, str], log: Path) -> Proc:
    return Proc(["worker"], env, log)


class Api(httpx.Client):
    """Signed in as one user; sends the session's CSRF token with every request. Already open:
    close it with ``contextlib.closing``."""

    def __init__(self, base_url: str, email: str = CLINICIAN, timeout_s: float = 30.0) -> None:
        super().__init__(base_url=base_url, timeout=timeout_s)
        got = self.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert got.status_code == 200, got.text
        self.headers["X-CSRF-Token"] = got.json()["csrf_token"]


def intake(person_ref: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(example_intake_text())
    doc["person"]["id"] = person_ref
    return doc


def create_clinician(data_dir: Path, database_url: str, email: str = CLINICIAN) -> None:
    """Migrate the store and add a clinician account (before any server starts)."""
    settings = Settings(
        data_dir=data_dir, secret_key=SECRET, database_url=database_url, hashing=FAST_HASHING
    )
    store = open_store(StoreSettings(database_url))
    try:
        create_user(store, settings, email=email, password=PASSWORD, role="clinician")
    finally:
        store.close()


def session_body(api: httpx.Client, person: str, session_id: str) -> dict[str, Any]:
    """A session log that fits the person's plan today (the first session of week 1)."""
    today = api.get(f"/api/patients/{person}/today", params={"on": "2026-12-01"})
    assert today.status_code == 200, today.text
    t = today.json()
    return {
        "session_id": session_id,
        "week": t["week"],
        "session_index": t["session"]["index"],
        "performed_on": "2026-12-01",
        "blocks": [
            {"technique": b["technique"], "completed_sets": 1, "pain_during": 1, "pain_after": 1}
            for b in t["session"]["blocks"]
        ],
    }
