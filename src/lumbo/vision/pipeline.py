# long-module: the stages of measure_video share one streaming frame loop and its options; split,
#   the loop's state would travel between modules
"""``measure_video``: decode -> pose -> person selection -> angles -> conditioning -> quality.

Memory is constant in the video's length apart from the per-frame landmarks (33 x 4 floats, about
1 KB per analysed frame): frames are streamed and dropped as soon as the pose model has seen them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.movements import Movement
from lumbo.vision import estimates as est
from lumbo.vision import trust
from lumbo.vision.decode import Frame, FrameStream, check_path, mean_luma, open_video
from lumbo.vision.landmarks import N_LANDMARKS, FloatArray
from lumbo.vision.movement import Extremes, RepStats, analyse_reps, baseline, observed_extremes
from lumbo.vision.pose import PoseEstimator
from lumbo.vision.quality import compensations, quality_summary
from lumbo.vision.result import MeasurementResult
from lumbo.vision.series import AngleSeries, build_series, shoulder_to_torso_ratio
from lumbo.vision.signal import ACQUISITION_S, DEFAULT_MIN_CONFIDENCE, CleanSeries, acquisition_mask
from lumbo.vision.tracking import Tracker, select_subject

if TYPE_CHECKING:
    from lumbo.vision.adaptive import AdaptiveStride

VIEWS = ("side", "front")
#: Per movement: the angle series that measures it, its sign, and whether it has two sides.
MAIN_ANGLE: dict[str, tuple[str, float, bool]] = {
    Movement.trunk_flexion: ("trunk_inclination", 1.0, False),
    Movement.trunk_extension: ("trunk_inclination", -1.0, False),
    Movement.lateral_flexion: ("lateral_inclination", 1.0, True),
    Movement.rotation: ("axial_rotation", 1.0, True),
}
#: ``--stride auto`` analyses about this many frames per second.
AUTO_TARGET_HZ = 10.0
#: The one source of the default analysis settings: ``lumbo measure`` and the web's analysis job
#: both use it, so the same video gives the same answer from both (see :func:`default_options`).
DEFAULT_STRIDE: int | str = "auto"
MAX_STRIDE = 30
MAX_TILT_DEG = 45.0
MIN_ANALYSED_FRAMES = 8
DARK_LUMA = 40.0
MIN_PERSON_FRACTION = 0.6

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class MeasureOptions:
    movement: str
    view: str
    camera_tilt_deg: float | None = None
    stride: int | str = 1
    """A positive integer or ``"auto"``."""
    min_confidence: float = DEFAULT_MIN_CONFIDENCE

    def validate(self) -> None:
        problems: list[Problem] = []
        movement = Movement(self.movement) if self.movement in Movement.values() else None
        if movement is None:
            problems.append(
                Problem("movement", f"must be one of {', '.join(Movement.values())}", self.movement)
            )
        if self.view not in VIEWS:
            problems.append(Problem("view", "must be side or front", self.view))
        elif movement is not None and movement.view != self.view:
            problems.append(
                Problem("view", f"{movement} must be filmed from the {movement.view}", self.view)
            )
        tilt = self.camera_tilt_deg
        if tilt is not None and not (math.isfinite(tilt) and abs(tilt) <= MAX_TILT_DEG):
            problems.append(
                Problem(
                    "camera_tilt",
                    f"must be between -{MAX_TILT_DEG:.0f} and {MAX_TILT_DEG:.0f}",
                    tilt,
                )
            )
        if self.stride != "auto" and not (
            isinstance(self.stride, int) and 1 <= self.stride <= MAX_STRIDE
        ):
            problems.append(
                Problem("stride", f"must be auto or an integer 1-{MAX_STRIDE}", self.stride)
            )
        if problems:
            raise InvalidInput(problems, "video measurement options")

    def resolve_stride(self, fps: float) -> int:
        if self.stride == "auto":
            return max(1, min(MAX_STRIDE, round(fps / AUTO_TARGET_HZ)))
        return int(self.stride)


def default_options(
    movement: str,
    view: str | None = None,
    *,
    camera_tilt_deg: float | None = None,
    stride: int | str | None = None,
) -> MeasureOptions:
    """The analysis settings used by default everywhere (CLI, web job): the movement's required
    view, ``DEFAULT_STRIDE``; each can be overridden."""
    return MeasureOptions(
        movement=movement,
        view=view if view is not None else required_view(movement),
        camera_tilt_deg=camera_tilt_deg,
        stride=DEFAULT_STRIDE if stride is None else stride,
    )


def required_view(movement: str) -> str:
    """The view ``movement`` (``lumbo measure`` spelling) is filmed from; side when unknown."""
    return Movement(movement).view if movement in Movement.values() else "side"


@dataclass(slots=True)
class PoseTrace:
    """What the pose loop saw: per analysed frame index, time, landmarks and track id."""

    frame_index: list[int]
    t: list[float]
    points: list[FloatArray | None]
    luma: list[float]
    tracker: Tracker
    decoded: int
    pose_seconds: float
    frame_size: tuple[int, int] = (0, 0)
    frame_times: FloatArray | None = None
    """Every decoded frame's time (s) from its presentation time (``timing.frame_times``), when
    the video's frames are not on an even grid; ``None``: ``index / fps``."""

    def use_frame_times(self, times: FloatArray, presented: bool) -> None:
        """Time the analysed frames by ``times`` (every decoded frame's time, see
        :func:`lumbo.vision.timing.frame_times`) when they are the frames' own presentation times."""
        if not presented or len(times) < self.decoded:
            return
        self.frame_times = times
        self.t = [float(times[i]) for i in self.frame_index]

    def mean_rate(self, fps: float) -> float:
        """Frames per second over the whole video from the frames' presentation times (a
        variable-frame-rate video), else ``fps`` (the container's, or the rate derived from the
        first frames' times on opening)."""
        times = self.frame_times
        if times is None or self.decoded < 2 or times[self.decoded - 1] <= 0:
            return fps
        return (self.decoded - 1) / float(times[self.decoded - 1])


