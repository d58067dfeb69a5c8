"""Data rights through the API: FHIR export, download of everything, erasure that leaves nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from lumbo.cli.demo import example_intake_text
from lumbo.domain.protocol.model import BlockLog, CheckIn, SessionLog
from lumbo.services import journey, phone_questionnaires, recording, reminders
from lumbo.store.audit import verify_chain
from lumbo.store.tables import Base
from tests.integration.web.test_videos_jobs import MP4, upload
from tests.integration.web.world import World

MARKER = "zq-marker-7f3k"  # free text only person A's records hold


def _populate_a(world: World) -> dict[str, str]:
    """Give person A records of every kind holding MARKER; return A's identifying strings."""
    store, pid = world.ctx.store, world.person_a
    follow = json.loads(example_intake_text())
    follow["questionnaires"]["psfs"][0]["activity"] = f"carrying {MARKER}"
    journey.reassess(store.uow(), pid, json.dumps(follow), on=date(2026, 12, 14))
    session = journey.today(store.uow(), pid, date(2026, 11, 23)).session
    assert session is not None
    blocks = tuple(
        BlockLog(technique=b.technique, completed_sets=1, pain_during=1, pain_after=1)
        for b in session.blocks
    )
    log = SessionLog(
        session_id="erase-log-0001",
        week=1,
        session_index=session.index,
        performed_on=date(2026, 11, 23),
        blocks=blocks,
        notes=f"felt {MARKER}",
    )
    recording.record_session(store.uow(), pid, log)
    recording.record_checkin(
        store.uow(),
        pid,
        CheckIn(checkin_id="erase-chk-0001", on=date(2026, 11, 24), pain=2, stiffness=3),
    )
    phone_questionnaires.record(
        store.uow(),
        pid,
        {
            "response_id": "erase-q-0001",
            "kind": "reassessment",
            "week": 4,
            "answers": {"nprs": 3, "psfs": [{"activity": f"lifting {MARKER}", "score": 6}]},
        },
    )
    reminders.choose(store.uow(), pid, [0, 3], "07:45", True)
    reminders.new_calendar_token(store.uow(), pid)
    got = upload(world, MP4)
    assert got.status_code == 202, got.text
    me = world.patient_a.get("/api/auth/me").json()
    return {
        "person id": pid,
        "account id": me["id"] if "id" in me else me["user"]["id"],
        "email": "pa@x.test",
        "free text": MARKER,
        "video id": got.json()["video"]["id"],
        "job id": got.json()["job"]["id"],
        "video sha": got.json()["video"]["sha256"],
        "questionnaire response id": "erase-q-0001",
    }


def _every_cell(world: World) -> list[tuple[str, str]]:
    """(table, text of a row) for every row of every table of the schema."""
    found = []
    with world.ctx.store.uow() as uow:
        for name, table in Base.metadata.tables.items():
            for row in uow.session.execute(select(table)):
                found.append((name, json.dumps([str(v) for v in row], ensure_ascii=False)))
    return found


def test_fhir_export_is_scoped_and_audited(world: World) -> None:
    got = world.clinician_a.get(f"/api/patients/{world.person_a}/fhir")
    assert got.status_code == 200 and got.headers["content-type"].startswith(
        "application/fhir+json"
    )
    assert got.json()["resourceType"] == "Bundle"
    assert world.patient_a.get(f"/api/patients/{world.person_a}/fhir").status_code == 200
    assert world.clinician_b.get(f"/api/patients/{world.person_a}/fhir").status_code == 404
    assert world.admin.get(f"/api/patients/{world.person_a}/fhir").status_code == 404
    log = world.admin.get("/api/audit", params={"person_id": world.person_a}).json()
    routes = [(e["route"], e["outcome"]) for e in log]
    assert ("/api/patients/{person_id}/fhir", "allowed") in routes
    assert ("/api/patients/{person_id}/fhir", "denied") in routes


def test_patient_downloads_everything(world: World) -> None:
    _populate_a(world)
    got = world.patient_a.get(f"/api/patients/{world.person_a}/export")
    assert got.status_code == 200
    assert "attachment" in got.headers["content-disposition"]
    data: dict[str, Any] = got.json()
    records = data["records"]
    assert len(records["intakes"]) == 2 and len(records["session_logs"]) == 1
    assert len(records["checkins"]) == 1 and len(records["videos"]) == 1
    assert records["account"]["email"] == "pa@x.test"
    (answered,) = records["questionnaire_responses"]
    assert (answered["id"], answered["kind"], answered["week"]) == (
        "erase-q-0001",
        "reassessment",
        4,
    )
    assert answered["answers"]["psfs"][0]["activity"] == f"lifting {MARKER}"
    assert answered["scores"]["nprs"] == 3
    settings = records["patient_settings"]
    assert settings["reminder_days"] == [0, 3] and settings["reminder_time"] == "07:45"
    assert settings["reminder_email"] is True and settings["calendar_feed"] is True
    with world.ctx.store.uow() as uow:
        token_hash = uow.journeys.get_patient_settings(world.person_a).calendar_token_hash
    assert token_hash and token_hash not in got.text  # never the calendar token's hash
    assert data["fhir"]["resourceType"] == "Bundle"
    assert MARKER in json.dumps(data)
    assert world.patient_b.get(f"/api/patients/{world.person_a}/export").status_code == 404


