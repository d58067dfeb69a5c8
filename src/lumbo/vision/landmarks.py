"""Landmark indices and the per-frame pose record shared by the vision modules.

The indices are BlazePose's 33-point topology (MediaPipe Pose). Coordinates are always in *pixels*
of the analysed frame (x to the right, y down); ``z`` is MediaPipe's relative depth scaled like x
(smaller = closer to the camera), also in pixels; ``visibility`` is the model's 0..1 confidence.
Working in pixels matters: normalised coordinates of a non-square frame distort every angle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

N_LANDMARKS = 33

NOSE = 0
LEFT_EAR = 7
RIGHT_EAR = 8
LEFT_SHOULDER = 11
RIGHT_SHOULDER = 12
LEFT_HIP = 23
RIGHT_HIP = 24
LEFT_KNEE = 25
RIGHT_KNEE = 26
LEFT_ANKLE = 27
RIGHT_ANKLE = 28
LEFT_HEEL = 29
RIGHT_HEEL = 30
LEFT_FOOT = 31
RIGHT_FOOT = 32

#: Landmarks whose confidence gates the trunk angles.
TRUNK_POINTS = (LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP)

#: Skeleton edges drawn by ``--annotate``.
SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    (LEFT_SHOULDER, RIGHT_SHOULDER),
    (LEFT_SHOULDER, LEFT_HIP),
    (RIGHT_SHOULDER, RIGHT_HIP),
    (LEFT_HIP, RIGHT_HIP),
    (LEFT_HIP, LEFT_KNEE),
    (LEFT_KNEE, LEFT_ANKLE),
    (RIGHT_HIP, RIGHT_KNEE),
    (RIGHT_KNEE, RIGHT_ANKLE),
    (LEFT_SHOULDER, 13),
    (13, 15),
    (RIGHT_SHOULDER, 14),
    (14, 16),
    (LEFT_ANKLE, LEFT_FOOT),
    (RIGHT_ANKLE, RIGHT_FOOT),
)

#: Index pairs swapped when a frame is mirrored (left <-> right).
MIRROR_PAIRS: tuple[tuple[int, int], ...] = (
    (1, 4),
    (2, 5),
    (3, 6),
    (7, 8),
    (9, 10),
    (11, 12),
    (13, 14),
    (15, 16),
    (17, 18),
    (19, 20),
    (21, 22),
    (23, 24),
    (25, 26),
    (27, 28),
    (29, 30),
    (31, 32),
)


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box in pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return max(0.0, self.x1 - self.x0)

    @property
    def height(self) -> float:
        return max(0.0, self.y1 - self.y0)

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)


@dataclass(frozen=True, slots=True)
class Pose:
    """One person's landmarks in one frame: ``points`` is (33, 4) = x, y, z (pixels), visibility."""

    points: FloatArray

    def __post_init__(self) -> None:
        if self.points.shape != (N_LANDMARKS, 4):
            raise ValueError(f"pose points must have shape (33, 4), got {self.points.shape}")

    def visibility(self, index: int) -> float:
        return float(self.points[index, 3])

    def confidence(self, indices: tuple[int, ...] = TRUNK_POINTS) -> float:
        """The weakest visibility among ``indices`` (a chain is only as good as its worst link)."""
        return float(np.min(self.points[list(indices), 3]))

    def box(self, min_visibility: float = 0.3) -> Box:
        """Bounding box of the landmarks the model is reasonably sure of (all, if none are)."""
        pts = self.points[self.points[:, 3] >= min_visibility]
        if len(pts) == 0:
            pts = self.points
        return Box(
            float(pts[:, 0].min()),
            float(pts[:, 1].min()),
            float(pts[:, 0].max()),
            float(pts[:, 1].max()),
        )

    def torso_length(self) -> float:
        """Hip-midpoint to shoulder-midpoint distance in pixels (the tracker's length scale)."""
        sh = (self.points[LEFT_SHOULDER, :2] + self.points[RIGHT_SHOULDER, :2]) / 2.0
        hp = (self.points[LEFT_HIP, :2] + self.points[RIGHT_HIP, :2]) / 2.0
        return float(np.hypot(*(sh - hp)))


def mirror_pose(pose: Pose, width: float) -> Pose:
    """The pose a horizontally mirrored frame of ``width`` pixels would show: x flipped, left and
    right labels swapped, depth unchanged."""
    pts = pose.points.copy()
    pts[:, 0] = (width - 1.0) - pts[:, 0]
    for a, b in MIRROR_PAIRS:
        pts[[a, b]] = pts[[b, a]]
    return Pose(pts)
