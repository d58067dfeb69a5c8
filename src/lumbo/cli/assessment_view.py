"""Rich rendering of an assessment for people: referral first, then scores, findings, rules, meaning."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from lumbo.domain.assessment.model import Assessment, RuleResult
from lumbo.domain.explain import REGION_TITLES, score_rows, what_this_means, where

_SEVERITY_STYLE = {"severe": "bold red", "moderate": "yellow", "mild": "cyan"}
_STATUS_MARK = {
    "met": "[green]met[/]",
    "not_met": "[dim]not met[/]",
    "unknown": "[magenta]unknown[/]",
}


def referral_panel(a: Assessment) -> Panel:
    r = a.referral
    if r.required:
        title = "REFERRAL: EMERGENCY" if r.urgency == "emergency" else "REFERRAL BEFORE STARTING"
        body = Text("\n".join(f"• {reason}" for reason in r.reasons))
        if r.cautions:
            body.append("\n" + "\n".join(f"• caution: {c}" for c in r.cautions), style="yellow")
        return Panel(body, title=title, border_style="bold red")
    text = Text("No red flag requires referral.", style="green")
    for c in r.cautions:
        text.append(f"\n• caution: {c}", style="yellow")
    return Panel(text, title="Referral: none", border_style="green")


def scores_table(a: Assessment) -> Table:
    table = Table(title="Scores", title_justify="left", expand=False)
    table.add_column("measure")
    table.add_column("score")
    table.add_column("band / note", overflow="fold")
    for row in score_rows(a.scores):
        table.add_row(*row)
    if not table.rows:
        table.add_row("(no questionnaires given)", "", "")
    return table


def findings_group(a: Assessment) -> RenderableType:
    if not a.findings:
        return Text("Findings: none on the measurements given.", style="green")
    by_region: dict[str, list[Any]] = {}
    for f in a.findings:
        by_region.setdefault(f.region, []).append(f)
    parts: list[RenderableType] = [Text("Findings (nodes of restriction)", style="bold")]
    for region in sorted(
        by_region, key=lambda r: list(REGION_TITLES).index(r) if r in REGION_TITLES else 99
    ):
        parts.append(Text(REGION_TITLES.get(region, region), style="bold underline"))
        for f in by_region[region]:
            qual = where(f)
            head = Text("  ")
            head.append(f.code, style="bold")
            if qual:
                head.append(f" [{qual}]")
            head.append(f"  {f.severity.value}", style=_SEVERITY_STYLE[f.severity.value])
            parts.append(head)
            for e in f.evidence:
                parts.append(Text(f"      - {e}", style="dim"))
    return Group(*parts)


def _rule_table(name: str, r: RuleResult) -> Table:
    verdict = "[green]positive[/]" if r.positive else "negative"
    title = f"{name}: {r.count}/{r.of} met (positive from {r.threshold}) -> {verdict}"
    if r.unknown:
        title += f", {r.unknown} unknown"
    table = Table(title=title, title_justify="left", show_header=False, expand=False)
    table.add_column("criterion")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    for key, c in r.criteria.items():
        table.add_row(key, _STATUS_MARK[c.status], c.detail)
    return table


def rules_group(a: Assessment) -> RenderableType:
    names = {
        "flynn_manipulation": "Flynn 2002 manipulation rule",
        "hicks_stabilization": "Hicks 2005 stabilization rule (success)",
        "hicks_stabilization_failure": "Hicks 2005 stabilization rule (failure)",
    }
    return Group(*(_rule_table(names.get(k, k), r) for k, r in a.rules.items()))


def classification_text(a: Assessment) -> Text:
    c = a.classification
    text = Text("Classification\n", style="bold")
    text.append(f"  approach: {c.approach}\n")
    for r in c.approach_reasons:
        text.append(f"      - {r}\n", style="dim")
    text.append(f"  treatment-based category: {c.tbc or 'none'}\n")
    for r in c.tbc_reasons:
        text.append(f"      - {r}\n", style="dim")
    if c.psychosocial_risk:
        text.append(f"  psychosocial risk: {c.psychosocial_risk}\n")
    return text


def render_assessment(a: Assessment) -> RenderableType:
    parts: list[RenderableType] = [referral_panel(a), scores_table(a), findings_group(a)]
    parts += [Text(""), rules_group(a), classification_text(a)]
    if a.not_assessed:
        parts.append(Text("Not assessed: " + "; ".join(a.not_assessed), style="magenta"))
    meaning = "\n".join(what_this_means(a))
    parts.append(Panel(meaning, title="What this means", border_style="blue"))
    return Group(*parts)