def run_pose(
    frames: Iterable[Frame],
    estimator: PoseEstimator,
    progress: Progress | None = None,
    total: int = 0,
    policy: AdaptiveStride | None = None,
) -> PoseTrace:
    """Run the estimator over streamed frames, keeping only landmarks (frames are dropped as soon
    as the model has seen them); ``policy`` hears every result (``--stride auto``)."""
    trace = PoseTrace([], [], [], [], Tracker(), 0, 0.0)
    for k, frame in enumerate(frames):
        t0 = time.perf_counter()
        pose = estimator.estimate(frame.rgb)
        trace.pose_seconds += time.perf_counter() - t0
        trace.frame_size = (int(frame.rgb.shape[1]), int(frame.rgb.shape[0]))
        trace.frame_index.append(frame.index)
        trace.t.append(frame.t_s)
        trace.luma.append(mean_luma(frame.rgb))
        trace.points.append(None if pose is None else pose.points)
        track = None if pose is None else trace.tracker.update(k, frame.t_s, pose)
        if policy is not None:
            policy.report(frame.index, pose, track)
        if progress is not None:
            progress(frame.index + 1, total)
    trace.decoded = trace.frame_index[-1] + 1 if trace.frame_index else 0
    return trace


def _bad(message: str, value: object) -> InvalidInput:
    return InvalidInput([Problem("video", message, value)], "video")


def _close_when_ready(done: Future[PoseEstimator]) -> None:
    """Close an estimator whose set-up finished after the measurement was abandoned."""
    if not done.cancelled() and done.exception() is None:
        done.result().close()


@dataclass(frozen=True, slots=True)
class TracedVideo:
    """A video run through the pose model: the landmarks (``trace``), the video's frame rate,
    the stride used, the ``--stride auto`` policy that chose the frames (None with a fixed
    stride) and when streaming started (``time.perf_counter``)."""

    trace: PoseTrace
    fps: float
    stride: int
    policy: AdaptiveStride | None
    started: float


