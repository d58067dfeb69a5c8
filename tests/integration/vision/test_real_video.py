"""The real BlazePose model on a real video: person selection and metamorphic properties.

Clip A: frames 0-99, a man seen from the front on a box (arms up, a jump); lateral-flexion angles.
Clip B: frames 100-174, people walking side-on; trunk-flexion (sagittal) angles.
Mirroring must give the same magnitudes with left and right swapped; rotating the frames by a
known angle and passing the matching ``--camera-tilt`` must reproduce the original angles.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lumbo.vision.pipeline import MeasureOptions, analyse_trace, measure_video
from tests.integration.vision.conftest import Traces, mirror, rotate_about

pytestmark = pytest.mark.vision

FPS = 30.0
CLIP_A = (0, 100)
CLIP_B = (100, 175)
FRONT = MeasureOptions("lateral-flexion", "front")
SIDE = MeasureOptions("trunk-flexion", "side")


def _hip_center(trace) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    hips = [p[[23, 24], :2].mean(axis=0) for p in trace.points if p is not None]
    c = np.median(np.array(hips), axis=0)
    return float(c[0]), float(c[1])


def test_person_selection_on_a_video_with_three_people(demo_video: Path) -> None:
    result = measure_video(demo_video, MeasureOptions("lateral-flexion", "front", stride=2))
    assert result.frames == 230
    assert result.frames_analysed == 115
    # The man on the box (first ~5.5 s) is measured; the two people who follow are excluded.
    assert 0 < result.frames_with_person < result.frames_analysed
    seen_t = result.t[np.isfinite(result.points[:, 0, 0])]
    assert seen_t.max() < 6.0
    assert any("ambiguous" in w for w in result.warnings)
    json.dumps(result.to_json(), allow_nan=False)


def test_mirrored_video_swaps_left_and_right(traces: Traces) -> None:
    orig = analyse_trace(traces.trace("a", *CLIP_A), FRONT, fps=FPS, stride=1)
    flip = analyse_trace(traces.trace("a_mirror", *CLIP_A, mirror), FRONT, fps=FPS, stride=1)
    a, b = orig.main_angle(), flip.main_angle()
    both = np.isfinite(a) & np.isfinite(b)
    assert both.sum() > 80
    # Same magnitudes, opposite sides, frame by frame (the model itself is not exactly symmetric).
    assert float(np.median(np.abs(a[both] + b[both]))) <= 1.5
    s, m = orig.summary, flip.summary
    assert abs(s["peak_left_deg"] - m["peak_right_deg"]) <= 2.5
    assert abs(s["peak_right_deg"] - m["peak_left_deg"]) <= 2.5
    lat_a, lat_b = orig.series.filtered("lateral_flexion"), flip.series.filtered("lateral_flexion")
    ok = np.isfinite(lat_a) & np.isfinite(lat_b)
    assert float(np.median(np.abs(lat_a[ok] + lat_b[ok]))) <= 2.0


def test_mirrored_side_view_keeps_flexion(traces: Traces) -> None:
    orig = analyse_trace(traces.trace("b", *CLIP_B), SIDE, fps=FPS, stride=1)
    flip = analyse_trace(traces.trace("b_mirror", *CLIP_B, mirror), SIDE, fps=FPS, stride=1)
    assert orig.series.orientation == -flip.series.orientation  # facing flips
    a, b = orig.main_angle(), flip.main_angle()
    both = np.isfinite(a) & np.isfinite(b)
    assert both.sum() > 60
    assert float(np.median(np.abs(a[both] - b[both]))) <= 1.5
    assert abs(orig.summary["peak_deg"] - flip.summary["peak_deg"]) <= 2.0


@pytest.mark.parametrize(
    ("clip", "options", "tilt"), [("b", SIDE, 10.0), ("b", SIDE, -8.0), ("a", FRONT, 10.0)]
)
def test_rotated_frames_with_matching_camera_tilt_reproduce_angles(
    traces: Traces, clip: str, options: MeasureOptions, tilt: float
) -> None:
    span = CLIP_A if clip == "a" else CLIP_B
    base_trace = traces.trace(clip, *span)
    orig = analyse_trace(base_trace, options, fps=FPS, stride=1)
    rotated_trace = traces.trace(
        f"{clip}_rot{tilt:+.0f}", *span, rotate_about(_hip_center(base_trace), tilt)
    )
    level = MeasureOptions(options.movement, options.view, camera_tilt_deg=tilt)
    corrected = analyse_trace(rotated_trace, level, fps=FPS, stride=1)
    uncorrected = analyse_trace(rotated_trace, options, fps=FPS, stride=1)
    a, c, u = orig.main_angle(), corrected.main_angle(), uncorrected.main_angle()
    ok = np.isfinite(a) & np.isfinite(c)
    assert ok.sum() > 0.8 * len(a)
    diff = np.abs(c[ok] - a[ok])
    assert float(np.median(diff)) <= 1.0
    assert float(np.percentile(diff, 90)) <= 2.0
    if clip == "b":
        assert abs(corrected.summary["peak_deg"] - orig.summary["peak_deg"]) <= 2.0
        assert abs(corrected.summary["min_deg"] - orig.summary["min_deg"]) <= 2.0
    # Without the correction the whole series is off by about the roll: the test can fail.
    assert float(np.median(np.abs(u[ok] - a[ok]))) == pytest.approx(abs(tilt), abs=2.0)


def test_auto_stride_peak_close_to_full_rate(traces: Traces) -> None:
    path = traces.clip("a", *CLIP_A)
    full = analyse_trace(traces.trace("a", *CLIP_A), FRONT, fps=FPS, stride=1)
    auto = measure_video(path, MeasureOptions("lateral-flexion", "front", stride="auto"))
    assert auto.stride == 3
    # The coarse grid (34 frames) plus the full-rate blocks where the angle moved fast or neared
    # an extreme (see lumbo.vision.adaptive); the man mostly stands still in this clip.
    assert 34 <= auto.frames_analysed < 70
    # The clip's "peak" (under 3 deg: a man standing) is posture noise; with turning points that
    # need a 2-degree reversal it is the same at both rates within the goal of make bench (1 deg),
    # which bench_vision checks on the whole video and on known bends.
    for key in ("peak_deg", "peak_left_deg", "peak_right_deg"):
        assert abs(auto.summary[key] - full.summary[key]) <= 1.0, key


def test_warm_up_leaves_no_trace_in_the_landmarks(traces: Traces) -> None:
    """measure_video warms the model up on a black frame while it opens the video; every later
    frame's landmarks must be identical to those of a model that never saw that frame."""
    from lumbo.vision.decode import FrameStream
    from lumbo.vision.pipeline import run_pose
    from lumbo.vision.pose import MediaPipePoseEstimator, warmed_up_estimator

    path = traces.clip("a", *CLIP_A)
    cold = traces.trace("a", *CLIP_A)
    warm_estimator = warmed_up_estimator()
    try:
        warm = run_pose(FrameStream(path, 1), warm_estimator)
    finally:
        warm_estimator.close()
    assert warm.frame_index == cold.frame_index
    assert sum(p is not None for p in cold.points) > 50
    for a, b in zip(cold.points, warm.points, strict=True):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            np.testing.assert_array_equal(a, b)
    # And through the whole pipeline: the default (warmed-up, set up in parallel) estimator gives
    # the result of a fresh one passed in.
    fresh = MediaPipePoseEstimator()
    try:
        given = measure_video(path, FRONT, estimator=fresh)
    finally:
        fresh.close()
    default = measure_video(path, FRONT)
    assert default.summary == given.summary
