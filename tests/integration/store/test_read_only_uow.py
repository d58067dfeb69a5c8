"""The read-only unit of work (``Store.read_uow``): it reads what was committed, refuses to
write, and on SQLite reads while a writer holds its transaction instead of queueing behind it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from lumbo.store.db import Store
from lumbo.store.tables import utcnow

KEY = "read-only-test"


def _failures(store: Store, *, read_only: bool) -> int:
    uow = store.read_uow() if read_only else store.uow()
    with uow:
        return uow.accounts.failures_since(KEY, utcnow() - timedelta(hours=1))[0]


@pytest.mark.parametrize("read_only", [True, False])
def test_reads_what_was_committed(store: Store, read_only: bool) -> None:
    with store.uow() as uow:
        uow.accounts.add_failure(KEY, KEY)
        uow.commit()
    assert _failures(store, read_only=read_only) == 2


def test_refuses_to_write(store: Store) -> None:
    with store.read_uow() as uow, pytest.raises(RuntimeError, match="read-only"):
        uow.accounts.add_failure(KEY)
    assert _failures(store, read_only=False) == 0


def test_on_sqlite_a_read_does_not_queue_behind_an_open_write(store: Store) -> None:
    """A writer's transaction is open (SQLite: ``BEGIN IMMEDIATE`` and this process's writer
    lock, held until its connection returns to the pool); a read-only unit of work in the same
    thread answers at once, from the last committed state. An ordinary unit of work would wait
    for the lock (the busy timeout, 10 s) and then fail."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL readers never wait for writers")
    with store.uow() as uow:
        uow.accounts.add_failure(KEY)
        uow.commit()
    with store.uow() as writer:
        writer.accounts.add_failure(KEY)  # flushed, not committed
        started = time.perf_counter()
        assert _failures(store, read_only=True) == 1
        assert time.perf_counter() - started < 5  # well under the 10 s busy timeout
        writer.commit()
    assert _failures(store, read_only=True) == 2
