"""CPU time per request, in process: the app behind Starlette's TestClient (no socket, no
uvicorn), one request at a time, on the same data as ``bench_service.py`` (a clinician with
1,000 patients, 20 of them enrolled and logging, 9,000 of other clinicians).

For each kind (trivial ``/api/health``; the two floor reads: ``me``, the cheapest authenticated
read, ``/api/auth/me``, only the session check, and ``scoped``, a patient's background jobs
``/api/patients/{id}/jobs``, the session check, the patient scope with its audit row and one
indexed look-up answering ``[]``; a session-log write, the patient list API sorted by attention,
the HTML patient list) it prints the process CPU time (``time.process_time``: every
thread of this process, so the test client's share is in it too, the same for every kind) and the
wall time per request, median of ``--rounds`` rounds of ``--n`` requests. CPU time is what to
compare on a shared machine: it does not count the time other processes hold the cores.

    python bench/profile_service.py [--pg] [--n 200] [--rounds 3] [--profile write]

``--pg``: on a fresh database of the server named by ``LUMBO_BENCH_DATABASE_URL`` or
``LUMBO_TEST_DATABASE_URL`` (else SQLite in a temporary directory). ``--profile KIND``: also
print a pyinstrument profile of that kind (needs ``pip install pyinstrument``). ``--sql``: count
the SQL statements each kind runs. ``--only KIND[,KIND]``: measure only those kinds (and the
trivial one), e.g. under ``py-spy record --threads``. ``--breakdown``: the CPU time per request
spent in the session check, the patient scope (ownership and audit), ``record_session`` and its
parts.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).parent))

from bench_service import (
    ATTENTION,
    DAY,
    EMAIL,
    PASSWORD,
    SECRET,
    enrol,
    fill_caseload,
    fresh_pg,
)
from fastapi.testclient import TestClient

from lumbo.services.accounts import create_user
from lumbo.settings import Settings
from lumbo.store.db import open_store
from lumbo.web.app import create_app


def _option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv else default


@contextmanager
def database(pg: bool) -> Iterator[str]:
    admin = os.environ.get("LUMBO_BENCH_DATABASE_URL") or os.environ.get("LUMBO_TEST_DATABASE_URL")
    if pg:
        if not admin:
            raise SystemExit("--pg needs LUMBO_BENCH_DATABASE_URL or LUMBO_TEST_DATABASE_URL")
        with fresh_pg(admin) as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="lumbo-prof-db-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'lumbo.db'}"


BREAKDOWN = (  # (module, attribute): timed where the request's code looks it up
    ("lumbo.web.deps", "user_for_session"),
    ("lumbo.services.access", "open_patient"),
    ("lumbo.services.journey", "record_session"),
    ("lumbo.services.recording", "active_plan"),
    ("lumbo.services.recording", "_readjust"),
    ("lumbo.services.recording", "apply_adjustment"),
    ("lumbo.services.recording", "adjust_from"),
    ("lumbo.web.routes.patients", "caseload"),
    ("lumbo.web.pages.views", "caseload"),
    ("lumbo.store.caseload", "caseload_page"),
    ("lumbo.store.caseload", "_latest_plans"),
)


def timed_parts() -> dict[str, list[float]]:
    """Wrap the functions of :data:`BREAKDOWN` to add up their CPU time (``time.thread_time``:
    the thread that runs them) and their calls."""
    import importlib

    spent: dict[str, list[float]] = {}
    for module_name, attr in BREAKDOWN:
        module = importlib.import_module(module_name)
        inner = getattr(module, attr)
        slot = spent.setdefault(attr, [0.0, 0])  # one slot per name: both callers add up

        def wrapper(*a: Any, __inner: Any = inner, __slot: Any = slot, **k: Any) -> Any:
            t0 = time.thread_time()
            try:
                return __inner(*a, **k)
            finally:
                __slot[0] += time.thread_time() - t0
                __slot[1] += 1

        setattr(module, attr, wrapper)
    return spent


def main(argv: list[str]) -> int:
    n = int(_option(argv, "--n", "200"))
    rounds = int(_option(argv, "--rounds", "3"))
    profile = _option(argv, "--profile", "")
    spent = timed_parts() if "--breakdown" in argv else {}
    with ExitStack() as stack:
        url = stack.enter_context(database("--pg" in argv))
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lumbo-prof-")))
        settings = Settings(data_dir=data_dir, secret_key=SECRET, database_url=url)
        store = open_store(settings.store)
        stack.callback(store.close)
        user = create_user(store, settings, email=EMAIL, password=PASSWORD, role="clinician")
        api = stack.enter_context(TestClient(create_app(settings, store=store)))
        got = api.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
        got.raise_for_status()
        api.headers["X-CSRF-Token"] = got.json()["csrf_token"]
        api.headers["Accept"] = "text/html,application/json"
        bodies = enrol(api, 20)
        fill_caseload(url, user.id, sorted(bodies)[0])
        people = sorted(bodies)
        counter = iter(range(10**9))

        def write() -> Any:
            i = next(counter)
            person = people[i % len(people)]
            doc = {**bodies[person], "session_id": f"prof-{i:07d}"}
            return api.post(f"/api/patients/{person}/sessions", json=doc)

        kinds: dict[str, Callable[[], Any]] = {
            "trivial": lambda: api.get("/api/health"),
            "me": lambda: api.get("/api/auth/me"),
            "scoped": lambda: api.get(f"/api/patients/{people[0]}/jobs"),
            "write": write,
            "dashboard": lambda: api.get("/api/patients", params=ATTENTION),
            "page": lambda: api.get("/patients"),
            "progress": lambda: api.get(f"/api/patients/{people[0]}/progress", params={"on": DAY}),
        }
        only = _option(argv, "--only", "")
        if only:
            kinds = {k: v for k, v in kinds.items() if k in ("trivial", *only.split(","))}
        for call in kinds.values():  # warm-up: caches, first-use imports
            for _ in range(5):
                call().raise_for_status()
        for v in spent.values():
            v[0], v[1] = 0.0, 0
        statements = [0]
        if "--sql" in argv:

            @event.listens_for(store.engine, "before_cursor_execute")
            def _count(*_args: Any) -> None:
                statements[0] += 1

        print(
            f"{'PostgreSQL' if '--pg' in argv else 'SQLite'}, in process (TestClient), "
            f"{n} requests x {rounds} rounds; load average {os.getloadavg()[0]:.1f}"
        )
        cpu_of: dict[str, float] = {}
        for kind, call in kinds.items():
            cpu, wall = [], []
            statements[0] = 0
            for _ in range(rounds):
                c0, w0 = time.process_time(), time.perf_counter()
                for _ in range(n):
                    call().raise_for_status()
                cpu.append((time.process_time() - c0) / n * 1000)
                wall.append((time.perf_counter() - w0) / n * 1000)
            cpu_of[kind] = statistics.median(cpu)
            parts = ", ".join(
                f"{name} {1000 * v[0] / (n * rounds):.2f}" for name, v in spent.items() if v[1]
            )
            for v in spent.values():
                v[0], v[1] = 0.0, 0
            sql = f", {statements[0] / (n * rounds):.1f} SQL statements" if "--sql" in argv else ""
            print(
                f"  {kind:<10} CPU {cpu_of[kind]:6.2f} ms/request ({min(cpu):.2f}-{max(cpu):.2f}), wall "
                f"{statistics.median(wall):6.2f} ms{sql}",
                flush=True,
            )
            if parts:
                print(f"             CPU ms/request in: {parts}")
        trivial = cpu_of["trivial"]
        print(
            "  CPU ratio trivial/kind (what the throughput ratio would be if CPU-bound): "
            + ", ".join(f"{k} {trivial / v:.2f}" for k, v in cpu_of.items() if k != "trivial")
        )
        if "scoped" in cpu_of:
            floor = cpu_of["scoped"]
            print(
                "  CPU ratio scoped/kind (the floor of a patient-scoped request against each): "
                + ", ".join(
                    f"{k} {floor / v:.2f}"
                    for k, v in cpu_of.items()
                    if k not in ("trivial", "me", "scoped")
                )
            )
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
            for _ in range(n):
                kinds[profile]().raise_for_status()
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
