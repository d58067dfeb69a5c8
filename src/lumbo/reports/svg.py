"""Progress charts as SVG strings, rendered on the server (web pages today, printed reports later).

Pure functions of plain data (the JSON of :func:`lumbo.services.progress.progress`): no I/O, no
JavaScript. Every chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` that states the
values in words, so a screen reader gets the numbers the picture shows. All text is XML-escaped.

* :func:`rom_chart` - range of motion, baseline and now, against the age-norm band.
* :func:`prom_chart` - questionnaires, baseline and now, against their MCID lines.
* :func:`adherence_calendar` - planned sessions by week: done, missed, to come.
* :func:`trend_chart` - session-by-session stretch intensity and pain with their limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

__all__ = [
    "NORM_BAND_LOW_PCT",
    "Series",
    "adherence_calendar",
    "prom_chart",
    "rom_chart",
    "trend_chart",
]

NORM_BAND_LOW_PCT = 85.0
"""The age-norm band runs from this % of the age-expected value to the expected value: below it a
range counts as restricted (``rom_percent_of_expected``, lumbo policy)."""

# High-contrast palette (each at least 4.5:1 on white).
INK = "#1a1a1a"
MUTED = "#4d4d4d"
BASE = "#5a5a5a"
NOW = "#0b5394"
BAND = "#cfe8d5"
NORM = "#1e6b30"
MCID = "#a33a00"
DONE = "#0b5394"
MISSED = "#b00020"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'

ROM_LABELS = {
    "lumbar_flexion_deg": "Flexion",
    "lumbar_extension_deg": "Extension",
    "lateral_flexion_left_deg": "Side-bend L",
    "lateral_flexion_right_deg": "Side-bend R",
    "rotation_left_deg": "Rotation L",
    "rotation_right_deg": "Rotation R",
    "slr_left_deg": "SLR L",
    "slr_right_deg": "SLR R",
}
PROM_SCALES: dict[str, tuple[str, float, float]] = {
    "odi_percent": ("ODI %", 0.0, 100.0),
    "rmdq": ("RMDQ", 0.0, 24.0),
    "nprs_now": ("Pain NPRS", 0.0, 10.0),
    "psfs_mean": ("PSFS", 0.0, 10.0),
    "promis_pi_t": ("PROMIS PI T", 30.0, 80.0),
}


def _e(text: object) -> str:
    return escape(str(text), {'"': "&quot;"})


def _n(x: float) -> str:
    """A number for an SVG attribute: at most 2 decimals, no trailing zeros."""
    return f"{x:.2f}".rstrip("0").rstrip(".") or "0"


def _g(x: float | None) -> str:
    return "not measured" if x is None else f"{x:g}"


def _svg(ident: str, width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" {FONT}>'
    )
    return "".join(
        [
            head,
            f'<title id="{ident}-title">{_e(title)}</title>',
            f'<desc id="{ident}-desc">{_e(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _text(x: float, y: float, text: object, *, anchor: str = "start", fill: str = INK) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}">{_e(text)}</text>'


def _empty(ident: str, title: str, message: str) -> str:
    return _svg(ident, 480, 40, title, message, [_text(8, 24, message, fill=MUTED)])


def rom_chart(rom: Sequence[dict[str, Any]], *, ident: str = "rom") -> str:
    """Bars of baseline and current range (degrees) per measure, over the age-norm band
    (``NORM_BAND_LOW_PCT``-100% of the age-expected value) with a line at the expected value.
    ``rom`` rows carry ``measure``, ``baseline_deg``, ``now_deg`` and ``expected_deg``."""
    rows = [r for r in rom if r.get("baseline_deg") is not None or r.get("now_deg") is not None]
    title = "Range of motion against the age norm"
    if not rows:
        return _empty(ident, title, "No range of motion measured yet.")
    left, right, row_h, top = 110, 560, 34, 28
    top_value = max(
        max(float(r.get(k) or 0.0) for k in ("baseline_deg", "now_deg", "expected_deg"))
        for r in rows
    )
    scale_max = max(10.0, top_value * 1.1)

    def x(v: float) -> float:
        return left + (right - left) * v / scale_max

    body: list[str] = []
    desc: list[str] = []
    height = top + row_h * len(rows) + 30
    for i, r in enumerate(rows):
        y = top + i * row_h
        label = ROM_LABELS.get(str(r["measure"]), str(r["measure"]))
        body.append(_text(left - 6, y + 18, label, anchor="end"))
        expected = r.get("expected_deg")
        base, now = r.get("baseline_deg"), r.get("now_deg")
        if expected is not None:
            lo = float(expected) * NORM_BAND_LOW_PCT / 100
            body.append(
                f'<rect class="norm-band" x="{_n(x(lo))}" y="{_n(y)}" '
                f'width="{_n(x(float(expected)) - x(lo))}" height="{row_h - 4}" fill="{BAND}"/>'
            )
            body.append(
                f'<line class="norm-line" x1="{_n(x(float(expected)))}" '
                f'x2="{_n(x(float(expected)))}" y1="{_n(y)}" y2="{_n(y + row_h - 4)}" '
                f'stroke="{NORM}" stroke-width="2"/>'
            )
        for value, offset, colour, cls in ((base, 4, BASE, "baseline"), (now, 16, NOW, "now")):
            if value is not None:
                body.append(
                    f'<rect class="bar-{cls}" data-value="{_n(float(value))}" x="{left}" '
                    f'y="{_n(y + offset)}" width="{_n(x(float(value)) - left)}" height="10" '
                    f'fill="{colour}"/>'
                )
        norm_words = f"age-expected {_g(expected)} deg" if expected is not None else "no age norm"
        desc.append(f"{label}: baseline {_g(base)} deg, now {_g(now)} deg, {norm_words}")
    axis_y = top + row_h * len(rows) + 4
    body.append(f'<line x1="{left}" x2="{right}" y1="{axis_y}" y2="{axis_y}" stroke="{MUTED}"/>')
    for tick in range(0, int(scale_max) + 1, 20 if scale_max > 60 else 10):
        body.append(_text(x(tick), axis_y + 16, f"{tick}°", anchor="middle", fill=MUTED))
    body += _legend(
        right - 300,
        14,
        [(BASE, "baseline"), (NOW, "now"), (BAND, f"norm band {NORM_BAND_LOW_PCT:g}-100%")],
    )
    text = (
        "; ".join(desc)
        + f". The band runs from {NORM_BAND_LOW_PCT:g}% of the age-expected value (below it: "
        "restricted, lumbo policy) to the expected value."
    )
    return _svg(ident, right + 20, height, title, text, body)


def _legend(
    x0: float,
    y: float,
    items: list[tuple[str, str]],
    strokes: Sequence[str | None] = (),
) -> list[str]:
    out: list[str] = []
    x = x0
    for i, (colour, label) in enumerate(items):
        stroke = strokes[i] if i < len(strokes) else None
        edge = f' stroke="{stroke}" stroke-width="2"' if stroke else ""
        out.append(
            f'<rect x="{_n(x)}" y="{_n(y - 9)}" width="10" height="10" fill="{colour}"{edge}/>'
        )
        out.append(_text(x + 14, y, label))
        x += 24 + 7 * len(label)
    return out


def prom_chart(proms: Sequence[dict[str, Any]], *, ident: str = "proms") -> str:
    """One scale per questionnaire with the baseline and current score and the MCID line: the
    score that would be a minimal clinically important improvement from baseline."""
    rows = [p for p in proms if p.get("baseline") is not None and p["measure"] in PROM_SCALES]
    title = "Questionnaires against their minimal clinically important difference"
    if not rows:
        return _empty(ident, title, "No questionnaire scores yet.")
    left, right, row_h, top = 110, 560, 40, 30
    body: list[str] = []
    desc: list[str] = []
    for i, p in enumerate(rows):
        label, lo, hi = PROM_SCALES[p["measure"]]
        y = top + i * row_h + 14

        def x(v: float, lo: float = lo, hi: float = hi) -> float:
            return left + (right - left) * (min(max(v, lo), hi) - lo) / (hi - lo)

        base, now = float(p["baseline"]), p.get("now")
        better_lower = p.get("better", "lower") == "lower"
        target = base - float(p["mcid"]) if better_lower else base + float(p["mcid"])
        body.append(_text(left - 6, y + 4, label, anchor="end"))
        body.append(f'<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" stroke="{MUTED}"/>')
        body.append(_text(left, y + 18, _g(lo), fill=MUTED))
        body.append(_text(right, y + 18, _g(hi), anchor="end", fill=MUTED))
        body.append(
            f'<line class="mcid-line" data-value="{_n(target)}" x1="{_n(x(target))}" '
            f'x2="{_n(x(target))}" y1="{y - 12}" y2="{y + 12}" stroke="{MCID}" '
            f'stroke-width="2" stroke-dasharray="4 2"/>'
        )
        body.append(
            f'<circle class="dot-baseline" data-value="{_n(base)}" cx="{_n(x(base))}" cy="{y}" '
            f'r="6" fill="#fff" stroke="{BASE}" stroke-width="2"/>'
        )
        if now is not None:
            body.append(
                f'<circle class="dot-now" data-value="{_n(float(now))}" '
                f'cx="{_n(x(float(now)))}" cy="{y}" r="5" fill="{NOW}"/>'
            )
        direction = "lower" if better_lower else "higher"
        desc.append(
            f"{label}: baseline {base:g}, now {_g(now)}; an important improvement is "
            f"{target:g} or {direction} (MCID {float(p['mcid']):g}, {p.get('mcid_source', '')})"
        )
    height = top + row_h * len(rows) + 10
    body += _legend(
        left, 14, [(BASE, "baseline (ring)"), (NOW, "now (dot)"), (MCID, "MCID line (dashed)")]
    )
    return _svg(ident, right + 20, height, title, "; ".join(desc) + ".", body)


def adherence_calendar(
    by_week: Sequence[dict[str, Any]],
    *,
    weeks: int = 12,
    sessions_per_week: int | None = None,
    ident: str = "adherence",
) -> str:
    """A week-by-session grid: filled = done, crossed = missed (an earlier week, not logged),
    thick outline = still due this week (the last week of ``by_week``), thin outline = to come.
    ``by_week`` rows carry ``week``, ``planned`` and ``completed``, up to the current week."""
    title = "Adherence calendar"
    per_week = sessions_per_week or max((int(w["planned"]) for w in by_week), default=0)
    if per_week == 0:
        return _empty(ident, title, "No planned sessions yet.")
    seen = {int(w["week"]): w for w in by_week}
    current = max(seen, default=0)
    cell, gap, left, top = 22, 4, 70, 30
    body: list[str] = []
    desc: list[str] = []
    for wk in range(1, weeks + 1):
        y = top + (wk - 1) * (cell + gap)
        body.append(_text(left - 8, y + 15, f"Week {wk}", anchor="end"))
        row = seen.get(wk)
        planned = int(row["planned"]) if row else per_week
        completed = int(row["completed"]) if row else 0
        for s in range(planned):
            x = left + s * (cell + gap)
            if row is None:
                state, attrs = "upcoming", f'fill="#fff" stroke="{MUTED}"'
            elif s < completed:
                state, attrs = "done", f'fill="{DONE}"'
            elif wk == current:
                state, attrs = "due", f'fill="#fff" stroke="{DONE}" stroke-width="3"'
            else:
                state, attrs = "missed", f'fill="#fff" stroke="{MISSED}" stroke-width="2"'
            body.append(
                f'<rect class="cell-{state}" data-week="{wk}" x="{x}" y="{y}" '
                f'width="{cell}" height="{cell}" {attrs}/>'
            )
            if state == "missed":
                body.append(
                    f'<path d="M{x + 5} {y + 5}L{x + cell - 5} {y + cell - 5}M{x + cell - 5} '
                    f'{y + 5}L{x + 5} {y + cell - 5}" stroke="{MISSED}" stroke-width="2"/>'
                )
        if row is not None:
            words = "so far (this week)" if wk == current else ""
            desc.append(f"week {wk}: {completed} of {planned} done {words}".strip())
    width = left + per_week * (cell + gap) + 190
    height = top + weeks * (cell + gap) + 6
    body += _legend(
        left,
        14,
        [(DONE, "done"), (MISSED, "missed"), ("#fff", "due this week"), ("#fff", "to come")],
        strokes=[None, None, DONE, MUTED],
    )
    done_total = sum(int(w["completed"]) for w in by_week)
    planned_total = sum(int(w["planned"]) for w in by_week)
    summary = f"{done_total} of {planned_total} sessions done so far"
    text = summary + (": " + "; ".join(desc) if desc else "") + "."
    return _svg(ident, max(width, 460), height, title, text, body)


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a trend chart; ``None`` values leave a gap."""

    name: str
    values: tuple[float | None, ...]
    colour: str
    dash: str | None = None


