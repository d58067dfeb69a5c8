"""Pure angle math on landmark coordinates (no I/O, no model). See ``docs/vision.md`` for figures.

Conventions
-----------
Inputs are pixel coordinates of the frame (x right, y *down*). Every function first converts to
"up" coordinates (x right, y up) and undoes the camera's roll: ``camera_tilt_deg`` is the roll of the
camera, positive when the camera is rolled clockwise as seen from behind it, which makes the scene
appear rotated counter-clockwise in the image. Angles are then measured against the true vertical.

* **Trunk inclination** (side view): the hip-midpoint -> shoulder-midpoint segment against the
  vertical, positive towards the direction the person faces (forward = flexion), negative backward
  (extension). It is *not* lumbar flexion: it adds hip flexion, pelvic tilt and thoracic motion.
* **Hip flexion** (side view): trunk inclination plus the forward inclination of the thigh
  (hip -> knee against the downward vertical); 0 standing upright, 90 with the trunk horizontal
  over vertical thighs or with the thigh horizontal under an upright trunk.
* **Knee flexion**: 180 minus the interior hip-knee-ankle angle; 0 with a straight leg.
* **Lateral inclination** (front view): the trunk segment against the vertical, positive towards the
  person's *left*. **Pelvic obliquity**: the perpendicular to the right-hip -> left-hip line against
  the vertical, same sign. **Lateral flexion** = lateral inclination - pelvic obliquity (trunk on
  pelvis).
* **Axial rotation** (front view): yaw of the shoulder line minus yaw of the hip line, from the
  model's monocular depth ``z``; positive = trunk turned to the person's left. Its uncertainty is
  large (see ``ROTATION_MODEL_UNCERTAINTY_DEG``).
"""

from __future__ import annotations

import math

import numpy as np

from lumbo.vision.landmarks import (
    LEFT_ANKLE,
    LEFT_EAR,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    NOSE,
    RIGHT_ANKLE,
    RIGHT_EAR,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
    FloatArray,
)

#: Stated 95% half-width of the monocular depth-based rotation estimate (model depth is coarse).
ROTATION_MODEL_UNCERTAINTY_DEG = 15.0


def to_up(points_xy: FloatArray, camera_tilt_deg: float = 0.0) -> FloatArray:
    """Pixel (x right, y down) -> (x right, y up), then undo a camera roll of ``camera_tilt_deg``."""
    pts = np.asarray(points_xy, dtype=np.float64)
    up = np.stack([pts[..., 0], -pts[..., 1]], axis=-1)
    if camera_tilt_deg == 0.0:
        return up
    a = math.radians(-camera_tilt_deg)
    c, s = math.cos(a), math.sin(a)
    x, y = up[..., 0], up[..., 1]
    return np.stack([c * x - s * y, s * x + c * y], axis=-1)


def angle_from_vertical(vec_up: FloatArray) -> FloatArray:
    """Signed angle (degrees, -180..180] of a vector against straight up; positive = to the right."""
    v = np.asarray(vec_up, dtype=np.float64)
    return np.degrees(np.arctan2(v[..., 0], v[..., 1]))


