"""`lumbo users add` and `lumbo serve --demo` (a real server process on the SQLite default)."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from lumbo.cli import main
from lumbo.settings import Settings
from lumbo.store.db import open_store
from lumbo.web.app import create_app


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBO_")}
    env["LUMBO_DATA_DIR"] = str(data_dir)
    return env


def test_users_add_creates_an_account_from_a_password_on_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in [k for k in os.environ if k.startswith("LUMBO_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("LUMBO_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    argv = ["users", "add", "--role", "admin", "--email", "Root@Example.org", "--password-stdin"]
    assert main(argv) == 0
    settings = Settings.from_env()
    store = open_store(settings.store)
    try:
        with store.uow() as uow:
            user = uow.accounts.user_by_email("root@example.org")
        assert user is not None and user.role == "admin"
    finally:
        store.close()
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    assert main(["users", "add", "--role", "owner", "--email", "x@y.org", "--password-stdin"]) == 2
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["users", "add", "--role", "admin", "--email", "x@y.org", "--password-stdin"]) == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data_dir: Path) -> tuple[str, dict[str, str]]:
    """Run `lumbo serve --demo` until it answers; return its output and the demo passwords."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lumbo", "serve", "--demo", "--port", str(port)],
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "lumbo serve did not answer within 60 s"
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    passwords = dict(re.findall(r"(\S+@demo\.lumbo\.local)\s+password: (\S+)", out))
    return out, passwords


def test_serve_creates_the_demo_accounts_once(tmp_path: Path) -> None:
    first, passwords = _serve(tmp_path)
    assert "Demo accounts created" in first and "/docs" in first
    assert set(passwords) == {"clinician@demo.lumbo.local", "patient@demo.lumbo.local"}
    second, again = _serve(tmp_path)
    assert "Demo accounts created" not in second and again == {}  # printed on first run only
    assert all(p not in second for p in passwords.values())
    settings = Settings.from_env(_env(tmp_path))
    app = create_app(settings)
    try:
        with app.state.lumbo.store.uow() as uow:
            assert len(uow.accounts.users()) == 2
            assert len(uow.journeys.persons()) == 1
        for email, password in passwords.items():  # the printed sign-in works
            client = TestClient(app)
            got = client.post("/api/auth/login", json={"email": email, "password": password})
            assert got.status_code == 200, got.text
            assert len(client.get("/api/patients").json()) == 1
    finally:
        app.state.lumbo.store.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_sigterm_to_serve_with_worker_stops_the_worker_too(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lumbo", "serve", "--with-worker", "--port", str(port)],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not workers or not _health(port):
            assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
            workers = _children(proc.pid)
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=40)
        deadline = time.monotonic() + 10
        while any(_running(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_running(w) for w in workers), "the worker outlived lumbo serve"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for w in workers:
            if _running(w):
                os.kill(w, signal.SIGKILL)


def _health(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
