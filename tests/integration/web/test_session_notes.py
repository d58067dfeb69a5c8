"""Patients' session notes reach their clinician (issue 12, point 10), escaped."""

from __future__ import annotations

from typing import Any

from tests.integration.web.world import World

NOTE = 'Felt a pull on the left <script>alert("x")</script> & eased off'


def _log(world: World) -> dict[str, Any]:
    today = world.patient_a.get(
        f"/api/patients/{world.person_a}/today", params={"on": "2026-12-01"}
    ).json()
    blocks = [
        {"technique": b["technique"], "completed_sets": 1, "pain_during": 2, "pain_after": 1}
        for b in today["session"]["blocks"]
    ]
    return {
        "session_id": "note-session-1",
        "week": today["week"],
        "session_index": today["session"]["index"],
        "performed_on": "2026-12-01",
        "blocks": blocks,
        "notes": NOTE,
    }


def test_the_clinician_sees_the_patients_session_notes_escaped(world: World) -> None:
    logged = world.patient_a.post(f"/api/patients/{world.person_a}/sessions", json=_log(world))
    assert logged.status_code == 201, logged.text
    page = world.clinician_a.get(f"/patients/{world.person_a}/progress")
    assert page.status_code == 200
    assert "Felt a pull on the left" in page.text and "session notes" in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    other = world.clinician_b.get(f"/patients/{world.person_a}/progress")
    assert other.status_code == 404 and "Felt a pull" not in other.text
