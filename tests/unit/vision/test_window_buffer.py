"""The streaming buffer that keeps full-rate crops around the running extremes (--stride auto)."""

from __future__ import annotations

import numpy as np
import pytest

from lumbo.vision import angles as ang
from lumbo.vision.decode import Frame
from lumbo.vision.synthetic import synthetic_pose
from lumbo.vision.window_buffer import MAX_TRACKS, Crop, ExtremeBuffer, canvas

STRIDE = 3


def angle(points: np.ndarray) -> float:
    return float(ang.trunk_inclination(points, 1.0))


def stream(profile: list[float], buffer: ExtremeBuffer, track: int = 0) -> None:
    img = np.zeros((480, 640, 3), dtype=np.uint8)
    for i, deg in enumerate(profile):
        analysed = i % STRIDE == 0
        pose = synthetic_pose(trunk_deg=deg, center=(320.0, 300.0), scale=0.5) if analysed else None
        buffer.push(Frame(i, i / 30.0, img, analysed), pose, track if analysed else None)


def test_windows_surround_the_running_extremes() -> None:
    profile = [float(v) for v in 40 * np.sin(np.linspace(0, 2 * np.pi, 90))]
    buf = ExtremeBuffer(angle, STRIDE, 6, 0.5)
    stream(profile, buf)
    hi, lo = buf.best("max", [0]), buf.best("min", [0])
    assert hi is not None and lo is not None
    analysed = [i for i in range(90) if i % STRIDE == 0]
    assert hi.index == max(analysed, key=lambda i: profile[i])
    assert lo.index == min(analysed, key=lambda i: profile[i])
    for cand in (hi, lo):
        idx = [c.index for c in cand.crops]
        assert idx == list(range(idx[0], idx[-1] + 1))  # contiguous full-rate frames
        assert idx[0] == cand.index - STRIDE - 6
        assert idx[-1] == cand.index + STRIDE


def test_only_subject_tracks_are_considered_and_memory_is_bounded() -> None:
    buf = ExtremeBuffer(angle, STRIDE, 6, 0.5)
    for track in range(MAX_TRACKS + 3):
        stream([10.0 * track] * 30, buf, track=track)
    tracks = {t for t, _ in buf.candidates}
    assert len(tracks) <= MAX_TRACKS
    assert buf.best("max", [99]) is None


def test_low_confidence_poses_set_no_extreme() -> None:
    buf = ExtremeBuffer(angle, STRIDE, 6, 0.5)
    img = np.zeros((100, 100, 3), dtype=np.uint8)
    buf.push(Frame(0, 0.0, img, True), synthetic_pose(trunk_deg=30, visibility=0.2), 0)
    assert buf.candidates == {}


@pytest.mark.parametrize("offsets", [[(0, 0), (0, 0)], [(10, 5), (12, 0)], [(3, 7)]])
def test_canvas_keeps_every_crop_at_its_place(offsets: list[tuple[int, int]]) -> None:
    crops = [
        Crop(i, i / 30.0, off, np.full((20, 30, 3), 50 + i, dtype=np.uint8))
        for i, off in enumerate(offsets)
    ]
    (ox, oy), images = canvas(crops)
    assert (ox, oy) == (min(o[0] for o in offsets), min(o[1] for o in offsets))
    for crop, img in zip(crops, images, strict=True):
        x, y = crop.offset[0] - ox, crop.offset[1] - oy
        assert (img[y : y + 20, x : x + 30] == crop.image).all()
        assert img.shape == images[0].shape
