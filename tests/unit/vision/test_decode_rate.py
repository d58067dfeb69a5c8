"""The frame rate a video is analysed at: the container's, unless it is not believable or the
frames' presentation times disagree with it (a browser's variable-frame-rate WebM reports its
1 ms timebase, 1000 frames/s); then the rate the timestamps show."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from lumbo.domain.errors import InvalidInput
from lumbo.vision.decode import FrameStream, choose_rate, probe
from lumbo.vision.pipeline import MeasureOptions, measure_video
from lumbo.vision.pose import FakePoseEstimator
from lumbo.vision.synthetic import synthetic_pose
from tests.vfr_webm import make_vfr, write_vfr_webm

RNG = np.random.default_rng(7)


def steady(fps: float, n: int = 32) -> list[float]:
    return [k * 1000.0 / fps for k in range(n)]


def media_recorder(fps: float, n: int = 32, jitter_ms: float = 9.0) -> list[float]:
    """Whole milliseconds (the WebM timebase) around a nominal rate, still increasing."""
    return [
        round(k * 1000.0 / fps + (RNG.uniform(-jitter_ms, jitter_ms) if k else 0.0))
        for k in range(n)
    ]


def uneven(low: float, high: float, n: int = 32) -> list[float]:
    """Intervals anywhere between those of ``high`` and ``low`` frames/s."""
    steps = RNG.uniform(1000.0 / high, 1000.0 / low, n - 1)
    return [0.0, *np.cumsum(steps).tolist()]


def rate_of(stamps: list[float]) -> float:
    """The true mean rate of a stamp list: frames per second spanned."""
    return 1000.0 * (len(stamps) - 1) / (stamps[-1] - stamps[0])


#: The first 32 presentation times (ms) of a 2.5 s check recorded by Chromium's MediaRecorder
#: (fake camera, 30 frames/s) in a loaded run: uneven, with gaps and repeated stamps.
CHROMIUM = [
    0.0,
    37.0,
    86.0,
    104.0,
    167.0,
    313.0,
    313.0,
    347.0,
    380.0,
    413.0,
    446.0,
    480.0,
    637.0,
    637.0,
    670.0,
    704.0,
    738.0,
    771.0,
    804.0,
    837.0,
    872.0,
    905.0,
    939.0,
    972.0,
    1007.0,
    1042.0,
    1074.0,
    1109.0,
    1139.0,
    1171.0,
    1208.0,
    1237.0,
]
VFR_30 = media_recorder(30.0)
UNEVEN = uneven(24.0, 30.0)
SLOW = steady(15.0)


@pytest.mark.parametrize(
    ("reported", "stamps", "expected"),
    [
        pytest.param(30.0, steady(30.0), 30.0, id="constant-30-kept"),
        pytest.param(30000 / 1001, steady(30000 / 1001), 30000 / 1001, id="ntsc-kept-exactly"),
        pytest.param(30.0, [], 30.0, id="no-stamps-reported-kept"),
        pytest.param(1000.0, VFR_30, rate_of(VFR_30), id="webm-timebase-vfr-30"),
        pytest.param(1000.0, UNEVEN, rate_of(UNEVEN), id="jittery-24-30"),
        pytest.param(30.0, SLOW, 15.0, id="stamps-disagree-half-rate"),
        pytest.param(30.0, media_recorder(31.5), 30.0, id="within-tolerance-kept"),
        pytest.param(math.nan, steady(25.0), 25.0, id="nan-reported"),
        pytest.param(0.0, steady(25.0), 25.0, id="zero-reported"),
        pytest.param(1000.0, steady(30.0, 3), None, id="too-few-frames"),
        pytest.param(30.0, steady(60.0, 3), 30.0, id="too-few-frames-reported-kept"),
        pytest.param(1000.0, [0.0, 33.0, 20.0, 66.0, 99.0], None, id="non-monotonic"),
        pytest.param(30.0, [0.0, 33.0, 20.0, 66.0, 99.0], 30.0, id="non-monotonic-reported-kept"),
        pytest.param(1000.0, [0.0, 33.0, 33.0, 66.0, 99.0], 4000 / 99, id="repeated-stamp"),
        pytest.param(1000.0, CHROMIUM, rate_of(CHROMIUM), id="chromium-media-recorder-loaded"),
        pytest.param(1000.0, [5.0, 5.0, 5.0, 5.0], None, id="all-stamps-equal"),
        pytest.param(1000.0, [0.0, 1.0, 2.0, 3.0, 4.0], None, id="stamps-at-1000-not-believed"),
        pytest.param(0.0, [], None, id="nothing-usable"),
    ],
)
def test_rate_choice(reported: float, stamps: list[float], expected: float | None) -> None:
    got = choose_rate(reported, stamps)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, rel=1e-9)


def test_jittery_rates_land_near_the_generating_rate() -> None:
    # The fixtures above really are what their names say (so the table cannot pass vacuously).
    assert rate_of(VFR_30) == pytest.approx(30.0, rel=0.03)
    assert 24.0 < rate_of(UNEVEN) < 30.0
    assert np.ptp(np.diff(UNEVEN)) > 5.0
    assert len(CHROMIUM) == 32 and rate_of(CHROMIUM) == pytest.approx(25.06, abs=0.01)


# --- a variable-frame-rate WebM, as the browser's MediaRecorder records ----------------------


def frames_bgr(n: int) -> list[np.ndarray]:
    out = []
    for i in range(n):
        img = np.full((48, 64, 3), 120, dtype=np.uint8)
        img[:, i % 64] = 255
        out.append(img)
    return out


def test_vfr_webm_reports_the_timebase_and_is_timed_from_its_frames(tmp_path: Path) -> None:
    import cv2

    video = write_vfr_webm(frames_bgr(75), tmp_path / "vfr.webm")
    cap = cv2.VideoCapture(str(video))
    assert cap.get(cv2.CAP_PROP_FPS) == 1000.0  # the bug's condition, reproduced
    cap.release()
    info = probe(video)
    assert info.fps == pytest.approx(30.0, rel=0.03)
    assert info.duration_s == pytest.approx(2.5, rel=0.05)
    stream = FrameStream(video)
    times = [f.t_s for f in stream]
    assert stream.decoded == 75 and len(times) == 75
    assert times[-1] == pytest.approx(74 / 30.0, rel=0.05)
    assert np.allclose(np.diff(times), 1.0 / info.fps)


def test_a_constant_rate_webm_keeps_its_reported_rate(tmp_path: Path) -> None:
    import cv2

    video = tmp_path / "cfr.webm"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"VP80"), 30.0, (64, 48))
    for img in frames_bgr(45):
        writer.write(img)
    writer.release()
    info = probe(video)
    assert (info.fps, info.frame_count) == (30.0, 45)


def test_a_short_vfr_webm_is_too_short_in_seconds(tmp_path: Path) -> None:
    video = write_vfr_webm(frames_bgr(20), tmp_path / "short.webm")
    with pytest.raises(InvalidInput, match=r"too short: 0\.6\d s"):
        probe(video)


def test_a_vfr_webm_without_usable_timestamps_is_refused(tmp_path: Path) -> None:
    import cv2

    video = tmp_path / "flat.webm"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"VP80"), 1000.0, (64, 48))
    for img in frames_bgr(40):
        writer.write(img)
    writer.release()
    make_vfr(video, jitter_ms=0)  # every frame 1 ms apart: 1000 frames/s, not believed
    with pytest.raises(InvalidInput, match="no usable frame rate"):
        probe(video)


def test_measuring_a_vfr_webm_reads_its_real_duration_and_bend(tmp_path: Path) -> None:
    n = 150
    t = np.arange(n) / 30.0
    trunk = 45.0 * (1 - np.cos(2 * np.pi * np.clip((t - 0.8) / 3.0, 0, 1))) / 2
    video = write_vfr_webm(frames_bgr(n), tmp_path / "bend.webm")
    fake = FakePoseEstimator(lambda i: synthetic_pose(trunk_deg=float(trunk[i])))
    result = measure_video(video, MeasureOptions("trunk-flexion", "side"), estimator=fake)
    assert result.frames == n
    assert result.fps == pytest.approx(30.0, rel=0.03)
    assert result.frames / result.fps == pytest.approx(5.0, rel=0.05)
    assert result.summary["peak_deg"] == pytest.approx(45.0, abs=1.5)
    assert len(result.reps) == 1
