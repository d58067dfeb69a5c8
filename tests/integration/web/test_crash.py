"""Durability: ``kill -9`` of a real ``lumbo serve`` process during a burst of session-log writes
loses no acknowledged write, and retrying the unacknowledged ones (same client-generated id) never
duplicates anything. On a SQLite file, and on a fresh PostgreSQL database when
``LUMBO_TEST_DATABASE_URL`` is set."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from lumbo.store.tables import SessionLogRow
from tests.integration.jobs.procs import (
    Api,
    Server,
    base_env,
    create_clinician,
    intake,
    session_body,
    wait_for,
)
from tests.integration.store.pg import PG_ENV, fresh_pg_database, pg_admin_url

pytestmark = pytest.mark.slow

WRITERS = 4
ACKED_BEFORE_KILL = 40
MAX_WRITES_PER_WRITER = 400


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'lumbo.db'}"
        return
    admin = pg_admin_url()
    if admin is None:
        pytest.skip(f"{PG_ENV} is not set")
    with fresh_pg_database(admin) as url:
        yield url


class Burst:
    """Writer threads posting session logs with fresh ids until stopped; what each id got."""

    def __init__(self, api_url: str, bodies: dict[str, dict[str, Any]]) -> None:
        self.api_url = api_url
        self.bodies = bodies  # person -> a session log that fits the plan
        self.acked: dict[tuple[str, str], int] = {}  # (person, session id) -> 2xx status
        self.unacked: set[tuple[str, str]] = set()  # sent, no 2xx answer (refused, reset, 5xx)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._write, args=(n,), daemon=True) for n in range(WRITERS)
        ]

    def _write(self, n: int) -> None:
        people = sorted(self.bodies)
        with closing(Api(self.api_url, timeout_s=10.0)) as api:
            for i in range(MAX_WRITES_PER_WRITER):
                if self.stop.is_set():
                    return
                person = people[i % len(people)]
                key = (person, f"crash-{n}-{i:04d}")
                body = {**self.bodies[person], "session_id": key[1]}
                try:
                    got = api.post(f"/api/patients/{person}/sessions", json=body)
                except httpx.HTTPError:
                    got = None
                with self.lock:
                    if got is not None and 200 <= got.status_code < 300:
                        self.acked[key] = got.status_code
                    else:
                        self.unacked.add(key)
                if got is None:
                    return  # the server is gone

    def count(self) -> int:
        with self.lock:
            return len(self.acked)


def stored_ids(database_url: str) -> Counter[tuple[str, str]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(SessionLogRow.person_id, SessionLogRow.session_id, func.count())
                .where(SessionLogRow.session_id.like("crash-%"))
                .group_by(SessionLogRow.person_id, SessionLogRow.session_id)
            ).all()
    finally:
        engine.dispose()
    return Counter({(p, s): int(c) for p, s, c in rows})


def test_kill_9_mid_burst_loses_no_acknowledged_write(tmp_path: Path, database_url: str) -> None:
    data_dir = tmp_path / "data"
    create_clinician(data_dir, database_url)
    env = base_env(data_dir, database_url)
    server = Server(env, tmp_path / "server-1.log")
    try:
        server.wait_ready()
        with closing(Api(server.url)) as api:
            people = []
            for ref in ("crash-a", "crash-b"):
                got = api.post("/api/patients", json=intake(ref))
                assert got.status_code == 201, got.text
                people.append(got.json()["person_id"])
            bodies = {p: session_body(api, p, "template") for p in people}
        burst = Burst(server.url, bodies)
        for thread in burst.threads:
            thread.start()
        wait_for(lambda: burst.count() >= ACKED_BEFORE_KILL, 120, "acknowledged writes")
        server.kill9()  # mid-burst: writers are still posting
        died_with = burst.count()
    finally:
        server.stop()
    burst.stop.set()
    for thread in burst.threads:
        thread.join(30)
    assert died_with >= ACKED_BEFORE_KILL
    assert burst.unacked, "the kill interrupted no write: the burst was over before it"
    assert set(burst.acked.values()) == {201}

    restarted = Server(env, tmp_path / "server-2.log")
    try:
        restarted.wait_ready()
        stored = stored_ids(database_url)
        in_flight = len(set(stored) & burst.unacked)
        print(f"acked {len(burst.acked)}, unacked {len(burst.unacked)} ({in_flight} stored)")
        assert set(burst.acked) <= set(stored), "an acknowledged write was lost"
        assert max(stored.values()) == 1
        assert set(stored) <= set(burst.acked) | burst.unacked

        with closing(Api(restarted.url)) as api:  # the client retries whatever it has no answer for
            for person, session_id in sorted(burst.unacked):
                body = {**bodies[person], "session_id": session_id}
                got = api.post(f"/api/patients/{person}/sessions", json=body)
                assert got.status_code == (200 if (person, session_id) in stored else 201)
                assert got.json()["created"] is ((person, session_id) not in stored)
            person, session_id = next(iter(burst.acked))  # and a replay of an answered one
            again = api.post(
                f"/api/patients/{person}/sessions",
                json={**bodies[person], "session_id": session_id},
            )
            assert again.status_code == 200 and again.json()["created"] is False
            listed = Counter(
                (p, s["session_id"])
                for p in bodies
                for s in api.get(f"/api/patients/{p}/sessions").json()
            )
    finally:
        restarted.stop()
    final = stored_ids(database_url)
    assert set(final) == set(burst.acked) | burst.unacked
    assert max(final.values()) == 1
    assert Counter({k: v for k, v in listed.items() if k[1].startswith("crash-")}) == final
