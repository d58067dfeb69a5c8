"""Whether a video measured what was asked, and whether the value is precise enough to use.

A range of motion is reported only when the requested movement was seen. The checks, each a lumbo
policy (screening choices, documented in ``docs/vision.md``):

* **wrong view**: a side-view movement filmed with the person facing the camera (median shoulder
  width above ``SIDE_VIEW_MAX_RATIO`` torso lengths), or a front-view movement filmed side-on
  (below ``FRONT_VIEW_MIN_RATIO``);
* **walking, or leaving the plane**: the hip midpoint travelled more than ``MAX_TRAVEL_TORSOS``
  torso lengths across the picture (the 5th to 95th percentile of its positions), or the apparent
  torso length changed by more than ``MAX_DEPTH_CHANGE`` (the person moved towards or away from the
  camera);
* **movement not performed**: the main angle was never seen to turn (or hold) at least
  ``MIN_EXCURSION_DEG`` from the neutral stance in the requested direction (the same 8 degrees
  below which no repetition is counted).

A measured value whose stated uncertainty (half-width) is above ``MAX_UNCERTAINTY_DEG`` is
*unreliable*: it is shown as such and never offered for the intake (lumbo policy: 8 degrees is
about the smallest change in a range of motion that clinicians treat as real, so a wider interval
cannot tell a change from noise).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lumbo.domain.movements import Movement
from lumbo.vision import angles as ang
from lumbo.vision.landmarks import LEFT_HIP, RIGHT_HIP, FloatArray

MAX_UNCERTAINTY_DEG = 8.0
SIDE_VIEW_MAX_RATIO = 0.6
FRONT_VIEW_MIN_RATIO = 0.3
MAX_TRAVEL_TORSOS = 1.5
MAX_DEPTH_CHANGE = 0.5
MIN_EXCURSION_DEG = 8.0

#: What the movement is called in "No ... was found in this video" (per direction).
MOVEMENT_WORDS: dict[str, str] = {
    Movement.trunk_flexion: "forward bend",
    Movement.trunk_extension: "backward bend",
    Movement.lateral_flexion: "side bend",
    Movement.rotation: "trunk rotation",
}

ADVICE = {
    "view_side": "Film from the side: the camera should look at the person's side, not their "
    "front.",
    "view_front": "Film from the front (or the back): the person should face the camera.",
    "stay": "Stay on one spot for the whole recording: do not walk towards, away from or across "
    "the picture.",
    "perform": "Do the movement slowly as far as is comfortable, pause there for a moment, then "
    "come back.",
    "still_start": "Stand still for about a second before you start.",
    "distance": "Put the camera 2 to 4 metres away, at hip height, so the whole body is in the "
    "picture from head to feet.",
    "light": "Film in good, even light, with the light behind the camera rather than behind the "
    "person.",
    "estimate": "A camera sees the trunk as a whole; how much of the movement came from the low "
    "back is an estimate, too uncertain to use. An inclinometer measurement by a clinician is "
    "more precise.",
    "steady": "Keep the camera still: lean it against something or use a stand.",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the requested movement was measured (``reason`` is None) and how reliably."""

    measured: bool
    reason: str | None
    """``wrong_view``, ``walking``, ``depth_change`` or ``not_performed`` when refused."""
    message: str
    advice: list[str] = field(default_factory=list)
    reliable: bool = True
    unreliable_fields: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "measured": self.measured,
            "reason": self.reason,
            "message": self.message,
            "advice": list(self.advice),
            "reliable": self.reliable,
            "unreliable_fields": list(self.unreliable_fields),
            "uncertainty_limit_deg": MAX_UNCERTAINTY_DEG,
        }


def hip_travel_torsos(points: FloatArray) -> float:
    """How far the hip midpoint moved across the picture (5th to 95th percentile of its x), in
    median torso lengths; NaN if the person was not seen."""
    seen = points[np.isfinite(points[:, LEFT_HIP, 0]) & np.isfinite(points[:, RIGHT_HIP, 0])]
    if len(seen) < 2:
        return math.nan
    x = (seen[:, LEFT_HIP, 0] + seen[:, RIGHT_HIP, 0]) / 2.0
    torso = ang.torso_length_px(seen)
    torso = torso[np.isfinite(torso) & (torso > 1.0)]
    if not len(torso):
        return math.nan
    lo, hi = np.percentile(x, [5, 95])
    return float((hi - lo) / np.median(torso))


