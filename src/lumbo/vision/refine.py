"""``--stride auto``: a coarse pass, then full-rate refinement around the extremes.

The coarse pass analyses about 10 frames per second. The peak (and, for two-sided movements, the
opposite extreme) is then re-measured at the full frame rate in a short window around where the
coarse pass found it, with a fresh tracker warmed up on the frames just before the window. Only the
subject is accepted in the window: a detection must lie within a torso length of where the subject
was in the coarse pass. The summary's extremes come from the refined windows; every other output
(reps, quality, per-frame rows) stays on the coarse time base.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lumbo.vision.decode import Frame
from lumbo.vision.landmarks import LEFT_HIP, N_LANDMARKS, RIGHT_HIP, FloatArray, Pose
from lumbo.vision.pose import PoseEstimator
from lumbo.vision.result import MeasurementResult
from lumbo.vision.series import build_series
from lumbo.vision.tracking import BASE_JUMP_TORSOS, SPEED_TORSOS_PER_S
from lumbo.vision.window_buffer import Candidate, ExtremeBuffer, canvas

HALF_WINDOW_S = 0.25
WARMUP_S = 0.2
ACCEPT_TORSOS = 1.0


@dataclass(frozen=True, slots=True)
class Refined:
    kind: str
    """``max`` or ``min`` of the reported main angle."""
    value: float
    t_s: float
    frames: int
    """Frames run through the model for this window (warm-up included)."""


def decode_range(path: Path, start: int, stop: int) -> Iterator[Frame]:
    """Frames ``start`` .. ``stop - 1`` (seek, then read sequentially)."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        fps = float(cap.get(cv2.CAP_PROP_FPS)) or 30.0
        cap.set(cv2.CAP_PROP_POS_FRAMES, start)
        index = int(cap.get(cv2.CAP_PROP_POS_FRAMES))
        while index < stop:
            ok, bgr = cap.read()
            if not ok:
                break
            if index >= start:
                rgb = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
                yield Frame(index, index / fps, rgb)
            index += 1
    finally:
        cap.release()


def _hip_track(result: MeasurementResult) -> tuple[FloatArray, FloatArray, float]:
    seen = np.isfinite(result.points[:, 0, 0])
    hips = (result.points[seen, LEFT_HIP, :2] + result.points[seen, RIGHT_HIP, :2]) / 2.0
    torso = np.array(
        [
            np.hypot(*(p[11, :2] + p[12, :2] - p[23, :2] - p[24, :2]) / 2.0)
            for p in result.points[seen]
        ]
    )
    return result.t[seen], hips, float(np.median(torso)) if len(torso) else 0.0


class _Gate:
    """Accept only the subject in a refinement window: the first detection must be within a torso
    length of where the coarse pass saw the subject at that time; later ones must continue the
    previous accepted one (the tracker's rule), so a fast movement beyond the coarse track is kept."""

    def __init__(self, result: MeasurementResult) -> None:
        self.track_t, self.track_hip, self.torso = _hip_track(result)
        self.last: tuple[float, FloatArray] | None = None

    def accept(self, t_s: float, pose: Pose) -> bool:
        if self.torso <= 0:
            return False
        hip = (pose.points[LEFT_HIP, :2] + pose.points[RIGHT_HIP, :2]) / 2.0
        if self.last is None:
            expected = np.array(
                [np.interp(t_s, self.track_t, self.track_hip[:, k]) for k in range(2)]
            )
            allowed = ACCEPT_TORSOS * self.torso
        else:
            last_t, expected = self.last
            allowed = self.torso * (BASE_JUMP_TORSOS + SPEED_TORSOS_PER_S * (t_s - last_t))
        ok = float(np.hypot(*(hip - expected))) <= allowed
        if ok:
            self.last = (t_s, hip)
        return ok


def _crop_box(result: MeasurementResult, t0: float, t1: float) -> tuple[int, int, int, int]:
    """Where to look for the subject between ``t0`` and ``t1``: the box around their landmarks
    in the coarse pass (0.5 s either side), enlarged by half its size on every side. Cropping keeps
    the fresh tracker on the subject when someone more prominent is in the frame."""
    sel = (result.t >= t0 - 0.5) & (result.t <= t1 + 0.5) & np.isfinite(result.points[:, 0, 0])
    if not sel.any():
        sel = np.isfinite(result.points[:, 0, 0])
    pts = result.points[sel].reshape(-1, 4)
    pts = pts[pts[:, 3] >= 0.3] if (pts[:, 3] >= 0.3).any() else pts
    bx0, by0 = float(pts[:, 0].min()), float(pts[:, 1].min())
    bx1, by1 = float(pts[:, 0].max()), float(pts[:, 1].max())
    side = max(bx1 - bx0, by1 - by0)
    cx, cy = (bx0 + bx1) / 2.0, (by0 + by1) / 2.0
    half = side  # a square of twice the subject's extent: room to move, few bystanders
    w, h = result.frame_size
    return (
        max(0, int(cx - half)),
        max(0, int(cy - half)),
        min(w, int(cx + half) + 1),
        min(h, int(cy + half) + 1),
    )


