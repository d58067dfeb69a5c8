"""The pipeline end to end with the fake pose estimator: known angles in, known results out."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from lumbo.domain.errors import InvalidInput
from lumbo.domain.intake import Measurements
from lumbo.vision.decode import Frame, FrameStream, probe
from lumbo.vision.landmarks import Pose
from lumbo.vision.pipeline import MeasureOptions, analyse_trace, measure_video, run_pose
from lumbo.vision.pose import FakePoseEstimator
from lumbo.vision.synthetic import synthetic_pose

FPS = 30.0


def bend_profile(n_reps: int, amp: float, n: int) -> np.ndarray:
    t = np.arange(n) / FPS
    period = (n / FPS - 1.0) / n_reps
    phase = np.clip((t - 0.6) / period, 0, n_reps)
    return amp * (1 - np.cos(2 * np.pi * phase)) / 2


def frames(n: int, luma: int = 120) -> list[Frame]:
    img = np.full((48, 64, 3), luma, dtype=np.uint8)
    return [Frame(i, i / FPS, img) for i in range(n)]


def run(script: Callable[[int], Pose | None], n: int, options: MeasureOptions, luma: int = 120):  # type: ignore[no-untyped-def]
    trace = run_pose(frames(n, luma), FakePoseEstimator(script))
    return analyse_trace(trace, options, fps=FPS, stride=1)


@pytest.mark.parametrize(("reps", "amp"), [(1, 90.0), (3, 60.0), (2, 35.0)])
def test_forward_bend_peak_reps_and_lumbar_estimate(reps: int, amp: float) -> None:
    n = 240
    trunk = bend_profile(reps, amp, n)
    result = run(
        lambda i: synthetic_pose(trunk_deg=float(trunk[i])),
        n,
        MeasureOptions("trunk-flexion", "side"),
    )
    assert result.summary["peak_deg"] == pytest.approx(amp, abs=0.5)
    assert result.summary["min_deg"] == pytest.approx(0.0, abs=0.5)
    assert len(result.reps) == reps
    m = result.measurements
    assert m["fields"]["method"] == "video"
    # Thighs stay vertical, so trunk-on-thigh = trunk inclination; lumbar share 0.5.
    unc = m["uncertainty_deg"]["lumbar_flexion_deg"]
    assert unc >= 0.2 * amp
    # Above the 8-degree limit the estimate is shown as unreliable, never put in the intake.
    where = m["unreliable"] if unc > 8.0 else m["fields"]
    other = m["fields"] if unc > 8.0 else m["unreliable"]
    assert where["lumbar_flexion_deg"] == pytest.approx(0.5 * amp, abs=0.5)
    assert "lumbar_flexion_deg" not in other
    assert result.verdict is not None and result.verdict.measured
    assert result.verdict.reliable == (unc <= 8.0)
    Measurements.model_validate(m["fields"])
    assert result.compensations == ()


def test_knee_bending_is_reported_as_a_compensation() -> None:
    n = 200
    trunk = bend_profile(1, 80.0, n)
    knee = trunk / 80.0 * 35.0
    result = run(
        lambda i: synthetic_pose(trunk_deg=float(trunk[i]), knee_deg=float(knee[i])),
        n,
        MeasureOptions("trunk-flexion", "side"),
    )
    codes = {c["code"]: c for c in result.compensations}
    assert "knee_flexion" in codes
    assert codes["knee_flexion"]["value_deg"] == pytest.approx(35.0, abs=1.0)


def test_extension_is_reported_positive() -> None:
    n = 150
    trunk = -bend_profile(1, 25.0, n)
    result = run(
        lambda i: synthetic_pose(trunk_deg=float(trunk[i])),
        n,
        MeasureOptions("trunk-extension", "side"),
    )
    assert result.summary["peak_deg"] == pytest.approx(25.0, abs=0.5)
    assert result.measurements["fields"]["lumbar_extension_deg"] == pytest.approx(12.5, abs=0.5)


def test_lateral_flexion_left_right_and_symmetry() -> None:
    n = 300
    half = n // 2
    left = bend_profile(1, 30.0, half)
    right = -bend_profile(1, 20.0, half)
    lat = np.concatenate([left, right])
    result = run(
        lambda i: synthetic_pose(view="front", lateral_deg=float(lat[i])),
        n,
        MeasureOptions("lateral-flexion", "front"),
    )
    s = result.summary
    assert s["peak_left_deg"] == pytest.approx(30.0, abs=0.5)
    assert s["peak_right_deg"] == pytest.approx(20.0, abs=0.5)
    assert [r.side for r in result.reps] == ["left", "right"]
    sym = result.quality["symmetry"]
    assert sym["index_pct"] == pytest.approx(10 / 25 * 100, abs=2.0)
    f = result.measurements["fields"]
    assert f["lateral_flexion_left_deg"] == pytest.approx(15.0, abs=0.5)
    assert f["lateral_flexion_right_deg"] == pytest.approx(10.0, abs=0.5)


def test_rotation_fills_rotation_fields_with_large_uncertainty() -> None:
    n = 200
    rot = bend_profile(1, 40.0, n)
    result = run(
        lambda i: synthetic_pose(view="front", rotation_deg=float(rot[i])),
        n,
        MeasureOptions("rotation", "front"),
    )
    # +/- 15 degrees or more: never offered for the intake.
    assert set(result.measurements["fields"]) == {"method"}
    f = result.measurements["unreliable"]
    assert f["rotation_left_deg"] == pytest.approx(40.0, abs=0.5)
    assert f["rotation_right_deg"] == pytest.approx(0.0, abs=0.5)
    assert result.measurements["uncertainty_deg"]["rotation_left_deg"] >= 15.0


@pytest.mark.parametrize("tilt", [-12.0, 7.5, 20.0])
def test_camera_tilt_option_recovers_true_angles(tilt: float) -> None:
    n = 150
    trunk = bend_profile(1, 70.0, n)
    script = lambda i: synthetic_pose(trunk_deg=float(trunk[i]), camera_tilt_deg=tilt)  # noqa: E731
    level = run(script, n, MeasureOptions("trunk-flexion", "side", camera_tilt_deg=tilt))
    uncorrected = run(script, n, MeasureOptions("trunk-flexion", "side"))
    assert level.summary["peak_deg"] == pytest.approx(70.0, abs=0.5)
    assert uncorrected.summary["peak_deg"] == pytest.approx(70.0 - tilt, abs=0.5)


def test_bystander_frames_are_excluded() -> None:
    n = 240
    trunk = bend_profile(2, 60.0, n)

    def script(i: int) -> Pose:
        if 100 <= i < 130:  # the model follows someone else, elsewhere, bent over
            return synthetic_pose(trunk_deg=5.0, center=(1500.0, 400.0))
        return synthetic_pose(trunk_deg=float(trunk[i]))

    result = run(script, n, MeasureOptions("trunk-flexion", "side"))
    assert result.frames_with_person == n - 30
    assert any("excluded" in w or "ambiguous" in w for w in result.warnings)
    assert np.isnan(result.main_angle()[105:125]).all()


def test_json_and_csv_have_no_nan(tmp_path: Path) -> None:
    n = 120
    trunk = bend_profile(1, 50.0, n)
    result = run(
        lambda i: None if 40 <= i < 70 else synthetic_pose(trunk_deg=float(trunk[i])),
        n,
        MeasureOptions("trunk-flexion", "side"),
    )
    text = json.dumps(result.to_json(), allow_nan=False)
    for key in (
        "frames",
        "frames_with_person",
        "fps",
        "summary",
        "reps",
        "quality",
        "compensations",
        "warnings",
        "measurements",
    ):
        assert key in json.loads(text)
    out = tmp_path / "pf.csv"
    result.write_csv(out)
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == n
    assert {"frame", "t_s", "landmark_confidence", "trunk_inclination_deg"} <= set(rows[0])
    assert rows[50]["main_deg"] == ""
    assert all("nan" not in ",".join(r.values()).lower() for r in rows)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (MeasureOptions("squat", "side"), "movement"),
        (MeasureOptions("trunk-flexion", "top"), "view"),
        (MeasureOptions("trunk-flexion", "front"), "view"),
        (MeasureOptions("rotation", "side"), "view"),
        (MeasureOptions("trunk-flexion", "side", camera_tilt_deg=60.0), "camera_tilt"),
        (MeasureOptions("trunk-flexion", "side", camera_tilt_deg=math.nan), "camera_tilt"),
        (MeasureOptions("trunk-flexion", "side", stride=0), "stride"),
        (MeasureOptions("trunk-flexion", "side", stride="fast"), "stride"),
    ],
)
def test_bad_options_name_the_field(options: MeasureOptions, field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        options.validate()
    assert err.value.problems[0].path == field


@pytest.mark.parametrize(
    ("fps", "expected"), [(30.0, 3), (60.0, 6), (25.0, 2), (8.0, 1), (240.0, 24)]
)
def test_auto_stride_targets_about_10_frames_per_second(fps: float, expected: int) -> None:
    assert MeasureOptions("trunk-flexion", "side", stride="auto").resolve_stride(fps) == expected


# --- decoding and bad videos -------------------------------------------------------------


def write_video(path: Path, n: int, luma: int = 120, size: tuple[int, int] = (64, 48)) -> Path:
    import cv2

    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), FPS, (w, h))
    for i in range(n):
        img = np.full((h, w, 3), luma, dtype=np.uint8)
        img[:, i % w] = 255 - luma
        writer.write(img)
    writer.release()
    return path


def test_stream_decodes_every_frame_with_stride(tmp_path: Path) -> None:
    video = write_video(tmp_path / "v.mp4", 50)
    info = probe(video)
    assert (info.width, info.height, info.fps) == (64, 48, FPS)
    stream = FrameStream(video, stride=3)
    got = [f.index for f in stream]
    assert got == list(range(0, 50, 3))
    assert stream.decoded == 50


def test_measure_video_with_fake_estimator(tmp_path: Path) -> None:
    video = write_video(tmp_path / "v.mp4", 90)
    trunk = bend_profile(1, 45.0, 90)
    fake = FakePoseEstimator(lambda i: synthetic_pose(trunk_deg=float(trunk[3 * i])))
    result = measure_video(video, MeasureOptions("trunk-flexion", "side", stride=3), estimator=fake)
    assert fake.calls == 30
    assert result.frames == 90 and result.frames_analysed == 30 and result.stride == 3
    assert result.summary["peak_deg"] == pytest.approx(45.0, abs=1.5)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.mp4", "file not found"),
        (
            lambda p: (p / "junk.mp4").write_bytes(b"\x00not a video" * 100) and p / "junk.mp4",
            "cannot open",
        ),
        (lambda p: (p / "empty.mp4").write_bytes(b"") or p / "empty.mp4", "cannot open"),
        (lambda p: write_video(p / "short.mp4", 12), "too short"),
        (lambda p: write_video(p / "dark.mp4", 60, luma=5), "too dark"),
        (lambda p: write_video(p / "nobody.mp4", 60), "no person"),
    ],
)
def test_bad_videos_are_invalid_input(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    video = make(tmp_path)
    with pytest.raises(InvalidInput) as err:
        measure_video(
            video, MeasureOptions("trunk-flexion", "side"), estimator=FakePoseEstimator([])
        )
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("make", "message", "set_up"),
    [
        (lambda p: p / "missing.mp4", "file not found", False),
        (lambda p: p, "not a file", False),
        (
            lambda p: (p / "junk.mp4").write_bytes(b"\x00not a video" * 100) and p / "junk.mp4",
            "cannot open",
            True,
        ),
        (lambda p: write_video(p / "short.mp4", 12), "too short", True),
        (lambda p: write_video(p / "nobody.mp4", 60), "no person", True),
    ],
)
def test_the_default_estimator_is_set_up_only_for_a_file_and_always_closed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[Path], Path],
    message: str,
    set_up: bool,
) -> None:
    """Without an estimator, measure_video sets the model up on a worker thread while it opens
    the video: never for a path that is no file, and closed on every way out."""
    import threading
    import time

    import lumbo.vision.pose as pose

    made: list[FakePoseEstimator] = []
    ready = threading.Event()

    def slow_set_up() -> FakePoseEstimator:
        ready.wait(timeout=5.0)  # still setting up when the video turns out bad
        made.append(FakePoseEstimator([]))
        return made[-1]

    monkeypatch.setattr(pose, "warmed_up_estimator", slow_set_up)
    video = make(tmp_path)
    if message == "no person":  # the set-up finishes: the analysis itself finds nobody
        ready.set()
    with pytest.raises(InvalidInput) as err:
        measure_video(video, MeasureOptions("trunk-flexion", "side"))
    assert message in str(err.value)
    ready.set()
    deadline = time.monotonic() + (5.0 if set_up else 0.3)  # time for a wrong set-up to show
    while not made and time.monotonic() < deadline:
        time.sleep(0.01)
    while made and not made[0].closed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(made) == int(set_up)
    assert all(e.closed for e in made)


def test_a_value_cut_off_by_losing_the_person_is_not_the_peak() -> None:
    # One complete 30 deg bend, then a fast 70 deg lean during which the model loses the person.
    n = 240
    trunk = np.concatenate([bend_profile(1, 30.0, 120), np.zeros(30), np.linspace(0, 70, 30)])
    result = run(
        lambda i: synthetic_pose(trunk_deg=float(trunk[i])) if i < 180 else None,
        n,
        MeasureOptions("trunk-flexion", "side"),
    )
    assert result.summary["peak_deg"] == pytest.approx(30.0, abs=0.5)
    assert result.summary["range_deg"] == pytest.approx(30.0, abs=1.0)
    cut = [w for w in result.warnings if "turning point was not seen" in w]
    assert len(cut) == 1 and "when the person was lost at 5.97 s" in cut[0]


def test_the_first_frames_after_the_person_is_found_are_left_out() -> None:
    # The model's first 4 frames after finding the person are 12 deg off, then it locks on.
    n = 120
    trunk = bend_profile(1, 30.0, n)
    result = run(
        lambda i: (
            None
            if i < 10
            else synthetic_pose(trunk_deg=float(trunk[i]) - (12.0 if i < 14 else 0.0))
        ),
        n,
        MeasureOptions("trunk-flexion", "side"),
    )
    assert result.processing["settling"] == 6
    assert result.summary["min_deg"] == pytest.approx(0.0, abs=0.5)
    assert result.summary["peak_deg"] == pytest.approx(30.0, abs=0.5)


def test_the_analysis_changes_nothing_it_is_given_and_repeats_exactly() -> None:
    """Each step returns new values: the trace, the estimates' inputs and an earlier result stay
    as they were, and the same trace analysed again gives the same JSON."""
    import copy

    from lumbo.vision import estimates as est

    n = 240
    trunk = bend_profile(2, 60.0, n)
    trace = run_pose(frames(n), FakePoseEstimator(lambda i: synthetic_pose(trunk_deg=trunk[i])))
    options = MeasureOptions("trunk-flexion", "side")
    before = copy.deepcopy((trace.frame_index, trace.t, trace.luma, trace.points))
    first = analyse_trace(trace, options, fps=FPS, stride=1)
    shown = json.dumps(first.to_json())
    second = analyse_trace(trace, options, fps=FPS, stride=1)
    assert json.dumps(second.to_json()) == shown == json.dumps(first.to_json())
    after = (trace.frame_index, trace.t, trace.luma, trace.points)
    assert after[:3] == before[:3]
    assert all(
        (a is None and b is None) or np.array_equal(a, b, equal_nan=True)
        for a, b in zip(after[3], before[3], strict=True)
    )
    at_peak = dict(first.summary["at_peak"])
    y = first.main_angle()
    fields = est.video_fields(
        "trunk-flexion", first.series, first.t, y, 0.0, at_peak, int(np.nanargmax(y))
    )
    assert at_peak == first.summary["at_peak"]
    assert fields.hip_contribution is not None and "hip_contribution" in first.summary
    values = dict(fields.fields)
    block, clamped = est.intake_measurements(values)
    assert values == fields.fields and clamped == ()
    assert block["fields"]["lumbar_flexion_deg"] == round(fields.fields["lumbar_flexion_deg"][0], 1)
