"""Authorization of every patient-data route, generated from the app's route table.

Every API route must be classified below. A route whose path carries a patient-scoped parameter
(``person_id``, ``job_id``) must answer 401 without a session, 404 for another clinician's or
patient's ids (exactly as for an unknown id), write nothing when refused, and audit the attempt;
its owner gets through. A new route that is not in the tables fails these tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute

from lumbo.cli.demo import example_intake_text
from tests.integration.web.world import Client, World

SCOPED_PARAMS = frozenset({"person_id", "job_id"})
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64

Kwargs = dict[str, Any]
Body = Callable[[World, str], Kwargs]


def _none(_w: World, _p: str) -> Kwargs:
    return {}


def _intake(_w: World, _p: str) -> Kwargs:
    return {"content": example_intake_text(), "headers": {"content-type": "application/json"}}


def _plan_version(w: World, person: str) -> int:
    return int(w.clinician_a.get(f"/api/patients/{w.person_a}/plan").json()["version"])


def _swap(w: World, person: str) -> Kwargs:
    return {
        "json": {
            "plan_version": _plan_version(w, person),
            "technique": "paraspinal-glide-band",
            "replacement": "hip-hinge-training",
            "from_week": 2,
        }
    }


def _questionnaire(w: World, person: str) -> Kwargs:
    return {
        "json": {
            "response_id": "authz-questionnaire-1",
            "kind": "reassessment",
            "week": 4,
            "answers": {"nprs": 3},
        }
    }


def _approve(w: World, person: str) -> Kwargs:
    return {"json": {"plan_version": _plan_version(w, person)}}


def _session(w: World, person: str) -> Kwargs:
    today = w.clinician_a.get(f"/api/patients/{w.person_a}/today").json()
    block = today["session"]["blocks"][0]
    return {
        "json": {
            "session_id": "authz-session-1",
            "week": today["week"],
            "session_index": today["session"]["index"],
            "performed_on": today["on"],
            "blocks": [
                {
                    "technique": block["technique"],
                    "completed_sets": 1,
                    "pain_during": 1,
                    "pain_after": 1,
                }
            ],
        }
    }


def _checkin(_w: World, _p: str) -> Kwargs:
    return {
        "json": {"checkin_id": "authz-checkin-1", "on": "2026-01-02", "pain": 2, "stiffness": 3}
    }


def _account(_w: World, _p: str) -> Kwargs:
    return {"json": {"email": "new-patient@x.test", "password": "another long password"}}


def _video(_w: World, _p: str) -> Kwargs:
    return {
        "files": {"file": ("clip.mp4", MP4, "video/mp4")},
        "data": {"movement": "trunk_flexion"},
    }


def _measurement(_w: World, _p: str) -> Kwargs:
    result = {"movement": "trunk_flexion", "view": "side", "summary": {"peak_deg": 40}}
    return {"json": {"movement": "trunk_flexion", "result": result}}


# (method, path) -> (request body builder, clinician only)
SCOPED: dict[tuple[str, str], tuple[Body, bool]] = {
    ("GET", "/api/patients/{person_id}"): (_none, False),
    ("POST", "/api/patients/{person_id}/account"): (_account, True),
    ("GET", "/api/patients/{person_id}/intakes"): (_none, False),
    ("GET", "/api/patients/{person_id}/assessments"): (_none, False),
    ("GET", "/api/patients/{person_id}/plan"): (_none, False),
    ("GET", "/api/patients/{person_id}/plan/versions"): (_none, False),
    ("GET", "/api/patients/{person_id}/today"): (_none, False),
    ("POST", "/api/patients/{person_id}/plan/swap"): (_swap, True),
    ("POST", "/api/patients/{person_id}/plan/approve"): (_approve, True),
    ("POST", "/api/patients/{person_id}/sessions"): (_session, False),
    ("GET", "/api/patients/{person_id}/sessions"): (_none, False),
    ("POST", "/api/patients/{person_id}/checkins"): (_checkin, False),
    ("GET", "/api/patients/{person_id}/checkins"): (_none, False),
    ("POST", "/api/patients/{person_id}/reassessments"): (_intake, True),
    ("GET", "/api/patients/{person_id}/outcomes"): (_none, False),
    ("GET", "/api/patients/{person_id}/progress"): (_none, False),
    ("POST", "/api/patients/{person_id}/videos"): (_video, False),
    ("GET", "/api/patients/{person_id}/videos"): (_none, False),
    ("POST", "/api/patients/{person_id}/measurements"): (_measurement, False),
    ("GET", "/api/patients/{person_id}/measurements"): (_none, False),
    ("GET", "/api/patients/{person_id}/jobs"): (_none, False),
    ("GET", "/api/jobs/{job_id}"): (_none, False),
    ("GET", "/api/patients/{person_id}/fhir"): (_none, False),
    ("GET", "/api/patients/{person_id}/export"): (_none, False),
    ("POST", "/api/patients/{person_id}/questionnaires"): (_questionnaire, False),
    ("GET", "/api/patients/{person_id}/questionnaires"): (_none, False),
    # Server-rendered pages (lumbo.web.pages): same scopes; bodies may be empty, since the scope is
    # checked before the form is read (an empty form is then a 422 page for the owner).
    ("GET", "/patients/{person_id}"): (_none, False),
    ("GET", "/patients/{person_id}/assessment"): (_none, True),
    ("GET", "/patients/{person_id}/plan"): (_none, False),
    ("POST", "/patients/{person_id}/plan/swap"): (_none, True),
    ("POST", "/patients/{person_id}/plan/approve"): (_none, True),
    ("GET", "/patients/{person_id}/progress"): (_none, False),
    ("GET", "/patients/{person_id}/today"): (_none, False),
    ("GET", "/patients/{person_id}/checkin"): (_none, False),
    ("GET", "/patients/{person_id}/questionnaires"): (_none, False),
    ("GET", "/patients/{person_id}/reminders"): (_none, False),
    ("GET", "/patients/{person_id}/lessons"): (_none, False),
    ("POST", "/patients/{person_id}/lessons/{technique_id}/read"): (_none, False),
    ("POST", "/patients/{person_id}/reminders"): (_none, False),
    ("POST", "/patients/{person_id}/calendar"): (_none, False),
    ("POST", "/patients/{person_id}/calendar/revoke"): (_none, False),
    ("POST", "/patients/{person_id}/handout/email"): (_none, False),
    ("POST", "/patients/{person_id}/account/reset-link"): (_none, True),
    ("POST", "/patients/{person_id}/checkin"): (_none, False),
    ("GET", "/patients/{person_id}/videos"): (_none, False),
    ("POST", "/patients/{person_id}/videos"): (_none, False),
    ("POST", "/patients/{person_id}/videos/accept"): (_none, False),
    ("GET", "/patients/{person_id}/data"): (_none, False),
    ("POST", "/patients/{person_id}/erase"): (_none, True),  # an empty confirmation erases nothing
    ("GET", "/patients/{person_id}/handout"): (_none, False),
    ("GET", "/patients/{person_id}/report/assessment"): (_none, True),
    ("GET", "/patients/{person_id}/report/progress"): (_none, False),
    ("GET", "/patients/{person_id}/videos/film"): (_none, False),
    # checking your back again (issue 20): the self-directed person's self-reassessment; a
    # clinician's patient (and the clinician) see that the clinician reassesses (a 409 on post)
    ("GET", "/patients/{person_id}/self-check"): (_none, False),
    ("POST", "/patients/{person_id}/self-check"): (_none, False),
    ("POST", "/patients/{person_id}/videos/check"): (_none, False),
    # the clinic's working day (issue 15): clinician-only pages of one patient
    ("GET", "/patients/{person_id}/account"): (_none, True),
    ("POST", "/patients/{person_id}/account/invite"): (_none, True),  # empty e-mail: 422
    ("POST", "/patients/{person_id}/account/resend"): (_none, True),  # none open: 409
    ("POST", "/patients/{person_id}/account/revoke"): (_none, True),
    ("POST", "/patients/{person_id}/account/disable"): (_none, True),  # unconfirmed: 422
    ("POST", "/patients/{person_id}/account/enable"): (_none, True),
    ("GET", "/patients/{person_id}/referral"): (_none, True),
    ("POST", "/patients/{person_id}/referral"): (_none, True),
    ("GET", "/patients/{person_id}/intake/edit"): (_none, True),
    ("POST", "/patients/{person_id}/intake/preview"): (_none, True),
    ("POST", "/patients/{person_id}/intake/correct"): (_none, True),
    ("GET", "/patients/{person_id}/reassess"): (_none, True),
    ("POST", "/patients/{person_id}/reassess"): (_none, True),
    ("POST", "/patients/{person_id}/plan/dose"): (_none, True),  # no plan version: 422
    ("POST", "/patients/{person_id}/plan/template"): (_none, True),  # no name: 422
    ("POST", "/patients/{person_id}/plan/remove"): (_none, True),  # no plan version: 422
    ("POST", "/patients/{person_id}/plan/add"): (_none, True),  # no plan version: 422
    ("POST", "/patients/{person_id}/plan/move"): (_none, True),  # no plan version: 422
    ("POST", "/patients/{person_id}/plan/apply-template"): (_none, True),  # no template: 422
}

# Patient-id routes that the generic walk cannot exercise (it would erase the owner's patient
# midway, and an admin is meant to reach the admin erasure): their scoping is tested in
# tests/integration/web/test_data_rights.py.
ERASURE: dict[tuple[str, str], str] = {
    ("DELETE", "/api/patients/{person_id}"): "the patient's clinician",
    ("DELETE", "/api/admin/patients/{person_id}"): "admin",
}

# Routes without a patient id: who may call them.
OTHER: dict[tuple[str, str], str] = {
    ("GET", "/api/health"): "public",
    ("POST", "/api/auth/login"): "public",
    ("POST", "/api/auth/logout"): "signed-in",
    ("GET", "/api/auth/me"): "signed-in",
    ("GET", "/api/patients"): "signed-in",  # filtered to the caller's own patients (tested below)
    ("POST", "/api/patients"): "clinician",
    ("POST", "/api/assess"): "clinician",
    ("POST", "/api/plan-preview"): "clinician",
    ("POST", "/api/users"): "admin",
    ("GET", "/api/users"): "admin",
    ("GET", "/api/audit"): "admin",
    # pages
    ("GET", "/"): "signed-in",
    ("GET", "/account"): "signed-in",
    ("GET", "/account/password"): "signed-in",  # one's own password only
    ("POST", "/account/password"): "signed-in",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "signed-in",
    ("GET", "/patients"): "clinician",
    ("GET", "/patients/new"): "clinician",
    ("POST", "/patients/new"): "clinician",
    ("GET", "/techniques/{technique_id}"): "signed-in",
    ("GET", "/techniques"): "signed-in",
    ("GET", "/settings"): "staff",  # clinicians and admins read the clinic setting
    ("POST", "/settings"): "admin",  # only an admin changes it
    # interop, data rights and administration (docs/interop.md)
    ("POST", "/api/fhir/questionnaires"): "clinician",
    ("POST", "/api/fhir/import"): "clinician",
    ("GET", "/api/outcomes"): "clinician",
    ("GET", "/api/research"): "clinician",
    ("POST", "/api/users/{user_id}/disable"): "admin",
    ("POST", "/api/users/{user_id}/enable"): "admin",
    ("POST", "/api/users/{user_id}/reset"): "admin",
    ("PUT", "/api/users/{user_id}/role"): "admin",
    ("DELETE", "/api/users/{user_id}"): "admin",
    ("GET", "/admin/accounts"): "admin",
    ("POST", "/admin/accounts/{user_id}/{action}"): "admin",
    ("GET", "/reset/{token}"): "public",  # the one-time token is the credential
    ("POST", "/reset/{token}"): "public",
    ("GET", "/outcomes"): "clinician",
    ("GET", "/illustrations/{technique_id}.svg"): "signed-in",  # pictures: no patient data
    ("GET", "/manifest.webmanifest"): "public",  # the installable app: no patient data
    ("GET", "/sw.js"): "public",
    ("GET", "/password/forgot"): "public",
    ("POST", "/password/forgot"): "public",  # the same answer whether or not the account exists
    (
        "GET",
        "/calendar/{token}.ics",
    ): "public",  # the unguessable, revocable token is the credential
    ("GET", "/documents/{name}.css"): "public",  # the documents' stylesheets
    # sign-up for individuals (issue 20): off unless settings.signup (then 404)
    ("GET", "/signup"): "public",
    ("POST", "/signup"): "public",
    ("GET", "/signup/confirm/{token}"): "public",  # the signed one-time link is the credential
    ("POST", "/signup/confirm/{token}"): "public",
    ("POST", "/account/erase"): "patient",  # a self-directed person only (others: 409)
    # sharing with a clinician (issue 20): the person's own page; the take-on link's token is
    # the person's consent, and only a signed-in clinician may use it
    ("GET", "/share"): "patient",
    ("POST", "/share/link"): "patient",
    ("POST", "/share/revoke"): "patient",
    ("GET", "/take-on/{token}"): "clinician",
    ("POST", "/take-on/{token}"): "clinician",
    # the guided self-assessment (issue 20): the signed-in person's own draft, no person id
    ("GET", "/start"): "patient",
    ("POST", "/start/answer"): "patient",
    ("POST", "/start/back"): "patient",
    ("POST", "/start/finish"): "patient",
    ("GET", "/start/summary"): "patient",
    ("GET", "/start/film"): "patient",
    ("POST", "/start/film"): "patient",
    ("GET", "/start/video/{video_job}"): "patient",  # the job is opened with its access check
}


def _flat(app: Any) -> list[tuple[str, set[str], bool]]:
    """(path, methods, is an API route) of every route, included routers flattened."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before lazy included routers: app.routes is already flat
        return [(r.path, set(r.methods or ()), isinstance(r, APIRoute)) for r in app.routes]
    return [
        (rc.path, set(rc.methods or ()), isinstance(rc.original_route, APIRoute))
        for rc in iter_route_contexts(app.routes)
    ]


