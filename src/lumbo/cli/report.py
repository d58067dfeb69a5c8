"""`lumbo report handout|assessment|progress`: a patient's printed documents as PDF (or HTML).

The patient is found the way ``lumbo progress`` finds them (``--person``: store id or intake
person.id; default the most recent). The documents are the ones the web app prints.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from lumbo.cli._common import console
from lumbo.domain.errors import InvalidInput, Problem

KINDS = ("handout", "assessment", "progress")


def report_cmd(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="handout, assessment or progress")],
    out: Annotated[Path, typer.Option("--out", "-o", help="file to write (.pdf or .html)")],
    person: Annotated[
        str | None,
        typer.Option("--person", help="store id or intake person.id (default: the most recent)"),
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="date YYYY-MM-DD (default: today)")] = None,
    url: Annotated[
        str, typer.Option("--url", help="the app's address, printed with a QR code on the handout")
    ] = "http://127.0.0.1:8000/",
    whole_plan: Annotated[
        bool, typer.Option("--whole-plan", help="handout: every different session of the 12 weeks")
    ] = False,
) -> None:
    """Write a patient's home-exercise handout, assessment report or progress report."""
    from lumbo.cli.journey import _date, _store
    from lumbo.reports.documents import render_html, to_pdf
    from lumbo.services import documents, journey

    if kind not in KINDS:
        raise InvalidInput(
            [Problem("KIND", f"must be one of {', '.join(KINDS)}", kind)], "arguments"
        )
    suffix = out.suffix.lower()
    if suffix not in {".pdf", ".html"}:
        raise InvalidInput([Problem("--out", "must end in .pdf or .html", str(out))], "options")
    day: date = _date(on)
    with _store() as store:
        who = journey.find_person(store.uow(), person)
        if kind == "handout":
            data = documents.handout(store.uow, who.id, day, app_url=url, whole_plan=whole_plan)
        elif kind == "assessment":
            data = documents.assessment_report(store.uow, who.id)
        else:
            data = documents.progress_report(store.uow, who.id, day)
    html = render_html(data)
    try:
        if suffix == ".pdf":
            out.write_bytes(to_pdf(html))
        else:
            out.write_text(html, encoding="utf-8")
    except OSError as err:
        raise InvalidInput([Problem("--out", f"cannot write: {err}", str(out))]) from None
    console.print(f"{data['title']} written to {out}")


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)
