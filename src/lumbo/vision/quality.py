"""Movement-quality summary and compensation checks for one analysed movement.

Compensation thresholds are lumbo's screening choices (documented in ``docs/vision.md``), meant to
prompt a look at the video, not diagnoses: knee bending > 15 deg during a forward or backward bend,
pelvic obliquity change > 10 deg or apparent torso shortening > 15% during lateral flexion (the
trunk left the frontal plane), pelvis yaw > 15 deg or a lateral lean > 10 deg during rotation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lumbo.domain.movements import Movement
from lumbo.vision.landmarks import FloatArray
from lumbo.vision.movement import RepStats, angular_velocity, baseline, sparc, symmetry_index
from lumbo.vision.series import AngleSeries
from lumbo.vision.signal import runs

KNEE_FLEXION_LIMIT_DEG = 15.0
PELVIC_OBLIQUITY_LIMIT_DEG = 10.0
TORSO_SHORTENING_LIMIT = 0.15
PELVIS_ROTATION_LIMIT_DEG = 15.0
LATERAL_LEAN_LIMIT_DEG = 10.0

SPARC_REFERENCE = (
    "SPARC: Balasubramanian et al., J NeuroEng Rehabil 12:112 (2015); IEEE TBME 59(8) (2012)"
)
SYMMETRY_REFERENCE = "symmetry index: Robinson et al., J Manipulative Physiol Ther 10(4) (1987)"


def _r(x: float, nd: int = 1) -> float | None:
    return None if not math.isfinite(x) else round(x, nd)


def _change_at(series: AngleSeries, name: str, index: int) -> float:
    y = series.filtered(name)
    base = baseline(series.t, y)
    return float(y[index] - base) if math.isfinite(y[index]) else math.nan


def compensations(
    movement: str, series: AngleSeries, reps: list[RepStats], peak_index: int | None
) -> list[dict[str, Any]]:
    """Compensations seen at the peak of each rep (or at the overall peak when no rep counted)."""
    t = series.t
    times = [r.peak_s for r in reps] or ([float(t[peak_index])] if peak_index is not None else [])
    found: dict[str, dict[str, Any]] = {}

    def check(code: str, name: str, limit: float, message: str, absolute: bool = True) -> None:
        for ts in times:
            i = int(np.argmin(np.abs(t - ts)))
            change = _change_at(series, name, i)
            value = abs(change) if absolute else change
            if math.isfinite(value) and value > limit:
                prev = found.get(code)
                if prev is None or value > prev["value_deg"]:
                    found[code] = {
                        "code": code,
                        "message": message,
                        "value_deg": round(value, 1),
                        "threshold_deg": limit,
                        "at_s": round(ts, 2),
                    }

    if movement in (Movement.trunk_flexion, Movement.trunk_extension):
        check(
            "knee_flexion",
            "knee_flexion",
            KNEE_FLEXION_LIMIT_DEG,
            "knees bent during the bend: part of the motion came from the legs",
            absolute=False,
        )
    elif movement == Movement.lateral_flexion:
        check(
            "pelvic_shift",
            "pelvic_obliquity",
            PELVIC_OBLIQUITY_LIMIT_DEG,
            "the pelvis tilted sideways: part of the side bend came from the hips",
        )
        check(
            "knee_flexion",
            "knee_flexion",
            KNEE_FLEXION_LIMIT_DEG,
            "a knee bent during the side bend",
            absolute=False,
        )
        length = series.filtered("torso_length")
        base = baseline(t, length)
        for ts in times:
            i = int(np.argmin(np.abs(t - ts)))
            if math.isfinite(length[i]) and base > 0:
                short = 1.0 - float(length[i]) / base
                if short > TORSO_SHORTENING_LIMIT and "trunk_out_of_plane" not in found:
                    found["trunk_out_of_plane"] = {
                        "code": "trunk_out_of_plane",
                        "message": "the trunk bent forward or backward during the side bend "
                        f"(apparent torso {short * 100:.0f}% shorter)",
                        "value_deg": None,
                        "threshold_deg": None,
                        "at_s": round(ts, 2),
                    }
    elif movement == Movement.rotation:
        check(
            "pelvis_rotation",
            "pelvis_rotation",
            PELVIS_ROTATION_LIMIT_DEG,
            "the pelvis turned with the trunk: part of the rotation came from the hips and feet",
        )
        check(
            "lateral_lean",
            "lateral_inclination",
            LATERAL_LEAN_LIMIT_DEG,
            "the trunk leaned sideways while rotating",
        )
    return list(found.values())


def _longest_run(y: FloatArray) -> tuple[int, int] | None:
    spans = runs(np.isfinite(y))
    return max(spans, key=lambda s: s[1] - s[0]) if spans else None


def quality_summary(
    t: FloatArray,
    y: FloatArray,
    fs_hz: float,
    reps: list[RepStats],
    left_right: tuple[float, float] | None,
) -> dict[str, Any]:
    """Angular velocity, smoothness (SPARC), tempo and left/right symmetry of the main series."""
    vel = np.abs(angular_velocity(t, y))
    ok = np.isfinite(vel)
    whole = math.nan
    span = _longest_run(y)
    if span is not None and span[1] - span[0] >= 8:
        whole = sparc(np.abs(angular_velocity(t[span[0] : span[1]], y[span[0] : span[1]])), fs_hz)
    rep_sparc = [r.sparc for r in reps if r.sparc is not None]
    durations = [r.end_s - r.start_s for r in reps if r.complete]
    symmetry: dict[str, Any]
    if left_right is None:
        symmetry = {
            "index_pct": None,
            "reason": "left/right symmetry needs a two-sided movement filmed from the front",
        }
    else:
        left, right = left_right
        idx = symmetry_index(left, right)
        symmetry = {
            "left_deg": _r(left),
            "right_deg": _r(right),
            "index_pct": None if idx is None else round(idx, 1),
            "ratio": None
            if max(left, right) <= 0
            else round(min(left, right) / max(left, right), 3),
            "reference": SYMMETRY_REFERENCE,
        }
    return {
        "angular_velocity": {
            "peak_deg_s": _r(float(np.max(vel[ok]))) if ok.any() else None,
            "mean_deg_s": _r(float(np.mean(vel[ok]))) if ok.any() else None,
        },
        "smoothness": {
            "measure": "SPARC",
            "reference": SPARC_REFERENCE,
            "per_rep_mean": _r(float(np.mean(rep_sparc)), 3) if rep_sparc else None,
            "whole_recording": _r(whole, 3),
            "interpretation": "negative; closer to 0 is smoother",
        },
        "tempo": {
            "reps": len(reps),
            "mean_rep_s": _r(float(np.mean(durations)), 2) if durations else None,
            "mean_hold_s": _r(float(np.mean([r.hold_s for r in reps])), 2) if reps else None,
            "mean_ascent_s": _r(float(np.mean([r.ascent_s for r in reps])), 2) if reps else None,
            "mean_descent_s": _r(float(np.mean([r.descent_s for r in reps])), 2) if reps else None,
        },
        "symmetry": symmetry,
    }