def trace_video(
    path: Path,
    options: MeasureOptions,
    estimator: PoseEstimator | None = None,
    progress: Progress | None = None,
) -> TracedVideo:
    """The one interface to the threaded decoder and the pose model: open ``path``, stream its
    frames (decoded on a background thread, see :mod:`lumbo.vision.decode`) through the model and
    return what it saw. Without an ``estimator`` the model is set up on its own thread while the
    video opens (and closed at the end). With ``stride="auto"`` the frames analysed are chosen
    while streaming by :class:`lumbo.vision.adaptive.AdaptiveStride` (coarse when still, full rate
    when moving)."""
    own = estimator is None
    if estimator is None:
        # The model's set-up (mostly its first frame) overlaps with opening the video.
        from lumbo.vision.pose import warmed_up_estimator

        check_path(path)  # a missing file fails at once, before any set-up
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lumbo-pose-setup")
        pending: Future[PoseEstimator] = pool.submit(warmed_up_estimator)
        pool.shutdown(wait=False)  # the one task runs on; its thread ends with it
        try:
            opened = open_video(path)
        except BaseException:
            pending.add_done_callback(_close_when_ready)  # a bad video does not wait for it
            raise
        try:
            estimator = pending.result()
        except BaseException:  # the set-up failed, or an interrupt while waiting for it
            opened.release()
            pending.add_done_callback(_close_when_ready)
            raise
    else:
        opened = open_video(path)
    info = opened.info
    stride = options.resolve_stride(info.fps)
    policy = None
    if options.stride == "auto" and stride > 1:
        from lumbo.vision.adaptive import AdaptiveStride, image_angle_fn

        angle = image_angle_fn(options.movement, options.camera_tilt_deg or 0.0)
        policy = AdaptiveStride(stride, info.fps, angle, options.min_confidence)
    stream = FrameStream(path, stride, policy, opened)
    started = time.perf_counter()
    try:
        trace = run_pose(stream, estimator, progress, info.frame_count, policy)
    finally:
        if own:
            estimator.close()
    trace.decoded = max(trace.decoded, stream.decoded)
    trace.use_frame_times(*stream.times(info.fps))
    return TracedVideo(trace, trace.mean_rate(info.fps), stride, policy, started)


def measure_video(
    path: Path,
    options: MeasureOptions,
    estimator: PoseEstimator | None = None,
    progress: Progress | None = None,
) -> MeasurementResult:
    """Measure one movement in the video at ``path`` (see ``docs/vision.md``): the pose model over
    the video (:func:`trace_video`), then the analysis (:func:`analyse_trace`)."""
    options.validate()
    traced = trace_video(path, options, estimator, progress)
    result = analyse_trace(
        traced.trace, options, fps=traced.fps, stride=traced.stride, video=str(path)
    )
    processing = dict(result.processing)
    if traced.policy is not None:
        processing["adaptive_stride"] = traced.policy.describe(
            result.frames_analysed, result.frames
        )
    processing["wall_seconds"] = round(time.perf_counter() - traced.started, 3)
    return replace(result, processing=processing)


def analyse_trace(
    trace: PoseTrace,
    options: MeasureOptions,
    *,
    fps: float,
    stride: int,
    video: str = "<frames>",
    wall: float = 0.0,
) -> MeasurementResult:
    """Everything after the pose model, as named steps: the subject's landmarks, a uniform time
    grid, conditioned angle series, the main angle and its turning points, the summary and the
    intake estimates, the trust verdict, quality and compensations. Nothing built is changed
    afterwards: each step returns new values (and its warnings, in report order)."""
    options.validate()
    n = len(trace.frame_index)
    if trace.decoded < fps * 1.0 or n < MIN_ANALYSED_FRAMES:
        raise _bad(
            f"video too short: {trace.decoded} frame(s) at {fps:.1f} frames/s; need at least 1 s",
            video,
        )
    subject = _subject(trace, video)
    grid = _uniform_grid(subject.points, trace, fps, stride)
    tilt = options.camera_tilt_deg or 0.0
    series = build_series(grid.t, grid.points, options.view, grid.fs, tilt, options.min_confidence)
    ratio = shoulder_to_torso_ratio(grid.points)
    main = _main_angle(series, options.movement, grid.analysed, n, video)
    turns = _turning_points(grid.t, main.y, grid.fs, main.two_sided)
    at_peak = _at_peak(series, grid.t, turns.high)
    fields = est.video_fields(
        options.movement, series, grid.t, main.y, turns.base, at_peak, turns.high, turns.low
    )
    summary = _summary(main, turns, grid.t, at_peak, fields.hip_contribution, options)
    verdict = trust.judge(
        options.movement,
        options.view,
        shoulder_ratio=ratio,
        travel_torsos=trust.hip_travel_torsos(grid.points),
        size_change=trust.depth_change(grid.points),
        excursions=_observed_excursions(main.y, turns.base, turns.ext, main.two_sided),
        turned=turns.turned(main.two_sided),
        uncertainties={
            main.name: float(summary["uncertainty_deg"]),
            **{name: u for name, (_, u) in fields.fields.items()},
        },
        dark=subject.luma < DARK_LUMA,
    )
    measurements, clamped = est.intake_measurements(
        fields.fields if verdict.measured else {}, set(verdict.unreliable_fields)
    )
    warnings = [
        *subject.warnings,
        *_view_warnings(options.view, ratio),
        *main.warnings,
        *turns.warnings,
        *fields.warnings,
        *_level_warnings(options),
        *clamped,
    ]
    return MeasurementResult(
        movement=options.movement,
        view=options.view,
        video=video,
        fps=fps,
        frames=trace.decoded,
        frames_analysed=n,
        frames_with_person=subject.seen,
        stride=stride,
        camera_tilt_deg=tilt,
        frame_index=grid.index,
        points=grid.points,
        series=series,
        main=main.name,
        main_sign=main.sign,
        summary=summary,
        reps=tuple(turns.reps),
        quality=quality_summary(grid.t, main.y, grid.fs, turns.reps, turns.left_right),
        compensations=tuple(compensations(options.movement, series, turns.reps, turns.high)),
        warnings=tuple(warnings),
        measurements=measurements,
        processing=_processing(trace, options, grid.fs, main, subject, series, wall),
        frame_size=trace.frame_size,
        verdict=verdict,
    )


