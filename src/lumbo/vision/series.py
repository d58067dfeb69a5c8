"""From the subject's per-frame landmarks to named, conditioned angle series."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lumbo.vision import angles as ang
from lumbo.vision.landmarks import (
    LEFT_ANKLE,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    RIGHT_ANKLE,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
    TRUNK_POINTS,
    FloatArray,
)
from lumbo.vision.signal import CleanSeries, clean

SIDE_VIEW_SERIES = ("trunk_inclination", "hip_flexion", "thigh_inclination", "knee_flexion")
FRONT_VIEW_SERIES = (
    "lateral_inclination",
    "pelvic_obliquity",
    "lateral_flexion",
    "axial_rotation",
    "pelvis_rotation",
    "knee_flexion",
    "torso_length",
)


@dataclass(frozen=True, slots=True)
class AngleSeries:
    """All conditioned series of one analysis, on the analysed-frame time base ``t``."""

    t: FloatArray
    confidence: FloatArray
    series: dict[str, CleanSeries]
    orientation: float
    """+1/-1: side view facing image-right/left, front view facing/back to the camera."""
    leg: str
    """The leg (``left``/``right``) better seen by the camera, used for hip and knee angles."""

    def filtered(self, name: str) -> FloatArray:
        return self.series[name].filtered


def _weakest(points: FloatArray, idx: tuple[int, ...]) -> FloatArray:
    return np.asarray(np.min(points[:, list(idx), 3], axis=1), dtype=np.float64)


#: Values beyond these are anatomically impossible for a standing person: they come from the pose
#: model swapping left and right landmarks, and are gated out (counted in ``gated``).
PLAUSIBLE_LIMIT_DEG = {
    "pelvic_obliquity": 45.0,
    "lateral_flexion": 80.0,
    "axial_rotation": 80.0,
    "pelvis_rotation": 80.0,
}

#: Minimum apparent hip width / torso length for the hip line's direction to mean anything.
MIN_HIP_WIDTH_RATIO = 0.2


def _frontal_ok(points: FloatArray) -> npt.NDArray[np.bool_]:
    hips = np.hypot(*(points[:, LEFT_HIP, :2] - points[:, RIGHT_HIP, :2]).T)
    torso = ang.torso_length_px(points)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = hips >= MIN_HIP_WIDTH_RATIO * torso
    return np.asarray(ok & np.isfinite(hips), dtype=np.bool_)


def better_leg(points: FloatArray) -> str:
    """The side whose hip-knee-ankle chain has the higher median visibility."""
    left = _weakest(points, (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE))
    right = _weakest(points, (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE))
    lv = float(np.nanmedian(left)) if np.isfinite(left).any() else 0.0
    rv = float(np.nanmedian(right)) if np.isfinite(right).any() else 0.0
    return "left" if lv >= rv else "right"


def build_series(
    t: FloatArray,
    points: FloatArray,
    view: str,
    fs_hz: float,
    camera_tilt_deg: float,
    min_confidence: float,
    orientation: float | None = None,
    leg: str | None = None,
) -> AngleSeries:
    """``points`` is (T, 33, 4) with NaN rows where the subject was not seen. ``orientation`` and
    ``leg`` are estimated from the frames unless given."""
    seen = np.isfinite(points[:, 0, 0])
    subject = points[seen]
    trunk_conf = np.where(seen, _weakest(np.nan_to_num(points, nan=0.0), TRUNK_POINTS), 0.0)
    if leg is None:
        leg = better_leg(subject) if len(subject) else "left"
    legs = (
        (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE) if leg == "left" else (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE)
    )
    leg_conf = np.where(seen, _weakest(np.nan_to_num(points, nan=0.0), legs), 0.0)
    both_conf = np.minimum(trunk_conf, leg_conf)
    raw: dict[str, tuple[FloatArray, FloatArray]] = {}
    if view == "side":
        orient = orientation or (ang.facing_sign(subject) if len(subject) else 1.0)
        raw["trunk_inclination"] = (
            ang.trunk_inclination(points, orient, camera_tilt_deg),
            trunk_conf,
        )
        raw["hip_flexion"] = (ang.hip_flexion(points, orient, leg, camera_tilt_deg), both_conf)
        raw["thigh_inclination"] = (
            ang.thigh_inclination(points, orient, leg, camera_tilt_deg),
            leg_conf,
        )
        raw["knee_flexion"] = (ang.knee_flexion(points, leg), leg_conf)
    else:
        orient = orientation or (ang.frontal_sign(subject) if len(subject) else 1.0)
        # Line-based frontal angles are undefined when the hip or shoulder line is foreshortened
        # to a few pixels (the person turned side-on): gate those frames out.
        frontal_conf = np.where(_frontal_ok(points), trunk_conf, 0.0)
        raw["lateral_inclination"] = (
            ang.lateral_inclination(points, orient, camera_tilt_deg),
            trunk_conf,
        )
        raw["pelvic_obliquity"] = (
            ang.pelvic_obliquity(points, orient, camera_tilt_deg),
            frontal_conf,
        )
        raw["lateral_flexion"] = (
            ang.lateral_flexion(points, orient, camera_tilt_deg),
            frontal_conf,
        )
        raw["axial_rotation"] = (ang.axial_rotation(points, orient), frontal_conf)
        raw["pelvis_rotation"] = (ang.pelvis_rotation(points, orient), frontal_conf)
        raw["knee_flexion"] = (ang.knee_flexion(points, leg), leg_conf)
        raw["torso_length"] = (ang.torso_length_px(points), trunk_conf)
    for name, limit in PLAUSIBLE_LIMIT_DEG.items():
        if name in raw:
            values, conf = raw[name]
            with np.errstate(invalid="ignore"):
                raw[name] = (values, np.where(np.abs(values) <= limit, conf, 0.0))
    conditioned = {
        name: clean(
            t, values, conf, fs_hz, min_confidence=min_confidence, angular=name != "torso_length"
        )
        for name, (values, conf) in raw.items()
    }
    return AngleSeries(t, trunk_conf, conditioned, orient, leg)


def shoulder_to_torso_ratio(points: FloatArray) -> float:
    """Median apparent shoulder width over torso length: about 0.7-0.9 facing the camera, small
    (< 0.35) in a true side view. NaN if unknown."""
    seen = points[np.isfinite(points[:, 0, 0])]
    if not len(seen):
        return float("nan")
    width = np.hypot(*(seen[:, LEFT_SHOULDER, :2] - seen[:, RIGHT_SHOULDER, :2]).T)
    torso = ang.torso_length_px(seen)
    ok = torso > 1.0
    if not ok.any():
        return float("nan")
    return float(np.median(width[ok] / torso[ok]))
