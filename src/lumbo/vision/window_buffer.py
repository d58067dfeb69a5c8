"""Keep, while streaming, the full-rate frames around the running extremes of the main angle.

Used by ``--stride auto``: the coarse pass only runs the model on every Nth frame, but every frame
goes through this buffer, which keeps a crop (around the subject, at native resolution) of the last
few frames in a ring. When an analysed frame sets a new running maximum or minimum of the main
angle (image orientation), the ring is copied into that extreme's candidate window and the next few
frames are appended to it. Memory is bounded: two windows of ``2 x half + warm + 1`` crops for each of at most
``MAX_TRACKS`` tracks,
whatever the video's length. At the end the windows are re-measured at full rate (see
:mod:`lumbo.vision.refine`) without decoding the video again.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lumbo.vision.decode import Frame
from lumbo.vision.landmarks import FloatArray, Pose
from lumbo.vision.pose import UInt8Array

#: Crop side = this many times the subject's larger box side (room to move during the window).
CROP_SCALE = 2.0
#: Windows are kept for at most this many tracks (people) at a time.
MAX_TRACKS = 4


@dataclass(slots=True)
class Crop:
    index: int
    t_s: float
    offset: tuple[int, int]
    image: UInt8Array


@dataclass(slots=True)
class Candidate:
    kind: str
    """``max`` or ``min`` of the image-orientation angle."""
    value: float
    index: int
    """Frame index of the analysed frame that set the extreme."""
    crops: list[Crop] = field(default_factory=list)
    remaining: int = 0


AngleFn = Callable[[FloatArray], float]


class ExtremeBuffer:
    def __init__(
        self,
        angle: AngleFn,
        half_frames: int,
        warm_frames: int,
        min_confidence: float,
        after_frames: int | None = None,
    ) -> None:
        self._angle = angle
        self._half = half_frames
        self._after = half_frames if after_frames is None else after_frames
        self._ring: deque[Crop] = deque(maxlen=half_frames + warm_frames + 1)
        self._min_conf = min_confidence
        self._box: tuple[int, int, int, int] | None = None
        self.candidates: dict[tuple[int, str], Candidate] = {}
        """Per (track id, ``max``/``min``): the subject is only known at the end."""
        self._counts: dict[int, int] = {}
        self.raw: dict[int, float] = {}
        """Image-orientation main angle per analysed frame index (for the orientation check)."""

    def _update_box(self, pose: Pose, width: int, height: int) -> None:
        b = pose.box()
        side = CROP_SCALE * max(b.width, b.height, 1.0)
        cx, cy = b.center
        self._box = (
            max(0, int(cx - side / 2)),
            max(0, int(cy - side / 2)),
            min(width, int(cx + side / 2) + 1),
            min(height, int(cy + side / 2) + 1),
        )

    def box(self) -> tuple[int, int, int, int] | None:
        """The crop wanted for the next skipped frames (read by the decoding thread)."""
        return self._box

    def push(self, frame: Frame, pose: Pose | None, track: int | None = None) -> None:
        """Add a frame: an analysed one (full frame) with its pose, or a skipped one, which the
        decoder already cropped (``frame.offset``)."""
        if frame.analysed:
            h, w = frame.rgb.shape[:2]
            if pose is not None:
                self._update_box(pose, w, h)
            if self._box is None:
                return
            x0, y0, x1, y1 = self._box
            crop = Crop(frame.index, frame.t_s, (x0, y0), frame.rgb[y0:y1, x0:x1].copy())
        else:
            crop = Crop(frame.index, frame.t_s, frame.offset, frame.rgb)
        self._ring.append(crop)
        for cand in self.candidates.values():
            if cand.remaining > 0:
                cand.crops.append(crop)
                cand.remaining -= 1
        if not frame.analysed or pose is None or pose.confidence() < self._min_conf:
            return
        value = self._angle(pose.points)
        if not math.isfinite(value) or track is None:
            return
        self.raw[frame.index] = value
        self._counts[track] = self._counts.get(track, 0) + 1
        for kind in ("max", "min"):
            best = self.candidates.get((track, kind))
            better = best is None or (value > best.value if kind == "max" else value < best.value)
            if better:
                self.candidates[(track, kind)] = Candidate(
                    kind, value, frame.index, list(self._ring), self._after
                )
        self._evict()

    def _evict(self) -> None:
        """Keep the windows of at most ``MAX_TRACKS`` tracks (those seen longest): bounded memory."""
        tracks = sorted({t for t, _ in self.candidates}, key=lambda t: self._counts.get(t, 0))
        for t in tracks[: max(0, len(tracks) - MAX_TRACKS)]:
            for kind in ("max", "min"):
                self.candidates.pop((t, kind), None)

    def best(self, kind: str, tracks: list[int]) -> Candidate | None:
        """The most extreme ``kind`` candidate among ``tracks``."""
        found = [c for (t, k), c in self.candidates.items() if k == kind and t in tracks]
        if not found:
            return None
        if kind == "max":
            return max(found, key=lambda c: c.value)
        return min(found, key=lambda c: c.value)


def canvas(crops: list[Crop]) -> tuple[tuple[int, int], list[UInt8Array]]:
    """Paste crops (taken at slightly different places) onto one common canvas per frame, so the
    tracker sees a steady view; returns the canvas offset and the images."""
    x0 = min(c.offset[0] for c in crops)
    y0 = min(c.offset[1] for c in crops)
    x1 = max(c.offset[0] + c.image.shape[1] for c in crops)
    y1 = max(c.offset[1] + c.image.shape[0] for c in crops)
    out: list[UInt8Array] = []
    for c in crops:
        img = np.zeros((y1 - y0, x1 - x0, 3), dtype=np.uint8)
        ox, oy = c.offset[0] - x0, c.offset[1] - y0
        img[oy : oy + c.image.shape[0], ox : ox + c.image.shape[1]] = c.image
        out.append(img)
    return (x0, y0), out
