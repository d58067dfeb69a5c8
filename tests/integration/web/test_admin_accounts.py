"""Account administration through the API and the pages: disable/re-enable, forced reset with a
one-time link, role change, deletion; the last active admin is protected; everything audited."""

from __future__ import annotations

import pytest

from lumbo.services.accounts import create_user
from tests.integration.web.world import PASSWORD, Client, World, signed_in


def _id(world: World, email: str) -> str:
    users = world.admin.get("/api/users").json()
    return next(u["id"] for u in users if u["email"] == email)


def _login(world: World, email: str, password: str = PASSWORD) -> int:
    got = Client(world.app).post("/api/auth/login", json={"email": email, "password": password})
    return int(got.status_code)


def test_disable_and_re_enable(world: World) -> None:
    uid = _id(world, "a@x.test")
    got = world.admin.post(f"/api/users/{uid}/disable")
    assert got.status_code == 200 and got.json()["active"] is False
    assert world.clinician_a.get("/api/patients").status_code == 401  # its session ended
    assert _login(world, "a@x.test") == 401
    assert world.admin.post(f"/api/users/{uid}/enable").json()["active"] is True
    assert _login(world, "a@x.test") == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "disable", None),
        ("put", "role", {"role": "clinician"}),
        ("delete", "", None),
    ],
    ids=["disable", "demote", "delete"],
)
def test_the_last_admin_is_protected(world: World, method: str, path: str, body: object) -> None:
    uid = _id(world, "admin@x.test")
    url = f"/api/users/{uid}" + (f"/{path}" if path else "")
    kwargs = {} if body is None else {"json": body}
    got = getattr(world.admin, method)(url, **kwargs)
    assert got.status_code == 409 and "last active admin" in got.text
    # with a second admin, the first may go
    create_user(
        world.ctx.store, world.ctx.settings, email="admin2@x.test", password=PASSWORD, role="admin"
    )
    other = signed_in(world.app, "admin2@x.test")
    got = getattr(other, method)(url, **kwargs)
    assert got.status_code in (200, 204), got.text


def test_role_rules(world: World) -> None:
    patient = _id(world, "pa@x.test")
    assert (
        world.admin.put(f"/api/users/{patient}/role", json={"role": "clinician"}).status_code == 409
    )
    clinician = _id(world, "a@x.test")
    assert (
        world.admin.put(f"/api/users/{clinician}/role", json={"role": "patient"}).status_code == 422
    )
    got = world.admin.put(f"/api/users/{clinician}/role", json={"role": "admin"})
    assert got.status_code == 200 and got.json()["role"] == "admin"
    assert world.clinician_a.get("/api/patients").status_code == 401  # signed out on role change
    assert (
        world.admin.delete(f"/api/users/{_id(world, 'b@x.test')}").status_code == 409
    )  # owns patients
    create_user(
        world.ctx.store, world.ctx.settings, email="c@x.test", password=PASSWORD, role="clinician"
    )
    assert world.admin.delete(f"/api/users/{_id(world, 'c@x.test')}").status_code == 204
    assert world.clinician_b.post(f"/api/users/{clinician}/disable").status_code == 403


def test_forced_reset_is_a_one_time_link(world: World) -> None:
    uid = _id(world, "pa@x.test")
    first = world.admin.post(f"/api/users/{uid}/reset").json()["reset_path"]
    second = world.admin.post(f"/api/users/{uid}/reset").json()["reset_path"]
    assert _login(world, "pa@x.test") == 401  # the old password no longer works
    anon = world.anonymous()
    assert anon.get(first).status_code == 404  # replaced by the second link
    page = anon.get(second)
    assert page.status_code == 200 and "pa@x.test" in page.text
    new = "a brand new passphrase"
    assert anon.post(second, data={"password": new, "again": "different one!!"}).status_code == 422
    assert anon.post(second, data={"password": "short", "again": "short"}).status_code == 422
    done = anon.post(second, data={"password": new, "again": new})
    assert done.status_code == 303
    assert _login(world, "pa@x.test", new) == 200
    assert (
        anon.post(
            second, data={"password": "another one here", "again": "another one here"}
        ).status_code
        == 404
    )
    assert anon.get(second).status_code == 404
    log = world.admin.get("/api/audit").json()
    routes = {e["route"] for e in log}
    assert {"account: force password reset", "account: password reset completed"} <= routes


def test_admin_pages(world: World) -> None:
    page = world.admin.get("/admin/accounts")
    assert page.status_code == 200 and "pa@x.test" in page.text
    uid = _id(world, "b@x.test")
    got = world.admin.post(f"/admin/accounts/{uid}/disable", data={})
    assert got.status_code == 200 and "b@x.test is disabled" in got.text
    got = world.admin.post(f"/admin/accounts/{uid}/reset", data={})
    assert "/reset/" in got.text
    me = _id(world, "admin@x.test")
    got = world.admin.post(f"/admin/accounts/{me}/role", data={"role": "clinician"})
    assert got.status_code == 409 and "last active admin" in got.text
    assert world.clinician_a.get("/admin/accounts").status_code == 403
