"""In a real browser, desktop and phone: the patient opens their exercise sheet from the today
page, sees every exercise with its picture, and downloads the PDF; the clinician opens the
technique page (the animated picture) and the plan with its pictures."""

from __future__ import annotations

from typing import Any

from tests.e2e.web.conftest import Server


def _pictures_loaded(page: Any, selector: str) -> int:
    """How many pictures under ``selector`` loaded (natural width > 0); fails on a broken one."""
    sizes: list[int] = page.eval_on_selector_all(
        selector, "imgs => imgs.map(i => i.complete ? i.naturalWidth : -1)"
    )
    assert sizes and all(s > 0 for s in sizes), sizes
    return len(sizes)


def test_patient_opens_the_handout_from_the_today_page(browsing: Any, server: Server) -> None:
    for phone in (False, True):
        me = browsing("patient-phone" if phone else "patient-desktop", phone=phone)
        page = me.page
        me.login(server.accounts.patient_email, server.accounts.patient_password)
        person = server.accounts.person_id
        assert me.path() == f"/patients/{person}/today"
        me.check("today", scan="patient")
        page.click("#handout-link")
        page.wait_for_load_state("load")
        assert me.path() == f"/patients/{person}/handout"
        assert page.inner_text("h1") == "Your home exercise programme"
        exercises = page.locator("article.exercise:not(.again)").count()
        assert exercises >= 4
        assert _pictures_loaded(page, "article.exercise:not(.again) img") == exercises
        page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=15_000)
        me.check("handout", scan="patient")
        width = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert width <= 1, f"the handout scrolls sideways by {width}px"
        href = page.get_attribute("#pdf-link", "href")
        assert href == "?format=pdf"
        if not phone:  # the PDF link answers with the PDF (fetched with the page's sign-in)
            pdf = page.request.get(page.url + href, timeout=60_000)
            assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
            assert "home-exercises.pdf" in pdf.headers["content-disposition"]
            assert pdf.body()[:5] == b"%PDF-"


def test_clinician_sees_pictures_on_technique_and_plan(browsing: Any, server: Server) -> None:
    doc = browsing("clinician")
    page = doc.page
    doc.login(server.accounts.clinician_email, server.accounts.clinician_password)
    doc.check("patients")
    doc.goto("/techniques/cat-camel")
    assert _pictures_loaded(page, "#illustration img") == 1
    doc.check("technique")
    doc.goto(f"/patients/{server.accounts.person_id}/plan")
    page.wait_for_load_state("load")
    open_week = page.locator("details[open] img.thumb")
    assert open_week.count() >= 4
    doc.check("plan")
    doc.goto(f"/patients/{server.accounts.person_id}/report/assessment")
    assert "Assessment report" in page.inner_text("h1")
    doc.check("assessment-report")
