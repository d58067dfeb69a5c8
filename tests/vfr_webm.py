"""Variable-frame-rate WebM clips for tests, like the browser's MediaRecorder makes them.

OpenCV writes a constant-rate WebM (VP8); :func:`make_vfr` then edits its Matroska structure in
place: the track's default frame duration becomes a Void element and every frame's timestamp
moves by a few milliseconds (deterministic jitter, still increasing). FFmpeg then cannot find a
frame rate in the file and OpenCV reports the 1 ms timebase, 1000 frames/s, as MediaRecorder's
files do. Nothing changes size, so the file stays valid. With ``stamps_ms`` every frame gets that
presentation time instead (a recorder that stalled and dropped frames: the frames' content then
belongs at those times)."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

#: Matroska master elements walked into: Segment, Tracks, TrackEntry, Cluster, BlockGroup.
_MASTERS = {0x18538067, 0x1654AE6B, 0xAE, 0x1F43B675, 0xA0}
_DEFAULT_DURATION = 0x23E383
_CLUSTER_TIMECODE = 0xE7
_BLOCKS = {0xA3, 0xA1}  # SimpleBlock, Block


def _vint(data: bytearray, pos: int, keep_marker: bool) -> tuple[int, int]:
    first = data[pos]
    n, mask = 1, 0x80
    while not first & mask:
        n, mask = n + 1, mask >> 1
    value = first if keep_marker else first & (mask - 1)
    for i in range(1, n):
        value = (value << 8) | data[pos + i]
    return value, n


def make_vfr(
    path: Path, jitter_ms: int = 9, seed: int = 1, stamps_ms: Sequence[int] | None = None
) -> int:
    """Make the WebM at ``path`` variable-frame-rate (see the module); returns the frames moved.
    ``stamps_ms``: every frame's presentation time (ms, increasing) instead of the jitter."""
    data = bytearray(path.read_bytes())
    shifts = np.random.default_rng(seed).integers(-jitter_ms, jitter_ms + 1, size=1 << 16)
    moved = 0
    cluster_ms = 0

    def walk(pos: int, end: int) -> None:
        nonlocal moved, cluster_ms
        while pos < end:
            eid, n = _vint(data, pos, True)
            size, m = _vint(data, pos + n, False)
            body = pos + n + m
            if size == (1 << (7 * m)) - 1:  # unknown size: up to the parent's end
                size = end - body
            if eid in _MASTERS:
                walk(body, body + size)
            elif eid == _DEFAULT_DURATION:
                total = n + m + size
                data[pos : pos + total] = bytes([0xEC, 0x80 | (total - 2)]) + bytes(total - 2)
            elif eid == _CLUSTER_TIMECODE:
                cluster_ms = int.from_bytes(data[body : body + size], "big")
            elif eid in _BLOCKS:
                _, t = _vint(data, body, False)
                (rel,) = struct.unpack(">h", data[body + t : body + t + 2])
                if stamps_ms is not None:
                    rel = int(stamps_ms[moved]) - cluster_ms
                elif moved:  # the first frame stays at 0
                    rel += int(shifts[moved])
                data[body + t : body + t + 2] = struct.pack(">h", rel)
                moved += 1
            pos = body + size

    walk(0, len(data))
    path.write_bytes(bytes(data))
    return moved


def write_vfr_webm(
    frames: Iterable[np.ndarray],
    out: Path,
    fps: float = 30.0,
    stamps_ms: Sequence[int] | None = None,
) -> Path:
    """``frames`` (BGR, one size) as a VP8 WebM at nominal ``fps``, made variable-frame-rate
    (jittered, or at the presentation times ``stamps_ms``)."""
    import cv2

    writer = None
    for img in frames:
        if writer is None:
            h, w = img.shape[:2]
            writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"VP80"), fps, (w, h))
            assert writer.isOpened(), "OpenCV cannot write VP8 WebM"
        writer.write(img)
    assert writer is not None, "no frames"
    writer.release()
    make_vfr(out, stamps_ms=stamps_ms)
    return out
