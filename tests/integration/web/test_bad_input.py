"""Inputs that used to crash the server (issue 12, point 2): each is a 4xx naming the field, on
SQLite and on PostgreSQL, nothing is written and the log gets no stack trace."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lumbo.cli.demo import example_intake_text
from tests.integration.web.world import World

JSON = {"content-type": "application/json"}


def _checkin(on: str = "2026-12-01", extra: str = "") -> bytes:
    head = '{"checkin_id": "chk-00001", "on": "' + on + '", "pain": 1, "stiffness": 1'
    return (head + extra + "}").encode()


def _session(performed_on: str) -> dict[str, Any]:
    return {
        "session_id": "sess-bad-date",
        "week": 1,
        "session_index": 1,
        "performed_on": performed_on,
        "blocks": [{"technique": "x", "completed_sets": 1, "pain_during": 1, "pain_after": 1}],
    }


# (name, signed in?, method, path, raw body or JSON, content type, expected status, field loc)
CASES: list[tuple[str, bool, str, str, Any, str, int, list[Any]]] = [
    (
        "NaN e-mail",
        False,
        "POST",
        "/api/auth/login",
        b'{"email": NaN, "password": "x"}',
        "application/json",
        422,
        ["body", "email"],
    ),
    (
        "Infinity password",
        False,
        "POST",
        "/api/auth/login",
        b'{"email": "a@x.test", "password": -Infinity}',
        "application/json",
        422,
        ["body", "password"],
    ),
    (
        "lone surrogate",
        False,
        "POST",
        "/api/auth/login",
        b'{"email": "\\ud800", "password": "x"}',
        "application/json",
        422,
        ["body", "email"],
    ),
    (
        "surrogate in a key",
        True,
        "POST",
        "/api/patients/{p}/measurements",
        b'{"movement": "trunk_flexion", "result": {"\\udfff": 1}}',
        "application/json",
        422,
        ["body", "result"],
    ),
    (
        "NaN in a measurement",
        True,
        "POST",
        "/api/patients/{p}/measurements",
        b'{"movement": "trunk_flexion", "result": {"peak_deg": NaN}}',
        "application/json",
        422,
        ["body", "result", "peak_deg"],
    ),
    (
        "date 9999-12-31",
        True,
        "POST",
        "/api/patients/{p}/checkins",
        _checkin("9999-12-31"),
        "application/json",
        422,
        ["body", "on"],
    ),
    (
        "date year 1",
        True,
        "POST",
        "/api/patients/{p}/sessions",
        _session("0001-01-01"),
        "",
        422,
        ["body", "performed_on"],
    ),
    (
        "date 9999 session",
        True,
        "POST",
        "/api/patients/{p}/sessions",
        _session("9999-12-31"),
        "",
        422,
        ["body", "performed_on"],
    ),
    (
        "long check-in session id",
        True,
        "POST",
        "/api/patients/{p}/checkins",
        _checkin(extra=', "session_id": "' + "s" * 300 + '"'),
        "application/json",
        422,
        ["body", "session_id"],
    ),
    (
        "37-char patient id",
        True,
        "GET",
        "/api/patients/" + "a" * 37,
        None,
        "",
        422,
        ["path", "person_id"],
    ),
    (
        "64-char patient id",
        True,
        "GET",
        "/api/patients/" + "b" * 64 + "/plan",
        None,
        "",
        422,
        ["path", "person_id"],
    ),
    ("64-char job id", True, "GET", "/api/jobs/" + "c" * 64, None, "", 422, ["path", "job_id"]),
    (
        "deep JSON",
        True,
        "POST",
        "/api/patients/{p}/measurements",
        b'{"movement": "trunk_flexion", "result": ' + b'{"a": ' * 300 + b"1" + b"}" * 301,
        "application/json",
        422,
        ["body", "result"],
    ),
]


@pytest.mark.parametrize(
    ("name", "signed", "method", "path", "body", "ctype", "status", "loc"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_bad_input_is_a_4xx_naming_the_field(
    world: World,
    caplog: pytest.LogCaptureFixture,
    name: str,
    signed: bool,
    method: str,
    path: str,
    body: Any,
    ctype: str,
    status: int,
    loc: list[Any],
) -> None:
    client = world.clinician_a if signed else TestClient(world.app)
    url = path.replace("{p}", world.person_a)
    before = world.row_counts()
    with caplog.at_level(logging.INFO):
        if isinstance(body, bytes):
            got = client.request(method, url, content=body, headers={"content-type": ctype})
        elif body is not None:
            got = client.request(method, url, json=body)
        else:
            got = client.request(method, url)
    assert got.status_code == status, got.text
    detail = got.json()["detail"]
    assert any(d["loc"][: len(loc)] == loc for d in detail), detail
    assert world.row_counts() == before or name.endswith("patient id") or "job id" in name
    assert not [r for r in caplog.records if r.exc_info], "a stack trace was logged"


@pytest.mark.parametrize("path", ["/login", "/api/auth/logout"])
def test_more_than_a_thousand_form_fields_is_a_4xx(world: World, path: str) -> None:
    fields = "&".join(f"f{i}=1" for i in range(1500)).encode()
    client = world.clinician_a if path.startswith("/api") else TestClient(world.app)
    got = client.post(
        path, content=fields, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert got.status_code == 413, got.text
    parts = b"".join(
        b'--B\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n1\r\n' % i for i in range(1500)
    )
    got = client.post(
        path,
        content=parts + b"--B--\r\n",
        headers={"content-type": "multipart/form-data; boundary=B"},
    )
    assert 400 <= got.status_code < 500, got.text


def test_a_year_one_intake_start_is_refused(world: World) -> None:
    intake = json.loads(example_intake_text())
    intake.setdefault("preferences", {})["start_date"] = "0001-01-01"
    got = world.clinician_a.post("/api/patients", json=intake)
    assert got.status_code == 422
    assert any(d["loc"][-1] == "start_date" for d in got.json()["detail"])