def api_routes(w: World) -> list[tuple[str, str, set[str]]]:
    """Every API route from the app's route table, cross-checked with its OpenAPI document."""
    out = []
    for path, methods, is_api in _flat(w.app):
        if not is_api:
            assert not path.startswith("/api"), path
            continue
        params = set(re.findall(r"{(\w+)", path))
        out.extend((m, path, params) for m in sorted(methods))
    documented = {(m.upper(), path) for path, ops in w.app.openapi()["paths"].items() for m in ops}
    assert documented <= {(m, p) for m, p, _ in out}
    return out


def refused_anonymously(path: str, response: Any) -> bool:
    """The JSON API answers 401; a page sends the browser to the sign-in page."""
    if path.startswith("/api/"):
        return bool(response.status_code == 401)
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def _url(path: str, w: World, owner: bool) -> str:
    person, job = (w.person_a, w.job_a) if owner else (w.person_b, w.job_b)
    return path.replace("{person_id}", person).replace("{job_id}", job)


def _denied_entries(w: World, route: str) -> int:
    listed = w.admin.get("/api/audit", params={"limit": 1000}).json()
    return sum(e["route"] == route and e["outcome"] == "denied" for e in listed)


def test_every_route_is_classified_and_the_tables_are_not_stale(world: World) -> None:
    seen = set()
    for method, path, params in api_routes(world):
        key = (method, path)
        seen.add(key)
        if params & SCOPED_PARAMS:
            assert key in SCOPED or key in ERASURE, (
                f"patient-data route {method} {path} is not in SCOPED"
            )
        else:
            assert key in OTHER, f"route {method} {path} is not classified in OTHER"
    assert set(SCOPED) | set(OTHER) | set(ERASURE) == seen


