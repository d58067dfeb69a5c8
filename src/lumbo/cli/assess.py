"""`lumbo assess`, `lumbo schema` and `lumbo demo`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lumbo.cli._common import console, print_json, read_text
from lumbo.cli.assessment_view import render_assessment
from lumbo.services.assessment import assess_intake_text


class SchemaName(StrEnum):
    intake = "intake"


def assess_cmd(
    intake: Annotated[Path, typer.Argument(help="intake JSON file ('-' for standard input)")],
    as_json: Annotated[bool, typer.Option("--json", help="print the JSON contract")] = False,
) -> None:
    """Assess an intake: referral, scores, findings (nodes of restriction), rules, classification."""
    text = (
        typer.get_text_stream("stdin").read() if str(intake) == "-" else read_text(intake, "intake")
    )
    assessed = assess_intake_text(text)
    if as_json:
        print_json(assessed.assessment.to_json())
    else:
        console.print(render_assessment(assessed.assessment))


def schema_cmd(
    name: Annotated[SchemaName, typer.Argument(help="which document")] = SchemaName.intake,
) -> None:
    """Print the JSON Schema of an input document."""
    from lumbo.domain.intake import intake_json_schema

    print_json(intake_json_schema())


def register(app: typer.Typer) -> None:
    app.command("assess")(assess_cmd)
    app.command("schema")(schema_cmd)
