"""The audit log (issue 12, point 7): account events, admin reads and refused requests are
recorded with the client address (forwarded headers ignored unless from a trusted proxy); the log
is hash-chained and ``lumbo audit verify`` finds any edited, removed or inserted entry."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from lumbo.cli import main
from lumbo.store.audit import redact, verify_chain
from lumbo.store.web_tables import AuditRow
from tests.integration.web.world import PASSWORD, World


def _events(world: World) -> list[tuple[str | None, str, str | None]]:
    with world.ctx.store.uow() as uow:
        rows = uow.session.scalars(select(AuditRow).order_by(AuditRow.seq)).all()
        return [(r.event, r.outcome, r.client) for r in rows]


def test_account_events_admin_reads_and_refusals_are_audited(world: World) -> None:
    spoofed = {"X-Forwarded-For": "203.0.113.77"}
    bad = TestClient(world.app).post(
        "/api/auth/login",
        json={"email": "a@x.test", "password": "wrong password!"},
        headers=spoofed,
    )
    assert bad.status_code == 401
    assert world.admin.get("/api/users").status_code == 200
    assert world.admin.get("/api/audit").status_code == 200
    made = world.admin.post(
        "/api/users", json={"email": "new@x.test", "password": PASSWORD, "role": "clinician"}
    )
    assert made.status_code == 201
    assert world.patient_a.get("/api/users").status_code == 403
    assert world.clinician_b.post("/api/auth/logout").status_code == 204
    events = _events(world)
    names = [e for e, _, _ in events]
    for wanted in (
        "sign_in",
        "accounts_listed",
        "audit_read",
        "account_created",
        "refused_403",
        "sign_out",
    ):
        assert wanted in names, wanted
    assert ("sign_in", "denied", "testclient") in events  # the forged header was not believed
    assert all(client != "203.0.113.77" for _, _, client in events)


def test_the_chain_verifies_and_breaks_on_tampering(world: World) -> None:
    world.clinician_a.get(f"/api/patients/{world.person_a}")
    with world.ctx.store.uow() as uow:
        report = verify_chain(uow.session)
        assert report.ok and report.chained >= 6, report
        middle = report.chained // 2
        uow.session.execute(
            update(AuditRow).where(AuditRow.seq == middle).values(outcome="denied", route="/x")
        )
        uow.commit()
    with world.ctx.store.uow() as uow:
        broken = verify_chain(uow.session)
    assert not broken.ok and broken.broken_at == middle and "changed" in (broken.reason or "")


def test_a_removed_entry_breaks_the_chain(world: World) -> None:
    with world.ctx.store.uow() as uow:
        uow.session.execute(delete(AuditRow).where(AuditRow.seq == 3))
        uow.commit()
    with world.ctx.store.uow() as uow:
        broken = verify_chain(uow.session)
    assert broken.broken_at == 3 and "missing" in (broken.reason or "")


def test_lumbo_audit_verify_exits_non_zero_on_a_broken_chain(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = world.ctx.settings
    monkeypatch.setenv("LUMBO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LUMBO_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LUMBO_SECRET_KEY", settings.secret_key)
    assert main(["audit", "verify"]) == 0
    with world.ctx.store.uow() as uow:
        uow.session.execute(update(AuditRow).where(AuditRow.seq == 2).values(client="1.1.1.1"))
        uow.commit()
    assert main(["audit", "verify"]) == 1


def test_a_redacted_entry_still_verifies_but_not_with_another_digest(world: World) -> None:
    """An erasure blanks an entry and keeps its digest: the chain holds; a forged digest breaks it."""
    world.clinician_a.get(f"/api/patients/{world.person_a}")
    with world.ctx.store.uow() as uow:
        assert redact(uow.session, AuditRow.person_id == world.person_a) > 0
        uow.commit()
    with world.ctx.store.uow() as uow:
        assert verify_chain(uow.session).ok
        row = uow.session.scalars(select(AuditRow).where(AuditRow.redacted.is_not(None))).first()
        assert row is not None and row.person_id is None and row.route == "(erased)"
        row.redacted = "f" * 64
        uow.commit()
    with world.ctx.store.uow() as uow:
        broken = verify_chain(uow.session)
    assert not broken.ok and "changed" in (broken.reason or "")