def test_patient_routes_hide_other_peoples_ids(world: World) -> None:
    w = world
    strangers: list[tuple[str, Client]] = [
        ("clinician b", w.clinician_b),
        ("patient b", w.patient_b),
        ("admin", w.admin),
    ]
    checked = 0
    for method, path, params in api_routes(w):
        if not params & SCOPED_PARAMS or (method, path) in ERASURE:
            continue
        build, clinician_only = SCOPED[(method, path)]
        url = _url(path, w, owner=True)
        # No session: 401 (pages: to the sign-in page), before anything else.
        anonymous = w.anonymous().request(method, url, **build(w, w.person_a))
        assert refused_anonymously(path, anonymous), (method, path, anonymous.status_code)
        # Other people's ids: 404, nothing written, the refusal audited.
        before, denied = w.row_counts(), _denied_entries(w, path)
        for who, client in strangers:
            got = client.request(method, url, **build(w, w.person_a))
            assert got.status_code == 404, (who, method, path, got.status_code, got.text)
        other = w.clinician_a.request(method, _url(path, w, owner=False), **build(w, w.person_b))
        assert other.status_code == 404, (method, path, other.text)
        assert w.row_counts() == before, (method, path)
        assert _denied_entries(w, path) == denied + 4
        # Unknown ids look the same as others' ids.
        unknown = w.clinician_a.request(
            method, re.sub(r"{\w+}", "00000000-0000-0000-0000-000000000000", path), **build(w, "")
        )
        assert unknown.status_code == 404
        # The owner gets through; a patient on a clinician-only route gets 403.
        owner = w.clinician_a.request(method, url, **build(w, w.person_a))
        assert owner.status_code not in (401, 403, 404) and owner.status_code < 500, (
            method,
            path,
            owner.status_code,
            owner.text,
        )
        own_patient = w.patient_a.request(method, url, **build(w, w.person_a))
        if clinician_only:
            assert own_patient.status_code == 403, (method, path, own_patient.text)
        else:
            assert own_patient.status_code not in (401, 403, 404), (method, path, own_patient.text)
        checked += 1
    assert checked == len(SCOPED)


