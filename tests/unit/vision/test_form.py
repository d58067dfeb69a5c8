"""Exercise form feedback on synthetic landmark tracks with known angles: repetitions, the key angle
of each, and which cues are flagged when (tables of cases); the rules file's validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lumbo.domain.errors import KnowledgeBaseError
from lumbo.domain.knowledge import library
from lumbo.vision.form import analyse_form, load_rules, metric_series
from lumbo.vision.landmarks import (
    LEFT_ANKLE,
    LEFT_EAR,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    N_LANDMARKS,
    NOSE,
    RIGHT_ANKLE,
    RIGHT_EAR,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
)
from lumbo.vision.synthetic import TORSO, synthetic_pose

FPS = 30.0
RULES = load_rules()


def ramp_profile(
    amp: float, reps: int, down_s: float, up_s: float = 1.5, hold_s: float = 0.5
) -> np.ndarray:
    """0 for 1 s, then ``reps`` x (to ``amp`` over ``down_s``, hold, back over ``up_s``, 1 s)."""

    def ramp(seconds: float) -> np.ndarray:
        return (1 - np.cos(np.linspace(0, np.pi, max(2, int(seconds * FPS))))) / 2

    parts = [np.zeros(int(FPS))]
    for _ in range(reps):
        parts += [amp * ramp(down_s), np.full(int(hold_s * FPS), amp), amp * ramp(up_s)[::-1]]
        parts.append(np.zeros(int(FPS)))
    return np.concatenate(parts)


def track(poses: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    points = np.stack(poses)
    return np.arange(len(points)) / FPS, points


def flagged(result: dict) -> list[tuple[int, str]]:  # type: ignore[type-arg]
    return [(rep["number"], b["cue_id"]) for rep in result["reps"] for b in rep["broken"]]


@pytest.mark.parametrize(
    ("knee_at_bottom", "down_s", "reps", "expected"),
    [
        (10.0, 3.0, 2, []),
        (50.0, 3.0, 1, [(1, "hinge-knees-soft")]),
        (10.0, 1.0, 2, [(1, "hinge-slow-down"), (2, "hinge-slow-down")]),
        (50.0, 1.0, 1, [(1, "hinge-knees-soft"), (1, "hinge-slow-down")]),
    ],
    ids=["good", "squatting", "too-fast", "both"],
)
def test_hip_hinge(
    knee_at_bottom: float, down_s: float, reps: int, expected: list[tuple[int, str]]
) -> None:
    trunk = ramp_profile(60.0, reps, down_s)
    knee = trunk / 60.0 * knee_at_bottom
    t, points = track(
        [
            synthetic_pose(trunk_deg=float(a), knee_deg=float(k)).points
            for a, k in zip(trunk, knee, strict=True)
        ]
    )
    result = analyse_form(t, points, RULES.get("hip-hinge-training"), FPS)
    assert len(result["reps"]) == reps
    for rep in result["reps"]:
        assert rep["key_angle"]["deg"] == pytest.approx(60.0, abs=1.0)
    assert sorted(flagged(result)) == sorted(expected)
    for rep in result["reps"]:
        for b in rep["broken"]:
            assert rep["start_s"] <= b["at_s"] <= rep["end_s"]
            assert b["message"].startswith(f"Repetition {rep['number']} at ")
    assert len(result["feedback"]) == len(expected)


def test_no_repetition_is_said_in_words() -> None:
    t, points = track([synthetic_pose(trunk_deg=3.0).points for _ in range(120)])
    result = analyse_form(t, points, RULES.get("hip-hinge-training"), FPS)
    assert result["reps"] == [] and result["summary"].startswith("No repetition")


def sitting_pose(stand: float, lean: float, travel: float) -> np.ndarray:
    """Side view between sitting (stand=0: thigh level, knees bent 90) and standing (stand=1),
    the trunk leaning ``lean`` degrees and the shins ``travel`` degrees forward (knee travel)."""
    knee = 90.0 * (1 - stand)
    return synthetic_pose(trunk_deg=lean, thigh_deg=knee - travel, knee_deg=knee).points


@pytest.mark.parametrize(
    ("lean", "travel", "top", "sit_s", "expected"),
    [
        (40.0, 15.0, 1.0, 3.0, []),
        (10.0, 15.0, 1.0, 3.0, ["sts-nose-over-toes"]),
        (40.0, 50.0, 1.0, 3.0, ["sts-knee-travel"]),
        (40.0, 15.0, 0.6, 3.0, ["sts-stand-tall"]),
        (40.0, 15.0, 1.0, 1.0, ["sts-slow-down"]),
    ],
    ids=["good", "no-lean", "knees-forward", "not-tall", "drops-down"],
)
def test_sit_to_stand(
    lean: float, travel: float, top: float, sit_s: float, expected: list[str]
) -> None:
    stand = ramp_profile(top, 2, 1.5, up_s=sit_s)
    poses = []
    for s in stand:
        # Lean forward while rising, most half-way up; the shins go forward early in the rise.
        rising = math.sin(math.pi * min(1.0, s / max(top, 1e-9)))
        early = math.sin(math.pi * min(1.0, s / 0.6))
        poses.append(sitting_pose(float(s), lean * rising, travel * early))
    t, points = track(poses)
    result = analyse_form(t, points, RULES.get("sit-to-stand-brace"), FPS)
    assert len(result["reps"]) == 2
    for rep in result["reps"]:
        assert rep["key_angle"]["deg"] == pytest.approx(travel, abs=2.0)
    assert sorted(flagged(result)) == sorted((n, cue) for n in (1, 2) for cue in expected)


def quadruped_pose(leg: float, roll: float, pelvis: float, sag: float = 0.0) -> np.ndarray:
    """Side view (facing image-right) on hands and knees: the trunk level (``sag`` degrees off), the
    right leg lifted ``leg`` degrees from hanging, the shoulder line rolled ``roll`` and the hip line
    ``pelvis`` degrees about the trunk's axis (one landmark rises above the other)."""
    up: dict[int, np.ndarray] = {}
    hip = np.array([0.0, 0.0])
    a = math.radians(90.0 - sag)
    sh = hip + TORSO * np.array([math.sin(a), math.cos(a)])
    sw, hw = 0.9 * TORSO, 0.5 * TORSO
    up[LEFT_SHOULDER] = sh + np.array([0.0, sw / 2 * math.sin(math.radians(roll))])
    up[RIGHT_SHOULDER] = sh - np.array([0.0, sw / 2 * math.sin(math.radians(roll))])
    up[LEFT_HIP] = hip + np.array([0.0, hw / 2 * math.sin(math.radians(pelvis))])
    up[RIGHT_HIP] = hip - np.array([0.0, hw / 2 * math.sin(math.radians(pelvis))])
    up[LEFT_KNEE] = up[LEFT_HIP] + np.array([0.0, -180.0])
    up[LEFT_ANKLE] = up[LEFT_KNEE] + np.array([-170.0, 0.0])
    r = math.radians(leg)
    up[RIGHT_KNEE] = up[RIGHT_HIP] + 180.0 * np.array([-math.sin(r), -math.cos(r)])
    up[RIGHT_ANKLE] = up[RIGHT_KNEE] + 170.0 * np.array([-math.sin(r), -math.cos(r)])
    up[LEFT_EAR] = up[RIGHT_EAR] = sh + np.array([60.0, 10.0])
    up[NOSE] = sh + np.array([85.0, 0.0])
    pts = np.zeros((N_LANDMARKS, 4))
    pts[:, 3] = 0.99
    for i in range(N_LANDMARKS):
        p = up.get(i, sh)
        pts[i, :2] = (640.0 + p[0], 420.0 - p[1])
    return pts


