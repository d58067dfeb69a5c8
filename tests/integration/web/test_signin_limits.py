"""Sign-in limits that nobody can turn into a lock-out (issue 12, point 1): delays that double
per failure and end, known devices of an account exempt from the account-wide delay, password
spraying limited per address and across addresses, X-Forwarded-For believed only from configured
proxies, and argon2 work bounded by a semaphore. State lives in the database (every worker)."""

from __future__ import annotations

import threading
import time
from contextlib import closing
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from lumbo.services import accounts
from lumbo.services.errors import NotAuthenticated, RateLimited
from lumbo.settings import Settings
from lumbo.store.web_tables import LoginFailureRow
from lumbo.web import auth
from lumbo.web.app import create_app
from lumbo.web.client import address_of
from tests.integration.jobs.procs import CLINICIAN as PROC_CLINICIAN
from tests.integration.jobs.procs import Server, base_env, create_clinician
from tests.integration.web.conftest import make_settings
from tests.integration.web.world import PASSWORD, World

WRONG = "wrong password!"


def _age_failures(world: World, seconds: float) -> None:
    """Move every stored failure ``seconds`` into the past (as if that time had passed)."""
    with world.ctx.store.uow() as uow:
        for row in uow.session.scalars(select(LoginFailureRow)).all():
            row.at = row.at - timedelta(seconds=seconds)
        uow.commit()


def test_failures_from_many_addresses_delay_but_never_lock_the_account(world: World) -> None:
    store, settings = world.ctx.store, world.ctx.settings
    device = accounts.login(store, settings, "b@x.test", PASSWORD, "10.1.1.1").device
    for i in range(settings.login_failures_per_account):
        with pytest.raises(NotAuthenticated):
            accounts.login(store, settings, "b@x.test", WRONG, f"10.0.0.{i}")
    # A new device waits a short, bounded delay ...
    with pytest.raises(RateLimited) as limited:
        accounts.login(store, settings, "b@x.test", PASSWORD, "10.9.9.9")
    assert 1 <= limited.value.retry_after_s <= settings.login_backoff_max_s
    # ... the owner's known device signs in at once, whatever the attacker did ...
    assert accounts.login(store, settings, "b@x.test", PASSWORD, "10.9.9.8", device).user.email
    # ... and once the delay has passed (not the whole window) anyone with the password can.
    _age_failures(world, limited.value.retry_after_s + 1)
    assert accounts.login(store, settings, "b@x.test", PASSWORD, "10.9.9.9").user.email


def test_a_forged_device_cookie_is_no_known_device(world: World) -> None:
    store, settings = world.ctx.store, world.ctx.settings
    other = accounts.login(store, settings, "a@x.test", PASSWORD, "10.1.1.1").device
    for i in range(settings.login_failures_per_account):
        with pytest.raises(NotAuthenticated):
            accounts.login(store, settings, "b@x.test", WRONG, f"10.0.0.{i}")
    for forged in (other, "x.y", "nonce." + "0" * 64, None):
        with pytest.raises(RateLimited):
            accounts.login(store, settings, "b@x.test", PASSWORD, "10.9.9.9", forged)


def test_the_delay_doubles_with_each_failure_up_to_the_cap(world: World) -> None:
    settings = world.ctx.settings
    waits = [
        accounts.backoff_s(settings, n, settings.login_failures_per_account_ip)
        for n in range(3, 20)
    ]
    assert waits[:4] == [0.0, 0.0, 30.0, 60.0]
    assert max(waits) == settings.login_backoff_max_s and waits == sorted(waits)


def test_the_device_cookie_is_set_at_sign_in_and_passes_the_account_delay(world: World) -> None:
    client = TestClient(world.app)
    got = client.post("/api/auth/login", json={"email": "b@x.test", "password": PASSWORD})
    assert got.status_code == 200 and auth.DEVICE_COOKIE in client.cookies
    store, settings = world.ctx.store, world.ctx.settings
    for i in range(settings.login_failures_per_account):
        with pytest.raises(NotAuthenticated):
            accounts.login(store, settings, "b@x.test", WRONG, f"10.0.0.{i}")
    stranger = TestClient(world.app)
    assert (
        stranger.post(
            "/api/auth/login", json={"email": "b@x.test", "password": PASSWORD}
        ).status_code
        == 429
    )
    again = client.post("/api/auth/login", json={"email": "b@x.test", "password": PASSWORD})
    assert again.status_code == 200, again.text


