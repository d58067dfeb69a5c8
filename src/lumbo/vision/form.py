"""Exercise form feedback: from a video of someone doing a library exercise, count the
repetitions, measure each one's key angle and flag, with its time and in words, each cue that was
broken. The rules are data (``form_rules.toml``, checked by :class:`FormRules`; unknown keys are
refused), each with its source or "lumbo policy".

Metrics (degrees, per frame, from the subject's landmarks in a side view; ``+`` as named):

* ``trunk_flexion``: trunk inclination (hip midpoint -> shoulder midpoint against the vertical),
  + forward, as in ``lumbo measure``;
* ``knee_flexion``: 180 - the hip-knee-ankle angle of the better-seen leg;
* ``shank_forward``: ankle -> knee against the vertical, + with the knee ahead of the ankle
  (knee travel);
* ``leg_raise``: the larger of the two thighs' angles from hanging straight down (0 = hanging,
  90 = level with the hips: the bird-dog's leg);
* ``trunk_roll`` / ``pelvis_roll``: roll of the shoulder (hip) line about the trunk's long axis,
  ``asin(vertical separation / assumed width)``, with the shoulder width taken as 0.9 and the
  hip-joint width as 0.5 torso lengths (lumbo's anthropometric assumption). From the side the two
  shoulders (hips) are one behind the other; when the trunk (pelvis) rolls, one rises above the
  other. The far-side landmarks are the model's guess, so these are coarse.

Every series is conditioned like ``lumbo measure``'s (gating, outliers, short gaps, 6 Hz zero-lag
low-pass). Repetitions are excursions of ``rep_metric`` (times ``rep_direction``) from the first
0.5 s, counted with :func:`lumbo.vision.movement.detect_reps` when they exceed ``min_rep_deg``.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.knowledge import parse_knowledge
from lumbo.vision import angles as ang
from lumbo.vision.landmarks import (
    LEFT_ANKLE,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    RIGHT_ANKLE,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
    FloatArray,
)
from lumbo.vision.movement import baseline, detect_reps
from lumbo.vision.pose import PoseEstimator
from lumbo.vision.series import better_leg
from lumbo.vision.signal import DEFAULT_MIN_CONFIDENCE, clean

Metric = Literal[
    "trunk_flexion", "knee_flexion", "shank_forward", "leg_raise", "trunk_roll", "pelvis_roll"
]
Stat = Literal["at_peak", "max", "min", "range", "to_peak_s", "from_peak_s"]
METRICS: tuple[str, ...] = Metric.__args__  # type: ignore[attr-defined]

SHOULDER_WIDTH_TORSOS = 0.9
HIP_WIDTH_TORSOS = 0.5


class CueRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    cue: str = Field(min_length=1)
    metric: Metric
    stat: Stat
    min: float | None = None
    max: float | None = None
    message: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _bounded(self) -> CueRule:
        if self.min is None and self.max is None:
            raise ValueError(f"cue {self.id}: give min, max or both")
        self.message.format(value=1.0)  # a bad placeholder fails when the rules are loaded
        return self

    def broken(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        return (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        )


class ExerciseRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    technique: str = Field(min_length=1)
    name: str = Field(min_length=1)
    view: Literal["side"]
    rep_metric: Metric
    rep_direction: Literal[1, -1]
    min_rep_deg: float = Field(gt=0)
    key_metric: Metric
    key_label: str = Field(min_length=1)
    source: str = Field(min_length=1)
    cue: list[CueRule] = Field(min_length=1)


class FormRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    exercise: list[ExerciseRule] = Field(min_length=1)

    def get(self, technique: str) -> ExerciseRule:
        for ex in self.exercise:
            if ex.technique == technique:
                return ex
        allowed = ", ".join(ex.technique for ex in self.exercise)
        raise InvalidInput(
            [Problem("exercise", f"must be one of {allowed}", technique)], "form feedback"
        )


def load_rules(text: str | None = None) -> FormRules:
    """The rules from ``form_rules.toml`` (or ``text``), validated: a fault (an unknown key
    among them) is a :class:`KnowledgeBaseError` naming the file and the key."""
    if text is None:
        text = resources.files("lumbo.vision").joinpath("form_rules.toml").read_text("utf-8")
    return parse_knowledge("form_rules.toml", tomllib.loads(text), FormRules)


def _roll(points: FloatArray, a: int, b: int, width_torsos: float) -> FloatArray:
    up = ang.to_up(points[..., :2])
    torso = ang.torso_length_px(points)
    dy = up[:, a, 1] - up[:, b, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.clip(dy / (width_torsos * torso), -1.0, 1.0)
    return np.asarray(np.degrees(np.arcsin(s)), dtype=np.float64)


def metric_series(points: FloatArray) -> tuple[dict[str, FloatArray], FloatArray]:
    """Every metric per frame (NaN where not seen) and the confidence used to gate them."""
    seen = points[np.isfinite(points[:, 0, 0])]
    facing = ang.facing_sign(seen) if len(seen) else 1.0
    leg = better_leg(points)
    hip_i, knee_i, ankle_i = (
        (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE) if leg == "left" else (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE)
    )
    up = ang.to_up(points[..., :2])
    shank = up[:, knee_i] - up[:, ankle_i]
    thighs = []
    for h, k in ((LEFT_HIP, LEFT_KNEE), (RIGHT_HIP, RIGHT_KNEE)):
        v = up[:, k] - up[:, h]
        thighs.append(np.degrees(np.arctan2(np.abs(v[:, 0]), -v[:, 1])))
    vis = points[:, [LEFT_SHOULDER, RIGHT_SHOULDER, hip_i, knee_i, ankle_i], 3]
    conf = np.min(np.where(np.isnan(vis), -np.inf, vis), axis=1)
    conf[~np.isfinite(conf)] = np.nan
    out = {
        "trunk_flexion": ang.trunk_inclination(points, facing),
        "knee_flexion": ang.knee_flexion(points, leg),
        "shank_forward": facing * ang.angle_from_vertical(shank),
        "leg_raise": np.fmax(thighs[0], thighs[1]),
        "trunk_roll": _roll(points, LEFT_SHOULDER, RIGHT_SHOULDER, SHOULDER_WIDTH_TORSOS),
        "pelvis_roll": _roll(points, LEFT_HIP, RIGHT_HIP, HIP_WIDTH_TORSOS),
    }
    return {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}, conf


@dataclass(frozen=True, slots=True)
class Flag:
    rule: CueRule
    rep: int
    at_s: float
    value: float

    def words(self) -> str:
        return (
            f"Repetition {self.rep} at {self.at_s:.1f} s: {self.rule.message.format(value=self.value)}"
            f" (cue: {self.rule.cue})"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "cue_id": self.rule.id,
            "cue": self.rule.cue,
            "at_s": round(self.at_s, 2),
            "value": round(self.value, 1),
            "limit": {"min": self.rule.min, "max": self.rule.max},
            "message": self.words(),
            "source": self.rule.source,
        }


def _stat(
    rule: CueRule, t: FloatArray, y: FloatArray, s: int, p: int, e: int
) -> tuple[float, float]:
    """(value, time) of ``rule.stat`` over the repetition [s, e] with peak ``p``."""
    if rule.stat == "to_peak_s":
        return float(t[p] - t[s]), float(t[p])
    if rule.stat == "from_peak_s":
        return float(t[e] - t[p]), float(t[e])
    if rule.stat == "at_peak":
        return float(y[p]), float(t[p])
    seg = y[s : e + 1]
    if not np.isfinite(seg).any():
        return math.nan, float(t[p])
    hi, lo = s + int(np.nanargmax(seg)), s + int(np.nanargmin(seg))
    if rule.stat == "max":
        return float(y[hi]), float(t[hi])
    if rule.stat == "min":
        return float(y[lo]), float(t[lo])
    return float(y[hi] - y[lo]), float(t[max(hi, lo)])


def analyse_form(
    t: FloatArray,
    points: FloatArray,
    exercise: ExerciseRule,
    fs_hz: float,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> dict[str, Any]:
    """Repetitions, key angle per repetition and broken cues, from the subject's landmarks
    (``points``: frames x 33 x 4, pixels; NaN where not seen) at times ``t``."""
    raw, conf = metric_series(points)
    series = {
        name: clean(t, values, conf, fs_hz, min_confidence=min_confidence).filtered
        for name, values in raw.items()
    }
    y = exercise.rep_direction * series[exercise.rep_metric]
    base = baseline(t, y)
    reps = []
    if math.isfinite(base):
        oriented = y - base
        top = float(np.nanmax(oriented)) if np.isfinite(oriented).any() else 0.0
        if top >= exercise.min_rep_deg:
            reps = detect_reps(t, oriented, 0.0)
    rows: list[dict[str, Any]] = []
    flags: list[Flag] = []
    for n, rep in enumerate(reps, start=1):
        key = series[exercise.key_metric]
        ks = key[rep.start : rep.end + 1]
        if exercise.key_metric == exercise.rep_metric:
            key_value = float(key[rep.peak])
        else:
            key_value = float(np.nanmax(ks)) if np.isfinite(ks).any() else math.nan
        broken: list[Flag] = []
        for rule in exercise.cue:
            value, at = _stat(rule, t, series[rule.metric], rep.start, rep.peak, rep.end)
            if rule.broken(value):
                broken.append(Flag(rule, n, at, value))
        flags += broken
        rows.append(
            {
                "number": n,
                "start_s": round(float(t[rep.start]), 2),
                "peak_s": round(float(t[rep.peak]), 2),
                "end_s": round(float(t[rep.end]), 2),
                "complete": rep.complete,
                "key_angle": {
                    "label": exercise.key_label,
                    "deg": None if not math.isfinite(key_value) else round(key_value, 1),
                },
                "broken": [f.to_json() for f in broken],
            }
        )
    if not reps:
        summary = (
            f"No repetition of the {exercise.name.lower()} was found in this video. Film from the "
            "side with the whole body in view, and do the exercise slowly."
        )
    elif not flags:
        summary = f"{len(reps)} repetition(s) of the {exercise.name.lower()}; no cue was broken."
    else:
        summary = (
            f"{len(reps)} repetition(s) of the {exercise.name.lower()}; "
            f"{len(flags)} time(s) a cue was broken."
        )
    return {
        "exercise": exercise.technique,
        "name": exercise.name,
        "view": exercise.view,
        "reps": rows,
        "feedback": [f.words() for f in flags],
        "summary": summary,
        "rules_source": exercise.source,
    }


def form_video(
    path: Path,
    technique: str,
    rules: FormRules | None = None,
    estimator: PoseEstimator | None = None,
) -> dict[str, Any]:
    """Form feedback on the video at ``path`` (full rate; the real pose model unless an
    ``estimator`` is given). Times (cue times, seconds to the peak) are the frames' presentation
    times where the video has them (a variable-frame-rate video), else ``index / fps``."""
    from lumbo.vision.decode import FrameStream, check_path, open_video
    from lumbo.vision.pipeline import MIN_ANALYSED_FRAMES, run_pose
    from lumbo.vision.pose import warmed_up_estimator
    from lumbo.vision.signal import ACQUISITION_S, acquisition_mask
    from lumbo.vision.tracking import select_subject

    exercise = (rules or load_rules()).get(technique)
    check_path(path)
    opened = open_video(path)
    fps = opened.info.fps
    own = estimator is None
    model = warmed_up_estimator() if estimator is None else estimator
    stream = FrameStream(path, 1, None, opened)
    try:
        trace = run_pose(stream, model)
    finally:
        if own:
            model.close()
    trace.use_frame_times(*stream.times(fps))
    fps = trace.mean_rate(fps)
    selection = select_subject(trace.tracker.tracks)
    n = len(trace.frame_index)
    points = np.full((n, 33, 4), np.nan)
    if selection.subject is not None:
        for k in selection.positions:
            pts = trace.points[k]
            if pts is not None:
                points[k] = pts
    t = np.asarray(trace.t, dtype=np.float64)
    points[acquisition_mask(t, np.isfinite(points[:, 0, 0]), ACQUISITION_S)] = np.nan
    if int(np.isfinite(points[:, 0, 0]).sum()) < MIN_ANALYSED_FRAMES:
        raise InvalidInput([Problem("video", "no person found in the video", str(path))], "video")
    result = analyse_form(t, points, exercise, fps)
    result["video"] = str(path)
    result["frames"] = n
    result["fps"] = round(fps, 3)
    result["frame_times"] = "presentation" if trace.frame_times is not None else "even"
    return result