def refine_extreme(
    path: Path,
    result: MeasurementResult,
    kind: str,
    make_estimator: Callable[[], PoseEstimator],
    camera_tilt_deg: float,
    min_confidence: float,
) -> Refined | None:
    y = result.main_angle()
    if not np.isfinite(y).any():
        return None
    i = int(np.nanargmax(y)) if kind == "max" else int(np.nanargmin(y))
    centre = int(result.frame_index[i])
    half, warm = round(HALF_WINDOW_S * result.fps), round(WARMUP_S * result.fps)
    first, stop = max(0, centre - half), min(result.frames, centre + half + 1)
    # An extreme at the edge of a measured run (the coarse pass lost the person while still moving)
    # may lie beyond it: look a window further on that side.
    if i + 1 >= len(y) or not np.isfinite(y[i + 1]):
        stop = min(result.frames, stop + 2 * half)
    if i == 0 or not np.isfinite(y[i - 1]):
        first = max(0, first - 2 * half)
    gate = _Gate(result)
    x0, y0, x1, y1 = _crop_box(result, (first - warm) / result.fps, stop / result.fps)
    estimator = make_estimator()
    rows: list[FloatArray] = []
    times: list[float] = []
    frames = 0
    try:
        for frame in decode_range(path, max(0, first - warm), stop):
            frames += 1
            crop = np.ascontiguousarray(frame.rgb[y0:y1, x0:x1])
            pose = estimator.estimate(crop)
            if frame.index < first:
                continue
            pts = np.full((N_LANDMARKS, 4), np.nan)
            if pose is not None:
                pose = Pose(pose.points + np.array([x0, y0, 0.0, 0.0]))
                if gate.accept(frame.t_s, pose):
                    pts = pose.points
            rows.append(pts)
            times.append(frame.t_s)
    finally:
        estimator.close()
    if len(rows) < 4:
        return None
    series = build_series(
        np.asarray(times),
        np.stack(rows),
        result.view,
        result.fps,
        camera_tilt_deg,
        min_confidence,
        orientation=result.series.orientation,
        leg=result.series.leg,
    )
    window = result.main_sign * series.filtered(result.main)
    if not np.isfinite(window).any():
        return None
    j = int(np.nanargmax(window)) if kind == "max" else int(np.nanargmin(window))
    value = float(window[j])
    return Refined(kind, value, float(times[j]), frames)


def refine_buffered(
    result: MeasurementResult,
    kind: str,
    candidate: Candidate,
    make_estimator: Callable[[], PoseEstimator],
    camera_tilt_deg: float,
    min_confidence: float,
    first_index: int,
) -> Refined | None:
    """Re-measure a buffered window (see :mod:`lumbo.vision.window_buffer`) at full rate."""
    if len(candidate.crops) < 4:
        return None
    (ox, oy), images = canvas(candidate.crops)
    gate = _Gate(result)
    estimator = make_estimator()
    rows: list[FloatArray] = []
    try:
        for crop, image in zip(candidate.crops, images, strict=True):
            pose = estimator.estimate(image)
            pts = np.full((N_LANDMARKS, 4), np.nan)
            if pose is not None:
                pose = Pose(pose.points + np.array([ox, oy, 0.0, 0.0]))
                if gate.accept(crop.t_s, pose):
                    pts = pose.points
            rows.append(pts)
    finally:
        estimator.close()
    times = np.array([c.t_s for c in candidate.crops])
    series = build_series(
        times,
        np.stack(rows),
        result.view,
        result.fps,
        camera_tilt_deg,
        min_confidence,
        orientation=result.series.orientation,
        leg=result.series.leg,
    )
    window = result.main_sign * series.filtered(result.main)
    inside = np.array([c.index >= first_index for c in candidate.crops])
    window = np.where(inside, window, np.nan)
    if not np.isfinite(window).any():
        return None
    j = int(np.nanargmax(window)) if kind == "max" else int(np.nanargmin(window))
    return Refined(kind, float(window[j]), float(times[j]), len(rows))


