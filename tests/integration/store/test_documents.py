"""The printed documents on both real databases: the PDF's text (pypdf) says what the plan and the
assessment say, the handout speaks to the patient without codes or ids, each first page is
rendered to PNG (``pdftoppm``) into ``artifacts/documents/`` for a person to look at; and the
``lumbo report`` command writes the same documents."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from lumbo.cli import main
from lumbo.domain.explain import finding_name, words
from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.model import FINDING_CODES
from lumbo.domain.plan_view import dose_words
from lumbo.reports.documents import render_html, to_pdf
from lumbo.services import documents, journey
from lumbo.store.db import Store
from tests.e2e.web.text_scan import problems
from tests.helpers import program_day
from tests.integration.store import samples

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "artifacts" / "documents"
URL = "https://lumbo.example/"


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    raw = " ".join(page.extract_text() or "" for page in reader.pages)
    # a word the layout broke at its hyphen ("roll-" at a line end, "up" on the next) is whole
    return re.sub(r"\s+", " ", re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1-\2", raw))


def _first_page_png(pdf: bytes, name: str) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; .ci/run installs it")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    src = ARTIFACTS / f"{name}.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(src),
            str(ARTIFACTS / name),
        ],
        check=True,
    )
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 5_000


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s)


@pytest.fixture
def enrolled(store: Store) -> str:
    return journey.init_person(store.uow(), samples.intake_text()).person.id


@pytest.mark.parametrize("weeks_in", [0, 4, 11], ids=["week-1", "week-5", "week-12"])
def test_handout_pdf_says_what_the_plan_says(
    store: Store, enrolled: str, database_url: str, weeks_in: int
) -> None:
    on = program_day(store.uow(), enrolled, weeks=weeks_in)
    data = documents.handout(store.uow, enrolled, on, app_url=URL)
    pdf = to_pdf(render_html(data))
    text = _text(pdf)
    due = journey.today(store.uow(), enrolled, on)
    plan = journey.current_plan(store.uow(), enrolled).plan
    lib = library()
    assert "Your home exercise programme" in text
    assert "seed-case-43m" in text and f"Week {due.week} of 12" in text
    assert URL in text.replace(" ", "") and "How to sign in" in text
    for session in plan.weeks[due.week - 1].sessions:
        for block in session.blocks:
            t = lib.get(block.technique)
            assert _norm(t.name) in text, t.name
            assert _norm(dose_words(block.dose)) in text, dose_words(block.dose)
            assert _norm(t.steps[0])[:40] in text
    assert "When to stop and seek help" in text
    assert "emergency care the same day" in text
    # plain second person: no finding codes, technique ids or snake_case words
    for code in FINDING_CODES:
        assert code not in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)
    for block in plan.weeks[due.week - 1].sessions[0].blocks:
        assert block.technique not in text
    assert not problems(text, "patient"), problems(text, "patient")
    if weeks_in == 0:
        _first_page_png(pdf, f"handout-{database_url.split(':')[0]}")


def test_whole_plan_handout_covers_the_twelve_weeks(store: Store, enrolled: str) -> None:
    data = documents.handout(
        store.uow, enrolled, program_day(store.uow(), enrolled), app_url=URL, whole_plan=True
    )
    plan = journey.current_plan(store.uow(), enrolled).plan
    used = {b.technique for w in plan.weeks for s in w.sessions for b in s.blocks}
    printed = {e["technique"] for s in data["sessions"] for e in s["exercises"]}
    assert printed == used
    weeks = {w["week"] for w in data["schedule"]}
    assert weeks == set(range(1, 13))
    # "Stop if:" runs on into its first reason only; later reasons are their own sentences
    html = render_html(data)
    assert html.count("Stop if:") == len(used)
    assert not re.search(r"\.\s+you\b", html), re.findall(r".{40}\.\s+you\b.{20}", html)


def test_assessment_report_pdf(store: Store, enrolled: str, database_url: str) -> None:
    data = documents.assessment_report(store.uow, enrolled)
    pdf = to_pdf(render_html(data))
    text = _text(pdf)
    a = data["assessment"]
    assert "Assessment report" in text
    assert ("Referral: none required" in text) == (not a.referral.required)
    for name, _score, band in data["scores"]:
        assert _norm(str(name)) in text and _norm(str(band))[:30] in text
    for f in a.findings:  # in words: the name, never the code (issue 15)
        assert finding_name(f.code) in text and f.code not in text
        assert _norm(words(f.evidence[0]))[:50] in text
    assert "Prediction rules" in text
    for rule in data["rules"]:
        assert _norm(rule["name"]) in text
        for key in rule["criteria"]:
            assert key.replace("_", " ") in text
    assert a.classification.approach.replace("_", " ") in text
    assert data["sources"] and _norm(data["sources"][0])[:40] in text
    assert not problems(text, "clinician"), problems(text, "clinician")
    _first_page_png(pdf, f"assessment-{database_url.split(':')[0]}")


def test_progress_report_pdf(store: Store, enrolled: str, database_url: str) -> None:
    data = documents.progress_report(
        store.uow, enrolled, program_day(store.uow(), enrolled, weeks=2)
    )
    pdf = to_pdf(render_html(data))
    text = _text(pdf)
    assert "Progress report" in text and "Range of motion against the age norm" in text
    for r in data["progress"]["rom"]:
        assert _norm(r["statement"])[:40] in text
    _first_page_png(pdf, f"progress-{database_url.split(':')[0]}")


@pytest.mark.parametrize("kind", ["handout", "assessment", "progress"])
def test_lumbo_report_writes_the_pdf(
    kind: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LUMBO_DATABASE_URL", database_url)
    assert main(["init", str(samples.EXAMPLE)]) == 0
    out = tmp_path / f"{kind}.pdf"
    assert main(["report", kind, "--out", str(out)]) == 0
    title = {"handout": "Your home exercise programme", "assessment": "Assessment report",
             "progress": "Progress report"}[kind]  # fmt: skip
    assert title in _text(out.read_bytes())


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "letter", "--out", "x.pdf"],
        ["report", "handout", "--out", "x.docx"],
        ["report", "handout", "--out", "x.pdf", "--person", "nobody"],
        ["report", "handout", "--out", "x.pdf", "--on", "2026-13-01"],
    ],
)
def test_lumbo_report_refuses_bad_input(
    argv: list[str], database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LUMBO_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    assert main(["init", str(samples.EXAMPLE)]) == 0
    assert main(argv) == 2
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.docx").exists()