def test_password_spraying_from_one_address_is_slowed(world: World, tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path / "s", world.ctx.settings.database_url, login_failures_per_address=6
    )
    store = world.ctx.store
    for i in range(6):  # one guess per account: no account reaches its own limit
        with pytest.raises(NotAuthenticated):
            accounts.login(store, settings, f"user{i}@x.test", WRONG, "10.6.6.6")
    with pytest.raises(RateLimited):
        accounts.login(store, settings, "a@x.test", PASSWORD, "10.6.6.6")
    assert (
        accounts.login(store, settings, "a@x.test", PASSWORD, "10.7.7.7").user.email == "a@x.test"
    )


def test_spraying_across_addresses_is_slowed_but_known_devices_pass(
    world: World, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path / "s", world.ctx.settings.database_url, login_failures_global=8
    )
    store = world.ctx.store
    device = accounts.login(store, settings, "a@x.test", PASSWORD, "10.1.1.1").device
    for i in range(8):
        with pytest.raises(NotAuthenticated):
            accounts.login(store, settings, f"user{i}@x.test", WRONG, f"10.8.0.{i}")
    with pytest.raises(RateLimited):
        accounts.login(store, settings, "b@x.test", PASSWORD, "10.9.0.1")
    assert accounts.login(store, settings, "a@x.test", PASSWORD, "10.9.0.2", device).user


@pytest.mark.parametrize(
    ("peer", "header", "proxies", "expected"),
    [
        ("127.0.0.1", "1.2.3.4", "", "127.0.0.1"),  # no proxy configured: the header is ignored
        ("203.0.113.9", "1.2.3.4", "10.0.0.1", "203.0.113.9"),  # not from the proxy
        ("10.0.0.1", "1.2.3.4", "10.0.0.1", "1.2.3.4"),
        ("10.0.0.1", "6.6.6.6, 1.2.3.4", "10.0.0.1", "1.2.3.4"),  # the client's own entry is not
        ("10.0.0.1", "1.2.3.4, 10.0.0.2", "10.0.0.0/24", "1.2.3.4"),  # proxies skipped
        ("10.0.0.1", "not-an-ip", "10.0.0.1", "10.0.0.1"),
        ("10.0.0.1", None, "10.0.0.1", "10.0.0.1"),
    ],
)
def test_the_client_address_trusts_forwarded_headers_only_from_proxies(
    peer: str, header: str | None, proxies: str, expected: str
) -> None:
    networks = tuple(ip_network(p) for p in proxies.split(",") if p)
    assert address_of(peer, header, networks) == expected


def test_trusted_proxies_setting(tmp_path: Path) -> None:
    env = {"LUMBO_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(env).trusted_proxies == ()
    got = Settings.from_env({**env, "LUMBO_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/24"})
    assert [str(n) for n in got.trusted_proxies] == ["10.0.0.1/32", "192.168.0.0/24"]


@pytest.mark.slow
def test_a_real_server_ignores_forged_forwarded_for(tmp_path: Path) -> None:
    """Through uvicorn (which by default believes X-Forwarded-For from 127.0.0.1): changing the
    header does not give a fresh address to the per-address limit."""
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'lumbo.db'}"
    data.mkdir()
    create_clinician(data, url)
    server = Server(base_env(data, url), tmp_path / "serve.log")
    try:
        server.wait_ready()
        with closing(httpx.Client(base_url=server.url, timeout=30)) as http:
            statuses = [
                http.post(
                    "/api/auth/login",
                    json={"email": PROC_CLINICIAN, "password": WRONG},
                    headers={"X-Forwarded-For": f"198.51.100.{i}"},
                ).status_code
                for i in range(7)
            ]
        assert statuses[:5] == [401] * 5 and 429 in statuses[5:], statuses
    finally:
        server.stop()


def test_concurrent_password_hashing_is_bounded(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """16 sign-ins at once: never more than ``hashing_slots`` argon2 computations together."""
    running = 0
    most = 0
    lock = threading.Lock()
    verify = PasswordHasher.verify

    def counted(self: PasswordHasher, hash: str, password: str) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.05)
            return verify(self, hash, password)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    store, settings = world.ctx.store, world.ctx.settings
    threads = [
        threading.Thread(
            target=lambda i=i: accounts.login(store, settings, "a@x.test", PASSWORD, f"10.2.0.{i}")
        )
        for i in range(16)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert 1 <= most <= settings.hashing_slots


def test_a_second_worker_sees_the_same_delay(world: World, tmp_path: Path) -> None:
    client = TestClient(world.app)
    for _ in range(5):
        client.post("/api/auth/login", json={"email": "a@x.test", "password": WRONG})
    other = create_app(make_settings(tmp_path / "w2", world.ctx.settings.database_url))
    try:
        again = TestClient(other).post(
            "/api/auth/login", json={"email": "a@x.test", "password": PASSWORD}
        )
        assert again.status_code == 429 and int(again.headers["retry-after"]) >= 1
    finally:
        other.state.lumbo.store.close()
