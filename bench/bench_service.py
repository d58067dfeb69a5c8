"""Service load test on loopback: ``lumbo serve`` on SQLite, then on PostgreSQL when
``LUMBO_BENCH_DATABASE_URL`` or ``LUMBO_TEST_DATABASE_URL`` names a server (a fresh database is
created there and dropped after).

Per database: one clinician with ``CASELOAD`` patients (``ACTIVE`` enrolled through the API and
logging sessions, the rest inserted directly, ``WITH_PLAN`` of them with a plan) and ``OTHERS``
patients of other clinicians, so the patient list is measured at clinic scale. Then, for 8 and 50
client threads (httpx, one signed-in clinician session each), ``MIXED_S`` seconds of a mix of
session-log writes (client-generated ids; every 5th acknowledged write is deliberately sent
again, and a write with no answer is retried with the same id), patient-list reads (the API's
first page and the HTML page, alerts first), a patient's progress and ``/api/health`` (trivial).
Then each kind alone for ``SOLO_S`` seconds at 8 clients: its throughput over the trivial
endpoint's says how much dearer it is than a no-op request of the same app in the same run. Two
floor reads run alone too, to show what any authenticated, database-backed request costs here:
``me`` (``/api/auth/me``: only the session check) and ``scoped`` (a patient's background jobs,
``/api/patients/{id}/jobs``: the session check, the patient scope with its audit row and one
indexed look-up answering ``[]``). On
PostgreSQL the 8-client mix runs again on ``lumbo serve --workers 2``.

The in-process history curve: one ``record_session`` on a fresh store with 1, 48 and 480 stored
logs (median of ``CURVE_WRITES`` writes each).

Printed: throughput and p50/p99 latency per kind, lost writes (acknowledged, not in the database)
and duplicated writes (rows beyond one per acknowledged id, or a second ``created``); both must
be 0 (exit status 1 otherwise), and a summary table with the goals. ``--json PATH`` also saves the
figures (``scripts/gen_perf_table.py`` turns them into the README's table). ``--quick``: short
phases on a small caseload, only to check that the bench runs. Numbers, not
assertions: the tests assert no timing.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import statistics
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from lumbo.cli.demo import example_intake_text
from lumbo.domain.protocol.model import BlockLog, Plan, SessionLog
from lumbo.services import journey
from lumbo.store import tables as tb
from lumbo.store.db import open_store
from lumbo.store.settings import StoreSettings
from lumbo.store.tables import SessionLogRow

try:
    import httpx

    from lumbo.services.accounts import create_user
    from lumbo.settings import Settings
except ImportError as missing:  # the web extra is not installed
    print(f"bench_service needs the web extra (pip install -e '.[web]'): {missing}")
    raise SystemExit(1) from None

ACTIVE = 20
CASELOAD = 1_000
WITH_PLAN = 100
OTHERS = 9_000
CLIENT_LEVELS = (8, 50)
MIXED_S = 10.0
SOLO_S = 5.0
CURVE = (1, 48, 480)
CURVE_WRITES = 15
MIX = (
    ("write", 0.45),
    ("dashboard", 0.15),
    ("page", 0.1),
    ("progress", 0.15),
    ("trivial", 0.15),
)
ATTENTION = {"sort": "attention"}
KINDS = ("write", "dashboard", "page", "progress", "me", "scoped", "trivial")
ALONE = ("write", "dashboard", "page", "me", "scoped", "trivial")
SECRET = "bench-secret-" + "b" * 40
EMAIL, PASSWORD = "bench@lumbo.test", "bench password 123"
DAY = "2026-12-01"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(data_dir: Path, database_url: str, workers: int = 1) -> Iterator[str]:
    """``lumbo serve`` as a subprocess on a free loopback port; killed on exit."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBO_")}
    env.update(LUMBO_DATA_DIR=str(data_dir), LUMBO_DATABASE_URL=database_url)
    env["LUMBO_SECRET_KEY"] = SECRET
    env["LUMBO_ACCESS_LOG"] = "0"  # a log line per request measures the log, not lumbo
    cmd = [sys.executable, "-m", "lumbo", "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers)]
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


def client(url: str, like: httpx.Client | None = None) -> httpx.Client:
    """A signed-in client; ``like``: share that client's session (one sign-in per run: argon2
    hashing for 50 sign-ins at once would only measure the password hash)."""
    api = httpx.Client(base_url=url, timeout=30.0)
    api.headers["Accept"] = "text/html,application/json"
    if like is not None:
        api.cookies = httpx.Cookies(like.cookies)
        api.headers["X-CSRF-Token"] = like.headers["X-CSRF-Token"]
        return api
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


def run_clients(
    url: str, bodies: dict[str, dict[str, Any]], kinds: Any, seconds: float, clients: int, tag: str
) -> Tally:
    tally = Tally()
    people = sorted(bodies)
    start = threading.Barrier(clients + 1, timeout=120)
    signed_in = client(url)

    def loop(n: int) -> None:
        rng = random.Random(n)
        with closing(client(url, signed_in)) as api:
            start.wait()
            deadline = time.monotonic() + seconds
            i = 0
            while time.monotonic() < deadline:
                kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
                person = rng.choice(people)
                if kind == "write":
                    i += 1
                    sid = f"bench-{tag}-{n}-{i:06d}"
                    _write(api, tally, person, bodies[person], sid)
                    if i % 5 == 0:  # a deliberate retry of an answered write
                        _write(api, tally, person, bodies[person], sid)
                        with tally.lock:
                            tally.replays += 1
                elif kind == "dashboard":
                    _timed(tally, kind, lambda: api.get("/api/patients", params=ATTENTION))
                elif kind == "page":
                    _timed(tally, kind, lambda: api.get("/patients"))
                elif kind == "progress":
                    path = f"/api/patients/{person}/progress"
                    _timed(tally, kind, lambda: api.get(path, params={"on": DAY}))  # noqa: B023
                elif kind == "me":
                    _timed(tally, kind, lambda: api.get("/api/auth/me"))
                elif kind == "scoped":
                    path = f"/api/patients/{person}/jobs"
                    _timed(tally, kind, lambda: api.get(path))  # noqa: B023
                else:
                    _timed(tally, kind, lambda: api.get("/api/health"))

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    tally.latency["_wall"] = [time.perf_counter() - t0]
    signed_in.close()
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


def report(label: str, tally: Tally) -> dict[str, dict[str, float]]:
    """Throughput and p50/p99 per kind (printed and returned)."""
    wall = tally.latency["_wall"][0]
    out = {}
    for kind in KINDS:
        got = tally.latency.get(kind, [])
        if not got and not tally.errors[kind]:
            continue
        out[kind] = {
            "rate": len(got) / wall,
            "p50": _pct(got, 0.5),
            "p99": _pct(got, 0.99),
            "ok": len(got),
            "failed": tally.errors[kind],
        }
        print(
            f"  {label:<10} {kind:<9} {out[kind]['rate']:7.1f} req/s  p50 {out[kind]['p50']:7.1f} ms"
            f"  p99 {out[kind]['p99']:7.1f} ms  ({len(got)} ok, {tally.errors[kind]} failed)",
            flush=True,
        )
    if tally.first_error:
        print(f"  first failure: {tally.first_error}")
    return out


def fill_caseload(database_url: str, owner_id: str, template: str) -> None:
    """The clinician's caseload up to ``CASELOAD`` patients (``WITH_PLAN`` with a copy of the
    template patient's plan, the others with intake and assessment but no plan), and ``OTHERS``
    patients of other clinicians (person and assessment rows only: never read here)."""
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    try:
        with engine.begin() as conn:
            intake, assessment = conn.execute(
                select(tb.IntakeRow.document, tb.AssessmentRow.document)
                .join(tb.AssessmentRow, tb.AssessmentRow.intake_id == tb.IntakeRow.id)
                .where(tb.IntakeRow.person_id == template)
            ).one()
            plan = (
                conn.execute(
                    select(tb.PlanVersionRow.document).where(
                        tb.PlanVersionRow.person_id == template
                    )
                )
                .scalars()
                .first()
            )
            rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for n in range(CASELOAD - ACTIVE + OTHERS):
                mine = n < CASELOAD - ACTIVE
                pid, iid = str(uuid.uuid4()), str(uuid.uuid4())
                owner = owner_id if mine else f"other-{n % 90}"
                ref = f"filler-{n:05d}"
                rows["persons"].append(
                    {"id": pid, "owner_id": owner, "external_ref": ref, "created_at": now}
                )
                doc = intake if mine else {}
                rows["intakes"].append(
                    {
                        "id": iid,
                        "person_id": pid,
                        "kind": "baseline",
                        "document": doc,
                        "created_at": now,
                    }
                )
                rows["assessments"].append(
                    {
                        "id": str(uuid.uuid4()),
                        "person_id": pid,
                        "intake_id": iid,
                        "referral_required": False,
                        "urgency": "none",
                        "document": assessment if mine else {},
                        "created_at": now,
                    }
                )
                if mine and n < WITH_PLAN:
                    rows["plan_versions"].append(
                        {"id": str(uuid.uuid4()), "person_id": pid, "version": 1,
                         "reason": "bench copy", "document": plan, "created_at": now}
                    )  # fmt: skip
            for table in ("persons", "intakes", "assessments", "plan_versions"):
                batch = rows[table]
                for i in range(0, len(batch), 500):
                    conn.execute(insert(tb.Base.metadata.tables[table]), batch[i : i + 500])
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()


def _curve_log(plan: Plan, week_no: int, i: int, day: int, sid: str) -> SessionLog:
    """A green session of week ``week_no`` of ``plan``, performed ``day`` days into the plan."""
    week = plan.weeks[week_no - 1]
    session = week.sessions[i % len(week.sessions)]
    blocks = tuple(
        BlockLog(
            technique=b.technique,
            completed_sets=b.dose.sets,
            intensity=3,
            pain_during=1,
            pain_after=1,
        )
        for b in session.blocks
    )
    return SessionLog(
        session_id=sid,
        week=week.week,
        session_index=session.index,
        performed_on=date(2026, 1, 5) + timedelta(days=day),
        blocks=blocks,
    )


def history_curve(database_url: str) -> dict[int, float]:
    """Median in-process ``record_session`` time (ms) with 1, 48 and 480 logs already stored."""
    store = open_store(StoreSettings(database_url))
    out = {}
    try:
        for stored_logs in CURVE:
            doc = json.loads(example_intake_text())
            doc["person"]["id"] = f"curve-{stored_logs}"
            enrolled = journey.init_person(store.uow(), json.dumps(doc))
            assert enrolled.plan is not None
            pid = enrolled.person.id
            for i in range(stored_logs):  # a history over weeks 1-11, written as it happened
                plan = journey.current_plan(store.uow(), pid).plan
                day = i * 77 // stored_logs
                log = _curve_log(plan, day // 7 + 1, i, day, f"hist-{i:06d}")
                journey.record_session(store.uow(), pid, log)
            # the measured writes: week 12 on the days after, alike whatever the history
            plan = journey.current_plan(store.uow(), pid).plan
            times = []
            for k in range(CURVE_WRITES):
                log = _curve_log(plan, 12, k, 78 + k, f"new-{k:06d}")
                t0 = time.perf_counter()
                journey.record_session(store.uow(), pid, log)
                times.append(time.perf_counter() - t0)
            out[stored_logs] = 1000 * statistics.median(times)
    finally:
        store.close()
    print(
        "  history curve (in process, median of "
        f"{CURVE_WRITES} writes): "
        + ", ".join(f"{n} logs {ms:.1f} ms" for n, ms in out.items())
        + f"; {CURVE[-1]} / {CURVE[0]} = {out[CURVE[-1]] / out[CURVE[0]]:.2f}",
        flush=True,
    )
    return out


def _total_rate(figures: dict[str, dict[str, float]]) -> float:
    return sum(f["rate"] for f in figures.values())


def bench_database(name: str, database_url: str, scale_out: bool) -> dict[str, Any]:
    print(
        f"\n{name}: {CASELOAD} patients of the bench clinician ({ACTIVE} logging), "
        f"{OTHERS} of other clinicians",
        flush=True,
    )
    result: dict[str, Any] = {"database": name}
    with tempfile.TemporaryDirectory(prefix="lumbo-bench-") as tmp:
        data_dir = Path(tmp)
        settings = Settings(data_dir=data_dir, secret_key=SECRET, database_url=database_url)
        store = open_store(StoreSettings(database_url))
        try:
            user = create_user(store, settings, email=EMAIL, password=PASSWORD, role="clinician")
        finally:
            store.close()
        tallies: list[Tally] = []
        with server(data_dir, database_url) as url:
            with closing(client(url)) as api:
                bodies = enrol(api, ACTIVE)
                fill_caseload(database_url, user.id, sorted(bodies)[0])
                for _ in range(3):  # warm-up: plan versions parsed once per process
                    api.get("/api/patients", params={"sort": "attention"}).raise_for_status()
                    api.get("/patients").raise_for_status()
            for clients in CLIENT_LEVELS:
                print(f"  mixed, {clients} clients, {MIXED_S:.0f} s:", flush=True)
                tally = run_clients(url, bodies, MIX, MIXED_S, clients, f"m{clients}")
                tallies.append(tally)
                result[f"mixed_{clients}"] = report(f"mixed {clients}", tally)
            print(f"  each kind alone, 8 clients, {SOLO_S:.0f} s:", flush=True)
            alone: dict[str, dict[str, float]] = {}
            for kind in ALONE:
                tally = run_clients(url, bodies, ((kind, 1.0),), SOLO_S, 8, f"s{kind}")
                tallies.append(tally)
                alone.update(report("alone", tally))
            result["alone"] = alone
        if scale_out:
            for workers in (2,):
                with server(data_dir, database_url, workers=workers) as url:
                    with closing(client(url)) as api:
                        for _ in range(4 * workers):  # each worker parses the plans once
                            api.get("/api/patients", params=ATTENTION).raise_for_status()
                            api.get("/patients").raise_for_status()
                    print(f"  mixed, 8 clients, {workers} workers:", flush=True)
                    tally = run_clients(url, bodies, MIX, MIXED_S, 8, f"w{workers}")
                    tallies.append(tally)
                    result[f"workers_{workers}"] = report(f"{workers} workers", tally)
        in_db = stored(database_url)
    acked = set().union(*(tl.acked for tl in tallies))
    created: Counter[tuple[str, str]] = Counter()
    for tl in tallies:
        created.update(tl.created)
    lost = len(acked - set(in_db))
    duplicated = sum(c - 1 for c in in_db.values()) + sum(c - 1 for c in created.values() if c > 1)
    print(
        f"  writes: {len(acked)} acknowledged ids ({sum(tl.replays for tl in tallies)} deliberate "
        f"replays), {sum(in_db.values())} rows stored; lost {lost}, duplicated {duplicated}"
    )
    result.update(lost=lost, duplicated=duplicated, acknowledged=len(acked))
    result["curve"] = history_curve(database_url)
    return result


def summary(results: list[dict[str, Any]]) -> None:
    print("\nSummary (ratios from this run; goals in brackets)")
    for r in results:
        a = r["alone"]
        trivial = a.get("trivial", {}).get("rate", 0.0) or float("nan")
        curve = r["curve"]
        print(f"  {r['database']}:")
        print(
            f"    alone, 8 clients: writes {a['write']['rate']:.1f}/s, patient list API "
            f"{a['dashboard']['rate']:.1f}/s, page {a['page']['rate']:.1f}/s, trivial "
            f"{trivial:.1f}/s; writes/trivial {a['write']['rate'] / trivial:.2f} [>= 0.5], "
            f"list/trivial {a['dashboard']['rate'] / trivial:.2f} and "
            f"{a['page']['rate'] / trivial:.2f} [>= 0.5]"
        )
        if "scoped" in a:
            print(
                f"    floor, alone, 8 clients: session check only {a['me']['rate']:.1f}/s "
                f"({a['me']['rate'] / trivial:.2f} of trivial), patient scope with its audit "
                f"row {a['scoped']['rate']:.1f}/s ({a['scoped']['rate'] / trivial:.2f}); "
                f"writes/scoped {a['write']['rate'] / a['scoped']['rate']:.2f}, "
                f"list/scoped {a['dashboard']['rate'] / a['scoped']['rate']:.2f}"
            )
        for clients, goal in zip(CLIENT_LEVELS, (100, 250), strict=True):
            mixed = r[f"mixed_{clients}"]
            worst = max(f["p99"] for f in mixed.values())
            failed = sum(int(f["failed"]) for f in mixed.values())
            print(
                f"    mixed, {clients} clients: "
                + ", ".join(
                    f"{k} p50 {f['p50']:.0f}/p99 {f['p99']:.0f} ms" for k, f in mixed.items()
                )
                + f"; worst p99 {worst:.0f} ms [< {goal}], {failed} failed"
            )
        print(
            f"    history curve: {curve[CURVE[0]]:.1f} / {curve[CURVE[1]]:.1f} / "
            f"{curve[CURVE[-1]]:.1f} ms at {'/'.join(map(str, CURVE))} logs; "
            f"{CURVE[-1]}/{CURVE[0]} = {curve[CURVE[-1]] / curve[CURVE[0]]:.2f} [<= 1.2]"
        )
        if "workers_2" in r:
            one, two = _total_rate(r["mixed_8"]), _total_rate(r["workers_2"])
            print(
                f"    2 workers / 1 worker, mixed, 8 clients: {two:.1f} / {one:.1f} req/s = "
                f"{two / one:.2f} [>= 1.6; the 8 client threads share the 2 cores]"
            )
            r["scale_out"] = two / one
        print(f"    lost {r['lost']}, duplicated {r['duplicated']} [0, 0]")


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


def quick() -> None:
    """``--quick``: a few seconds per phase on a small caseload, to check the bench runs and
    prints; its figures mean little."""
    global CASELOAD, WITH_PLAN, OTHERS, MIXED_S, SOLO_S, CURVE, CURVE_WRITES
    CASELOAD, WITH_PLAN, OTHERS = 100, 20, 100
    MIXED_S, SOLO_S, CURVE, CURVE_WRITES = 2.0, 1.0, (1, 4, 8), 3


def main(argv: list[str]) -> int:
    started = time.monotonic()
    if "--quick" in argv:
        quick()
    print(f"lumbo service bench on loopback ({os.cpu_count()} cores; client and server share them)")
    results = []
    with tempfile.TemporaryDirectory(prefix="lumbo-bench-db-") as tmp:
        results.append(bench_database("SQLite", f"sqlite:///{Path(tmp) / 'lumbo.db'}", False))
    admin = os.environ.get("LUMBO_BENCH_DATABASE_URL") or os.environ.get("LUMBO_TEST_DATABASE_URL")
    if admin:
        with fresh_pg(admin) as url:
            results.append(bench_database("PostgreSQL", url, True))
    else:
        print("\nPostgreSQL: skipped (set LUMBO_BENCH_DATABASE_URL or LUMBO_TEST_DATABASE_URL)")
    summary(results)
    print(f"\nbench_service took {time.monotonic() - started:.0f} s")
    if "--json" in argv:
        out = Path(argv[argv.index("--json") + 1])
        out.parent.mkdir(parents=True, exist_ok=True)
        doc = {"cores": os.cpu_count(), "date": date.today().isoformat(), "results": results}
        out.write_text(json.dumps(doc, indent=1, default=str), encoding="utf-8")
    return 0 if all(r["lost"] == 0 and r["duplicated"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
