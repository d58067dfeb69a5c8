"""The result of measuring one video, and its JSON and per-frame CSV forms."""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from lumbo.vision.landmarks import FloatArray
from lumbo.vision.movement import RepStats
from lumbo.vision.series import AngleSeries
from lumbo.vision.trust import Verdict

#: Summary values left out (``null``) when the requested movement was not measured.
UNMEASURED_KEYS = frozenset(
    {
        "peak_deg",
        "min_deg",
        "range_deg",
        "peak_at_s",
        "peak_left_deg",
        "peak_right_deg",
        "excursion_left_deg",
        "excursion_right_deg",
        "at_peak",
        "hip_contribution",
    }
)


def _num(x: float, nd: int = 2) -> float | None:
    return round(float(x), nd) if math.isfinite(float(x)) else None


@dataclass(frozen=True, slots=True)
class MeasurementResult:
    """One video's measurement, built once by :func:`lumbo.vision.pipeline.analyse_trace` and never
    changed: its blocks are read-only mappings and tuples (a changed copy is a new result, made
    with :func:`dataclasses.replace`)."""

    movement: str
    view: str
    video: str
    fps: float
    frames: int
    """Frames decoded from the video."""
    frames_analysed: int
    frames_with_person: int
    """Analysed frames in which the measured person (the subject) was found."""
    stride: int
    camera_tilt_deg: float
    frame_index: npt.NDArray[np.int64]
    points: FloatArray
    """(analysed frames, 33, 4) subject landmarks in pixels; NaN where not seen."""
    series: AngleSeries
    main: str
    """Name of the main series (in ``series.series``) for this movement."""
    main_sign: float
    """The reported main angle is ``main_sign x`` that series (extension is reported positive)."""
    summary: Mapping[str, Any]
    reps: tuple[RepStats, ...]
    quality: Mapping[str, Any]
    compensations: tuple[Mapping[str, Any], ...]
    warnings: tuple[str, ...]
    measurements: Mapping[str, Any]
    frame_size: tuple[int, int] = (0, 0)
    """(width, height) of the analysed frames in pixels."""
    processing: Mapping[str, Any] = field(default_factory=dict)
    verdict: Verdict | None = None
    """Whether the requested movement was measured, and how reliably (``None``: not judged)."""

    @property
    def measured(self) -> bool:
        return self.verdict is None or self.verdict.measured

    @property
    def t(self) -> FloatArray:
        return self.series.t

    def main_angle(self) -> FloatArray:
        """The filtered main angle per analysed frame (NaN = not measured)."""
        return np.asarray(self.main_sign * self.series.filtered(self.main), dtype=np.float64)

    def reported_summary(self) -> dict[str, Any]:
        """The summary as reported: when the movement was not measured, no range (its values
        are ``null``; the keys stay)."""
        if self.measured:
            return dict(self.summary)
        return {k: None if k in UNMEASURED_KEYS else v for k, v in self.summary.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "video": self.video,
            "movement": self.movement,
            "view": self.view,
            "frames": self.frames,
            "frames_analysed": self.frames_analysed,
            "frames_with_person": self.frames_with_person,
            "fps": round(self.fps, 3),
            "stride": self.stride,
            "camera_tilt_deg": self.camera_tilt_deg,
            "summary": self.reported_summary(),
            "reps": [r.to_json() for r in self.reps] if self.measured else [],
            "quality": dict(self.quality),
            "compensations": [dict(c) for c in self.compensations],
            "warnings": list(self.warnings),
            "measurements": dict(self.measurements),
            "processing": dict(self.processing),
            "verdict": None if self.verdict is None else self.verdict.to_json(),
        }

    def per_frame_rows(self) -> list[dict[str, Any]]:
        """One row per analysed frame: frame, t_s, every angle (filtered; raw for the main one),
        and the trunk landmark confidence. Missing values are empty cells."""
        names = list(self.series.series)
        rows: list[dict[str, Any]] = []
        main_raw = self.main_sign * self.series.series[self.main].raw
        main = self.main_angle()
        for i, frame in enumerate(self.frame_index):
            row: dict[str, Any] = {
                "frame": int(frame),
                "t_s": _num(self.series.t[i], 4),
                "person": bool(np.isfinite(self.points[i, 0, 0])),
                "main_deg": _num(main[i]),
                "main_raw_deg": _num(main_raw[i]),
            }
            for name in names:
                unit = "px" if name == "torso_length" else "deg"
                row[f"{name}_{unit}"] = _num(self.series.series[name].filtered[i])
            row["landmark_confidence"] = _num(self.series.confidence[i], 3)
            rows.append(row)
        return rows

    def write_csv(self, path: Path) -> None:
        rows = self.per_frame_rows()
        fields = list(rows[0]) if rows else ["frame", "t_s"]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
