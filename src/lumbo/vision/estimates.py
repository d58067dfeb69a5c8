"""What a video can honestly put into the intake's ``measurements``, with an uncertainty.

A camera sees the trunk as a line from the hip midpoint to the shoulder midpoint; it does not see the
lumbar spine. The intake's ``lumbar_flexion_deg``, ``lumbar_extension_deg`` and
``lateral_flexion_*_deg`` are lumbar (T12/L1 to sacrum, dual-inclinometer) values, so the video fills
them with a *model estimate*:

    lumbar ~= LUMBAR_SHARE x (trunk-on-thigh or trunk-on-pelvis excursion from the neutral stance)

``LUMBAR_SHARE = 0.5 +/- 0.2`` is lumbo's engineering assumption, not a measured constant: the
lumbar part of trunk motion varies between people and with age, sex, pain and speed (review:
Vazirian, Van Dillen & Bazrgari, Int Musculoskelet Med 38(2), 2016). The +/- 0.2 band is carried into
the stated uncertainty, which is why lumbar estimates from video are wide (often +/- 15-25 deg).

``rotation_*_deg`` is filled with trunk-on-pelvis (thoracolumbar) axial rotation from the model's
monocular depth, with a stated model uncertainty of +/- 15 deg.

Every uncertainty is a half-width in degrees combining, in quadrature: the share band, the pose
jitter (SD of raw minus filtered angle), the view error of a camera that is not exactly
perpendicular to the movement plane (``VIEW_ERROR_DEG``), and the camera-level error when
``--camera-tilt`` was not given (``LEVEL_ERROR_DEG``, affecting absolute angles only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lumbo.domain.movements import Movement
from lumbo.vision.angles import ROTATION_MODEL_UNCERTAINTY_DEG
from lumbo.vision.landmarks import FloatArray
from lumbo.vision.movement import baseline
from lumbo.vision.series import AngleSeries

LUMBAR_SHARE = 0.5
LUMBAR_SHARE_BAND = 0.2
VIEW_ERROR_DEG = 5.0
LEVEL_ERROR_DEG = 3.0

#: Intake limits (see ``lumbo.domain.intake.Measurements``).
FIELD_LIMITS = {
    "lumbar_flexion_deg": 120.0,
    "lumbar_extension_deg": 60.0,
    "lateral_flexion_left_deg": 60.0,
    "lateral_flexion_right_deg": 60.0,
    "rotation_left_deg": 90.0,
    "rotation_right_deg": 90.0,
}


def absolute_uncertainty(noise_sd: float, tilt_given: bool) -> float:
    """Half-width (deg) of an absolute angle against the vertical."""
    level = 1.0 if tilt_given else LEVEL_ERROR_DEG
    return math.sqrt((2.0 * noise_sd) ** 2 + VIEW_ERROR_DEG**2 + level**2)


def lumbar_estimate(excursion_deg: float, noise_sd: float) -> tuple[float, float]:
    """(estimate, uncertainty half-width) of a lumbar angle from a trunk excursion."""
    x = max(0.0, excursion_deg)
    est = LUMBAR_SHARE * x
    meas = LUMBAR_SHARE * math.sqrt((2.0 * noise_sd) ** 2 + VIEW_ERROR_DEG**2)
    return est, math.sqrt((LUMBAR_SHARE_BAND * x) ** 2 + meas**2)


def rotation_estimate(excursion_deg: float, noise_sd: float) -> tuple[float, float]:
    x = max(0.0, excursion_deg)
    return x, math.sqrt(ROTATION_MODEL_UNCERTAINTY_DEG**2 + (2.0 * noise_sd) ** 2)


BASIS = {
    "lumbar_flexion_deg": "0.5 x trunk-on-thigh flexion from neutral (side view); "
    "lumbar share assumed 0.5 +/- 0.2",
    "lumbar_extension_deg": "0.5 x trunk-on-thigh extension from neutral (side view); "
    "lumbar share assumed 0.5 +/- 0.2",
    "lateral_flexion_left_deg": "0.5 x trunk-on-pelvis lateral flexion from neutral (front view); "
    "lumbar share assumed 0.5 +/- 0.2",
    "lateral_flexion_right_deg": "0.5 x trunk-on-pelvis lateral flexion from neutral (front view); "
    "lumbar share assumed 0.5 +/- 0.2",
    "rotation_left_deg": "trunk-on-pelvis (thoracolumbar) axial rotation from monocular depth",
    "rotation_right_deg": "trunk-on-pelvis (thoracolumbar) axial rotation from monocular depth",
}


def intake_measurements(
    values: dict[str, tuple[float, float]],
    unreliable: set[str] | frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Build the ``measurements`` block: intake fields (validated against the intake model),
    their uncertainties and the basis of each estimate, and the warnings it gives. Values outside
    the intake's range are clamped with a warning. Fields named in ``unreliable`` (uncertainty
    above the limit of :mod:`lumbo.vision.trust`) go to ``unreliable`` instead of ``fields``:
    never into the intake."""
    from lumbo.domain.intake import Measurements

    fields: dict[str, Any] = {"method": "video"}
    wide: dict[str, float] = {}
    unc: dict[str, float] = {}
    warnings: list[str] = []
    for name, (value, u) in values.items():
        limit = FIELD_LIMITS[name]
        if value > limit:
            warnings.append(f"{name}: estimate {value:.0f} deg exceeds the intake's {limit:.0f}")
            value = limit
        (wide if name in unreliable else fields)[name] = round(value, 1)
        unc[name] = round(u, 1)
    Measurements.model_validate(fields)
    block = {
        "fields": fields,
        "uncertainty_deg": unc,
        "basis": {name: BASIS[name] for name in values},
        "unreliable": wide,
    }
    return block, tuple(warnings)


