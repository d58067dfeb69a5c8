"""The human view of ``lumbo outcomes``."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from lumbo.domain.outcomes.clinic import ClinicOutcomes, Group, Rate


def _rate(r: Rate) -> str:
    if r.n == 0 or r.ci is None:
        return "none measured"
    return f"{r.k}/{r.n} = {r.percent:g}% (95% CI {r.ci[0]:g}-{r.ci[1]:g}%)"


def _group(g: Group, console: Console) -> None:
    adherence = (
        "not known"
        if g.adherence_median is None
        else f"median {g.adherence_median:g}% of planned sessions ({g.adherence_known} patients)"
    )
    table = Table(
        title=f"{g.name}: {g.patients} patient(s); adherence {adherence}", title_justify="left"
    )
    table.add_column("measure")
    table.add_column("reached")
    table.add_column("threshold")
    for r in (*g.proms, *g.rom):
        table.add_row(r.label, _rate(r), f"{r.threshold} [{r.source}]")
    console.print(table)


def render(summary: ClinicOutcomes, console: Console) -> None:
    if summary.overall.patients == 0:
        console.print("No patient has reached a reassessment yet.")
        return
    _group(summary.overall, console)
    console.print("[bold]By classification[/bold]")
    for g in summary.by_classification:
        _group(g, console)
    console.print("[bold]By adherence band[/bold]")
    for g in summary.by_adherence:
        _group(g, console)
    for note in summary.notes:
        console.print(f"- {note}", markup=False)
