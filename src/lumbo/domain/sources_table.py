"""The table of every clinical threshold lumbo encodes, with its source (for the README and `lumbo sources`)."""

from __future__ import annotations

from lumbo.domain.norms import NORM_MEASURES, expected, sources
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
