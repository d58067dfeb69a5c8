"""A variable-frame-rate WebM, as the phone's film page records it with the browser's
MediaRecorder (OpenCV reports its 1 ms timebase: 1000 frames/s), measured through the real model:
the hinge clip (two known 60-degree bends, 9 s) cropped like the phone's camera and re-muxed as a
VFR WebM. Before the decoder read the frames' timestamps this failed as "video too short"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from lumbo.vision.pipeline import default_options, measure_video
from tests.integration.vision.conftest import HINGE_CROP, hinge_clip_file, hinge_profile
from tests.vfr_webm import write_vfr_webm

pytestmark = pytest.mark.vision


def _camera_frames(src: Path) -> Iterator[np.ndarray]:
    import cv2

    x, y, w, h = HINGE_CROP
    cap = cv2.VideoCapture(str(src))
    try:
        while True:
            ok, img = cap.read()
            if not ok:
                return
            yield cv2.resize(img[y : y + h, x : x + w], (640, 360), interpolation=cv2.INTER_AREA)
    finally:
        cap.release()


def test_a_media_recorder_style_webm_is_measured_at_its_real_duration(tmp_path: Path) -> None:
    import cv2

    pytest.importorskip("mediapipe")
    video = write_vfr_webm(_camera_frames(hinge_clip_file(60.0, 2)), tmp_path / "film.webm")
    cap = cv2.VideoCapture(str(video))
    assert cap.get(cv2.CAP_PROP_FPS) == 1000.0  # what the worker saw
    cap.release()
    profile = hinge_profile(60.0, 2)
    seconds = len(profile) / 30.0
    data = measure_video(video, default_options("trunk-flexion")).to_json()
    assert data["frames"] == len(profile)
    assert data["frames"] / data["fps"] == pytest.approx(seconds, rel=0.05)
    assert data["verdict"]["measured"] is True
    s = data["summary"]
    assert s["peak_deg"] - s["baseline_deg"] == pytest.approx(60.0, abs=6.0)
    assert len(data["reps"]) == 2
    # The peak lies in one of the two holds at 60 degrees, in real seconds.
    holds = np.flatnonzero(profile == profile.max()) / 30.0
    assert float(np.min(np.abs(holds - s["peak_at_s"]))) <= 0.3, (s["peak_at_s"], holds)
