"""The table of every clinical threshold lumbo encodes, with its source (for the README and `lumbo sources`)."""

from __future__ import annotations

from lumbo.domain.norms import NORM_MEASURES, expected, source, sources
from lumbo.domain.outcomes.reassessment import mcids
from lumbo.domain.thresholds import thresholds

_KIND = {
    "published_cutoff": "published cut-off",
    "published_norm": "published norm",
    "secondary": "secondary source (unverified)",
    "policy": "lumbo policy (no published cut-off)",
}


def _values(values: dict[str, object]) -> str:
    parts = []
    for k, v in values.items():
        if k == "note":
            continue
        if isinstance(v, list):
            v = ", ".join(f"{a[0]}: {a[1]}" if isinstance(a, list) else str(a) for a in v)
        parts.append(f"{k} = {v}")
    return "; ".join(parts)


def markdown_rows() -> list[str]:
    rows = ["| rule | values | kind | source |", "|---|---|---|---|"]
    for name, t in sorted(thresholds().items()):
        unverified = "" if t.source.verified else " (unverified)"
        rows.append(
            f"| `{name}` | {_values(t.values)} | {_KIND[t.kind]} | {t.source.short}{unverified} |"
        )
    for m in mcids():
        extra = f"; or {m.relative_pct:g}% relative improvement" if m.relative_pct else ""
        rows.append(
            f"| MCID `{m.measure}` | {m.mcid:g} points ({m.better} is better){extra} | "
            f"published MCID | {source(m.source).short} |"
        )
    for measure in NORM_MEASURES:
        e = expected(measure, 16)
        kind = "published norm" if e.source.verified else "secondary source (unverified)"
        rows.append(f"| norm `{measure}` | {e.method} | {kind} | {e.source.short} |")
    return rows


def markdown_sources() -> list[str]:
    return [
        f"- **{s.short}**: {s.citation}"
        for s in sorted(sources().values(), key=lambda s: s.short.lower())
    ]
