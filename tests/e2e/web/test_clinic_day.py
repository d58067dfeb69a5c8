"""The clinician's working day in a real browser (issue 15), as one lean flow: find a worsening
and an idle patient at the top of the attention list; invite a patient, who sets a password
through the link and signs in (in the same test); correct an intake, see the diff and approve
the rebuilt plan; record a reassessment and see the outcomes against baseline; clear a
referral; the clinic settings and the technique library. Every page: screenshot (desktop, and
phone width for the new pages), axe, and the clinician's text scan (no codes, ids, reprs or
CLI commands)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

from lumbo.domain.protocol.model import CheckIn
from lumbo.services import journey, phone_questionnaires
from tests.conftest import EXAMPLE_INTAKE
from tests.e2e.web.conftest import Server

NEW_PAGES = ("account", "referral", "intake/edit", "reassess")


def _enrol(server: Server, ref: str, name: str, start: date, **history: Any) -> str:
    doc = json.loads(EXAMPLE_INTAKE.read_text())
    doc["person"]["id"] = ref
    doc["preferences"]["start_date"] = start.isoformat()
    doc["history"] = {**doc["history"], **history}
    with server.store.uow() as uow:
        owner = uow.accounts.user_by_email(server.accounts.clinician_email)
    assert owner is not None
    return journey.init_person(
        server.store.uow(), json.dumps(doc), owner_id=owner.id, display_name=name
    ).person.id


def test_the_clinicians_day(browsing: Any, server: Server) -> None:
    today = date.today()
    worse = _enrol(server, "day-worse", "Wendy Worsening", today)
    for n, pain in enumerate((3, 6)):
        checkin = CheckIn(
            checkin_id=f"day-worse-c{n:04d}", on=today - timedelta(days=1 - n), pain=pain,
            stiffness=2,
        )  # fmt: skip
        journey.record_checkin(server.store.uow(), worse, checkin)
    idle = _enrol(server, "day-idle", "Ivan Idle", today - timedelta(days=12))
    main = _enrol(server, "day-main", "Maria Main", today)
    referred = _enrol(
        server, "day-referred", "Rosa Referred", today, conditions=["recent_spinal_surgery"]
    )

    dr = browsing("clinician")
    dr.login(server.accounts.clinician_email, server.accounts.clinician_password)
    page = dr.page

    # The attention list: both at the top, before every patient without a flag.
    dr.goto("/patients?sort=attention")
    dr.check("attention-list", scan="clinician")
    order = page.eval_on_selector_all("#patients tbody tr", "rs => rs.map(r => r.dataset.person)")
    flagged = page.eval_on_selector_all(
        "#patients tbody tr", "rs => rs.map(r => r.querySelector('.alerts') !== null)"
    )
    calm = [i for i, f in enumerate(flagged) if not f]
    assert order.index(worse) < min(calm, default=len(order))
    assert order.index(idle) < min(calm, default=len(order))
    assert "pain rising" in page.inner_text(f'tr[data-person="{worse}"]')
    assert "No session yet, 12 days after" in page.inner_text(f'tr[data-person="{idle}"]')
    page.select_option("#flag", "worsening")
    page.click(".caseload-filter button")
    page.wait_for_load_state("load")
    dr.check("attention-worsening", scan="clinician")
    assert page.locator("#patients tbody tr").first.get_attribute("data-person") == worse

    # Invite Maria: a one-time link and its QR code.
    dr.goto(f"/patients/{main}/assessment")
    dr.check("assessment", scan="clinician")
    page.click("#account-link")
    dr.check("account", scan="clinician")
    page.fill("#invite-email", "maria.main@example.org")
    page.click("#invite-form button")
    page.wait_for_load_state("load")
    dr.check("account-invited", scan="clinician")
    link = page.get_attribute("#invite-link", "href")
    assert link and "/reset/" in link and page.is_visible("#invite-qr")

    patient = browsing("invited-patient", phone=True)
    patient.page.goto(link)
    patient.check("invitation-set-password", scan="patient")
    patient.page.fill("#password", "a long new password 42")
    patient.page.fill("#again", "a long new password 42")
    patient.page.click("button[type=submit]")
    patient.page.wait_for_load_state("load")
    patient.check("invitation-signin", scan="patient")
    patient.login("maria.main@example.org", "a long new password 42")
    assert patient.path() == f"/patients/{main}/today"
    patient.check("invited-patient-today", scan="patient")
    patient.page.goto(link)  # the link works once
    assert "not valid" in patient.page.inner_text("main")
    patient.check("invitation-used", scan="patient")
    dr.goto(f"/patients/{main}/account")
    assert "signs in as maria.main@example.org" in page.inner_text("#account-state")

    # Correct Maria's intake (a chair was forgotten): the diff, then approval of the new plan.
    dr.goto(f"/patients/{main}/intake/edit")
    dr.check("intake-edit", scan="clinician")
    page.click("#step-person [data-next]")
    page.check('input[name="preferences.equipment"][value="chair"]')
    with page.expect_navigation():
        page.evaluate("setTimeout(() => document.getElementById('wizard').submit(), 0)")
    dr.check("intake-diff", scan="clinician")
    assert "preferences › equipment" in page.inner_text("#diff-fields")
    page.click("#store-correction")
    page.wait_for_url(re.compile(r"/plan\?done=corrected$"))
    dr.check("plan-after-correction", scan="clinician")
    assert page.inner_text("#plan-version") == "2"
    page.click("#approve-form button")
    page.wait_for_load_state("load")
    dr.check("plan-approved-after-correction", scan="clinician")
    assert "Approved" in page.inner_text("#approval")

    # Edit a dose: ten sets do not fit the session (a refusal naming its rule), one set less does.
    week2 = journey.current_plan(server.store.uow(), main).plan.weeks[1].sessions[0].blocks
    easy = next(b for b in week2 if b.dose.sets >= 2)
    page.select_option("#dose-technique", easy.technique)
    page.fill("#dose-from", "2")
    page.fill("#dose-sets", "10")
    page.click("#dose-form button")
    page.wait_for_load_state("load")
    dr.check("dose-refused", scan="clinician")
    assert "Refused by the rule “Session time budget”" in page.inner_text("#plan-error")
    page.select_option("#dose-technique", easy.technique)
    page.fill("#dose-from", "2")
    page.fill("#dose-sets", str(easy.dose.sets - 1))
    page.click("#dose-form button")
    page.wait_for_url(re.compile(r"/plan\?done=dose$"))
    dr.check("dose-changed", scan="clinician")
    assert page.inner_text("#plan-version") == "3"
    # Taking out a release's stabilize partner is refused by the pairing rule.
    later = journey.current_plan(server.store.uow(), main).plan.weeks[1].sessions
    partner = next(
        s.blocks[b.pairs_with].technique
        for s in later
        for b in s.blocks
        if b.pairs_with is not None
    )
    page.select_option("#remove-technique", partner)
    page.fill("#remove-from", "2")
    page.click("#remove-form button")
    page.wait_for_load_state("load")
    dr.check("remove-refused", scan="clinician")
    assert "“A release needs a stabilize partner”" in page.inner_text("#plan-error")
    # Adding an exercise session 1 already has is refused by its rule; moving an exercise of
    # week 2 to a session with room for it (that week only) is a new version.
    current = journey.current_plan(server.store.uow(), main).plan
    sessions = current.weeks[1].sessions
    page.select_option("#add-technique", sessions[0].blocks[0].technique)
    page.fill("#add-from", "2")
    page.click("#add-form button")
    page.wait_for_load_state("load")
    dr.check("add-refused", scan="clinician")
    assert "Refused by the rule “One technique once per session”" in page.inner_text("#plan-error")
    budget = current.minutes_per_session or 0
    source, target, block = next(
        (a, b, x)
        for a in sessions
        for b in sessions
        for x in a.blocks
        if a is not b
        and x.pairs_with is None
        and all(y.pairs_with is None or a.blocks[y.pairs_with] != x for y in a.blocks)
        and x.role.value not in ("neural", "release")
        and x.technique not in {y.technique for y in b.blocks}
        and b.estimated_minutes + x.estimated_minutes <= budget
    )
    page.select_option("#move-technique", block.technique)
    page.select_option("#move-from-session", str(source.index))
    page.select_option("#move-to-session", str(target.index))
    page.fill("#move-from", "2")
    page.fill("#move-to", "2")
    page.click("#move-form button")
    page.wait_for_url(re.compile(r"/plan\?done=moved$"))
    dr.check("block-moved", scan="clinician")
    assert page.inner_text("#plan-version") == "4"

    # Save Maria's plan as a template: Ivan has no chair, so applying it to him is refused with
    # the rule; a template saved from Wendy's mat-and-band plan applies.
    page.fill("#template-name", "Seated starter, chair available")
    page.click("#template-save button")
    page.wait_for_url(re.compile(r"/plan\?done=template$"))
    dr.check("template-saved", scan="clinician")
    dr.goto(f"/patients/{idle}/plan")
    dr.check("plan-idle", scan="clinician")
    page.select_option("#template-choice", label="Seated starter, chair available")
    page.click("#template-apply button")
    page.wait_for_load_state("load")
    dr.check("template-refused", scan="clinician")
    assert "Refused by the rule “Equipment the patient has”" in page.inner_text("#plan-error")
    dr.goto(f"/patients/{worse}/plan")
    page.fill("#template-name", "Mat and band starter")
    page.click("#template-save button")
    page.wait_for_url(re.compile(r"/plan\?done=template$"))
    dr.check("template-saved-mat", scan="clinician")
    dr.goto(f"/patients/{idle}/plan")
    page.select_option("#template-choice", label="Mat and band starter")
    page.click("#template-apply button")
    page.wait_for_url(re.compile(r"/plan\?done=applied$"))
    dr.check("template-applied", scan="clinician")
    assert page.inner_text("#plan-version") == "2"
    assert "Mat and band starter" in page.inner_text("main")

    # Reassess Maria: pre-filled (pain now from her phone), only what is retested; outcomes
    # against baseline.
    phone_questionnaires.record(server.store.uow(), main, {
        "response_id": "day-phone-0001", "kind": "reassessment", "week": 4,
        "answers": {"nprs": 2}})  # fmt: skip
    dr.goto(f"/patients/{main}/reassess")
    dr.check("reassess", scan="clinician")
    assert "answered on the phone on" in page.inner_text("main")
    assert page.input_value("#f-symptoms-pain-now") == "2"
    assert not page.locator("#step-person").count()
    assert page.input_value("#f-measurements-lumbar-extension-deg") == "9"
    page.click("#step-symptoms [data-next]")
    page.click("#step-questionnaires [data-next]")
    page.fill("#f-measurements-lumbar-extension-deg", "15")
    with page.expect_navigation():
        page.evaluate("setTimeout(() => document.getElementById('wizard').submit(), 0)")
    dr.check("reassessed", scan="clinician")
    assert "Reassessment recorded" in page.inner_text("h1")
    assert page.locator("#outcome-rom tbody tr").count() >= 1

    # Clear Rosa's referral: who, when, a note; the plan is built.
    dr.goto(f"/patients/{referred}/assessment")
    dr.check("assessment-referral", scan="clinician")
    page.click("#referral-link")
    dr.check("referral", scan="clinician")
    page.click("#clearance-form button")  # empty: the browser's own required-field check
    page.fill("#cleared-by", "Mr Patel, spinal surgeon")
    page.fill("#clearance-note", "Fusion healed; cleared for graded exercise.")
    page.click("#clearance-form button")
    page.wait_for_url(re.compile(r"/plan\?done=cleared$"))
    dr.check("plan-after-clearance", scan="clinician")
    assert "Referral clearance recorded" in page.inner_text("#notice")

    # The clinic settings and the technique library.
    dr.goto("/settings")
    dr.check("settings", scan="clinician")
    assert page.inner_text("#auto-approve-state") == "on"  # read only: an admin changes it
    dr.goto("/techniques?role=stabilize")
    dr.check("techniques", scan="clinician")
    count = page.locator("#techniques li").count()
    assert count >= 1 and all(
        "stabilize" in t for t in page.locator("#techniques .badge").all_inner_texts()
    )

    # Phone width: the new pages read on a small screen too.
    phone = browsing("clinician-phone", phone=True)
    phone.login(server.accounts.clinician_email, server.accounts.clinician_password)
    for path in [f"/patients/{idle}/{p}" for p in NEW_PAGES] + ["/patients", "/techniques"]:
        phone.goto(path)
        phone.check("phone-" + path.rsplit("/", 1)[-1], scan="clinician")
