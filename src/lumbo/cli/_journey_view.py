"""Rich renderings for the journey commands (no logic: everything shown comes from the services)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from lumbo.domain.knowledge import Library
from lumbo.domain.plan_view import dose_words
from lumbo.domain.protocol.model import Adjustment, BlockLog, Plan, Session
from lumbo.domain.safety import MAX_STRETCH_INTENSITY, overstretched

if TYPE_CHECKING:
    from lumbo.services.journey import Today


def _name(library: Library, tid: str) -> str:
    return library.get(tid).name if tid in library else tid


def plan_summary(plan: Plan, version: int) -> RenderableType:
    table = Table(title=f"Plan version {version}", title_justify="left")
    for col in ("week", "phase", "sessions", "minutes / session", "reassess"):
        table.add_column(col)
    for w in plan.weeks:
        minutes = [s.estimated_minutes for s in w.sessions]
        span = f"{min(minutes):g}-{max(minutes):g}" if minutes else "-"
        table.add_row(
            str(w.week),
            w.phase_name or w.phase,
            str(len(w.sessions)),
            span,
            "yes" if w.reassessment else "",
        )
    notes = [Text(f"• {n}") for n in plan.notes]
    return Group(table, *notes)


def session_table(session: Session, library: Library, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("#", "technique", "role", "dose", "min"):
        table.add_column(col)
    for i, b in enumerate(session.blocks, 1):
        table.add_row(
            str(i),
            _name(library, b.technique),
            b.role.value,
            dose_words(b.dose),
            f"{b.estimated_minutes:g}",
        )
    return table


def today_view(t: Today, library: Library) -> RenderableType:
    head = Text(
        f"{t.on.isoformat()} · week {t.week} ({t.phase}) · plan version {t.plan_version} · "
        f"{t.done_this_week} of {t.sessions_this_week} sessions done this week"
    )
    parts: list[RenderableType] = [head]
    if t.on < t.start_date:
        parts.append(Text(f"The plan starts on {t.start_date.isoformat()}.", style="italic"))
    if t.reassessment_due:
        parts.append(Text("Reassessment due this week: `lumbo reassess INTAKE`.", style="bold"))
    if t.stop is not None:
        parts.append(Text("Your plan is stopped: you reported a warning sign.", style="bold red"))
        parts.append(Text("You reported: " + "; ".join(t.stop.signs) + ".", style="bold red"))
        parts.append(Text(t.stop.advice, style="bold red"))
    elif t.session is None:
        parts.append(Text("All of this week's sessions are done. Rest, or walk.", style="green"))
    else:
        title = f"Session {t.session.index} (~{t.session.estimated_minutes:g} min)"
        parts.append(session_table(t.session, library, title))
    return Group(*parts)


def block_logs(logs: list[BlockLog] | tuple[BlockLog, ...], library: Library) -> Table:
    table = Table(title="Summary", title_justify="left")
    for col in ("technique", "sets", "intensity", "pain during", "pain after", "warning signs"):
        table.add_column(col)
    for b in logs:
        signs = [
            s
            for s, on in (
                (f"intensity > {MAX_STRETCH_INTENSITY}", overstretched(b.intensity)),
                ("sharp pain", b.sharp_pain),
                ("new tingling", b.new_numbness_or_tingling),
            )
            if on
        ]
        table.add_row(
            _name(library, b.technique),
            str(b.completed_sets),
            "-" if b.intensity is None else str(b.intensity),
            str(b.pain_during),
            str(b.pain_after),
            Text(", ".join(signs), style="bold red") if signs else Text(""),
        )
    return table


def adjustment_view(a: Adjustment, library: Library) -> RenderableType:
    table = Table(title="What happens next", title_justify="left")
    for col in ("technique", "decision", "why"):
        table.add_column(col)
    style = {"progress": "green", "hold": "", "regress": "bold red", "swap": "yellow"}
    for d in a.decisions:
        action = d.action + (f" -> {_name(library, d.replacement)}" if d.replacement else "")
        table.add_row(_name(library, d.technique), Text(action, style=style[d.action]), d.reason)
    alerts = [Text(f"! {al.kind}: {al.reason}", style="bold red") for al in a.alerts]
    return Group(table, *alerts)


def progress_view(data: dict[str, Any]) -> RenderableType:
    adh = data["adherence"]
    pct = "-" if adh["percent"] is None else f"{adh['percent']:g}%"
    head = Text(
        f"Person {data['external_ref'] or data['person_id']} · week {data['week']} · "
        f"plan version {data['plan_version']} · sessions done {adh['completed_sessions']} of "
        f"{adh['planned_sessions']} planned ({pct})"
    )
    rom = Table(title="Range of motion (degrees)", title_justify="left")
    for col in ("measure", "baseline", "now", "change", "age norm", "deficit restored"):
        rom.add_column(col)
    for r in data["rom"]:
        restored = r["deficit_restored_pct"]
        rom.add_row(
            r["measure"],
            _num(r["baseline_deg"]),
            _num(r["now_deg"]),
            "-" if r["change_deg"] is None else f"{r['change_deg']:+g}",
            _num(r["expected_deg"]),
            "-" if restored is None else f"{restored:g}%",
        )
    proms = Table(title="Questionnaires", title_justify="left")
    for col in ("measure", "baseline", "now", "change", "MCID", "verdict"):
        proms.add_column(col)
    for p in data["proms"]:
        proms.add_row(
            p["measure"],
            _num(p["baseline"]),
            _num(p["now"]),
            "-" if p["change"] is None else f"{p['change']:+g}",
            f"{p['mcid']:g} ({p['better']} is better)",
            p["responder"].replace("_", " "),
        )
    notes = [Text(f"• {n}", style="italic") for n in data["notes"]]
    return Group(head, rom, proms, *notes)


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"
