"""`lumbo demo`: assess and plan the bundled example intake, and show both to a person."""

from __future__ import annotations

from importlib import resources

import typer

from lumbo.cli import _journey_view as view
from lumbo.cli._common import console
from lumbo.cli.assessment_view import render_assessment
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.engine import build_plan
from lumbo.services.assessment import assess_intake_text


def example_intake_text() -> str:
    return resources.files("lumbo").joinpath("examples/intake-seed-case.json").read_text("utf-8")


def demo_cmd() -> None:
    """Assess the bundled example intake (a 43-year-old software engineer), then plan it."""
    assessed = assess_intake_text(example_intake_text())
    console.rule("lumbo demo: the example intake (examples/intake-seed-case.json)")
    console.print(render_assessment(assessed.assessment))
    plan = build_plan(assessed.intake, assessed.assessment)
    console.rule("The 12-week plan")
    if plan.status != "ok":
        console.print("A referral is required: no plan is built.")
        return
    console.print(view.plan_summary(plan, plan.version))
    first = plan.weeks[0]
    for s in first.sessions[:1]:
        title = f"Week 1 session {s.index} (~{s.estimated_minutes:g} min)"
        console.print(view.session_table(s, library(), title))
    console.print(
        "Next: `lumbo plan examples/intake-seed-case.json --week N` for any week, "
        "`lumbo init examples/intake-seed-case.json` to start the guided journey."
    )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_cmd)