@dataclass(frozen=True, slots=True)
class _Subject:
    """The measured person's landmarks per analysed frame (NaN where not seen or settling)."""

    points: FloatArray
    seen: int
    settling: int
    tracks: list[int]
    luma: float
    warnings: tuple[str, ...]


def _subject(trace: PoseTrace, video: str) -> _Subject:
    """Select the subject among the tracks and gather their landmarks; drop the model's settling
    frames after each (re)acquisition. Refuses a video without a person in enough frames."""
    n = len(trace.frame_index)
    warnings: list[str] = []
    selection = select_subject(trace.tracker.tracks)
    luma = float(np.median(trace.luma))
    if selection.subject is None:
        if luma < DARK_LUMA:
            raise _bad(f"video too dark to find a person (mean brightness {luma:.0f}/255)", video)
        raise _bad("no person found in the video", video)
    warnings.extend(selection.warnings)
    if luma < DARK_LUMA:
        warnings.append(
            f"the video is dark (mean brightness {luma:.0f}/255); landmarks are less reliable"
        )
    points = np.full((n, N_LANDMARKS, 4), np.nan)
    for k in selection.positions:
        pts = trace.points[k]
        if pts is not None:
            points[k] = pts
    seen = int(np.isfinite(points[:, 0, 0]).sum())
    settling = acquisition_mask(np.asarray(trace.t), np.isfinite(points[:, 0, 0]), ACQUISITION_S)
    points[settling] = np.nan
    if seen < MIN_ANALYSED_FRAMES:
        raise _bad(
            f"the person was found in only {seen} analysed frame(s); need {MIN_ANALYSED_FRAMES}",
            video,
        )
    if seen < MIN_PERSON_FRACTION * n:
        warnings.append(f"the person was measured in only {seen} of {n} analysed frames")
    tracks = [tr.id for tr in (selection.subject, *selection.joined) if tr is not None]
    return _Subject(points, seen, int(settling.sum()), tracks, luma, tuple(warnings))


@dataclass(frozen=True, slots=True)
class _Grid:
    """Landmarks on a uniform time grid: ``analysed`` marks the frames the model saw."""

    points: FloatArray
    index: npt.NDArray[np.int64]
    t: FloatArray
    fs: float
    analysed: npt.NDArray[np.bool_]


