"""A clinician signs in, enters the example intake through the wizard (after an inline validation
message), sees the findings and the plan, swaps a technique, approves, opens a technique card and
the progress charts; a missing patient shows a clear message. Every page: screenshot + axe."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from lumbo.web.pages.intake_form import all_fields, form_values, steps
from tests.conftest import EXAMPLE_INTAKE
from tests.e2e.web.conftest import Server


def fill_wizard(page: Any, values: dict[str, str | list[str]]) -> None:
    kinds = {f.name: f for f in all_fields()}
    for n, step in enumerate(steps()):
        assert page.is_visible(f"#step-{step.key}")
        for name in step.names:
            if name not in values:
                continue
            f, value = kinds[name], values[name]
            if f.kind == "multi":
                for v in value:
                    page.check(f'input[name="{name}"][value="{v}"]')
            elif f.kind in ("select", "tristate"):
                page.select_option(f"#{f.ident}", str(value))
            else:
                page.fill(f"#{f.ident}", str(value))
        if n + 1 < len(steps()):
            page.click(f"#step-{step.key} [data-next]")


def test_clinician_enrols_through_the_wizard_and_edits_the_plan(
    browsing: Any, server: Server
) -> None:
    dr = browsing("clinician")
    dr.login(server.accounts.clinician_email, server.accounts.clinician_password)
    page = dr.page
    assert dr.path() == "/patients"
    dr.check("patients")

    page.click("text=Enter a new intake")
    assert dr.path() == "/patients/new"
    dr.check("wizard")
    # Inline validation before moving on: the step stays, the message sits by the field.
    page.fill("#f-person-age", "4")
    page.click("#step-person [data-next]")
    assert page.is_visible("#step-person") and not page.is_visible("#step-preferences")
    assert "between 10 and 110" in page.inner_text("#f-person-age-err")
    assert page.get_attribute("#f-person-age", "aria-invalid") == "true"
    dr.check("wizard-inline-error")

    # The example intake as-is: the demo already enrolled its person.id, so the server says so
    # next to the field and reopens the wizard there; a new id then enrols.
    intake = json.loads(EXAMPLE_INTAKE.read_text())
    # Its plan starts today, so week 1 is the current week the plan page opens (the example's own
    # start date is a fixed day: weeks later, the plan page would open a later week).
    intake["preferences"]["start_date"] = date.today().isoformat()
    fill_wizard(page, form_values(intake))
    assert page.is_visible("#submit-intake")
    page.click("#submit-intake")
    page.wait_for_load_state("load")
    dr.check("wizard-server-error")
    assert "already enrolled" in page.inner_text("#f-person-id-err")
    assert page.is_visible("#step-person") and page.is_visible("#error-summary")
    assert page.input_value("#f-measurements-lumbar-extension-deg") == "9"  # the rest is kept
    page.fill("#f-person-id", "wizard-case-43m")
    for step in steps()[:-1]:
        page.click(f"#step-{step.key} [data-next]")
    page.click("#submit-intake")
    page.wait_for_url(re.compile(r"/patients/[^/]+/assessment$"))
    person_path = dr.path().rsplit("/", 1)[0]
    dr.check("assessment")
    # Referral banner first, then scores, findings with their evidence, rules, classification.
    headings = page.eval_on_selector_all("main h2", "hs => hs.map(h => h.textContent.trim())")
    assert headings[0] == "Referral: none"
    assert headings[1:4] == ["Scores", "Findings (nodes of restriction)", "Prediction rules"]
    finding = page.locator('li[data-code="LUMBAR_EXTENSION_HYPOMOBILITY"]')
    assert "43.7% of the 20.6 deg expected at age 43" in finding.inner_text()
    hyper = page.locator('li[data-code="SEGMENTAL_HYPERMOBILITY"]')
    texts = [hyper.nth(i).inner_text() for i in range(hyper.count())]  # in words, not codes
    assert len(texts) == 2 and "L1-L2" in texts[0] and "L2-L3" in texts[1]
    assert not any("SEGMENTAL_HYPERMOBILITY" in t for t in texts)
    assert "Oswestry (ODI)" in page.inner_text("main table")
    assert "Flynn 2002 manipulation rule: 3/5 met" in page.inner_text("main")

    page.click("text=See the 12-week plan")
    dr.check("plan")
    assert page.inner_text("#plan-version") == "1"
    assert page.locator("#week-1 .why").count() >= 5
    assert "Why this exercise:" in page.inner_text("#week-1")

    # Swap: refused alternatives say why; the first allowed one makes version 2.
    rows = page.locator("form.swap-row:not(.dose-row)")
    swapped = None
    for i in range(rows.count()):
        row = page.locator("form.swap-row:not(.dose-row)").nth(i)
        technique = row.get_attribute("data-technique")
        replacement = row.locator("select").input_value()
        before = page.locator(f'li[data-technique="{technique}"]').count()
        row.locator("button").click()
        page.wait_for_load_state("load")
        if page.locator("#plan-error").count():
            assert "replacement:" in page.inner_text("#plan-error")
            if i == 0:
                dr.check("plan-swap-refused")
            continue
        swapped = (technique, replacement, before)
        break
    assert swapped is not None, "no declared alternative could be swapped in"
    dr.check("plan-swapped")
    assert page.inner_text("#plan-version") == "2"
    assert "Technique swapped" in page.inner_text("#notice")
    assert page.inner_text("#plan-changed-by") == server.accounts.clinician_email
    assert swapped[2] >= 1
    assert page.locator(f'li[data-technique="{swapped[0]}"]').count() == 0
    assert page.locator(f'li[data-technique="{swapped[1]}"]').count() >= swapped[2]

    page.click("#approve-form button")
    page.wait_for_load_state("load")
    dr.check("plan-approved")
    assert "Approved" in page.inner_text("#approval")

    href = page.locator(f'li[data-technique="{swapped[1]}"] a').first.get_attribute("href")
    dr.goto(href)
    assert dr.path() == f"/techniques/{swapped[1]}"
    dr.check("technique")
    assert page.locator("#steps li").count() >= 2
    assert page.locator("#cues li").count() >= 1
    assert page.inner_text("#dose").strip()
    assert page.inner_text("#evidence").strip()

    dr.goto(person_path + "/progress")
    dr.check("progress")
    for label in ("Adherence calendar", "Range of motion against the age norm"):
        assert page.locator(f'svg[role="img"] title:text-is("{label}")').count() == 1
    assert page.locator("svg .norm-band").count() >= 4

    dr.goto("/patients")
    dr.check("patients-after")
    # The session's server is shared with the other browser tests, which enrol patients too: the
    # demo patient and the one enrolled here are listed, whatever else is.
    rows = page.locator("#patients tbody tr")
    assert rows.count() >= 2
    assert rows.filter(has=page.locator(f'a[href^="{person_path}"]')).count() == 1

    # A page whose data cannot be loaded says so, with no trace of the code.
    response = dr.goto("/patients/no-such-person/plan")
    assert response.status == 404
    dr.check("not-found")
    assert "Not found" in page.inner_text("h1")
    assert "no patient with id 'no-such-person'" in page.inner_text("main")
