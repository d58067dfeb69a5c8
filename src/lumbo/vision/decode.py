"""Streaming video decode with constant memory, whatever the video length.

Frames are decoded by OpenCV on a background thread into a small bounded queue (OpenCV releases
the GIL while decoding, so decode overlaps pose inference). Skipped frames are only ``grab()``-ed
(decoded, never converted to RGB or copied); which frames are analysed is a fixed stride or a
``FramePolicy`` (``--stride auto``, see :mod:`lumbo.vision.adaptive`). Frames are handed over by
reference, never copied. At most ``QUEUE_FRAMES`` frames (plus, with a policy, ``MAX_KEPT_FRAMES``
frames of an undecided block) are alive at any time.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.vision.timing import MAX_TRUSTED_FPS, FloatArray, frame_rate, frame_times, trusted

UInt8Array = npt.NDArray[np.uint8]

QUEUE_FRAMES = 4
MIN_DURATION_S = 1.0


@dataclass(frozen=True, slots=True)
class VideoInfo:
    path: str
    fps: float
    frame_count: int
    """As reported by the container; may be approximate. The pipeline counts frames itself."""
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Frame:
    index: int
    t_s: float
    """``index / fps`` (the rate chosen on opening): the even grid the stride and the policy work
    on. The frame's presentation time is in :attr:`FrameStream.stamps_ms` (see
    :func:`lumbo.vision.timing.frame_times`)."""
    rgb: UInt8Array


class FramePolicy(Protocol):
    """Which frames are analysed, decided from the model's results while streaming (``--stride
    auto``). Grid frames (every ``stride``-th) always are; the frames between two grid frames form
    a block, decided once the model has seen the block's first grid frame."""

    stride: int

    def decision(self, index: int) -> bool | None:
        """Whether frame ``index`` is analysed; ``None`` while undecided (must not wait)."""
        ...

    def wants(self, index: int, stop: threading.Event) -> bool:
        """Whether frame ``index`` is analysed, waiting for the decision (``False`` on ``stop``)."""
        ...


def _bad(message: str, value: object) -> InvalidInput:
    return InvalidInput([Problem("video", message, value)], "video")


@dataclass(slots=True)
class OpenVideo:
    """A video opened and checked by :func:`open_video`, its first frame already decoded (BGR):
    :class:`FrameStream` continues from there, so the file is opened and decoded only once."""

    info: VideoInfo
    capture: Any
    first_bgr: UInt8Array
    first_ms: float = math.nan
    """The first frame's presentation time (ms, as the container gives it)."""

    def release(self) -> None:
        self.capture.release()


def probe(path: Path) -> VideoInfo:
    """Open ``path`` and read its header; a missing, unreadable or too-short video is bad input."""
    opened = open_video(path)
    opened.release()
    return opened.info


def check_path(path: Path) -> None:
    """A missing path, or one that is not a file, is bad input (cheap: nothing is opened)."""
    if not path.exists():
        raise _bad("file not found", str(path))
    if not path.is_file():
        raise _bad("not a file", str(path))


def open_video(path: Path) -> OpenVideo:
    """Like :func:`probe`, but keep the video open for :class:`FrameStream` (release it if the
    stream is never iterated)."""
    import cv2

    check_path(path)
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise _bad("cannot open the file as a video (unreadable or corrupt)", str(path))
        ok, first = cap.read()
        if not ok or first is None:
            raise _bad("the video has no decodable frame (corrupt or empty)", str(path))
        fps, count = frame_rate(
            path, float(cap.get(cv2.CAP_PROP_FPS)), int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        )
        h, w = first.shape[:2]
        info = _checked(path, fps, count, int(w), int(h))
        first_ms = float(cap.get(cv2.CAP_PROP_POS_MSEC))
    except BaseException:
        cap.release()
        raise
    return OpenVideo(info, cap, np.asarray(first, dtype=np.uint8), first_ms)


def _checked(path: Path, fps: float, count: int, w: int, h: int) -> VideoInfo:
    if not trusted(fps):
        raise _bad(
            f"the video reports no usable frame rate (need 1-{MAX_TRUSTED_FPS:.0f} frames/s)", fps
        )
    info = VideoInfo(str(path), fps, max(count, 1), w, h)
    if count > 0 and info.duration_s < MIN_DURATION_S:
        raise _bad(
            f"video too short: {info.duration_s:.2f} s, need at least {MIN_DURATION_S:.0f} s",
            str(path),
        )
    return info


_END = object()


#: Frames of an undecided block the decoder may keep while the model is still busy (``--stride
#: auto``); beyond this it waits for the decision instead (memory stays bounded: frames are
#: full-size BGR images).
MAX_KEPT_FRAMES = 8