def trend_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    limits: Sequence[tuple[float, str]] = (),
    top: float = 10.0,
    title: str = "Intensity and pain by session",
    ident: str = "trend",
) -> str:
    """Lines over sessions on a 0-``top`` scale, with horizontal limit lines (e.g. the 7/10
    overstretch guard and the 5/10 pain limit)."""
    if not labels:
        return _empty(ident, title, "No sessions logged yet.")
    left, right, y0, y1 = 40, 560, 30, 210
    n = len(labels)

    def x(i: int) -> float:
        return left + (right - left) * (i + 0.5) / n

    def y(v: float) -> float:
        return y1 - (y1 - y0) * min(max(v, 0.0), top) / top

    body = [
        f'<line x1="{left}" x2="{right}" y1="{y1}" y2="{y1}" stroke="{MUTED}"/>',
        f'<line x1="{left}" x2="{left}" y1="{y0}" y2="{y1}" stroke="{MUTED}"/>',
    ]
    for tick in range(0, int(top) + 1, 2 if top <= 10 else 10):
        body.append(_text(left - 6, y(tick) + 4, tick, anchor="end", fill=MUTED))
    for value, label in limits:
        body.append(
            f'<line class="limit" data-value="{_n(value)}" x1="{left}" x2="{right}" '
            f'y1="{_n(y(value))}" y2="{_n(y(value))}" stroke="{MCID}" stroke-dasharray="4 3"/>'
        )
        body.append(_text(right, y(value) - 4, label, anchor="end", fill=MCID))
    step = max(1, n // 8)
    for i, label in enumerate(labels):
        if i % step == 0:
            body.append(_text(x(i), y1 + 16, label, anchor="middle", fill=MUTED))
    desc: list[str] = []
    for s in series:
        points = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            path = " ".join(f"{_n(px)},{_n(py)}" for px, py in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"{dash}/>'
            )
        for i, v in enumerate(s.values):
            if v is not None:
                body.append(
                    f'<circle class="pt" data-series="{_e(s.name)}" data-value="{_n(v)}" '
                    f'cx="{_n(x(i))}" cy="{_n(y(v))}" r="3.5" fill="{s.colour}"/>'
                )
        shown = ", ".join(_g(v) for v in s.values)
        desc.append(f"{s.name}: {shown}")
    body += _legend(left, 14, [(s.colour, s.name) for s in series])
    limit_words = "; ".join(f"limit {label} at {v:g}" for v, label in limits)
    text = f"{n} sessions ({', '.join(labels)}). " + "; ".join(desc)
    if limit_words:
        text += f". {limit_words}"
    return _svg(ident, right + 20, y1 + 30, title, text + ".", body)
