"""The JSON API end to end on real databases: enrol, plan, today, sessions (idempotent), check-ins,
reassessment, outcomes, progress; 422s that name the field and write nothing; referral 409s."""

from __future__ import annotations

import json
from typing import Any

from lumbo.cli.demo import example_intake_text
from tests.integration.web.world import Client, World


def intake(**person: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(example_intake_text())
    doc["person"].update(person)
    return doc


def session_body(client: Client, person: str, session_id: str, pain: int = 1) -> dict[str, Any]:
    today = client.get(f"/api/patients/{person}/today", params={"on": "2026-12-01"}).json()
    return {
        "session_id": session_id,
        "week": today["week"],
        "session_index": today["session"]["index"],
        "performed_on": "2026-12-01",
        "blocks": [
            {
                "technique": b["technique"],
                "completed_sets": 1,
                "pain_during": pain,
                "pain_after": pain,
            }
            for b in today["session"]["blocks"]
        ],
    }


def test_a_journey_through_the_api(world: World) -> None:
    c = world.clinician_a
    enrolled = c.post("/api/patients", json=intake(id="api-journey"))
    assert enrolled.status_code == 201, enrolled.text
    person = enrolled.json()["person_id"]
    assert enrolled.json()["plan_version"] == 1
    assert enrolled.json()["referral"]["required"] is False
    plan = c.get(f"/api/patients/{person}/plan").json()
    assert plan["version"] == 1 and plan["approval"] is None
    assert [w["week"] for w in plan["plan"]["weeks"]] == list(range(1, 13))
    assert c.get(f"/api/patients/{person}/assessments").json()[0]["assessment"]["findings"]

    body = session_body(c, person, "session-0001")
    first = c.post(f"/api/patients/{person}/sessions", json=body)
    assert first.status_code == 201 and first.json()["created"] is True
    counts = world.row_counts()
    replay = c.post(f"/api/patients/{person}/sessions", json=body)
    assert replay.status_code == 200 and replay.json()["created"] is False
    assert world.row_counts() == counts  # a retry never duplicates
    changed = {**body, "notes": "different content"}
    assert c.post(f"/api/patients/{person}/sessions", json=changed).status_code == 409
    assert len(c.get(f"/api/patients/{person}/sessions").json()) == 1

    checkin = {"checkin_id": "checkin-0001", "on": "2026-12-02", "pain": 2, "stiffness": 3}
    assert c.post(f"/api/patients/{person}/checkins", json=checkin).status_code == 201
    assert c.post(f"/api/patients/{person}/checkins", json=checkin).status_code == 200
    assert len(c.get(f"/api/patients/{person}/checkins").json()) == 1

    again = c.post(
        f"/api/patients/{person}/reassessments",
        json=intake(id="api-journey"),
        params={"on": "2027-01-01"},
    )
    assert again.status_code == 201, again.text
    assert again.json()["outcomes"] is not None
    outcomes = c.get(f"/api/patients/{person}/outcomes").json()
    assert len(outcomes) == 1 and outcomes[0]["outcomes"] == again.json()["outcomes"]
    progress = c.get(f"/api/patients/{person}/progress", params={"on": "2027-01-01"}).json()
    assert progress["person_id"] == person and progress["reassessed"] is True
    assert progress["adherence"]["by_week"]


def test_a_bad_intake_is_422_naming_the_field_and_writes_nothing(world: World) -> None:
    before = world.row_counts()
    doc = intake(age=4)
    del doc["preferences"]
    got = world.clinician_a.post("/api/patients", json=doc)
    assert got.status_code == 422
    problems = {tuple(p["loc"]): p for p in got.json()["detail"]}
    assert ("body", "person", "age") in problems
    assert "between 10 and 110" in problems[("body", "person", "age")]["msg"]
    assert problems[("body", "person", "age")]["input"] == 4
    assert ("body", "preferences") in problems
    not_json = world.clinician_a.post(
        "/api/patients", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422
    assert world.row_counts() == before


def test_bad_session_logs_are_422_naming_the_field_and_write_nothing(world: World) -> None:
    c, person = world.clinician_a, world.person_a
    body = session_body(c, person, "session-bad-1")
    before = world.row_counts()
    out_of_range = c.post(f"/api/patients/{person}/sessions", json={**body, "week": 13})
    assert out_of_range.status_code == 422
    assert ["body", "week"] in [p["loc"] for p in out_of_range.json()["detail"]]
    wrong = {**body, "blocks": [{**body["blocks"][0], "technique": "not-in-this-session"}]}
    got = c.post(f"/api/patients/{person}/sessions", json=wrong)
    assert got.status_code == 422
    assert got.json()["detail"][0]["loc"] == ["body", "blocks", 0, "technique"]
    assert got.json()["detail"][0]["input"] == "not-in-this-session"
    bad_pain = {**body, "blocks": [{**body["blocks"][0], "pain_during": 11}]}
    got = c.post(f"/api/patients/{person}/sessions", json=bad_pain)
    assert ["body", "blocks", 0, "pain_during"] in [p["loc"] for p in got.json()["detail"]]
    assert world.row_counts() == before


def test_a_referral_withholds_the_plan_with_its_reasons(world: World) -> None:
    doc = intake(id="api-referral")
    doc["red_flags"]["saddle_anaesthesia"] = True
    enrolled = world.clinician_a.post("/api/patients", json=doc)
    assert enrolled.status_code == 201
    assert enrolled.json()["referral"]["urgency"] == "emergency"
    assert enrolled.json()["plan_version"] is None
    person = enrolled.json()["person_id"]
    got = world.clinician_a.get(f"/api/patients/{person}/plan")
    assert got.status_code == 409
    assert got.json()["detail"]["urgency"] == "emergency"
    assert got.json()["detail"]["reasons"]
    preview = world.clinician_a.post("/api/plan-preview", json=doc)
    assert preview.status_code == 409


def test_enrolling_the_same_person_twice_is_a_conflict(world: World) -> None:
    doc = intake(id="api-twice")
    assert world.clinician_a.post("/api/patients", json=doc).status_code == 201
    before = world.row_counts()
    assert world.clinician_a.post("/api/patients", json=doc).status_code == 409
    assert world.row_counts() == before


def test_stateless_assessment_and_plan_preview_store_nothing(world: World) -> None:
    before = world.row_counts()
    assessed = world.clinician_a.post("/api/assess", json=intake())
    assert assessed.status_code == 200 and "findings" in assessed.json()
    preview = world.clinician_a.post("/api/plan-preview", json=intake())
    assert preview.status_code == 200 and len(preview.json()["weeks"]) == 12
    assert world.row_counts() == before


MEASURED = {"movement": "trunk-flexion", "view": "side", "summary": {"peak_deg": 41.5}}


def test_video_measurements_are_recorded_and_listed(world: World) -> None:
    c, person = world.patient_a, world.person_a
    body = {"movement": "trunk_flexion", "result": MEASURED}
    assert c.post(f"/api/patients/{person}/measurements", json=body).status_code == 201
    listed = c.get(f"/api/patients/{person}/measurements").json()
    assert [(m["movement"], m["result"]["summary"]) for m in listed] == [
        ("trunk_flexion", {"peak_deg": 41.5})
    ]
    assert listed[0]["source"] == "patient_reported" and listed[0]["author_id"]


def test_every_access_is_audited_with_who_what_when(world: World) -> None:
    world.patient_a.get(f"/api/patients/{world.person_a}/plan")
    entries = world.admin.get("/api/audit", params={"person_id": world.person_a}).json()
    mine = [e for e in entries if e["route"] == "/api/patients/{person_id}/plan"]
    assert mine and mine[0]["actor_role"] == "patient" and mine[0]["action"] == "read"
    assert mine[0]["outcome"] == "allowed" and mine[0]["at"]


def test_nul_characters_are_422_on_every_backend(world: World) -> None:
    """PostgreSQL cannot store NUL in text or JSONB; SQLite can: refused alike, nothing written."""
    c, person = world.clinician_a, world.person_a
    before = world.row_counts()
    got = c.post(
        f"/api/patients/{person}/measurements",
        json={"movement": "bend", "result": {"note": "a\x00b", "ok": [1, "\x00"]}},
    )
    assert got.status_code == 422
    assert [p["loc"] for p in got.json()["detail"]] == [
        ["body", "result", "note"],
        ["body", "result", "ok", 1],
    ]
    assert c.post("/api/patients", json=intake(occupation="nul\x00here")).status_code == 422
    assert c.get("/api/patients/x%00y").status_code == 422
    assert c.get(f"/api/patients/{person}/today", params={"on": "\x00"}).status_code == 422
    upload = c.post(
        f"/api/patients/{person}/videos",
        files={"file": ("a.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4")},
        data={"movement": "be\x00nd"},
    )
    assert upload.status_code == 422
    assert upload.json()["detail"][0]["loc"] == ["body", "movement"]
    assert world.row_counts() == before


def test_the_patient_list_is_paged_filtered_and_sorted_by_the_database(world: World) -> None:
    c = world.clinician_a
    for ref in ("page-c", "page-a", "page-b"):
        assert c.post("/api/patients", json=intake(id=ref)).status_code == 201
    got = c.get("/api/patients", params={"per_page": 2, "sort": "name", "q": "page-"})
    assert got.status_code == 200, got.text
    assert got.headers["X-Total-Count"] == "3"
    assert 'rel="next"' in got.headers["Link"]
    assert [p["external_ref"] for p in got.json()] == ["page-a", "page-b"]
    assert {"id", "owner_id", "adherence_percent", "alerts", "plan_version"} <= set(got.json()[0])
    second = c.get("/api/patients", params={"per_page": 2, "page": 2, "sort": "name", "q": "page-"})
    assert [p["external_ref"] for p in second.json()] == ["page-c"]
    assert "Link" not in second.headers
    for bad in ({"per_page": 0}, {"per_page": 201}, {"sort": "age"}, {"page": 0}):
        assert c.get("/api/patients", params=bad).status_code == 422, bad
