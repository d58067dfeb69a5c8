"""The pages of issue 18 in the browser, desktop and phone: the admin's accounts page (disable,
forced reset), the reset page reached by the link, a patient's "Your data" page, the clinician's
data page (erasure) and clinic outcomes. Every page: full-page screenshot + axe."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from lumbo.cli.demo import example_intake_text
from lumbo.services import journey
from lumbo.services.accounts import create_user
from tests.e2e.web.conftest import Server

PASSWORD = "correct horse battery"


def _people(server: Server, tag: str) -> dict[str, str]:
    """A clinician with one patient (who has a login and a reassessment) and an admin."""
    store, settings = server.store, server.app.state.lumbo.settings
    emails = {k: f"{k}-{tag}@x.test" for k in ("admin", "clinician", "patient")}
    create_user(store, settings, email=emails["admin"], password=PASSWORD, role="admin")
    owner = create_user(
        store, settings, email=emails["clinician"], password=PASSWORD, role="clinician"
    )
    intake = json.loads(example_intake_text())
    intake["person"]["id"] = f"pages-{tag}"
    intake["preferences"]["start_date"] = (date.today() - timedelta(weeks=4)).isoformat()
    pid = journey.init_person(store.uow(), json.dumps(intake), owner_id=owner.id).person.id
    follow = json.loads(json.dumps(intake))
    follow["questionnaires"]["odi"] = [0, 1, 0, 0, 1, 0, 1, 0, 0, 0]
    follow["measurements"]["lumbar_flexion_deg"] = 58
    journey.reassess(store.uow(), pid, json.dumps(follow), on=date.today())
    create_user(
        store, settings, email=emails["patient"], password=PASSWORD, role="patient", person_id=pid
    )
    return {**emails, "person": pid, "ref": f"pages-{tag}"}


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_data_rights_and_admin_pages(browsing: Any, server: Server, phone: bool) -> None:
    who = _people(server, "phone" if phone else "desk")

    admin = browsing("admin", phone=phone)
    admin.login(who["admin"], PASSWORD)
    assert admin.path() == "/account"
    admin.check("account")
    admin.goto("/admin/accounts")
    admin.check("accounts")
    row = f'tr:has(th:has-text("{who["clinician"]}"))'
    admin.page.click(f"{row} button:has-text('Disable')")
    admin.page.wait_for_load_state("load")
    assert "is disabled" in admin.page.inner_text("main")
    admin.check("accounts-disabled")
    admin.page.click(f'tr:has(th:has-text("{who["patient"]}")) button:has-text("Reset password")')
    admin.page.wait_for_load_state("load")
    link = admin.page.input_value("#reset-link")
    admin.check("accounts-reset-link")
    admin.page.click(f"{row} button:has-text('Re-enable')")
    admin.page.wait_for_load_state("load")
    admin.check("accounts-enabled")

    holder = browsing("reset", phone=phone)
    holder.page.goto(link)
    holder.check("reset", scan="patient")
    holder.page.fill("#password", "a fresh passphrase")
    holder.page.fill("#again", "a fresh passphrase")
    holder.page.click("button[type=submit]")
    holder.page.wait_for_load_state("load")
    assert holder.path() == "/login"
    holder.check("after-reset", scan="patient")

    patient = browsing("patient", phone=phone)
    patient.login(who["patient"], "a fresh passphrase")
    patient.check("today", scan="patient")
    patient.goto(f"/patients/{who['person']}/data")
    patient.check("your-data", scan="patient")
    with patient.page.expect_download() as got:
        patient.page.click("text=All your data")
    saved = Path(got.value.path()).read_text(encoding="utf-8")
    assert json.loads(saved)["records"]["person"]["id"] == who["person"]

    clinician = browsing("clinician", phone=phone)
    clinician.login(who["clinician"], PASSWORD)
    clinician.check("patients")
    clinician.goto("/outcomes")
    assert "95% CI" in clinician.page.inner_text("main")
    clinician.check("outcomes")
    clinician.goto(f"/patients/{who['person']}/data")
    clinician.check("patient-data")
    clinician.page.fill("#confirm", who["ref"])
    clinician.page.click("button:has-text('Erase all data')")
    clinician.page.wait_for_load_state("load")
    assert clinician.path() == "/patients"
    clinician.check("after-erasure")
