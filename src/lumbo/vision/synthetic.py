"""Synthetic poses with known angles, for the fake estimator, tests and documentation figures.

``synthetic_pose`` builds BlazePose landmarks (pixels) for a stick figure whose trunk, thigh, knee,
pelvis and rotation angles are given exactly, optionally seen through a camera rolled by
``camera_tilt_deg`` (positive = camera rolled clockwise, so the scene appears rotated
counter-clockwise). The angle functions in :mod:`lumbo.vision.angles` must recover the inputs.
"""

from __future__ import annotations

import math

import numpy as np

from lumbo.vision.landmarks import (
    LEFT_ANKLE,
    LEFT_EAR,
    LEFT_FOOT,
    LEFT_HEEL,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    N_LANDMARKS,
    NOSE,
    RIGHT_ANKLE,
    RIGHT_EAR,
    RIGHT_FOOT,
    RIGHT_HEEL,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
    FloatArray,
    Pose,
)

TORSO = 200.0
THIGH = 180.0
SHANK = 170.0
HIP_WIDTH = 80.0
SHOULDER_WIDTH = 150.0


def _rot(v: FloatArray, deg: float) -> FloatArray:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def synthetic_pose(
    *,
    view: str = "side",
    trunk_deg: float = 0.0,
    thigh_deg: float = 0.0,
    knee_deg: float = 0.0,
    facing: float = 1.0,
    lateral_deg: float = 0.0,
    pelvis_deg: float = 0.0,
    rotation_deg: float = 0.0,
    camera_tilt_deg: float = 0.0,
    center: tuple[float, float] = (640.0, 420.0),
    visibility: float = 0.99,
    scale: float = 1.0,
) -> Pose:
    """A pose with exact angles. Side view: ``trunk_deg`` (+ forward), ``thigh_deg`` (knee ahead
    of hip), ``knee_deg`` (flexion), ``facing`` +1 = image-right. Front view: ``lateral_deg``
    (trunk against vertical, + to the person's left), ``pelvis_deg`` (pelvic obliquity),
    ``rotation_deg`` (shoulder yaw, + left), ``facing`` +1 = facing the camera."""
    up: dict[int, FloatArray] = {}
    z = np.zeros(N_LANDMARKS)
    f = facing
    hip = np.array([0.0, 0.0])
    t_len, th_len, sh_len = TORSO * scale, THIGH * scale, SHANK * scale
    if view == "side":
        u = np.array([f * math.sin(math.radians(trunk_deg)), math.cos(math.radians(trunk_deg))])
        sh = hip + t_len * u
        for i in (LEFT_SHOULDER, RIGHT_SHOULDER):
            up[i] = sh.copy()
        for i in (LEFT_HIP, RIGHT_HIP):
            up[i] = hip.copy()
        ear = sh + 0.35 * t_len * u
        up[LEFT_EAR] = up[RIGHT_EAR] = ear
        up[NOSE] = ear + 0.12 * t_len * np.array([f, 0.0])
        phi, kappa = math.radians(thigh_deg), math.radians(thigh_deg - knee_deg)
        knee = hip + th_len * np.array([f * math.sin(phi), -math.cos(phi)])
        ankle = knee + sh_len * np.array([f * math.sin(kappa), -math.cos(kappa)])
        for k, a in ((LEFT_KNEE, LEFT_ANKLE), (RIGHT_KNEE, RIGHT_ANKLE)):
            up[k], up[a] = knee.copy(), ankle.copy()
        for heel, toe in ((LEFT_HEEL, LEFT_FOOT), (RIGHT_HEEL, RIGHT_FOOT)):
            up[heel] = ankle + np.array([-0.1 * f * t_len, -0.05 * t_len])
            up[toe] = ankle + np.array([0.25 * f * t_len, -0.05 * t_len])
    else:
        g = f
        lam, psi, rho = (
            math.radians(lateral_deg),
            math.radians(pelvis_deg),
            math.radians(rotation_deg),
        )
        e_hip = np.array([g * math.cos(psi), -math.sin(psi)])
        up[LEFT_HIP] = hip + HIP_WIDTH * scale / 2 * e_hip
        up[RIGHT_HIP] = hip - HIP_WIDTH * scale / 2 * e_hip
        u = np.array([g * math.sin(lam), math.cos(lam)])
        sh = hip + t_len * u
        e_sh = np.array([g * math.cos(lam), -math.sin(lam)]) * math.cos(rho)
        up[LEFT_SHOULDER] = sh + SHOULDER_WIDTH * scale / 2 * e_sh
        up[RIGHT_SHOULDER] = sh - SHOULDER_WIDTH * scale / 2 * e_sh
        half_depth = g * SHOULDER_WIDTH * scale / 2 * math.sin(rho)
        z[LEFT_SHOULDER], z[RIGHT_SHOULDER] = half_depth, -half_depth
        head = sh + 0.35 * t_len * u
        up[NOSE] = head
        up[LEFT_EAR] = head + 0.1 * t_len * e_sh
        up[RIGHT_EAR] = head - 0.1 * t_len * e_sh
        for h, k, a, heel, toe in (
            (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE, LEFT_HEEL, LEFT_FOOT),
            (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE, RIGHT_HEEL, RIGHT_FOOT),
        ):
            up[k] = up[h] + np.array([0.0, -th_len])
            up[a] = up[k] + np.array([0.0, -sh_len])
            up[heel] = up[a] + np.array([0.0, -0.05 * t_len])
            up[toe] = up[a] + np.array([0.0, -0.08 * t_len])
    pts = np.zeros((N_LANDMARKS, 4))
    pts[:, 3] = visibility
    fallback = up[LEFT_SHOULDER]
    for i in range(N_LANDMARKS):
        p = _rot(up.get(i, fallback), camera_tilt_deg)
        pts[i, 0] = center[0] + p[0]
        pts[i, 1] = center[1] - p[1]
        pts[i, 2] = z[i]
    return Pose(pts)