MIN_SAMPLES = 8


def main_name(movement: str) -> str:
    names: dict[str, str] = {
        Movement.lateral_flexion: "lateral_inclination",
        Movement.rotation: "axial_rotation",
    }
    return names.get(movement, "trunk_inclination")


@dataclass(frozen=True, slots=True)
class VideoFields:
    """What one movement's video gives the intake: ``fields`` as (estimate, uncertainty), the hip
    contribution for sagittal movements (the summary's ``hip_contribution``), and the warnings
    that explain an omission or an estimate's limits."""

    fields: dict[str, tuple[float, float]]
    hip_contribution: dict[str, Any] | None
    warnings: tuple[str, ...]


def video_fields(
    movement: str,
    series: AngleSeries,
    t: FloatArray,
    y: FloatArray,
    base: float,
    components: dict[str, Any],
    peak_i: int,
    low_i: int | None = None,
) -> VideoFields:
    """The intake fields this movement fills, with the hip contribution and the warnings (see
    :class:`VideoFields`); nothing passed in is changed.

    Every estimate is taken where the main angle was seen to turn: at ``peak_i`` (and, for
    two-sided movements, ``low_i``), never at the largest value anywhere in the video (which
    would take a jump, a fall or a model swap as a range of motion, and would depend on the
    frames analysed)."""
    low = peak_i if low_i is None else low_i
    fields: dict[str, tuple[float, float]] = {}
    hip_contribution: dict[str, Any] | None = None
    warnings: list[str] = []
    if movement in (Movement.trunk_flexion, Movement.trunk_extension):
        hip = series.filtered("hip_flexion")
        hip_noise = series.series["hip_flexion"].noise_sd_deg
        hb = baseline(t, hip)
        at_peak = float(hip[peak_i])
        if np.isfinite(hip).sum() >= MIN_SAMPLES and math.isfinite(hb) and math.isfinite(at_peak):
            if movement == Movement.trunk_flexion:
                fields["lumbar_flexion_deg"] = lumbar_estimate(at_peak - hb, hip_noise)
            else:
                fields["lumbar_extension_deg"] = lumbar_estimate(hb - at_peak, hip_noise)
            hip_contribution = {
                "trunk_inclination_change_deg": round(float(y[peak_i]) - base, 1),
                "trunk_on_thigh_change_deg": components.get("hip_flexion_change_deg"),
                "thigh_inclination_change_deg": components.get("thigh_inclination_change_deg"),
                "note": "trunk inclination = thigh inclination + trunk-on-thigh (hip + lumbar) angle; "
                "a camera cannot separate pelvic rotation on the femur from lumbar flexion",
            }
        else:
            warnings.append(
                "the legs were not seen well enough to separate hip from trunk motion; "
                "no lumbar estimate"
            )
    elif movement == Movement.lateral_flexion:
        lat = series.filtered("lateral_flexion")
        lb = baseline(t, lat)
        noise = series.series["lateral_flexion"].noise_sd_deg
        hi, lo = float(lat[peak_i]), float(lat[low])
        if (
            np.isfinite(lat).sum() >= MIN_SAMPLES
            and math.isfinite(lb)
            and math.isfinite(hi)
            and math.isfinite(lo)
        ):
            fields["lateral_flexion_left_deg"] = lumbar_estimate(hi - lb, noise)
            fields["lateral_flexion_right_deg"] = lumbar_estimate(lb - lo, noise)
        else:
            warnings.append(
                "the pelvis was not seen square-on often enough to separate trunk from pelvis; "
                "no lateral-flexion estimate"
            )
    else:
        noise = series.series[main_name(movement)].noise_sd_deg
        fields["rotation_left_deg"] = rotation_estimate(float(y[peak_i]) - base, noise)
        fields["rotation_right_deg"] = rotation_estimate(base - float(y[low]), noise)
        warnings.append(
            "rotation is estimated from the pose model's monocular depth: uncertainty about "
            f"+/- {ROTATION_MODEL_UNCERTAINTY_DEG:.0f} deg"
        )
    return VideoFields(fields, hip_contribution, tuple(warnings))