def apply(result: MeasurementResult, refined: list[Refined]) -> dict[str, Any]:
    """Update the summary's extremes in place from refined windows; returns processing info."""
    s = result.summary
    y = result.main_angle()
    hi, lo = float(np.nanmax(y)), float(np.nanmin(y))
    for r in refined:
        if r.kind == "max":
            hi = r.value
            s["peak_at_s"] = round(r.t_s, 2)
        else:
            lo = r.value
    s["min_deg"] = round(lo, 1)
    s["range_deg"] = round(hi - lo, 1)
    if "peak_left_deg" in s:
        s["peak_left_deg"] = round(max(0.0, hi), 1)
        s["peak_right_deg"] = round(max(0.0, -lo), 1)
        s["peak_deg"] = max(s["peak_left_deg"], s["peak_right_deg"])
    else:
        s["peak_deg"] = round(hi, 1)
    return {
        "method": "coarse pass, then full-rate windows around the extremes",
        "half_window_s": HALF_WINDOW_S,
        "warmup_s": WARMUP_S,
        "windows": [
            {
                "kind": r.kind,
                "value_deg": round(r.value, 2),
                "t_s": round(r.t_s, 3),
                "frames": r.frames,
            }
            for r in refined
        ],
        "extra_frames": sum(r.frames for r in refined),
    }


def image_angle_fn(movement: str, camera_tilt_deg: float) -> Callable[[FloatArray], float]:
    """The main angle with image orientation (+1), for the streaming buffer."""
    from lumbo.vision import angles as ang

    if movement in ("trunk-flexion", "trunk-extension"):
        return lambda p: float(ang.trunk_inclination(p, 1.0, camera_tilt_deg))
    if movement == "lateral-flexion":
        return lambda p: float(ang.lateral_inclination(p, 1.0, camera_tilt_deg))
    return lambda p: float(ang.axial_rotation(p, 1.0))


def new_buffer(
    movement: str, fps: float, stride: int, camera_tilt_deg: float, min_confidence: float
) -> ExtremeBuffer:
    # Frames after an extreme: enough to catch a peak the coarse pass missed because it lost
    # the person right after (fast movements): two more strides.
    return ExtremeBuffer(
        image_angle_fn(movement, camera_tilt_deg),
        stride,
        round(WARMUP_S * fps),
        min_confidence,
        after_frames=2 * stride,
    )


def refine_result(
    path: Path,
    result: MeasurementResult,
    buffer: ExtremeBuffer | None,
    make_estimator: Callable[[], PoseEstimator],
    camera_tilt_deg: float,
    min_confidence: float,
) -> dict[str, Any]:
    """Refine the summary's extremes in place: from the streaming buffer when it holds the
    window of the extreme the coarse pass reports (else the coarse value stays); without a
    buffer, by seeking in the video."""
    y = result.main_angle()
    kinds = ("max", "min") if "peak_left_deg" in result.summary else ("max",)
    agree = 0
    if buffer is not None:
        for k, f in enumerate(result.frame_index):
            raw = buffer.raw.get(int(f))
            if raw is not None and math.isfinite(y[k]) and abs(raw) > 2.0:
                agree += 1 if raw * y[k] > 0 else -1
    flip = agree < 0
    windows: list[Refined] = []
    sources: list[str] = []
    for kind in kinds:
        i = int(np.nanargmax(y)) if kind == "max" else int(np.nanargmin(y))
        target = int(result.frame_index[i])
        bkind = {"max": "min", "min": "max"}[kind] if flip else kind
        tracks = list(result.processing.get("subject_tracks", []))
        cand = buffer.best(bkind, tracks) if buffer is not None else None
        found: Refined | None = None
        if cand is not None and abs(cand.index - target) <= 3 * result.stride:
            found = refine_buffered(
                result,
                kind,
                cand,
                make_estimator,
                camera_tilt_deg,
                min_confidence,
                first_index=cand.index - result.stride,
            )
            sources.append("buffer")
        if found is None and buffer is None:
            found = refine_extreme(
                path, result, kind, make_estimator, camera_tilt_deg, min_confidence
            )
            sources.append("seek")
        elif found is None:
            sources.append("coarse")  # seeking back would cost more than the stride saved
        if found is not None:
            windows.append(found)
    info = apply(result, windows)
    info["sources"] = sources
    return info
