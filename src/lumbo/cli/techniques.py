"""`lumbo techniques` (the library as a table or JSON) and `lumbo technique ID` (one card)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from lumbo.cli._common import console, print_json
from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.describe import describe_dose
from lumbo.domain.knowledge.model import Role, Technique

ROLES: tuple[str, ...] = tuple(r.value for r in Role)


def _role(value: str | None) -> Role | None:
    if value is None:
        return None
    try:
        return Role(value)
    except ValueError:
        problem = Problem("--role", f"must be one of {', '.join(ROLES)}", value)
        raise InvalidInput([problem], "option") from None


def technique_json(t: Technique) -> dict[str, Any]:
    """Every attribute of a technique, JSON-ready (enums as their string values)."""
    return t.model_dump(mode="json")


def _joined(values: tuple[Any, ...], empty: str = "-") -> str:
    return ", ".join(str(v) for v in values) if values else empty


def render_table(techniques: tuple[Technique, ...]) -> Table:
    """One row per technique; the id column is as wide as the longest id, so ids stay whole."""
    table = Table(
        title=f"lumbo technique library ({len(techniques)})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    widest_id = max((len(t.id) for t in techniques), default=10)
    table.add_column("id / name", min_width=widest_id, overflow="fold")
    table.add_column("role", min_width=len("education"), no_wrap=True)
    table.add_column("positions / equipment", max_width=13, overflow="fold")
    table.add_column("evidence", min_width=len("description"), max_width=12)
    for t in techniques:
        table.add_row(
            Text.assemble((t.id, "bold"), "\n", (t.name, "dim")),
            t.role.value,
            Text.assemble(_joined(t.positions), "\n", (_joined(t.equipment, "none"), "dim")),
            t.evidence.level.value.replace("_", " "),
        )
    return table


def _section(title: str, lines: list[str], numbered: bool = False) -> list[RenderableType]:
    """A titled list whose wrapped lines keep their indentation."""
    if not lines:
        return []
    grid = Table.grid(padding=(0, 1), pad_edge=True)
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(overflow="fold")
    for i, line in enumerate(lines, start=1):
        grid.add_row(f"{i}." if numbered else "-", Text(line))
    return [Text(title, style="bold"), grid, Text("")]


def render_card(t: Technique) -> Panel:
    lib = library()
    chain = [f"easier: {lib.get(r).name} ({r})" for r in t.regressions]
    chain += [f"harder: {lib.get(p).name} ({p})" for p in t.progressions]
    evidence = f"{t.evidence.level.value}: {t.evidence.source}"
    if t.evidence.note:
        evidence += f" ({t.evidence.note})"
    facts = (
        f"role {t.role.value} | positions {_joined(t.positions)} | "
        f"equipment {_joined(t.equipment, 'none')} | regions {_joined(t.regions)}"
    )
    parts: list[RenderableType] = [
        Text.assemble(("id ", "dim"), (t.id, "bold")),
        Text(t.summary),
        Text(facts, style="dim"),
        Text(""),
    ]
    parts += _section("Steps", list(t.steps), numbered=True)
    parts += _section("Cues", list(t.cues))
    parts += _section("Dose", [describe_dose(t.dose)])
    parts += _section("Progressions and regressions", chain)
    parts += _section("Contraindications", [str(c) for c in t.contraindications])
    parts += _section("Stop if", list(t.cautions))
    parts += _section("Why", [t.rationale])
    parts += _section("Evidence", [evidence])
    if t.seed_article:
        parts.append(Text("Idea from a seed article; its claims are not used as evidence.", "dim"))
    return Panel(Group(*parts), title=Text(t.name, style="bold"), title_align="left")


def techniques_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="print every attribute as JSON")] = False,
    role: Annotated[
        str | None, typer.Option("--role", help=f"only this role: {', '.join(ROLES)}")
    ] = None,
) -> None:
    """List the technique library."""
    wanted = _role(role)
    lib = library()
    chosen = lib.techniques if wanted is None else lib.by_role(wanted)
    if as_json:
        print_json([technique_json(t) for t in chosen])
    else:
        console.print(render_table(chosen))


def technique_cmd(
    technique_id: Annotated[str, typer.Argument(metavar="ID", help="technique id")],
    as_json: Annotated[bool, typer.Option("--json", help="print every attribute as JSON")] = False,
) -> None:
    """Show one technique as a card: steps, cues, dose, chain, safety and evidence."""
    t = library().get(technique_id)  # unknown id -> NotFound -> exit 2 at the edge
    if as_json:
        print_json(technique_json(t))
    else:
        console.print(render_card(t))


def register(app: typer.Typer) -> None:
    app.command("techniques")(techniques_cmd)
    app.command("technique")(technique_cmd)
