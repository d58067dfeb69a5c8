"""The progress figure: range of motion against the age norm, questionnaire change in units of
their minimal clinically important difference (MCID), and adherence by week.

A pure function of the ``progress`` JSON returning a matplotlib ``Figure`` on the Agg canvas (no
pyplot, no display, safe in a web worker).
"""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

SHORT = {
    "lumbar_flexion_deg": "flex",
    "lumbar_extension_deg": "ext",
    "lateral_flexion_left_deg": "lat L",
    "lateral_flexion_right_deg": "lat R",
    "rotation_left_deg": "rot L",
    "rotation_right_deg": "rot R",
    "slr_left_deg": "SLR L",
    "slr_right_deg": "SLR R",
    "odi_percent": "ODI",
    "rmdq": "RMDQ",
    "nprs_now": "NPRS",
    "psfs_mean": "PSFS",
    "promis_pi_t": "PROMIS PI",
}


def progress_figure(data: dict[str, Any]) -> Figure:
    """``data`` is the JSON of :func:`lumbo.services.progress.progress`."""
    fig = Figure(figsize=(13, 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    rom_ax, prom_ax, adh_ax = fig.subplots(1, 3, width_ratios=(1.6, 1, 1))

    rom = [r for r in data["rom"] if r["baseline_deg"] is not None]
    xs = list(range(len(rom)))
    rom_ax.bar([x - 0.2 for x in xs], [r["baseline_deg"] for r in rom], 0.4, label="baseline")
    rom_ax.bar([x + 0.2 for x in xs], [r["now_deg"] or 0 for r in rom], 0.4, label="now")
    normed = [(x, r["expected_deg"]) for x, r in zip(xs, rom, strict=True) if r["expected_deg"]]
    if normed:
        rom_ax.scatter(*zip(*normed, strict=True), marker="_", s=700, c="k", label="age norm")
    rom_ax.set_xticks(xs, [SHORT.get(r["measure"], r["measure"]) for r in rom])
    rom_ax.set_ylabel("degrees")
    rom_ax.set_title("Range of motion vs age norm")
    rom_ax.legend(fontsize="small")

    proms = [p for p in data["proms"] if p["change"] is not None]
    ys = list(range(len(proms)))
    gains = [(-p["change"] if p["better"] == "lower" else p["change"]) / p["mcid"] for p in proms]
    prom_ax.barh(ys, gains, color=["tab:green" if g >= 1 else "tab:grey" for g in gains])
    prom_ax.axvline(1.0, color="k", ls="--", lw=1, label="MCID")
    prom_ax.axvline(0.0, color="grey", lw=0.8)
    prom_ax.set_yticks(ys, [SHORT.get(p["measure"], p["measure"]) for p in proms])
    prom_ax.set_xlabel("improvement in MCIDs")
    prom_ax.set_title("Questionnaires vs MCID")
    prom_ax.legend(fontsize="small")

    weeks = data["adherence"]["by_week"]
    wx = [w["week"] for w in weeks]
    adh_ax.bar(wx, [w["planned"] for w in weeks], color="lightgrey", label="planned")
    adh_ax.bar(wx, [w["completed"] for w in weeks], width=0.5, label="done")
    pct = data["adherence"]["percent"]
    adh_ax.set_title("Adherence" + ("" if pct is None else f" ({pct:g}%)"))
    adh_ax.set_xlabel("week")
    adh_ax.set_ylabel("sessions")
    if wx:
        adh_ax.set_xticks(wx)
    adh_ax.legend(fontsize="small")
    return fig
