"""`lumbo demo`: the main job of `make run` — assess (and plan, when available) the example intake."""

from __future__ import annotations

from importlib import resources

import typer

from lumbo.cli._common import console
from lumbo.cli.assessment_view import render_assessment
from lumbo.services.assessment import assess_intake_text


def example_intake_text() -> str:
    return resources.files("lumbo").joinpath("examples/intake-seed-case.json").read_text("utf-8")


def demo_cmd() -> None:
    """Assess the bundled example intake (a 43-year-old software engineer) and show the result."""
    assessed = assess_intake_text(example_intake_text())
    console.rule("lumbo demo: the example intake (examples/intake-seed-case.json)")
    console.print(render_assessment(assessed.assessment))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_cmd)