def depth_change(points: FloatArray) -> float:
    """Relative change of the apparent size of the person (5th to 95th percentile of the torso
    length, hip midpoint to shoulder midpoint): 0.5 = half as large again. NaN if unknown."""
    seen = points[np.isfinite(points[:, 0, 0])]
    if len(seen) < 2:
        return math.nan
    size = ang.torso_length_px(seen)
    size = size[np.isfinite(size) & (size > 1.0)]
    if len(size) < 2:
        return math.nan
    lo, hi = np.percentile(size, [5, 95])
    return float(hi / lo - 1.0)


def judge(
    movement: str,
    view: str,
    *,
    shoulder_ratio: float,
    travel_torsos: float,
    size_change: float,
    excursions: tuple[float, float | None],
    turned: bool,
    uncertainties: dict[str, float],
    dark: bool = False,
) -> Verdict:
    """The verdict on one measurement. ``excursions`` are the observed (turning-point) excursions
    from the neutral stance in the requested direction (and, for two-sided movements, the other
    side; None for one-sided ones); ``turned`` whether any turning point or hold was seen;
    ``uncertainties`` the stated half-widths of the values that would be reported."""
    what = MOVEMENT_WORDS[movement]
    light = [ADVICE["light"]] if dark else []
    if view == "side" and math.isfinite(shoulder_ratio) and shoulder_ratio > SIDE_VIEW_MAX_RATIO:
        return Verdict(
            False,
            "wrong_view",
            f"The person faces the camera, so a {what} cannot be measured: it needs a side "
            "view. No range of motion is reported.",
            [ADVICE["view_side"], ADVICE["distance"], *light],
            reliable=False,
        )
    if view == "front" and math.isfinite(shoulder_ratio) and shoulder_ratio < FRONT_VIEW_MIN_RATIO:
        return Verdict(
            False,
            "wrong_view",
            f"The person is side-on to the camera, so a {what} cannot be measured: it needs a "
            "front view. No range of motion is reported.",
            [ADVICE["view_front"], ADVICE["distance"], *light],
            reliable=False,
        )
    if math.isfinite(travel_torsos) and travel_torsos > MAX_TRAVEL_TORSOS:
        return Verdict(
            False,
            "walking",
            f"The person walked or moved across the picture, so no {what} can be measured from "
            "this video. No range of motion is reported.",
            [ADVICE["stay"], ADVICE["still_start"], ADVICE["distance"], *light],
            reliable=False,
        )
    if math.isfinite(size_change) and size_change > MAX_DEPTH_CHANGE:
        return Verdict(
            False,
            "depth_change",
            "The person moved towards or away from the camera, so the angles cannot be "
            f"trusted and no {what} is reported.",
            [ADVICE["stay"], ADVICE["distance"], *light],
            reliable=False,
        )
    main, other = excursions
    sides = [main] if other is None else [main, other]
    if not turned or not any(math.isfinite(x) and x >= MIN_EXCURSION_DEG for x in sides):
        return Verdict(
            False,
            "not_performed",
            f"No {what} was found in this video. No range of motion is reported.",
            [ADVICE["perform"], ADVICE["still_start"], ADVICE["distance"], *light],
            reliable=False,
        )
    wide = sorted(k for k, u in uncertainties.items() if not u <= MAX_UNCERTAINTY_DEG)
    if wide:
        # The trunk angle itself too uncertain: a better recording helps. Only the estimates
        # (intake fields, named ..._deg) too wide: their model share band makes them so.
        camera = any(not k.endswith("_deg") for k in wide)
        advice = (
            [ADVICE["distance"], ADVICE["steady"], ADVICE["light"]]
            if camera
            else [ADVICE["estimate"]]
        )
        return Verdict(
            True,
            None,
            f"A {what} was measured, but some values are too uncertain to use (more than "
            f"{MAX_UNCERTAINTY_DEG:.0f} degrees either way); they are not offered for the intake.",
            advice,
            reliable=False,
            unreliable_fields=[k for k in wide if k.endswith("_deg")],
        )
    return Verdict(True, None, f"A {what} was measured.", [], reliable=True)
