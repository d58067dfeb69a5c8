"""`lumbo export fhir|all PERSON`, `lumbo import fhir FILE`, `lumbo erase PERSON`.

Thin: resolve the person, call the service, write the file. The store and data directory come
from the web service's environment (``LUMBO_DATABASE_URL``, ``LUMBO_DATA_DIR``). Every export and
erasure leaves an audit entry (actor role ``cli``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lumbo.cli._common import console, print_json, read_text, web_store
from lumbo.domain.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from lumbo.store.db import Store

PersonArg = Annotated[str, typer.Argument(help="store id or intake person.id")]
OutOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="write to this file (default: print)")
]


def _person(store: Store, ref: str, *, exact: bool = False) -> str:
    from lumbo.services.journey import find_person

    with store.uow() as uow:
        matches = uow.journeys.find_persons(ref)
    if exact and len(matches) > 1:
        ids = ", ".join(p.id for p in matches)
        raise InvalidInput(
            [Problem("PERSON", f"names {len(matches)} persons; give the store id ({ids})", ref)],
            "arguments",
        )
    return find_person(store.uow(), ref).id


def _audit(store: Store, route: str, person_id: str | None, action: str = "read") -> None:
    from lumbo.services.access import record_cli

    record_cli(store.uow(), route, person_id, "write" if action == "write" else "read")


def _write(data: Any, output: Path | None) -> None:
    if output is None:
        print_json(data)
        return
    output.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"wrote {output}")


def export_fhir_cmd(person: PersonArg, output: OutOpt = None) -> None:
    """The person's records as one FHIR R4 Bundle (docs/interop.md)."""
    from lumbo.services.interop import export_fhir
    from lumbo.store.tables import utcnow

    with web_store() as (store, _):
        pid = _person(store, person)
        _audit(store, "lumbo export fhir", pid)
        bundle = export_fhir(store.uow(), pid, now=utcnow())
    _write(bundle, output)


def export_all_cmd(person: PersonArg, output: OutOpt = None) -> None:
    """Every record lumbo holds about the person (JSON), with their FHIR bundle."""
    from lumbo.services.data_rights import export_all
    from lumbo.store.tables import utcnow

    with web_store() as (store, _):
        pid = _person(store, person)
        _audit(store, "lumbo export all", pid)
        data = export_all(store, pid, now=utcnow())
    _write(data.to_json(), output)


def import_fhir_cmd(
    fhir_file: Annotated[Path, typer.Argument(help="a FHIR Bundle or QuestionnaireResponse(s)")],
    intake: Annotated[
        Path | None,
        typer.Option(
            "--intake",
            help="enrol a new patient from this intake, its questionnaires taken from the file",
        ),
    ] = None,
) -> None:
    """Read questionnaire answers from FHIR. Without --intake: print the intake's questionnaires
    section (nothing is written); with it: enrol a new patient."""
    from lumbo.services import interop
    from lumbo.services.parsing import load_json

    text = read_text(fhir_file, "FHIR_FILE")
    if intake is None:
        print_json({"questionnaires": interop.read_fhir(text)})
        return
    base = load_json(read_text(intake, "--intake"), "intake")
    with web_store() as (store, _):
        enrolled = interop.import_fhir(store.uow(), text, base)
        _audit(store, "lumbo import fhir", enrolled.person.id, "write")
    console.print(
        f"enrolled {enrolled.person.id} with "
        + ", ".join(sorted(k for k, v in enrolled.intake.questionnaires if v is not None))
    )


def erase_cmd(
    person: PersonArg,
    yes: Annotated[bool, typer.Option("--yes", help="confirm: this cannot be undone")] = False,
) -> None:
    """Erase a patient: every record, upload and derived file; the audit log keeps a
    de-identified tombstone."""
    from lumbo.services.data_rights import erase_person

    if not yes:
        raise InvalidInput([Problem("--yes", "erasure cannot be undone: confirm with --yes")])
    with web_store() as (store, settings):
        pid = _person(store, person, exact=True)
        done = erase_person(store, pid, actor=None, data_dir=settings.data_dir, via="cli")
    rows = sum(done.rows.values())
    console.print(f"erased {pid}: {rows} records and {done.files} files")


def export_research_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="file to write")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv or parquet (default: from the file name)")
    ] = None,
) -> None:
    """De-identified outcomes of every patient in the store: one row per patient per assessment
    (docs/interop.md says what is removed)."""
    from lumbo.services.clinic import export_research

    chosen = fmt or ("parquet" if output.suffix == ".parquet" else "csv")
    with web_store() as (store, _):
        data = export_research(store, None, chosen)
        _audit(store, f"lumbo export research ({chosen})", None)
    output.write_bytes(data)
    console.print(f"wrote {output}")


def outcomes_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The clinic's outcomes: responder rates against each instrument's MCID (95% Wilson
    intervals), range-of-motion gains beyond the MDC and adherence, for the patients who reached
    a reassessment, split by classification and adherence band."""
    from lumbo.services.clinic import clinic_outcomes

    with web_store() as (store, _):
        summary = clinic_outcomes(store, None)
    if as_json:
        print_json(summary.to_json())
        return
    from lumbo.cli._outcomes_view import render

    render(summary, console)


def register(app: typer.Typer) -> None:
    export = typer.Typer(help="Export a patient's data.", no_args_is_help=True)
    export.command("fhir")(export_fhir_cmd)
    export.command("all")(export_all_cmd)
    export.command("research")(export_research_cmd)
    app.add_typer(export, name="export")
    imports = typer.Typer(help="Import questionnaire answers.", no_args_is_help=True)
    imports.command("fhir")(import_fhir_cmd)
    app.add_typer(imports, name="import")
    app.command("erase")(erase_cmd)
    app.command("outcomes")(outcomes_cmd)
