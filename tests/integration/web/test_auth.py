"""Accounts and sessions: argon2id hashes, cookie flags, sign-out revocation, CSRF, login rate
limits stored in the database (so every worker sees them), settings and error bodies."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lumbo.domain.errors import InvalidInput
from lumbo.services import accounts
from lumbo.services.errors import NotAuthenticated, RateLimited
from lumbo.settings import PasswordHashing, Settings
from lumbo.web import auth
from lumbo.web.app import create_app
from tests.integration.web.conftest import make_settings
from tests.integration.web.world import PASSWORD, Client, World, signed_in


def _cookie_headers(response: object) -> dict[str, str]:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return {h.split("=", 1)[0]: h.lower() for h in headers}


def test_sign_in_sets_safe_cookies_and_sign_out_revokes_the_session(world: World) -> None:
    client = Client(world.app)
    got = client.post("/api/auth/login", json={"email": "A@x.test ", "password": PASSWORD})
    assert got.status_code == 200
    cookies = _cookie_headers(got)
    assert (
        "httponly" in cookies[auth.SESSION_COOKIE]
        and "samesite=lax" in cookies[auth.SESSION_COOKIE]
    )
    assert (
        "httponly" not in cookies[auth.CSRF_COOKIE]
        and "samesite=strict" in cookies[auth.CSRF_COOKIE]
    )
    assert "secure" not in cookies[auth.SESSION_COOKIE]
    client.csrf = got.json()["csrf_token"]
    token = client.cookies[auth.SESSION_COOKIE]
    assert client.get("/api/auth/me").json()["email"] == "a@x.test"
    with world.ctx.store.uow() as uow:
        stored = uow.accounts.user_by_email("a@x.test")
    assert stored is not None and stored.password_hash.startswith("$argon2id$")
    assert client.post("/api/auth/logout").status_code == 204
    replayed = TestClient(world.app, cookies={auth.SESSION_COOKIE: token})
    assert replayed.get("/api/auth/me").status_code == 401


def test_secure_cookies_when_configured(world: World, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "s", world.ctx.settings.database_url, cookie_secure=True)
    app = create_app(settings)
    try:
        got = TestClient(app).post(
            "/api/auth/login", json={"email": "a@x.test", "password": PASSWORD}
        )
        assert all("secure" in h for h in _cookie_headers(got).values())
    finally:
        app.state.lumbo.store.close()


def test_unsafe_requests_need_the_sessions_csrf_token(world: World) -> None:
    c = world.clinician_a
    url = f"/api/patients/{world.person_a}/measurements"
    body = {"movement": "forward_bend", "result": {}}
    before = world.row_counts()
    assert c.post(url, json=body, headers={"X-CSRF-Token": ""}).status_code == 403
    assert (
        c.post(url, json=body, headers={"X-CSRF-Token": world.patient_a.csrf or ""}).status_code
        == 403
    )
    assert world.row_counts() == before
    # A form post carries the token as a field.
    bare = TestClient(world.app, cookies=dict(c.cookies))
    assert bare.post("/api/auth/logout", data={"csrf_token": "wrong"}).status_code == 403
    assert bare.post("/api/auth/logout", data={"csrf_token": c.csrf}).status_code == 204
    assert c.get("/api/auth/me").status_code == 401


def test_failed_sign_ins_are_limited_per_account_and_address_across_workers(
    world: World, tmp_path: Path
) -> None:
    client = TestClient(world.app)
    for _ in range(5):
        wrong = client.post(
            "/api/auth/login", json={"email": "a@x.test", "password": "wrong password!"}
        )
        assert wrong.status_code == 401
    unknown = client.post(
        "/api/auth/login", json={"email": "nobody@x.test", "password": "whatever it is"}
    )
    assert unknown.status_code == 401 and unknown.json() == wrong.json()
    limited = client.post("/api/auth/login", json={"email": "a@x.test", "password": PASSWORD})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    # A second app on the same database (another worker) sees the same failures.
    other = create_app(make_settings(tmp_path / "w2", world.ctx.settings.database_url))
    try:
        again = TestClient(other).post(
            "/api/auth/login", json={"email": "a@x.test", "password": PASSWORD}
        )
        assert again.status_code == 429
    finally:
        other.state.lumbo.store.close()
    # Other accounts are unaffected.
    assert signed_in(world.app, "b@x.test").get("/api/auth/me").status_code == 200


def test_failures_from_many_addresses_lock_the_account(world: World) -> None:
    store, settings = world.ctx.store, world.ctx.settings
    for i in range(settings.login_failures_per_account):
        with pytest.raises(NotAuthenticated):
            accounts.login(store, settings, "b@x.test", "wrong password!", f"10.0.0.{i}")
    with pytest.raises(RateLimited):
        accounts.login(store, settings, "b@x.test", PASSWORD, "10.9.9.9")


def test_outdated_hashes_are_upgraded_at_sign_in(world: World) -> None:
    store = world.ctx.store
    weak = Settings(**{**_fields(world.ctx.settings), "hashing": PasswordHashing(1, 512, 1)})
    accounts.create_user(store, weak, email="old@x.test", password=PASSWORD, role="clinician")
    accounts.login(store, world.ctx.settings, "old@x.test", PASSWORD, "1.2.3.4")
    with store.uow() as uow:
        user = uow.accounts.user_by_email("old@x.test")
    assert user is not None and "m=1024" in user.password_hash


def _fields(settings: Settings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in Settings.__dataclass_fields__}


def test_accounts_are_validated(world: World) -> None:
    store, settings = world.ctx.store, world.ctx.settings
    with pytest.raises(InvalidInput) as err:
        accounts.create_user(
            store, settings, email="not-an-email", password="short", role="clinician"
        )
    assert {p.path for p in err.value.problems} == {"email", "password"}
    with pytest.raises(InvalidInput):
        accounts.create_user(store, settings, email="p@x.test", password=PASSWORD, role="patient")
    got = world.admin.post(
        "/api/users", json={"email": "a@x.test", "password": PASSWORD, "role": "clinician"}
    )
    assert got.status_code == 409
    made = world.admin.post(
        "/api/users", json={"email": "c@x.test", "password": PASSWORD, "role": "clinician"}
    )
    assert made.status_code == 201 and "password_hash" not in made.json()
    assert "c@x.test" in {u["email"] for u in world.admin.get("/api/users").json()}


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    env = {"LUMBO_DATA_DIR": str(tmp_path / "d")}
    first = Settings.from_env(env)
    second = Settings.from_env(env)
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    key_file = tmp_path / "d" / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert Settings.from_env({"LUMBO_DATA_DIR": str(tmp_path / "e")}).secret_key != first.secret_key
    assert first.database_url == f"sqlite:///{tmp_path / 'd' / 'lumbo.db'}"
    for name, bad in (
        ("LUMBO_SECRET_KEY", "short"),
        ("LUMBO_PORT", "eighty"),
        ("LUMBO_COOKIE_SECURE", "maybe"),
        ("LUMBO_DATABASE_URL", "mysql://u@h/db"),
    ):
        with pytest.raises(InvalidInput) as err:
            Settings.from_env({**env, name: bad})
        assert err.value.problems[0].path == name


def test_internal_errors_answer_500_without_a_trace(app: FastAPI) -> None:
    @app.get("/api/test-boom")
    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    got = TestClient(app, raise_server_exceptions=False).get("/api/test-boom")
    assert got.status_code == 500
    assert "secret" not in got.text and "Traceback" not in got.text
    assert got.json() == {"detail": "internal error; the cause is in the server log"}