@pytest.mark.parametrize(
    ("roll", "pelvis", "sag", "expected"),
    [
        (2.0, 3.0, 0.0, []),
        (20.0, 3.0, 0.0, ["bird-dog-no-twist"]),
        (2.0, 20.0, 0.0, ["bird-dog-hips-level"]),
        (2.0, 3.0, 15.0, ["bird-dog-back-still"]),
    ],
    ids=["still", "twists", "hip-drops", "sags"],
)
def test_bird_dog(roll: float, pelvis: float, sag: float, expected: list[str]) -> None:
    leg = ramp_profile(85.0, 2, 1.5, hold_s=3.0)
    frac = leg / 85.0
    t, points = track(
        [
            quadruped_pose(float(x), roll * f, pelvis * f, sag * f)
            for x, f in zip(leg, frac, strict=True)
        ]
    )
    series, _ = metric_series(points)
    assert float(np.nanmax(series["leg_raise"])) == pytest.approx(85.0, abs=0.5)
    assert float(np.nanmax(series["trunk_roll"])) == pytest.approx(roll, abs=0.5)
    result = analyse_form(t, points, RULES.get("bird-dog"), FPS)
    assert len(result["reps"]) == 2
    for rep in result["reps"]:
        assert rep["key_angle"]["deg"] == pytest.approx(85.0, abs=1.5)
    assert sorted(flagged(result)) == sorted((n, cue) for n in (1, 2) for cue in expected)


def test_every_rule_names_a_library_exercise_and_a_source() -> None:
    lib = library()
    assert len(RULES.exercise) >= 3
    for ex in RULES.exercise:
        assert ex.technique in lib
        for cue in ex.cue:
            assert cue.source == "lumbo policy" or cue.source.startswith("lumbo policy (")


GOOD = """
[[exercise]]
technique = "bird-dog"
name = "Bird-dog"
view = "side"
rep_metric = "leg_raise"
rep_direction = 1
min_rep_deg = 30.0
key_metric = "leg_raise"
key_label = "leg lifted"
source = "lumbo policy"
[[exercise.cue]]
id = "x"
cue = "Still."
metric = "trunk_roll"
stat = "range"
max = 10.0
message = "turned {value:.0f}"
source = "lumbo policy"
"""


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("max = 10.0\n", "max = 10.0\ncolour = 'red'\n"), "colour"),
        (('metric = "trunk_roll"', 'metric = "spine_curve"'), "metric"),
        (('stat = "range"', 'stat = "median"'), "stat"),
        (("max = 10.0\n", ""), "give min, max or both"),
        (('"turned {value:.0f}"', '"turned {angle}"'), "angle"),
        (('view = "side"', 'view = "top"'), "view"),
    ],
    ids=["unknown-key", "unknown-metric", "unknown-stat", "no-bound", "bad-placeholder", "view"],
)
def test_bad_rules_are_refused(change: tuple[str, str], problem: str) -> None:
    load_rules(GOOD)
    with pytest.raises((KnowledgeBaseError, KeyError)) as err:
        load_rules(GOOD.replace(*change))
    assert problem in str(err.value)
