"""Recorded measurements (issue 12, point 4): checked against the measurement's shape, kept with
their author and source, bounded in size and depth; one deeply nested stored row never breaks the
patient's list."""

from __future__ import annotations

from typing import Any

import pytest

from lumbo.store.records import VideoMeasurementRecord
from tests.integration.web.world import World

GOOD = {"movement": "trunk_flexion", "view": "side", "summary": {"peak_deg": 52.0}}


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"x": 1}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("movement", "result", "field"),
    [
        ("jumping_jacks", GOOD, "movement"),  # not a measured movement
        ("trunk_flexion", {"anything": 1}, "result"),  # not a measurement at all
        ("trunk_flexion", {**GOOD, "view": "top"}, "view"),
        ("trunk_flexion", {**GOOD, "summary": {"peak_deg": 9000}}, "peak_deg"),
        ("trunk_extension", GOOD, "body"),  # the result is of another movement
        ("trunk_flexion", {**GOOD, "extra": _nested(20)}, "result"),  # too deep to keep
        ("trunk_flexion", {**GOOD, "extra": "x" * 300_000}, "result"),  # too large
    ],
)
def test_fabricated_or_oversized_measurements_are_refused(
    world: World, movement: str, result: dict[str, Any], field: str
) -> None:
    before = world.row_counts()
    got = world.patient_a.post(
        f"/api/patients/{world.person_a}/measurements",
        json={"movement": movement, "result": result},
    )
    assert got.status_code in (413, 422), got.text
    assert field in got.text
    assert world.row_counts() == before


def test_author_and_source_are_recorded(world: World) -> None:
    url = f"/api/patients/{world.person_a}/measurements"
    body = {"movement": "trunk_flexion", "result": GOOD}
    assert world.patient_a.post(url, json=body).json()["source"] == "patient_reported"
    assert world.clinician_a.post(url, json=body).json()["source"] == "clinician"
    listed = world.clinician_a.get(url).json()
    me = world.clinician_a.get("/api/auth/me").json()["id"]
    assert {m["source"] for m in listed} == {"patient_reported", "clinician"}
    assert me in {m["author_id"] for m in listed}


def test_a_deeply_nested_stored_result_does_not_break_the_list(world: World) -> None:
    """A row stored before the checks existed (300 levels deep) is listed as unreadable."""
    with world.ctx.store.uow() as uow:
        uow.journeys.add_video_measurement(
            VideoMeasurementRecord(
                person_id=world.person_a, movement="trunk_flexion", result=_nested(300)
            )
        )
        uow.commit()
    got = world.clinician_a.get(f"/api/patients/{world.person_a}/measurements")
    assert got.status_code == 200, got.text
    assert "unreadable" in got.json()[0]["result"]
    page = world.clinician_a.get(f"/patients/{world.person_a}/videos")
    assert page.status_code == 200