def _uniform_grid(points: FloatArray, trace: PoseTrace, fps: float, stride: int) -> _Grid:
    """With a fixed stride the analysed frames are already uniform. With an adaptive stride they
    go onto the full-rate grid; skipped frames are NaN, filled by the short-gap interpolation, so
    every filter sees uniform sampling. Times are the frames' presentation times where the video
    has them (``trace.frame_times``: a variable-frame-rate video), else ``index / fps``: the
    filters work per frame at the mean rate ``fs``, and everything in seconds (speeds, holds,
    repetition and peak times) uses these times."""
    n = len(trace.frame_index)
    index = np.asarray(trace.frame_index, dtype=np.int64)
    t = np.asarray(trace.t, dtype=np.float64)
    if not (n > 1 and np.any(np.diff(index) != stride)):
        return _Grid(points, index, t, fps / stride, np.ones(n, dtype=np.bool_))
    pos = index - index[0]
    grid = np.full((int(pos[-1]) + 1, N_LANDMARKS, 4), np.nan)
    grid[pos] = points
    analysed = np.zeros(len(grid), dtype=np.bool_)
    analysed[pos] = True
    full = np.arange(index[0], index[-1] + 1, dtype=np.int64)
    times = full / fps if trace.frame_times is None else trace.frame_times[full]
    return _Grid(grid, full, times, fps, analysed)


def _view_warnings(view: str, ratio: float) -> list[str]:
    """Whether the person was filmed from the view the movement needs (shoulder width against
    torso length)."""
    if view == "side" and ratio > 0.45:
        return [
            f"the person does not look side-on (shoulder width {ratio:.2f} x torso length); "
            "sagittal angles are foreshortened: film from the side"
        ]
    if view == "front" and ratio < 0.4:
        return [
            f"the person does not face the camera (shoulder width {ratio:.2f} x torso length); "
            "frontal angles are unreliable: film from the front"
        ]
    return []


@dataclass(frozen=True, slots=True)
class _Main:
    """The movement's main angle: its series, sign (extension is reported positive) and values."""

    name: str
    sign: float
    two_sided: bool
    clean: CleanSeries
    y: FloatArray
    warnings: tuple[str, ...]


def _main_angle(
    series: AngleSeries, movement: str, analysed: npt.NDArray[np.bool_], n: int, video: str
) -> _Main:
    name, sign, two_sided = MAIN_ANGLE[movement]
    clean = series.series[name]
    y = sign * clean.filtered
    valid = np.isfinite(y[analysed])
    if valid.sum() < MIN_ANALYSED_FRAMES:
        raise _bad("too few frames with confident trunk landmarks to measure", video)
    missing = n - int(valid.sum())
    warnings = (
        (
            f"{missing} of {n} analysed frame(s) have no trunk angle (person not seen, low landmark "
            f"confidence or gaps longer than 0.25 s); they are reported as null, never invented",
        )
        if missing
        else ()
    )
    return _Main(name, sign, two_sided, clean, y, warnings)


@dataclass(frozen=True, slots=True)
class _Turns:
    """The neutral stance, the observed turning points and the repetitions of the main angle."""

    base: float
    ext: Extremes
    high: int
    """Index of the peak (the observed maximum, else the largest value seen)."""
    low: int
    reps: list[RepStats]
    left_right: tuple[float, float] | None
    """Two-sided movements: the excursions to each side from the neutral stance."""
    warnings: tuple[str, ...]

    def turned(self, two_sided: bool) -> bool:
        return (self.ext.high >= 0 or self.ext.low >= 0) if two_sided else self.ext.high >= 0


def _turning_points(t: FloatArray, y: FloatArray, fs: float, two_sided: bool) -> _Turns:
    warnings: list[str] = []
    base = baseline(t, y)
    ext = observed_extremes(t, y)
    high = ext.high if ext.high >= 0 else int(np.nanargmax(y))
    low = ext.low if ext.low >= 0 else int(np.nanargmin(y))
    y_high, y_low = float(y[high]), float(y[low])
    reps = analyse_reps(t, y, base, fs, two_sided, (y_high, y_low))
    if not reps:
        warnings.append(
            "no complete repetition detected (no movement of 8 deg or more from the start was "
            "seen to turn)"
        )
    for cut in ext.cut_offs:
        where = "was lost" if cut.at_end else "was first seen"
        if cut.at_end and cut.index == len(y) - 1:
            where = "was last seen (end of the video)"
        elif not cut.at_end and cut.index == 0:
            where = "was first seen (start of the video)"
        warnings.append(
            f"the angle was still changing at {cut.speed_deg_s:.0f} deg/s when the person {where} "
            f"at {t[cut.index]:.2f} s ({cut.value:.1f} deg): that movement's turning point was not "
            "seen, so this value is left out of the peak, minimum and range"
        )
    if ext.high < 0 or ext.low < 0:
        warnings.append(
            "no turning point or hold of the movement was seen (the angle was still changing "
            "wherever the person was lost); peak, minimum and range are the extreme values seen, "
            "which are only bounds"
        )
    left_right = (max(0.0, y_high - base), max(0.0, base - y_low)) if two_sided else None
    return _Turns(base, ext, high, low, reps, left_right, tuple(warnings))


