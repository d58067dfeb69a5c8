"""Password rules (issue 12, point 9): length, then zxcvbn's estimate with its shipped lists of
common passwords and words, plus the account's own e-mail and lumbo's words."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lumbo.cli.demo import example_intake_text
from lumbo.domain.errors import InvalidInput
from lumbo.services import accounts
from tests.integration.web.world import World


def _intake() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(example_intake_text())
    doc["person"]["id"] = "probe-1"
    return doc


@pytest.mark.parametrize(
    ("password", "email", "refused"),
    [
        ("short", "a@x.test", True),  # length
        ("password1234", "a@x.test", True),  # a very common password
        ("qwertyuiop12", "a@x.test", True),  # keyboard pattern
        ("iloveyou2026", "a@x.test", True),  # common phrase and a year
        ("annasmith2026", "anna.smith@clinic.org", True),  # the account's own name
        ("anna.smith@clinic.org", "anna.smith@clinic.org", True),  # the e-mail itself
        ("lumbopatient1", "p@x.test", True),  # the product's own words
        ("correct horse battery", "a@x.test", False),
        ("tangerine-kayak-violet", "anna@clinic.org", False),
        ("x" * 1025, "a@x.test", True),
    ],
)
def test_password_rules(password: str, email: str, refused: bool) -> None:
    assert (accounts.password_problem(password, email, "clinician") is not None) is refused


def test_weak_passwords_are_refused_with_the_field_named(world: World) -> None:
    got = world.admin.post(
        "/api/users", json={"email": "n@x.test", "password": "password1234", "role": "clinician"}
    )
    assert got.status_code == 422 and got.json()["detail"][0]["loc"] == ["body", "password"]
    assert "guess" in got.json()["detail"][0]["msg"]
    with pytest.raises(InvalidInput):
        accounts.create_user(
            world.ctx.store,
            world.ctx.settings,
            email="m@x.test",
            password="m@x.test1234",
            role="clinician",
        )


def test_clinicians_cannot_tell_whether_an_e_mail_has_an_account(world: World) -> None:
    """A taken e-mail and a patient who already has a login get the same answer."""
    enrolled = world.clinician_a.post("/api/patients", json=_intake()).json()["person_id"]
    taken = world.clinician_a.post(
        f"/api/patients/{enrolled}/account",
        json={"email": "b@x.test", "password": "tangerine-kayak-violet"},
    )
    has_login = world.clinician_a.post(
        f"/api/patients/{world.person_a}/account",
        json={"email": "fresh@x.test", "password": "tangerine-kayak-violet"},
    )
    assert taken.status_code == has_login.status_code == 409
    assert taken.json() == has_login.json() and "b@x.test" not in taken.text