def _put(out: queue.Queue[Any], item: object, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            out.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def _reader(
    path: str,
    stride: int,
    policy: FramePolicy | None,
    out: queue.Queue[Any],
    stop: threading.Event,
    opened: OpenVideo | None,
    stamps: list[float],
) -> None:
    """Decode every frame in order; hand the analysed ones over as RGB :class:`Frame` s.

    With a ``policy``, a frame whose block is still undecided is retrieved and kept (at most
    ``MAX_KEPT_FRAMES``), so decoding continues while the model works on the block's grid frame;
    before the next grid frame goes out, the decoder waits for the decision and passes the kept
    frames on (dense block) or drops them. Which frames are analysed never depends on timing.
    Every decoded frame's presentation time (ms) is appended to ``stamps``."""
    import cv2

    if opened is None:
        cap = cv2.VideoCapture(path)
        reported = float(cap.get(cv2.CAP_PROP_FPS))
        try:
            fps = frame_rate(Path(path), reported, 0)[0]
        except InvalidInput:
            fps = reported if reported > 0 else 30.0
    else:
        cap = opened.capture
        fps = opened.info.fps  # the rate chosen on opening (see :func:`frame_rate`)
    first = None if opened is None else opened.first_bgr
    pos_msec = cv2.CAP_PROP_POS_MSEC
    kept: list[tuple[int, UInt8Array]] = []

    def frame(index: int, bgr: UInt8Array) -> Frame:
        # In place: the decoder's buffer becomes the RGB frame (no second full-size copy).
        rgb: UInt8Array = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB, dst=bgr), dtype=np.uint8)
        return Frame(index, index / fps, rgb)

    def settle() -> None:
        """Wait for the kept frames' block decision; pass them on or drop them."""
        if kept and policy is not None and policy.wants(kept[0][0], stop):
            for i, bgr in kept:
                _put(out, frame(i, bgr), stop)
        kept.clear()

    index = 0
    try:
        while not stop.is_set():
            if first is None:
                if not cap.grab():
                    break
                stamps.append(float(cap.get(pos_msec)))
            else:
                stamps.append(opened.first_ms if opened is not None else math.nan)
            if policy is None:
                analysed: bool | None = index % stride == 0
            else:
                analysed = policy.decision(index)
                if analysed is None and len(kept) >= MAX_KEPT_FRAMES:
                    analysed = policy.wants(index, stop)
            if analysed is not False:
                ok, bgr = (True, first) if first is not None else cap.retrieve()
                if not ok or bgr is None:
                    break
                if analysed is None:
                    # Kept as BGR: converted only if the block turns out dense.
                    kept.append((index, np.asarray(bgr, dtype=np.uint8)))
                else:
                    # Converted before any wait, so it is ready the moment the decision comes.
                    current = frame(index, np.asarray(bgr, dtype=np.uint8))
                    if kept:
                        settle()  # the block was decided meanwhile, or a grid frame comes next
                    _put(out, current, stop)
            elif kept:
                settle()
            first = None
            index += 1
        settle()
    except Exception as err:  # surfaced to the consumer, never swallowed
        _put(out, err, stop)
    finally:
        cap.release()
        # Total decoded frames rides along with the end marker.
        while True:
            try:
                out.put((_END, index), timeout=0.1)
                break
            except queue.Full:
                if stop.is_set():
                    break


class FrameStream:
    """Iterate analysed frames: every ``stride``-th, or those ``policy`` wants. ``decoded`` is the
    number of frames read once iteration ends, ``stamps_ms`` their presentation times (ms, as the
    container gives them; see :func:`frame_times`). With ``opened`` (from :func:`open_video`) decoding
    continues from that open video instead of opening ``path`` again."""

    def __init__(
        self,
        path: Path,
        stride: int = 1,
        policy: FramePolicy | None = None,
        opened: OpenVideo | None = None,
    ) -> None:
        if stride < 1:
            raise _bad("stride must be >= 1", stride)
        self.path = path
        self.stride = stride
        self.policy = policy
        self.decoded = 0
        self.stamps_ms: list[float] = []
        self._opened = opened

    def times(self, fps: float) -> tuple[FloatArray, bool]:
        """Every decoded frame's time (see :func:`frame_times`); call after iterating."""
        return frame_times(self.stamps_ms, fps)

    def __iter__(self) -> Iterator[Frame]:
        q: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_FRAMES)
        stop = threading.Event()
        worker = threading.Thread(
            target=_reader,
            args=(str(self.path), self.stride, self.policy, q, stop, self._opened, self.stamps_ms),
            daemon=True,
        )
        self._opened = None  # the reader owns (and releases) it now
        worker.start()
        try:
            while True:
                item = q.get()
                if isinstance(item, Frame):
                    yield item
                elif isinstance(item, Exception):
                    raise _bad(f"decoding failed: {item}", str(self.path))
                else:
                    self.decoded = int(item[1])
                    return
        finally:
            stop.set()
            worker.join(timeout=5.0)


def mean_luma(rgb: UInt8Array) -> float:
    """Mean brightness (0-255) of a subsampled frame (cheap: every 8th pixel)."""
    return float(np.mean(rgb[::8, ::8]))