def _at_peak(series: AngleSeries, t: FloatArray, peak_i: int) -> dict[str, Any]:
    """Every angle at the peak, and its change from that angle's neutral stance."""
    components: dict[str, Any] = {}
    for name, cs in series.series.items():
        if name == "torso_length" or not math.isfinite(cs.filtered[peak_i]):
            continue
        components[f"{name}_deg"] = round(float(cs.filtered[peak_i]), 1)
        components[f"{name}_change_deg"] = round(
            float(cs.filtered[peak_i]) - baseline(t, cs.filtered), 1
        )
    return components


def _summary(
    main: _Main,
    turns: _Turns,
    t: FloatArray,
    at_peak: dict[str, Any],
    hip_contribution: dict[str, Any] | None,
    options: MeasureOptions,
) -> dict[str, Any]:
    """The ``summary`` of the result, in its JSON key order."""
    y_high, y_low = float(main.y[turns.high]), float(main.y[turns.low])
    peak = y_high
    if turns.left_right is not None:
        left, right = max(0.0, y_high), max(0.0, -y_low)
        peak = max(left, right)
    summary: dict[str, Any] = {
        "angle": main.name if main.sign > 0 else "trunk_extension",
        "peak_deg": round(peak, 1),
        "min_deg": round(y_low, 1),
        "range_deg": round(y_high - y_low, 1),
        "baseline_deg": round(turns.base, 1),
        "peak_at_s": round(float(t[turns.high]), 2),
        "uncertainty_deg": round(
            est.absolute_uncertainty(main.clean.noise_sd_deg, options.camera_tilt_deg is not None),
            1,
        ),
    }
    if turns.left_right is not None:
        summary["peak_left_deg"], summary["peak_right_deg"] = round(left, 1), round(right, 1)
        summary["excursion_left_deg"], summary["excursion_right_deg"] = (
            round(v, 1) for v in turns.left_right
        )
    summary["at_peak"] = at_peak
    if hip_contribution is not None:
        summary["hip_contribution"] = hip_contribution
    return summary


def _level_warnings(options: MeasureOptions) -> list[str]:
    if options.camera_tilt_deg is not None:
        return []
    return [
        "angles are against the image vertical: if the camera was not level, give its roll "
        "with --camera-tilt (ranges of motion from the neutral stance are unaffected)"
    ]


def _processing(
    trace: PoseTrace,
    options: MeasureOptions,
    fs: float,
    main: _Main,
    subject: _Subject,
    series: AngleSeries,
    wall: float,
) -> dict[str, Any]:
    """How the result was computed (the ``processing`` block)."""
    return {
        "pose_model": "MediaPipe BlazePose full (mediapipe 0.10.14)",
        "analysed_rate_hz": round(fs, 3),
        "frame_times": "presentation" if trace.frame_times is not None else "even",
        "lowpass": {
            "type": "Butterworth order 2, forward-backward (zero lag)",
            "cutoff_hz": round(main.clean.cutoff_hz, 2),
            "reference": "Winter, Biomechanics and Motor Control of Human Movement, 4th ed. (2009)",
        },
        "min_landmark_confidence": options.min_confidence,
        "settling": subject.settling,
        "gated": main.clean.gated,
        "outliers_rejected": main.clean.outliers,
        "interpolated": main.clean.interpolated,
        "orientation": series.orientation,
        "subject_tracks": subject.tracks,
        "leg": series.leg,
        "pose_seconds": round(trace.pose_seconds, 3),
        "wall_seconds": round(wall, 3),
    }


def _observed_excursions(
    y: FloatArray, base: float, ext: Extremes, two_sided: bool
) -> tuple[float, float | None]:
    """Excursions from the neutral stance at the observed turning points (NaN where none was
    seen): the requested direction, and for two-sided movements the other side."""
    high = float(y[ext.high]) - base if ext.high >= 0 else math.nan
    if not two_sided:
        return high, None
    low = base - float(y[ext.low]) if ext.low >= 0 else math.nan
    return high, low
