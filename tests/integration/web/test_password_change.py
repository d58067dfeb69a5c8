"""A signed-in person changes their own password (issue 16): the current password, the new one
under the password rules, its confirmation; other sign-ins end, this one stays; wrong current
passwords count as failed sign-ins (the same limits); every attempt is audited. SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from lumbo.domain.errors import InvalidInput
from lumbo.services import accounts
from tests.integration.web.world import PASSWORD, World, signed_in

NEW = "tangerine kayak violet"


def _change(w: World, client: Any, **form: str) -> Any:
    data = {"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW, **form}
    return client.post("/account/password", data=data)


def _audited(w: World, outcome: str) -> int:
    listed = w.admin.get("/api/audit", params={"limit": 1000}).json()
    return sum(e["route"] == "account:password_change" and e["outcome"] == outcome for e in listed)


def test_the_page_changes_the_password_and_signs_out_the_other_sessions(world: World) -> None:
    w = world
    other_phone = signed_in(w.app, "pa@x.test")  # the same patient on a second device
    assert other_phone.get("/api/auth/me").status_code == 200
    page = w.patient_a.get("/account/password")
    assert page.status_code == 200 and "signs you out on every other" in page.text
    done = _change(w, w.patient_a)
    assert done.status_code == 200, done.text
    assert "Your password is changed" in done.text and "signed out on your other" in done.text
    assert "(1 sign-in)" in done.text
    assert w.patient_a.get("/api/auth/me").status_code == 200  # this session stays
    assert other_phone.get("/api/auth/me").status_code == 401  # the other one ended
    assert (
        w.anonymous()
        .post("/api/auth/login", json={"email": "pa@x.test", "password": PASSWORD})
        .status_code
        == 401
    )
    signed_in(w.app, "pa@x.test", NEW)  # the new password works
    assert w.patient_b.get("/api/auth/me").status_code == 200  # nobody else is touched
    assert _audited(w, "allowed") == 1


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        ({"current_password": "not my password"}, "current", "you typed is not right"),
        ({"current_password": ""}, "current", "you typed is not right"),
        ({"new_password": "short", "confirm_password": "short"}, "new", "10 to 1024"),
        ({"new_password": "password1234", "confirm_password": "password1234"}, "new", "guess"),
        ({"new_password": PASSWORD, "confirm_password": PASSWORD}, "new", "must differ"),
        ({"confirm_password": NEW + "x"}, "confirm", "repeat the new password"),
        ({"new_password": "", "confirm_password": ""}, "new", "must be filled in"),
    ],
    ids=["wrong-current", "no-current", "short", "common", "unchanged", "mismatch", "empty"],
)
def test_bad_input_names_the_field_and_changes_nothing(
    world: World, form: dict[str, str], field: str, words: str
) -> None:
    w = world
    other_phone = signed_in(w.app, "pa@x.test")
    got = _change(w, w.patient_a, **form)
    assert got.status_code == 422
    label = {"current": "The current password", "new": "The new password",
             "confirm": "The repeated password"}[field]  # fmt: skip
    assert label in got.text and words in got.text
    assert other_phone.get("/api/auth/me").status_code == 200  # nothing ended
    signed_in(w.app, "pa@x.test", PASSWORD)  # the old password still works
    assert _audited(w, "allowed") == 0


def test_wrong_current_passwords_are_rate_limited_like_sign_in(world: World) -> None:
    w = world
    settings = w.ctx.settings
    for _ in range(settings.login_failures_per_account_ip):
        assert _change(w, w.patient_a, current_password="guess again").status_code == 422
    held = _change(w, w.patient_a)  # even the right password waits now
    assert held.status_code == 429 and int(held.headers["Retry-After"]) > 0
    assert "Too many wrong passwords" in held.text
    assert _audited(w, "denied") == settings.login_failures_per_account_ip + 1
    # the failures are sign-in failures: the sign-in page from this address waits too
    login = w.anonymous().post("/api/auth/login", json={"email": "pa@x.test", "password": "x"})
    assert login.status_code == 429


def test_the_service_refuses_without_a_session_and_says_which_field(world: World) -> None:
    from lumbo.services.errors import NotAuthenticated

    ctx = world.ctx
    with pytest.raises(NotAuthenticated):
        accounts.change_password(ctx.store, ctx.settings, "no-such-session", PASSWORD, NEW, NEW,
                                 "127.0.0.1")  # fmt: skip
    signed = accounts.login(ctx.store, ctx.settings, "pb@x.test", PASSWORD, "10.0.0.9")
    hashed = accounts.session_hash(signed.token)
    with pytest.raises(InvalidInput) as bad:
        accounts.change_password(ctx.store, ctx.settings, hashed, "nope", "x", "y", "10.0.0.9")
    assert [p.path for p in bad.value.problems] == [
        "current_password", "new_password", "confirm_password"
    ]  # fmt: skip
    changed = accounts.change_password(ctx.store, ctx.settings, hashed, PASSWORD, NEW, NEW,
                                       "10.0.0.9")  # fmt: skip
    assert changed.user.email == "pb@x.test"
    assert changed.other_sessions_ended == 1  # the world's patient_b client
    with pytest.raises(InvalidInput) as old:  # the old password is no longer the current one
        accounts.change_password(ctx.store, ctx.settings, hashed, PASSWORD, NEW + " two",
                                 NEW + " two", "10.0.0.9")  # fmt: skip
    assert [p.path for p in old.value.problems] == ["current_password"]
