"""Before filming: is the whole body in the picture, and is the view right for the movement?

The filming page records the first seconds in the browser and sends them here; the pose model runs
on a few frames of them and the answer is ``ok`` or what to fix, in words. Thresholds are lumbo
policy (screening choices for a quick check, not measurements).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lumbo.vision import angles as ang
from lumbo.vision.decode import FrameStream, mean_luma, open_video
from lumbo.vision.landmarks import LEFT_ANKLE, LEFT_SHOULDER, NOSE, RIGHT_ANKLE, RIGHT_SHOULDER
from lumbo.vision.pipeline import required_view
from lumbo.vision.pose import PoseEstimator

#: Frames looked at: about 5 per second of the first ``CHECK_SECONDS``.
CHECK_SECONDS = 3.0
CHECK_HZ = 5.0
#: A landmark counts as seen when its visibility is at least this and it lies inside the picture.
SEEN_VISIBILITY = 0.5
#: The person should be found in at least this share of the frames looked at.
MIN_FOUND_SHARE = 0.5
#: Head to ankles should span at least this share of the picture's height (else: come closer).
MIN_HEIGHT_SHARE = 0.35
#: Apparent shoulder width over torso length: side-on below, facing the camera above.
SIDE_MAX_RATIO = 0.45
FRONT_MIN_RATIO = 0.4
DARK_LUMA = 40.0


@dataclass(frozen=True, slots=True)
class FramingCheck:
    ok: bool
    problems: list[str] = field(default_factory=list)
    frames_checked: int = 0

    def to_json(self) -> dict[str, Any]:
        message = (
            "Ready: the whole body is in the picture and the view is right."
            if self.ok
            else "Please fix this before you record:"
        )
        return {
            "ok": self.ok,
            "message": message,
            "problems": list(self.problems),
            "frames_checked": self.frames_checked,
        }


def _inside(p: np.ndarray, w: int, h: int) -> bool:
    return bool(p[3] >= SEEN_VISIBILITY and 0 <= p[0] < w and 0 <= p[1] < h)


def judge_framing(
    poses: list[np.ndarray | None], size: tuple[int, int], luma: float, movement: str
) -> FramingCheck:
    """The check on the landmarks (pixels, 33 x 4) of the frames looked at."""
    w, h = size
    found = [p for p in poses if p is not None]
    problems: list[str] = []
    dark = luma < DARK_LUMA
    if not poses or len(found) < MIN_FOUND_SHARE * len(poses):
        problems.append(
            "Nobody was found in the picture: stand 2 to 4 metres from the camera, alone, "
            "with your whole body in view."
        )
        if dark:
            problems.append("It is too dark: turn on a light or face a window.")
        return FramingCheck(False, problems, len(poses))
    head = np.mean([_inside(p[NOSE], w, h) for p in found])
    feet = np.mean([_inside(p[LEFT_ANKLE], w, h) or _inside(p[RIGHT_ANKLE], w, h) for p in found])
    if head < 0.6:
        problems.append("Your head is out of the picture: step back or tilt the camera up.")
    if feet < 0.6:
        problems.append("Your feet are out of the picture: step back or tilt the camera down.")
    pts = np.stack(found)
    tall = np.abs(pts[:, [LEFT_ANKLE, RIGHT_ANKLE], 1].mean(axis=1) - pts[:, NOSE, 1])
    if head >= 0.6 and feet >= 0.6 and float(np.median(tall)) < MIN_HEIGHT_SHARE * h:
        problems.append("You look small in the picture: come a little closer to the camera.")
    width = np.hypot(*(pts[:, LEFT_SHOULDER, :2] - pts[:, RIGHT_SHOULDER, :2]).T)
    torso = ang.torso_length_px(pts)
    ok = torso > 1.0
    ratio = float(np.median(width[ok] / torso[ok])) if ok.any() else math.nan
    view = required_view(movement)
    if math.isfinite(ratio) and view == "side" and ratio > SIDE_MAX_RATIO:
        problems.append("Turn side-on to the camera: it should see your side for this movement.")
    if math.isfinite(ratio) and view == "front" and ratio < FRONT_MIN_RATIO:
        problems.append("Face the camera: it should see your front for this movement.")
    if dark:
        problems.append("It is rather dark: more light makes the measurement more reliable.")
    return FramingCheck(not problems, problems, len(poses))


def check_framing(
    path: Path, movement: str, estimator: PoseEstimator | None = None
) -> FramingCheck:
    """Run the pose model on about ``CHECK_HZ`` frames per second of the first
    ``CHECK_SECONDS`` of the video at ``path``."""
    opened = open_video(path)
    info = opened.info
    stride = max(1, round(info.fps / CHECK_HZ))
    own = estimator is None
    if estimator is None:
        from lumbo.vision.pose import warmed_up_estimator

        estimator = warmed_up_estimator()
    poses: list[np.ndarray | None] = []
    lumas: list[float] = []
    size = (info.width, info.height)
    frames = iter(FrameStream(path, stride, None, opened))
    try:
        for frame in frames:
            if frame.t_s > CHECK_SECONDS:
                break
            size = (int(frame.rgb.shape[1]), int(frame.rgb.shape[0]))
            pose = estimator.estimate(frame.rgb)
            poses.append(None if pose is None else pose.points)
            lumas.append(mean_luma(frame.rgb))
    finally:
        close = getattr(frames, "close", None)
        if close is not None:
            close()  # stops the decoding thread
        if own:
            estimator.close()
    luma = float(np.median(lumas)) if lumas else 0.0
    return judge_framing(poses, size, luma, movement)
