"""Service load test on loopback: ``lumbo serve`` (one uvicorn process) on SQLite, then on
PostgreSQL when ``LUMBO_BENCH_DATABASE_URL`` or ``LUMBO_TEST_DATABASE_URL`` names a server (a
fresh database is created there and dropped after).

Per database: enrol ``PATIENTS`` patients through the API, then ``CLIENTS`` threads (httpx, one
signed-in clinician session each) run for ``MIXED_S`` seconds a mix of session-log writes
(client-generated ids; every 5th acknowledged write is deliberately sent again, and a write with
no answer is retried with the same id), dashboard reads (the clinician's patient list, a
patient's progress) and ``/api/health``. Then the dashboard alone and ``/api/health`` alone, each
for ``SOLO_S`` seconds at the same concurrency: their throughput ratio says how much dearer the
dashboard is than a no-op request of the same app in the same run.

Printed: throughput and p50/p99 latency per kind, lost writes (acknowledged, not in the database)
and duplicated writes (rows beyond one per acknowledged id, or a second ``created``); both must
be 0 (exit status 1 otherwise). Numbers, not assertions: the tests assert no timing.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from lumbo.cli.demo import example_intake_text
from lumbo.store.db import open_store
from lumbo.store.settings import StoreSettings
from lumbo.store.tables import SessionLogRow

try:
    import httpx

    from lumbo.web.auth import create_user
    from lumbo.web.settings import WebSettings
except ImportError as missing:  # the web extra is not installed
    print(f"bench_service needs the web extra (pip install -e '.[web]'): {missing}")
    raise SystemExit(1) from None

PATIENTS = 20
CLIENTS = 8
MIXED_S = 15.0
SOLO_S = 5.0
MIX = (("write", 0.45), ("dashboard", 0.25), ("progress", 0.15), ("trivial", 0.15))
SECRET = "bench-secret-" + "b" * 40
EMAIL, PASSWORD = "bench@lumbo.test", "bench password 123"
DAY = "2026-12-01"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(data_dir: Path, database_url: str) -> Iterator[str]:
    """``lumbo serve`` as a subprocess on a free loopback port; killed on exit."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBO_")}
    env.update(LUMBO_DATA_DIR=str(data_dir), LUMBO_DATABASE_URL=database_url)
    env["LUMBO_SECRET_KEY"] = SECRET
    cmd = [sys.executable, "-m", "lumbo", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = open(data_dir / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError((data_dir / "server.log").read_text()[-2000:])
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start within 60 s")
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


def client(url: str) -> httpx.Client:
    api = httpx.Client(base_url=url, timeout=30.0)
    got = api.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
    got.raise_for_status()
    api.headers["X-CSRF-Token"] = got.json()["csrf_token"]
    return api


def enrol(api: httpx.Client, n: int) -> dict[str, dict[str, Any]]:
    """``n`` patients; for each, a session-log template that fits its plan."""
    bodies = {}
    for i in range(n):
        doc = json.loads(example_intake_text())
        doc["person"]["id"] = f"bench-{i:03d}"
        got = api.post("/api/patients", json=doc)
        got.raise_for_status()
        person = got.json()["person_id"]
        today = api.get(f"/api/patients/{person}/today", params={"on": DAY}).json()
        bodies[person] = {
            "week": today["week"],
            "session_index": today["session"]["index"],
            "performed_on": DAY,
            "blocks": [
                {
                    "technique": b["technique"],
                    "completed_sets": 1,
                    "pain_during": 1,
                    "pain_after": 1,
                }
                for b in today["session"]["blocks"]
            ],
        }
    return bodies


@dataclass
class Tally:
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    acked: set[tuple[str, str]] = field(default_factory=set)
    created: Counter[tuple[str, str]] = field(default_factory=Counter)
    replays: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    first_error: str | None = None

    def add(self, kind: str, seconds: float, ok: bool, error: str) -> None:
        with self.lock:
            if ok:
                self.latency[kind].append(seconds)
            else:
                self.errors[kind] += 1
                self.first_error = self.first_error or error


def _timed(tally: Tally, kind: str, call: Callable[[], httpx.Response]) -> httpx.Response | None:
    """The response (any status), or None when there was no answer; 2xx latencies are kept."""
    t0 = time.perf_counter()
    try:
        got = call()
    except httpx.HTTPError as err:
        tally.add(kind, 0.0, False, f"{kind}: {type(err).__name__}")
        return None
    ok = 200 <= got.status_code < 300
    tally.add(kind, time.perf_counter() - t0, ok, f"{kind}: {got.status_code} {got.text[:200]}")
    return got


def _write(api: httpx.Client, tally: Tally, person: str, body: dict[str, Any], sid: str) -> None:
    key = (person, sid)
    doc = {**body, "session_id": sid}
    for _attempt in range(3):  # no answer (or a 5xx): retry with the same id
        got = _timed(tally, "write", lambda: api.post(f"/api/patients/{person}/sessions", json=doc))
        if got is not None and got.status_code < 500:
            if got.status_code < 300:
                with tally.lock:
                    tally.acked.add(key)
                    tally.created[key] += bool(got.json()["created"])
            return


def run_clients(url: str, bodies: dict[str, dict[str, Any]], kinds: Any, seconds: float) -> Tally:
    tally = Tally()
    people = sorted(bodies)
    start = threading.Barrier(CLIENTS + 1)

    def loop(n: int) -> None:
        rng = random.Random(n)
        with closing(client(url)) as api:
            start.wait()
            deadline = time.monotonic() + seconds
            i = 0
            while time.monotonic() < deadline:
                kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
                person = rng.choice(people)
                if kind == "write":
                    i += 1
                    sid = f"bench-{n}-{i:06d}"
                    _write(api, tally, person, bodies[person], sid)
                    if i % 5 == 0:  # a deliberate retry of an answered write
                        _write(api, tally, person, bodies[person], sid)
                        with tally.lock:
                            tally.replays += 1
                elif kind == "dashboard":
                    _timed(tally, kind, lambda: api.get("/api/patients"))
                elif kind == "progress":
                    path = f"/api/patients/{person}/progress"
                    _timed(tally, kind, lambda: api.get(path, params={"on": DAY}))  # noqa: B023
                else:
                    _timed(tally, kind, lambda: api.get("/api/health"))

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    tally.latency["_wall"] = [time.perf_counter() - t0]
    return tally


def stored(database_url: str) -> Counter[tuple[str, str]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(SessionLogRow.person_id, SessionLogRow.session_id, func.count())
                .where(SessionLogRow.session_id.like("bench-%"))
                .group_by(SessionLogRow.person_id, SessionLogRow.session_id)
            ).all()
    finally:
        engine.dispose()
    return Counter({(p, s): int(c) for p, s, c in rows})


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def report(label: str, tally: Tally) -> dict[str, float]:
    wall = tally.latency["_wall"][0]
    rates = {}
    for kind in ("write", "dashboard", "progress", "trivial"):
        got = tally.latency.get(kind, [])
        if not got and not tally.errors[kind]:
            continue
        rates[kind] = len(got) / wall
        print(
            f"  {label:<6} {kind:<9} {rates[kind]:7.1f} req/s  p50 {_pct(got, 0.5):7.1f} ms  "
            f"p99 {_pct(got, 0.99):7.1f} ms  ({len(got)} ok, {tally.errors[kind]} failed)"
        )
    return rates


def bench_database(name: str, database_url: str) -> bool:
    print(f"\n{name}: {PATIENTS} patients, {CLIENTS} clients, one uvicorn process", flush=True)
    with tempfile.TemporaryDirectory(prefix="lumbo-bench-") as tmp:
        data_dir = Path(tmp)
        settings = WebSettings(data_dir=data_dir, secret_key=SECRET, database_url=database_url)
        store = open_store(StoreSettings(database_url))
        try:
            create_user(store, settings, email=EMAIL, password=PASSWORD, role="clinician")
        finally:
            store.close()
        with server(data_dir, database_url) as url:
            with closing(client(url)) as api:
                bodies = enrol(api, PATIENTS)
            mixed = run_clients(url, bodies, MIX, MIXED_S)
            dash = run_clients(url, bodies, (("dashboard", 1.0),), SOLO_S)
            trivial = run_clients(url, bodies, (("trivial", 1.0),), SOLO_S)
        in_db = stored(database_url)
    print(f"  mixed, {MIXED_S:.0f} s:")
    report("mixed", mixed)
    print(f"  alone, {SOLO_S:.0f} s each:")
    d = report("alone", dash).get("dashboard", 0.0)
    t = report("alone", trivial).get("trivial", 0.0)
    lost = len(mixed.acked - set(in_db))
    duplicated = sum(c - 1 for c in in_db.values()) + sum(
        c - 1 for c in mixed.created.values() if c > 1
    )
    unacked_stored = len(set(in_db) - mixed.acked)
    for tally in (mixed, dash, trivial):
        if tally.first_error:
            print(f"  first failure: {tally.first_error}")
    print(
        f"  writes: {len(mixed.acked)} acknowledged ids ({mixed.replays} deliberate replays), "
        f"{sum(in_db.values())} rows stored; lost {lost}, duplicated {duplicated}, "
        f"stored without an answer {unacked_stored}"
    )
    print(f"  dashboard / trivial throughput: {d:.1f} / {t:.1f} req/s = {d / t:.3f}" if t else "")
    return lost == 0 and duplicated == 0


@contextmanager
def fresh_pg(admin_url: str) -> Iterator[str]:
    db = f"lumbo_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db}"'))
    try:
        yield make_url(admin_url).set(database=db).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    print(f"lumbo service bench on loopback ({os.cpu_count()} cores; client and server share them)")
    with tempfile.TemporaryDirectory(prefix="lumbo-bench-db-") as tmp:
        ok = bench_database("SQLite", f"sqlite:///{Path(tmp) / 'lumbo.db'}")
    admin = os.environ.get("LUMBO_BENCH_DATABASE_URL") or os.environ.get("LUMBO_TEST_DATABASE_URL")
    if admin:
        with fresh_pg(admin) as url:
            ok = bench_database("PostgreSQL", url) and ok
    else:
        print("\nPostgreSQL: skipped (set LUMBO_BENCH_DATABASE_URL or LUMBO_TEST_DATABASE_URL)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
