"""Warning signs on the web (issue 11): the check-in form asks them in plain words, a ticked one
stops the plan at once (no session on the today page, what to do now), the clinician sees it."""

from __future__ import annotations

import re

import pytest

from tests.integration.web.world import Client, World


def _checkin(client: Client, person: str, checkin_id: str, signs: list[str]) -> str:
    page = client.get(f"/patients/{person}/checkin")
    assert page.status_code == 200
    for words in ("Numbness between your legs", "New weakness in a leg", "further down your leg"):
        assert words in page.text
    assert (
        "checked"
        not in re.search(r'<fieldset[^>]*id="warning-signs".*?</fieldset>', page.text, re.S)[0]
    )  # type: ignore[index]
    form = {
        "csrf_token": client.csrf or "",
        "checkin_id": checkin_id,
        "on": "2026-12-02",
        "session_id": "",
        "pain": "2",
        "stiffness": "3",
        "warning_signs": signs,
    }
    done = client.post(f"/patients/{person}/checkin", data=form)
    assert done.status_code == 200, done.text
    return done.text


def test_no_box_ticked_means_none_reported(world: World) -> None:
    _checkin(world.patient_a, world.person_a, "web-ws-none", [])
    today = world.patient_a.get(f"/patients/{world.person_a}/today").text
    assert 'id="stop-banner"' not in today
    assert 'id="player"' in today


@pytest.mark.parametrize(
    ("sign", "advice"),
    [
        ("new_weakness", "same-day emergency care"),
        ("symptoms_spread_down_leg", "see your clinician before you exercise again"),
    ],
)
def test_a_ticked_warning_sign_stops_the_plan_on_the_web(
    world: World, sign: str, advice: str
) -> None:
    _checkin(world.patient_a, world.person_a, "web-ws-" + sign, [sign])
    today = world.patient_a.get(f"/patients/{world.person_a}/today").text
    assert 'id="stop-banner"' in today and advice in today
    assert 'id="player"' not in today and "player.js" not in today
    assert "_" not in re.search(r'id="stop-banner".*?</div>', today, re.S)[0]  # type: ignore[index]
    api = world.patient_a.get(f"/api/patients/{world.person_a}/today").json()
    assert api["session"] is None and api["stop"]["urgent"] is (sign == "new_weakness")
    for page in ("assessment", "plan"):
        seen = world.clinician_a.get(f"/patients/{world.person_a}/{page}").text
        assert "Plan stopped: warning sign reported" in seen, page
    other = world.patient_b.get(f"/patients/{world.person_b}/today").text
    assert 'id="stop-banner"' not in other


def test_an_unknown_warning_sign_is_refused_and_nothing_is_written(world: World) -> None:
    before = world.row_counts()
    form = {
        "csrf_token": world.patient_a.csrf or "",
        "checkin_id": "web-ws-bad",
        "on": "2026-12-02",
        "pain": "2",
        "stiffness": "3",
        "warning_signs": ["tired"],
    }
    bad = world.patient_a.post(f"/patients/{world.person_a}/checkin", data=form)
    assert bad.status_code == 422
    assert "warning_signs" in bad.text
    assert world.row_counts() == before