def test_erasure_leaves_nothing_of_the_patient(world: World) -> None:
    ids = _populate_a(world)
    before_b = world.clinician_b.get(f"/api/patients/{world.person_b}/export").json()["records"]
    cells = _every_cell(world)
    for table in ("questionnaire_responses", "patient_settings"):  # the phone app's tables
        assert any(t == table and ids["person id"] in text for t, text in cells), table
    for what, value in ids.items():  # the scan can see each of them before the erasure
        assert any(value in text for _, text in cells), what
    data_dir: Path = world.ctx.settings.data_dir
    assert any(ids["person id"] in str(p) for p in data_dir.rglob("*"))

    assert world.patient_a.delete(f"/api/patients/{world.person_a}").status_code == 403
    assert world.clinician_b.delete(f"/api/patients/{world.person_a}").status_code == 404
    done = world.clinician_a.delete(f"/api/patients/{world.person_a}")
    assert done.status_code == 200, done.text
    assert done.json()["files"] == 1

    for table, text in _every_cell(world):
        for what, value in ids.items():
            assert value not in text, f"{table} still holds the {what}: {text}"
    leftovers = [p for p in data_dir.rglob("*") if ids["person id"] in str(p)]
    assert not leftovers
    assert world.clinician_a.get(f"/api/patients/{world.person_a}").status_code == 404
    # the tombstone: an erasure happened, by whom, when
    log = world.admin.get("/api/audit").json()
    (tomb,) = [e for e in log if e["route"].startswith("erase patient")]
    assert tomb["person_id"] is None and tomb["actor_role"] == "clinician"
    # the blanked entries keep the digest of what they held: the hash chain still verifies
    with world.ctx.store.uow() as uow:
        chain = verify_chain(uow.session)
    assert chain.ok and chain.chained > 0, chain
    # the other patient is untouched
    after_b = world.clinician_b.get(f"/api/patients/{world.person_b}/export").json()["records"]
    assert {k: len(v) for k, v in after_b.items() if isinstance(v, list) and k != "audit"} == {
        k: len(v) for k, v in before_b.items() if isinstance(v, list) and k != "audit"
    }


def test_admin_erases_without_seeing(world: World) -> None:
    assert world.admin.delete(f"/api/admin/patients/{world.person_b}").status_code == 200
    assert world.clinician_b.get(f"/api/patients/{world.person_b}").status_code == 404
    assert world.admin.delete(f"/api/admin/patients/{world.person_b}").status_code == 404
    assert world.clinician_a.delete(f"/api/admin/patients/{world.person_a}").status_code == 403


def test_fhir_import_through_the_api(world: World) -> None:
    bundle = world.clinician_a.get(f"/api/patients/{world.person_a}/fhir").json()
    base = json.loads(example_intake_text())
    base.pop("questionnaires")
    base["person"]["id"] = "api-imported"
    read = world.clinician_a.post("/api/fhir/questionnaires", json=bundle)
    assert read.status_code == 200 and read.json()["questionnaires"]["fabq"][0] == 2
    qr = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    broken = json.loads(json.dumps(bundle))
    next(e["resource"] for e in broken["entry"] if e["resource"].get("id") == qr["id"])[
        "status"
    ] = "draft"
    before = world.row_counts()
    bad = world.clinician_a.post("/api/fhir/import", json={"fhir": broken, "intake": base})
    assert bad.status_code == 422, bad.text
    (problem,) = bad.json()["detail"]
    assert problem["loc"][-2:] == [f"resource(QuestionnaireResponse/{qr['id']})", "status"]
    assert world.row_counts() == before
    assert (
        world.patient_a.post("/api/fhir/import", json={"fhir": bundle, "intake": base}).status_code
        == 403
    )
    done = world.clinician_a.post("/api/fhir/import", json={"fhir": bundle, "intake": base})
    assert done.status_code == 201, done.text
    assert done.json()["questionnaires"] == ["fabq", "odi", "promis_pi_4a", "psfs", "start_back"]
    mine = [p["id"] for p in world.clinician_a.get("/api/patients").json()]
    assert done.json()["person_id"] in mine


def test_data_pages(world: World) -> None:
    mine = world.patient_a.get(f"/patients/{world.person_a}/data")
    assert mine.status_code == 200 and "Your data" in mine.text and "Erase" not in mine.text
    assert f"/api/patients/{world.person_a}/export" in mine.text
    page = world.clinician_a.get(f"/patients/{world.person_a}/data")
    assert page.status_code == 200 and "Erase this patient" in page.text
    assert world.clinician_b.get(f"/patients/{world.person_a}/data").status_code == 404
    wrong = world.clinician_a.post(f"/patients/{world.person_a}/erase", data={"confirm": "nope"})
    assert wrong.status_code == 422
    assert world.clinician_a.get(f"/api/patients/{world.person_a}").status_code == 200
    done = world.clinician_a.post(
        f"/patients/{world.person_a}/erase", data={"confirm": "seed-case-43m"}
    )
    assert done.status_code == 303
    assert world.clinician_a.get(f"/api/patients/{world.person_a}").status_code == 404


def test_outcomes_page_and_research_download(world: World) -> None:
    empty = world.clinician_a.get("/outcomes")
    assert empty.status_code == 200 and "has reached a reassessment yet" in empty.text
    _populate_a(world)  # a reassessment for person A
    page = world.clinician_a.get("/outcomes")
    assert page.status_code == 200 and "95% CI" in page.text and "Ostelo 2008" in page.text
    data = world.clinician_a.get("/api/outcomes").json()
    assert data["overall"]["patients"] == 1
    assert world.clinician_b.get("/api/outcomes").json()["overall"]["patients"] == 0
    got = world.clinician_a.get("/api/research", params={"format": "csv"})
    assert got.status_code == 200 and got.text.count("\n") == 3  # header + 2 assessments of A
    assert MARKER not in got.text and world.person_a not in got.text
    assert world.clinician_a.get("/api/research", params={"format": "xls"}).status_code == 422
    assert world.patient_a.get("/outcomes").status_code == 403
    assert world.admin.get("/api/research").status_code == 403
