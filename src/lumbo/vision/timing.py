"""The frame rate a video is analysed at, and every frame's time.

The container's rate is used unless it is not believable or, for Matroska/WebM (what browsers
record, at a variable frame rate), the first frames' presentation times disagree with it
(:func:`choose_rate`, :func:`frame_rate`). Once a video is decoded, :func:`frame_times` gives each
frame's time: its own presentation time when the frames are not on an even grid, else
``index / fps``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lumbo.domain.errors import InvalidInput, Problem

FloatArray = npt.NDArray[np.float64]

#: Above this the container's frame rate is not believed (lumbo policy): a variable-frame-rate
#: WebM (the browser's MediaRecorder) reports its 1 ms timebase, 1000 frames/s, instead.
MAX_TRUSTED_FPS = 240.0
#: Frames whose presentation times are read to check or derive the rate (about 1 s at 30 fps).
PROBE_FRAMES = 32
#: Fewest presentation times from which a rate is derived.
MIN_STAMPS = 4
#: A reported rate is kept while the timestamps' median rate is within this fraction of it.
RATE_TOLERANCE = 0.1
_MATROSKA = b"\x1a\x45\xdf\xa3"


def _bad(message: str, value: object) -> InvalidInput:
    return InvalidInput([Problem("video", message, value)], "video")


def trusted(fps: float) -> bool:
    return math.isfinite(fps) and 1.0 < fps <= MAX_TRUSTED_FPS


def choose_rate(reported: float, stamps_ms: Sequence[float]) -> float | None:
    """The frame rate to analyse at: the container's ``reported`` rate, unless it is not
    believable (not finite, at most 1 or above ``MAX_TRUSTED_FPS`` frames/s) or the frames'
    presentation times ``stamps_ms`` (consecutive frames from the start) disagree with it by more
    than ``RATE_TOLERANCE``; then the stamps' mean rate (frames per time they span: with dropped
    or uneven frames, frame index / rate still spans the real duration). The stamps
    are used only if there are at least ``MIN_STAMPS`` of them and they never go back (a stamp may
    repeat).
    ``None``: no usable rate."""
    derived: float | None = None
    stamps = np.asarray(stamps_ms, dtype=np.float64)
    if len(stamps) >= MIN_STAMPS and np.all(np.isfinite(stamps)):
        steps = np.diff(stamps)
        # A repeated stamp happens (Chromium's MediaRecorder under load); going back does not.
        if np.all(steps >= 0) and stamps[-1] > stamps[0]:
            derived = 1000.0 * len(steps) / float(stamps[-1] - stamps[0])
    if trusted(reported) and (derived is None or abs(derived / reported - 1.0) <= RATE_TOLERANCE):
        return reported
    return derived if derived is not None and trusted(derived) else None


#: Presentation times within this many milliseconds of ``index / fps`` are an even grid (a
#: constant-rate video; the container rounds them): the frames keep ``index / fps`` exactly.
EVEN_GRID_MS = 1.0


def frame_times(stamps_ms: Sequence[float], fps: float) -> tuple[FloatArray, bool]:
    """The time (s, from the first frame) of every decoded frame, and whether it is the frames' own
    presentation time (``False``: ``index / fps``).

    The presentation times are used when they are all finite, never go back and are not an even
    grid at ``fps`` (within ``EVEN_GRID_MS``): a variable-frame-rate video (a browser's
    MediaRecorder, a phone under load dropping frames). A frame that repeats the stamp before it
    (Chromium's MediaRecorder does this after a stall) is spread evenly between that stamp and the
    next later one, so times always increase. Otherwise (a constant-rate video, or stamps that go
    back or are missing) the frames sit on the even grid ``index / fps``."""
    n = len(stamps_ms)
    grid = np.arange(n, dtype=np.float64) / fps
    stamps = np.asarray(stamps_ms, dtype=np.float64)
    if n < 2 or not np.all(np.isfinite(stamps)):
        return grid, False
    rel = stamps - stamps[0]
    steps = np.diff(rel)
    if np.any(steps < 0) or rel[-1] <= 0:
        return grid, False
    if np.all(np.abs(rel - 1000.0 * grid) <= EVEN_GRID_MS):
        return grid, False
    out = rel.copy()
    k = 0
    while k < n:
        j = k
        while j + 1 < n and rel[j + 1] == rel[k]:
            j += 1
        if j > k:  # frames k..j share one stamp: spread them up to the next later stamp
            end = rel[j + 1] if j + 1 < n else rel[k] + (j - k + 1) * 1000.0 / fps
            out[k : j + 1] = rel[k] + (end - rel[k]) * np.arange(j - k + 1) / (j - k + 1)
        k = j + 1
    return out / 1000.0, True


def _stamps(path: Path, limit: int) -> tuple[list[float], bool]:
    """Presentation times (ms) of the first ``limit`` frames of ``path`` (read on a capture of its
    own) and whether the video ended before ``limit``."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    stamps: list[float] = []
    try:
        while len(stamps) < limit:
            if not cap.grab():
                return stamps, True
            stamps.append(float(cap.get(cv2.CAP_PROP_POS_MSEC)))
        return stamps, not cap.grab()
    finally:
        cap.release()


def _is_matroska(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == _MATROSKA


def frame_rate(path: Path, reported: float, count: int) -> tuple[float, int]:
    """The rate to analyse ``path`` at and its frame count (see :func:`choose_rate`). The frames'
    timestamps are read only when the reported rate is not believable or the file is Matroska/WebM
    (what browsers record, at a variable frame rate): other files keep the container's values
    untouched. With a derived rate the count is the container's duration at that rate (the frames
    counted, for a video shorter than the probe)."""
    if trusted(reported) and not _is_matroska(path):
        return reported, count
    stamps, ended = _stamps(path, PROBE_FRAMES)
    rate = choose_rate(reported, stamps)
    if rate is None:
        raise _bad(
            f"the video reports no usable frame rate (need 1-{MAX_TRUSTED_FPS:.0f} frames/s, "
            "or frame timestamps that do not go back)",
            reported,
        )
    if rate == reported:
        return reported, count
    if ended:
        return rate, len(stamps)
    if math.isfinite(reported) and reported > 0 and count > 0:
        return rate, round(count / reported * rate)
    return rate, 0
