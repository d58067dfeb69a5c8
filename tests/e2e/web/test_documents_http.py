"""Pictures and printed documents over HTTP: who may read what, the PDF and the print view."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from lumbo.web.app import create_app
from lumbo.web.demo import DemoAccounts, ensure_demo
from tests.e2e.web.test_pages_http import signed_in, sqlite_settings


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, DemoAccounts]]:
    settings = sqlite_settings(tmp_path_factory.mktemp("documents-http"))
    app = create_app(settings)
    accounts = ensure_demo(app.state.lumbo.store, settings)
    yield app, accounts
    app.state.lumbo.store.close()


def _pdf_text(body: bytes) -> str:
    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)


def test_illustrations_need_sign_in_and_a_known_technique(site: tuple[Any, DemoAccounts]) -> None:
    app, acc = site
    anonymous = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    refused = anonymous.get("/illustrations/cat-camel.svg")
    assert refused.status_code in {401, 303, 307}
    assert not refused.headers.get("content-type", "").startswith("image/svg")
    client, _ = signed_in(app, acc.patient_email, acc.patient_password)
    r = client.get("/illustrations/cat-camel.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert ET.fromstring(r.text).attrib["data-technique"] == "cat-camel"
    moving = client.get("/illustrations/cat-camel.svg?motion=1").text
    assert "<animate" in moving and "prefers-reduced-motion" in moving
    assert client.get("/illustrations/no-such-thing.svg").status_code == 404


def test_patient_reads_own_handout_and_progress_but_not_the_assessment_report(
    site: tuple[Any, DemoAccounts],
) -> None:
    app, acc = site
    client, _ = signed_in(app, acc.patient_email, acc.patient_password)
    pid = acc.person_id
    page = client.get(f"/patients/{pid}/handout")
    assert page.status_code == 200
    assert "Your home exercise programme" in page.text
    assert '<link rel="stylesheet" href="/documents/document.css">' in page.text
    assert "<script" not in page.text and "<style" not in page.text
    assert "/illustrations/" in page.text
    pdf = client.get(f"/patients/{pid}/handout?format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "When to stop and seek help" in _pdf_text(pdf.content)
    assert client.get(f"/patients/{pid}/report/progress?format=pdf").status_code == 200
    assert client.get(f"/patients/{pid}/report/assessment").status_code == 403
    assert client.get(f"/patients/{pid}/handout?format=docx").status_code == 422
    today = client.get(f"/patients/{pid}/today").text
    assert f'href="/patients/{pid}/handout"' in today and "/illustrations/" in today
    assert client.get("/documents/document.css").headers["content-type"].startswith("text/css")


def test_clinician_reads_every_document(site: tuple[Any, DemoAccounts]) -> None:
    app, acc = site
    client, _ = signed_in(app, acc.clinician_email, acc.clinician_password)
    pid = acc.person_id
    report = client.get(f"/patients/{pid}/report/assessment?format=pdf")
    assert report.status_code == 200
    text = _pdf_text(report.content)
    assert "Assessment report" in text and "Prediction rules" in text
    assert client.get(f"/patients/{pid}/handout").status_code == 200
    assert "Progress report" in client.get(f"/patients/{pid}/report/progress").text
    plan = client.get(f"/patients/{pid}/plan").text
    assert f"/patients/{pid}/handout" in plan and 'class="thumb"' in plan
    technique = client.get("/techniques/cat-camel").text
    assert "/illustrations/cat-camel.svg?motion=1" in technique
    assert client.get("/patients/not-a-patient/handout").status_code == 404
