"""The frame rate a video is analysed at: the container's, unless it is not believable or the
frames' presentation times disagree with it (a browser's variable-frame-rate WebM reports its
1 ms timebase, 1000 frames/s); then the rate the timestamps show."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lumbo.domain.errors import InvalidInput
from lumbo.vision.decode import FrameStream, probe
from lumbo.vision.form import form_video
from lumbo.vision.pipeline import MeasureOptions, measure_video
from lumbo.vision.pose import FakePoseEstimator
from lumbo.vision.synthetic import synthetic_pose
from lumbo.vision.timing import choose_rate, frame_times
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


def cv2_writer(path: Path, fps: float) -> Any:
    import cv2

    return cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"VP80"), fps, (64, 48))


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


# --- the frames' own presentation times -------------------------------------------------------


def stamps_at(fps: float, n: int, start: float = 0.0) -> list[float]:
    return [start + k * 1000.0 / fps for k in range(n)]


#: A recorder under load: 15 frames/s for 2 s, then 30 frames/s (whole milliseconds).
STALLED = [round(k * 1000 / 15) for k in range(30)] + [
    round(2000 + k * 1000 / 30) for k in range(120)
]


@pytest.mark.parametrize(
    ("stamps", "fps", "expected", "presented"),
    [
        pytest.param(stamps_at(30.0, 6), 30.0, stamps_at(30.0, 6), False, id="constant-rate-grid"),
        pytest.param(
            [round(s) for s in stamps_at(30.0, 6, 40.0)],
            30.0,
            stamps_at(30.0, 6),
            False,
            id="rounded-stamps-offset-start-grid",
        ),
        pytest.param([0, 67, 133, 167, 200], 25.0, [0, 67, 133, 167, 200], True, id="uneven-kept"),
        pytest.param(
            [0, 33, 66, 66, 66, 166],
            30.0,
            [0, 33, 66, 66 + 100 / 3, 66 + 200 / 3, 166],
            True,
            id="repeats-spread",
        ),
        pytest.param([0, 33, 66, 66], 30.0, [0, 33, 66, 66 + 1000 / 30], True, id="repeat-at-end"),
        pytest.param([0, 33, 20, 66], 30.0, stamps_at(30.0, 4), False, id="going-back-grid"),
        pytest.param([0, 33, math.nan, 99], 30.0, stamps_at(30.0, 4), False, id="missing-grid"),
        pytest.param([5, 5, 5], 30.0, stamps_at(30.0, 3), False, id="all-equal-grid"),
        pytest.param([0], 30.0, [0], False, id="one-frame"),
        pytest.param([], 30.0, [], False, id="none"),
    ],
)
def test_frame_times(
    stamps: list[float], fps: float, expected: list[float], presented: bool
) -> None:
    times, used = frame_times(stamps, fps)
    assert used is presented
    assert times == pytest.approx(np.asarray(expected) / 1000.0, abs=1e-9)
    assert np.all(np.diff(times) > 0)


def test_a_constant_rate_video_keeps_index_over_fps_exactly() -> None:
    # Not approximately: a constant-rate video's analysis is unchanged by the timestamps.
    times, used = frame_times([round(k * 1000 / 29.97, 1) for k in range(300)], 29.97)
    assert not used and np.array_equal(times, np.arange(300) / 29.97)


def test_a_stalled_recording_is_timed_by_its_presentation_times(tmp_path: Path) -> None:
    video = write_vfr_webm(frames_bgr(len(STALLED)), tmp_path / "stall.webm", stamps_ms=STALLED)
    stream = FrameStream(video)
    assert sum(1 for _ in stream) == len(STALLED)
    times, used = stream.times(probe(video).fps)
    assert used and times == pytest.approx(np.asarray(STALLED) / 1000.0, abs=1e-6)


def hinge_deg(t: float) -> float:
    """Still 1 s, down to 45 degrees over 1.5 s, hold 1 s, up over 1.5 s, still (real seconds)."""
    if t < 1.0 or t >= 5.0:
        return 0.0
    if t < 2.5:
        return 45.0 * (1 - math.cos(math.pi * (t - 1.0) / 1.5)) / 2
    if t < 3.5:
        return 45.0
    return 45.0 * (1 + math.cos(math.pi * (t - 3.5) / 1.5)) / 2


def test_time_based_quantities_of_a_stalled_recording_are_in_real_seconds(tmp_path: Path) -> None:
    """The same movement (a 45-degree bend held 1 s, in real seconds) filmed at an even 30 frames/s
    and by a recorder that managed 15 frames/s for its first 2 s: peak time, repetition times,
    hold, speeds and the rate agree (on the frame grid, index / rate, the stalled one's bend would
    come 0.5-1 s early and its ramp twice as fast)."""
    even_times = [k / 30.0 for k in range(180)]
    even = tmp_path / "even.webm"
    writer = cv2_writer(even, 30.0)
    for img in frames_bgr(len(even_times)):
        writer.write(img)
    writer.release()
    stalled = write_vfr_webm(frames_bgr(len(STALLED)), tmp_path / "stall.webm", stamps_ms=STALLED)
    results = {}
    for name, video, times in (
        ("even", even, even_times),
        ("stalled", stalled, [s / 1000.0 for s in STALLED]),
    ):
        fake = FakePoseEstimator(lambda i, ts=times: synthetic_pose(trunk_deg=hinge_deg(ts[i])))
        results[name] = measure_video(
            video, MeasureOptions("trunk-flexion", "side"), estimator=fake
        )
    ref, got = results["even"], results["stalled"]
    assert len(ref.reps) == len(got.reps) == 1
    r, g = ref.reps[0], got.reps[0]
    # The peak lies in the hold (a plateau: where in it is arbitrary), in real seconds.
    assert 2.5 <= r.peak_s <= 3.5 and 2.5 <= g.peak_s <= 3.5
    assert 2.5 <= got.summary["peak_at_s"] <= 3.5
    for key in ("start_s", "end_s", "hold_s"):
        assert getattr(g, key) == pytest.approx(getattr(r, key), abs=0.1), key
    assert g.peak_velocity_deg_s == pytest.approx(r.peak_velocity_deg_s, rel=0.1)
    assert got.summary["peak_deg"] == pytest.approx(45.0, abs=1.0)
    # The frame grid would have put the bend elsewhere: the test can tell the two apart.
    naive_peak = int(np.argmin(np.abs(np.asarray(STALLED) / 1000.0 - g.peak_s))) / got.fps
    assert abs(naive_peak - g.peak_s) > 0.4
    assert ref.processing["frame_times"] == "even"
    assert got.processing["frame_times"] == "presentation"
    assert got.fps == pytest.approx((len(STALLED) - 1) / 5.967, rel=1e-6)


def quick_hinge_deg(t: float) -> float:
    """Still 1 s, down to 60 degrees in 1.2 s (too fast for the hinge's tempo cue), up over
    1.5 s, still (real seconds)."""
    if t < 1.0 or t >= 3.7:
        return 0.0
    if t < 2.2:
        return 60.0 * (1 - math.cos(math.pi * (t - 1.0) / 1.2)) / 2
    return 60.0 * (1 + math.cos(math.pi * (t - 2.2) / 1.5)) / 2


def test_form_cue_times_of_a_stalled_recording_are_in_real_seconds(tmp_path: Path) -> None:
    """Form feedback on a hip hinge that goes down too fast, filmed at an even 30 frames/s and by
    the stalled recorder: the broken tempo cue is flagged at the same real time with the same
    real duration (on the frame grid it would be flagged about 0.8 s early)."""
    even = tmp_path / "even.webm"
    writer = cv2_writer(even, 30.0)
    for img in frames_bgr(180):
        writer.write(img)
    writer.release()
    stalled = write_vfr_webm(frames_bgr(len(STALLED)), tmp_path / "stall.webm", stamps_ms=STALLED)
    flags = {}
    for name, video, times in (
        ("even", even, [k / 30.0 for k in range(180)]),
        ("stalled", stalled, [s / 1000.0 for s in STALLED]),
    ):
        fake = FakePoseEstimator(
            lambda i, ts=times: synthetic_pose(trunk_deg=quick_hinge_deg(ts[i]))
        )
        result = form_video(video, "hip-hinge-training", estimator=fake)
        assert len(result["reps"]) == 1
        (flag,) = result["reps"][0]["broken"]
        assert flag["cue_id"] == "hinge-slow-down"
        flags[name] = (flag["at_s"], flag["value"], result["frame_times"])
    (at_even, value_even, kind_even), (at, value, kind) = flags["even"], flags["stalled"]
    assert at == pytest.approx(at_even, abs=0.1) and 2.0 <= at <= 2.4
    assert value == pytest.approx(value_even, abs=0.1) and value < 2.0
    naive = int(np.argmin(np.abs(np.asarray(STALLED) / 1000.0 - at))) / 30.0
    assert abs(naive - at) > 0.5
    assert (kind_even, kind) == ("even", "presentation")