def test_non_scoped_routes_enforce_their_roles(world: World) -> None:
    w = world
    by_role = {
        "admin": w.admin,
        "clinician": w.clinician_a,
        "patient": w.patient_a,
    }
    for (method, path), rule in OTHER.items():
        if rule == "public":
            continue
        kwargs = _intake(w, "") if path in ("/api/assess", "/api/plan-preview") else {}
        path = path.replace("{technique_id}", "cat-camel")
        assert refused_anonymously(path, w.anonymous().request(method, path, **kwargs)), path
        if rule in by_role:
            for role, client in by_role.items():
                if role != rule:
                    got = client.request(method, path, **kwargs)
                    assert got.status_code == 403, (role, method, path, got.text)
        if rule == "staff":
            assert w.patient_a.request(method, path, **kwargs).status_code == 403, path
            for client in (w.clinician_a, w.admin):
                got = client.request(method, path, **kwargs)
                assert got.status_code not in (401, 403), (method, path, got.text)


def test_only_an_admin_changes_the_clinic_setting(world: World) -> None:
    w = world
    refused = w.clinician_a.post("/settings", data={"auto_approve": ""})
    assert refused.status_code == 403
    page = w.clinician_a.get("/settings")
    assert 'id="settings-form"' not in page.text and "on" in page.text
    assert 'id="auto-approve-state">on<' in page.text  # unchanged by the refused post
    assert w.admin.post("/settings", data={"auto_approve": ""}).status_code == 303
    assert 'id="auto-approve-state">off<' in w.clinician_a.get("/settings").text
    assert 'id="settings-form"' in w.admin.get("/settings").text


def test_patient_lists_show_only_ones_own(world: World) -> None:
    w = world
    assert [p["id"] for p in w.clinician_a.get("/api/patients").json()] == [w.person_a]
    assert [p["id"] for p in w.clinician_b.get("/api/patients").json()] == [w.person_b]
    assert [p["id"] for p in w.patient_a.get("/api/patients").json()] == [w.person_a]
    assert w.admin.get("/api/patients").json() == []