def interior_angle(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    """Unsigned angle ABC in degrees (0..180), robust near 0 and 180 (atan2 of cross and dot)."""
    u = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    w = np.asarray(c, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    cross = u[..., 0] * w[..., 1] - u[..., 1] * w[..., 0]
    dot = u[..., 0] * w[..., 0] + u[..., 1] * w[..., 1]
    return np.degrees(np.arctan2(np.abs(cross), dot))


def wrap180(deg: FloatArray) -> FloatArray:
    """Map angles to (-180, 180]."""
    d = np.asarray(deg, dtype=np.float64)
    out = np.mod(d + 180.0, 360.0) - 180.0
    return np.where(out == -180.0, 180.0, out)


def _mid(points: FloatArray, i: int, j: int) -> FloatArray:
    return (points[..., i, :2] + points[..., j, :2]) / 2.0


def facing_sign(points: FloatArray) -> float:
    """+1 if a side-view person faces image-right, -1 if image-left (nose ahead of the ears).

    ``points`` is (T, 33, >=2) or (33, >=2); the median over frames decides.
    """
    p = np.asarray(points, dtype=np.float64)
    ears = _mid(p, LEFT_EAR, RIGHT_EAR)
    dx = p[..., NOSE, 0] - ears[..., 0]
    med = float(np.nanmedian(np.atleast_1d(dx)))
    return 1.0 if med >= 0 else -1.0


def frontal_sign(points: FloatArray) -> float:
    """+1 if a front-view person faces the camera (their left shoulder is on the image right)."""
    p = np.asarray(points, dtype=np.float64)
    dx = p[..., LEFT_SHOULDER, 0] - p[..., RIGHT_SHOULDER, 0]
    med = float(np.nanmedian(np.atleast_1d(dx)))
    return 1.0 if med >= 0 else -1.0


def trunk_inclination(
    points: FloatArray, facing: float, camera_tilt_deg: float = 0.0
) -> FloatArray:
    """Sagittal trunk inclination (deg): + forward (flexion), - backward (extension)."""
    p = np.asarray(points, dtype=np.float64)
    vec = to_up(
        _mid(p, LEFT_SHOULDER, RIGHT_SHOULDER) - _mid(p, LEFT_HIP, RIGHT_HIP), camera_tilt_deg
    )
    return facing * angle_from_vertical(vec)


def thigh_inclination(
    points: FloatArray, facing: float, side: str, camera_tilt_deg: float = 0.0
) -> FloatArray:
    """Forward inclination (deg) of hip -> knee against the downward vertical; + knee ahead."""
    p = np.asarray(points, dtype=np.float64)
    hip, knee = (LEFT_HIP, LEFT_KNEE) if side == "left" else (RIGHT_HIP, RIGHT_KNEE)
    vec = to_up(p[..., knee, :2] - p[..., hip, :2], camera_tilt_deg)
    # Against straight *down*: flip the vector, measure from up.
    return facing * angle_from_vertical(-vec) * -1.0


def hip_flexion(
    points: FloatArray, facing: float, side: str, camera_tilt_deg: float = 0.0
) -> FloatArray:
    """Sagittal hip flexion (deg) = trunk inclination + thigh forward inclination."""
    return wrap180(
        trunk_inclination(points, facing, camera_tilt_deg)
        + thigh_inclination(points, facing, side, camera_tilt_deg)
    )


def knee_flexion(points: FloatArray, side: str) -> FloatArray:
    """Knee flexion (deg) = 180 - interior hip-knee-ankle angle; tilt-invariant."""
    p = np.asarray(points, dtype=np.float64)
    hip, knee, ankle = (
        (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE)
        if side == "left"
        else (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE)
    )
    return 180.0 - interior_angle(p[..., hip, :2], p[..., knee, :2], p[..., ankle, :2])


def lateral_inclination(
    points: FloatArray, frontal: float, camera_tilt_deg: float = 0.0
) -> FloatArray:
    """Frontal trunk inclination (deg) against the vertical; + towards the person's left."""
    p = np.asarray(points, dtype=np.float64)
    vec = to_up(
        _mid(p, LEFT_SHOULDER, RIGHT_SHOULDER) - _mid(p, LEFT_HIP, RIGHT_HIP), camera_tilt_deg
    )
    return frontal * angle_from_vertical(vec)


def pelvic_obliquity(
    points: FloatArray, frontal: float, camera_tilt_deg: float = 0.0
) -> FloatArray:
    """Frontal tilt (deg) of the pelvis: the perpendicular to the hip line; + towards the left."""
    p = np.asarray(points, dtype=np.float64)
    d = to_up(p[..., LEFT_HIP, :2] - p[..., RIGHT_HIP, :2], camera_tilt_deg) * frontal
    perp = np.stack([-d[..., 1], d[..., 0]], axis=-1)
    return frontal * angle_from_vertical(perp)


def lateral_flexion(points: FloatArray, frontal: float, camera_tilt_deg: float = 0.0) -> FloatArray:
    """Trunk-on-pelvis lateral flexion (deg); + to the person's left."""
    return wrap180(
        lateral_inclination(points, frontal, camera_tilt_deg)
        - pelvic_obliquity(points, frontal, camera_tilt_deg)
    )


def _yaw(points: FloatArray, left: int, right: int, frontal: float) -> FloatArray:
    """Yaw (deg) of the right->left segment from its image x and model depth z; + = left side back."""
    p = np.asarray(points, dtype=np.float64)
    dx = (p[..., left, 0] - p[..., right, 0]) * frontal
    dz = (p[..., left, 2] - p[..., right, 2]) * frontal
    return np.degrees(np.arctan2(dz, dx))


def axial_rotation(points: FloatArray, frontal: float) -> FloatArray:
    """Trunk-on-pelvis axial rotation (deg) from monocular depth; + = turned to the person's left.

    Turning left moves the left shoulder away from the camera (larger z) relative to the right one.
    Tilt-invariant to first order (a roll changes x and y, not the depth difference).
    """
    shoulders = _yaw(points, LEFT_SHOULDER, RIGHT_SHOULDER, frontal)
    hips = _yaw(points, LEFT_HIP, RIGHT_HIP, frontal)
    return wrap180(shoulders - hips)


def pelvis_rotation(points: FloatArray, frontal: float) -> FloatArray:
    """Yaw (deg) of the pelvis alone; used to flag rotation that comes from the feet and hips."""
    return _yaw(points, LEFT_HIP, RIGHT_HIP, frontal)


def torso_length_px(points: FloatArray) -> FloatArray:
    """Apparent hip-midpoint to shoulder-midpoint length (px); shrinks when a front-view trunk bends
    towards or away from the camera."""
    p = np.asarray(points, dtype=np.float64)
    d = _mid(p, LEFT_SHOULDER, RIGHT_SHOULDER) - _mid(p, LEFT_HIP, RIGHT_HIP)
    return np.asarray(np.hypot(d[..., 0], d[..., 1]), dtype=np.float64)
