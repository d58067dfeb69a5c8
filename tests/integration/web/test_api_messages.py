"""The API's error messages read as words (issue 15): no CLI command, internal id, Python repr or
``snake_case``/finding code in a 422, 404 or 409 message. Field names stay where a client reads
them, in ``loc``; only the human-readable text is scanned (tests/e2e/web/text_scan.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from lumbo.cli.demo import example_intake_text
from tests.e2e.web.text_scan import problems
from tests.integration.web.world import World


def _intake(person_id: str, **red_flags: bool) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(example_intake_text())
    doc["person"]["id"] = person_id
    doc["red_flags"].update(red_flags)
    return doc


# The allowed values a 422 lists ("must be one of trunk_flexion, rotation") are the tokens an API
# client must send verbatim (DESIGN.md's JSON contracts), like the field names in ``loc``: the
# words around them are scanned, the list itself is not.
ALLOWED = re.compile(r"(must be one of|allowed values?:?)\s+[\w, ]+", re.IGNORECASE)


def messages(detail: Any) -> list[str]:
    """Every human-readable text in an error body's ``detail``, never a ``loc`` or a ``type``."""
    if isinstance(detail, str):
        return [ALLOWED.sub(r"\1 <values>", detail)]
    if isinstance(detail, list):
        return [m for item in detail for m in messages(item)]
    if isinstance(detail, dict):
        texts = [str(detail[k]) for k in ("msg", "message") if k in detail]
        return [t for x in texts + [str(r) for r in detail.get("reasons", [])] for t in messages(x)]
    return []


def _bad_measurement(world: World) -> tuple[str, str, Any]:
    return "POST", f"/api/patients/{world.person_a}/measurements", {"movement": 3, "result": {}}


def _unknown_movement(world: World) -> tuple[str, str, Any]:
    body = {"movement": "no_such_move", "result": {"x": 1}}
    return "POST", f"/api/patients/{world.person_a}/measurements", body


def _bad_intake(world: World) -> tuple[str, str, Any]:
    doc = _intake("api-msg-bad")
    doc["person"]["age"] = 300
    return "POST", "/api/patients", doc


def _no_patient(world: World) -> tuple[str, str, Any]:
    return "GET", "/api/patients/no-such-person/plan", None


def _no_job(world: World) -> tuple[str, str, Any]:
    return "GET", "/api/jobs/no-such-job", None


def _enrolled_twice(world: World) -> tuple[str, str, Any]:
    doc = _intake("api-msg-twice")
    assert world.clinician_a.post("/api/patients", json=doc).status_code == 201
    return "POST", "/api/patients", doc


def _referral_plan(world: World) -> tuple[str, str, Any]:
    made = world.clinician_a.post(
        "/api/patients", json=_intake("api-msg-referral", saddle_anaesthesia=True)
    )
    assert made.status_code == 201, made.text
    return "GET", f"/api/patients/{made.json()['person_id']}/plan", None


# (name, the request, expected status)
CASES = [
    ("wrong type in a measurement", _bad_measurement, 422),
    ("unknown movement", _unknown_movement, 422),
    ("impossible age in an intake", _bad_intake, 422),
    ("unknown patient", _no_patient, 404),
    ("unknown job", _no_job, 404),
    ("enrolled twice", _enrolled_twice, 409),
    ("plan withheld by a referral", _referral_plan, 409),
]


@pytest.mark.parametrize(("name", "make", "status"), CASES, ids=[c[0] for c in CASES])
def test_api_error_messages_are_words(world: World, name: str, make: Any, status: int) -> None:
    method, path, body = make(world)
    got = world.clinician_a.request(method, path, json=body)
    assert got.status_code == status, got.text
    said = messages(got.json()["detail"])
    assert said and all(s.strip() for s in said), got.text
    bad = [p for s in said for p in problems(s, "clinician")]
    assert not bad, f"{name}: {bad}"


def test_only_the_allowed_values_are_left_unscanned() -> None:
    said = messages(
        [{"loc": ["body", "movement"], "msg": "must be one of trunk_flexion, rotation"}]
    )
    assert said == ["must be one of <values>"]
    assert problems(messages("no row for person_id 'SEGMENTAL_HYPERMOBILITY'")[0])
