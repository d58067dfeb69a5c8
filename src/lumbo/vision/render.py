"""``--annotate`` (video with skeleton, live angle and rep count) and ``--plot`` (angle over time).

OpenCV and matplotlib (Agg backend, no display) are imported lazily.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.movements import Movement
from lumbo.vision.landmarks import SKELETON_EDGES
from lumbo.vision.result import MeasurementResult

_GREEN = (80, 220, 80)
_WHITE = (255, 255, 255)
_BLACK = (0, 0, 0)


def _label(result: MeasurementResult) -> str:
    labels: dict[str, str] = {
        Movement.trunk_flexion: "trunk flexion",
        Movement.trunk_extension: "trunk extension",
        Movement.lateral_flexion: "side bend (+ left)",
        Movement.rotation: "rotation (+ left)",
    }
    return labels[result.movement]


def annotate_video(result: MeasurementResult, video: Path, out: Path) -> int:
    """Write ``out`` (mp4) with the subject's skeleton, the live main angle and the rep count on
    every frame of ``video``; between analysed frames the latest analysis is shown. Returns the
    number of frames written."""
    import cv2

    cap = cv2.VideoCapture(str(video))
    if not cap.isOpened():
        raise InvalidInput([Problem("video", "cannot reopen the video", str(video))], "video")
    w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), result.fps, (w, h))
    if not writer.isOpened():
        cap.release()
        raise InvalidInput([Problem("annotate", "cannot write the video", str(out))], "output")
    angle = result.main_angle()
    rep_ends = sorted(r.end_s for r in result.reps)
    scale = max(h / 720.0, 0.6)
    written, k, index = 0, -1, 0
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            while k + 1 < len(result.frame_index) and result.frame_index[k + 1] <= index:
                k += 1
            t_s = index / result.fps
            if k >= 0:
                pts = result.points[k]
                if np.isfinite(pts[0, 0]):
                    for a, b in SKELETON_EDGES:
                        if pts[a, 3] >= 0.3 and pts[b, 3] >= 0.3:
                            pa = (round(pts[a, 0]), round(pts[a, 1]))
                            pb = (round(pts[b, 0]), round(pts[b, 1]))
                            cv2.line(frame, pa, pb, _GREEN, max(2, round(3 * scale)), cv2.LINE_AA)
                value = angle[k]
                text = f"{_label(result)}: " + (
                    f"{value:+.1f} deg" if math.isfinite(value) else "--"
                )
            else:
                text = f"{_label(result)}: --"
            reps = sum(1 for end in rep_ends if end <= t_s)
            for line_no, line in enumerate((text, f"reps: {reps}   t = {t_s:.1f} s")):
                org = (round(20 * scale), round((40 + 40 * line_no) * scale))
                cv2.putText(
                    frame, line, org, cv2.FONT_HERSHEY_SIMPLEX, scale, _BLACK, 5, cv2.LINE_AA
                )
                cv2.putText(
                    frame, line, org, cv2.FONT_HERSHEY_SIMPLEX, scale, _WHITE, 2, cv2.LINE_AA
                )
            writer.write(frame)
            written += 1
            index += 1
    finally:
        cap.release()
        writer.release()
    return written


def angle_figure(result: MeasurementResult) -> Any:
    """A matplotlib Figure of the main angle over time with reps, peaks and baseline marked."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    t = result.t
    raw = result.main_sign * result.series.series[result.main].raw
    ax.plot(t, raw, ".", color="0.65", markersize=3, label="raw (after gating)")
    ax.plot(t, result.main_angle(), "-", color="tab:blue", linewidth=1.8, label="filtered")
    base = result.summary.get("baseline_deg")
    if isinstance(base, float):
        ax.axhline(base, color="0.4", linestyle="--", linewidth=1, label="neutral")
    for i, rep in enumerate(result.reps):
        ax.axvspan(
            rep.start_s, rep.end_s, color="tab:orange", alpha=0.15, label="rep" if i == 0 else None
        )
        ax.axvline(rep.peak_s, color="tab:red", linewidth=0.8)
    ax.set_xlabel("time (s)")
    ax.set_ylabel(f"{_label(result)} (deg)")
    ax.set_title(
        f"lumbo measure: {result.movement} ({result.view} view), {len(result.reps)} rep(s)"
    )
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def save_plot(result: MeasurementResult, out: Path) -> None:
    fig = angle_figure(result)
    try:
        fig.savefig(str(out))
    except OSError as err:
        raise InvalidInput(
            [Problem("plot", f"cannot write the figure: {err}", str(out))], "output"
        ) from None
