"""Reps, holds, tempo, velocity, SPARC smoothness and symmetry on synthetic angle series."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumbo.vision import movement as mv

FS = 30.0


def bends(
    n_reps: int, amplitude: float, hold_s: float = 0.0, rest_s: float = 1.0, move_s: float = 1.5
) -> tuple[np.ndarray, np.ndarray]:
    """Rest, then n reps of: smooth rise (half cosine), hold, smooth return, rest."""
    parts: list[np.ndarray] = [np.zeros(int(rest_s * FS))]
    rise = amplitude * (1 - np.cos(np.linspace(0, np.pi, int(move_s * FS)))) / 2
    for _ in range(n_reps):
        parts += [
            rise,
            np.full(int(hold_s * FS), amplitude),
            rise[::-1],
            np.zeros(int(rest_s * FS)),
        ]
    y = np.concatenate(parts)
    return np.arange(len(y)) / FS, y


@pytest.mark.parametrize(("n", "amp"), [(1, 60.0), (3, 45.0), (5, 20.0), (2, 100.0)])
def test_rep_count_and_peaks(n: int, amp: float) -> None:
    t, y = bends(n, amp)
    reps = mv.analyse_reps(t, y, 0.0, FS, two_sided=False)
    assert len(reps) == n
    for r in reps:
        assert r.complete
        assert r.peak_deg == pytest.approx(amp, abs=1e-6)
        assert r.start_s < r.peak_s < r.end_s


@pytest.mark.parametrize("amp", [0.0, 3.0, 7.9])
def test_small_movements_count_no_reps(amp: float) -> None:
    t, y = bends(2, amp)
    assert mv.analyse_reps(t, y, 0.0, FS, two_sided=False) == []


@pytest.mark.parametrize("hold", [0.0, 1.0, 2.5])
def test_hold_seconds(hold: float) -> None:
    t, y = bends(1, 50.0, hold_s=hold)
    (rep,) = mv.analyse_reps(t, y, 0.0, FS, two_sided=False)
    # The hold band (3 deg) adds the top of the cosine ramps: about 0.16 s each side at 50 deg/1.5 s.
    band_time = 2 * (1.5 / np.pi) * np.arccos(1 - 2 * 3.0 / 50.0)
    assert rep.hold_s == pytest.approx(hold + band_time, abs=2.5 / FS)


def test_tempo_of_a_rep() -> None:
    t, y = bends(1, 40.0, hold_s=1.0, move_s=2.0)
    (rep,) = mv.analyse_reps(t, y, 0.0, FS, two_sided=False)
    # Rep spans 20% -> peak -> 20%: ascent ~ (1 - acos(0.6)/pi) * 2 s + part of the hold.
    assert rep.descent_s + rep.ascent_s == pytest.approx(rep.end_s - rep.start_s)
    assert rep.end_s - rep.start_s == pytest.approx(
        2 * 2.0 * (1 - math.acos(0.6) / math.pi) + 1.0, abs=0.1
    )


def test_two_sided_reps_are_labelled() -> None:
    _, y = bends(2, 30.0)
    two = np.concatenate([y, -0.8 * y])
    tt = np.arange(len(two)) / FS
    reps = mv.analyse_reps(tt, two, 0.0, FS, two_sided=True)
    assert [r.side for r in reps] == ["left", "left", "right", "right"]
    assert reps[0].peak_deg == pytest.approx(30.0)
    assert reps[-1].peak_deg == pytest.approx(24.0)


@pytest.mark.parametrize("two_sided", [False, True])
def test_a_value_cut_off_mid_movement_does_not_hide_the_real_reps(two_sided: bool) -> None:
    # Two 30-degree bends, then a jump the model follows to 80 degrees before losing the person.
    t, y = bends(2, 30.0)
    jump = np.linspace(0.0, 80.0, 12)
    y = np.concatenate([y, jump, np.full(10, np.nan)])
    t = np.arange(len(y)) / FS
    ext = mv.observed_extremes(t, y)
    assert float(y[ext.high]) == pytest.approx(30.0)  # the jump's 80 is a cut-off
    observed = (float(y[ext.high]), float(y[ext.low]))
    reps = mv.analyse_reps(t, y, 0.0, FS, two_sided, observed)
    complete = [r for r in reps if r.complete]
    assert [r.peak_deg for r in complete] == [pytest.approx(30.0)] * 2
    assert [r.complete for r in reps] == [True, True, False]  # the jump: seen, but cut off
    # Sized by the largest value seen instead, the band (60% of 80) is above both real bends.
    assert [r.complete for r in mv.analyse_reps(t, y, 0.0, FS, two_sided)] == [False]


def test_incomplete_rep_is_flagged() -> None:
    t, y = bends(1, 50.0)
    cut = int(np.argmax(y)) + 3
    (rep,) = mv.analyse_reps(t[:cut], y[:cut], 0.0, FS, two_sided=False)
    assert not rep.complete


def test_rep_cut_at_the_start_is_incomplete() -> None:
    t, y = bends(1, 50.0)
    start = int(np.argmax(y)) - 5
    (rep,) = mv.analyse_reps(t[start:], y[start:], 0.0, FS, two_sided=False)
    assert not rep.complete


def test_reps_skip_missing_samples_without_inventing_values() -> None:
    t, y = bends(3, 40.0)
    y = y.copy()
    y[5:15] = np.nan  # in the rest before the first rep
    reps = mv.analyse_reps(t, y, 0.0, FS, two_sided=False)
    assert len(reps) == 3


def test_velocity_of_a_ramp() -> None:
    t = np.arange(0, 2, 1 / FS)
    v = mv.angular_velocity(t, 25.0 * t)
    np.testing.assert_allclose(v, 25.0)


def test_baseline_is_the_median_of_the_first_half_second() -> None:
    t = np.arange(0, 3, 1 / FS)
    y = np.where(t < 0.5, 4.0, 50.0)
    y[0] = np.nan
    assert mv.baseline(t, y) == pytest.approx(4.0)


def min_jerk(n: int) -> np.ndarray:
    tau = np.linspace(0, 1, n)
    return 30 * tau**2 - 60 * tau**3 + 30 * tau**4  # speed of a minimum-jerk movement


@pytest.mark.parametrize(("n", "fs"), [(100, 100.0), (200, 100.0), (60, 30.0), (300, 60.0)])
def test_sparc_is_dimensionless(n: int, fs: float) -> None:
    # Same shape at any duration and sample rate: same smoothness.
    reference = mv.sparc(min_jerk(200), 100.0)
    assert -2.0 < reference < -1.0
    assert mv.sparc(min_jerk(n), fs) == pytest.approx(reference, abs=0.05)


def test_sparc_two_submovements_are_less_smooth_than_one() -> None:
    one = min_jerk(200)
    two = np.concatenate([min_jerk(100), min_jerk(100)])
    assert mv.sparc(two, 100.0) < mv.sparc(one, 100.0) - 0.3


@settings(max_examples=60, deadline=None)
@given(
    amp=st.floats(0.2, 0.5),
    freq=st.floats(4.0, 8.0),
    scale=st.floats(0.1, 100.0),
)
def test_sparc_ranks_tremor_as_less_smooth_and_ignores_amplitude(
    amp: float, freq: float, scale: float
) -> None:
    fs = 100.0
    smooth = min_jerk(200)
    t = np.arange(200) / fs
    shaky = np.abs(smooth * (1 + amp * np.sin(2 * np.pi * freq * t)))
    assert mv.sparc(shaky, fs) < mv.sparc(smooth, fs)
    assert mv.sparc(scale * smooth, fs) == pytest.approx(mv.sparc(smooth, fs))


@pytest.mark.parametrize("speed", [[], [1.0, 2.0], [0.0] * 20, [1.0, np.nan, 2.0, 3.0, 1.0]])
def test_sparc_undefined_is_nan_not_a_number(speed: list[float]) -> None:
    assert math.isnan(mv.sparc(np.array(speed), FS))


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (20.0, 20.0, 0.0),
        (30.0, 10.0, 100.0),
        (18.0, 21.0, 3 / 19.5 * 100),
        (0.0, 0.0, None),
        (math.nan, 3.0, None),
    ],
)
def test_symmetry_index(left: float, right: float, expected: float | None) -> None:
    got = mv.symmetry_index(left, right)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def _ramp_then(kind: str) -> np.ndarray:
    """1 s still at 0, then a rise to 40 deg at 60 deg/s, then ``kind``."""
    y = np.concatenate([np.zeros(30), np.linspace(0.0, 40.0, 21)])
    if kind == "lost":  # the person is lost while the angle still rises fast
        return np.concatenate([y, np.full(30, np.nan)])
    if kind == "held_then_lost":  # held 0.5 s, then lost
        return np.concatenate([y, np.full(15, 40.0), np.full(30, np.nan)])
    if kind == "turns":  # turns smoothly and comes back
        return np.concatenate([y, y[::-1]])
    if kind == "video_ends":  # the recording stops mid-rise
        return y
    raise ValueError(kind)


@pytest.mark.parametrize(
    ("kind", "peak", "cut"),
    [
        ("lost", 0.0, 1),  # only the still start is seen to hold: 40 deg was cut off
        ("held_then_lost", 40.0, 0),
        ("turns", 40.0, 0),
        ("video_ends", 0.0, 1),
    ],
)
def test_observed_extremes_leave_out_values_cut_off_mid_movement(
    kind: str, peak: float, cut: int
) -> None:
    y = _ramp_then(kind)
    t = np.arange(len(y)) / FS
    ext = mv.observed_extremes(t, y)
    assert float(y[ext.high]) == pytest.approx(peak)
    assert float(y[ext.low]) == pytest.approx(0.0)
    assert len(ext.cut_offs) == cut
    for c in ext.cut_offs:
        assert c.at_end and c.value == pytest.approx(40.0) and c.speed_deg_s > 50.0


def test_observed_extremes_cut_off_at_a_fast_start() -> None:
    # First seen mid-way down a fast return from somewhere unseen, then still.
    y = np.concatenate([np.full(10, np.nan), np.linspace(30.0, 0.0, 16), np.zeros(30)])
    t = np.arange(len(y)) / FS
    ext = mv.observed_extremes(t, y)
    assert float(y[ext.high]) == pytest.approx(0.0)
    assert [(c.index, c.at_end) for c in ext.cut_offs] == [(10, False)]


def test_observed_extremes_of_nothing_seen() -> None:
    y = np.full(20, np.nan)
    ext = mv.observed_extremes(np.arange(20) / FS, y)
    assert (ext.high, ext.low, ext.cut_offs) == (-1, -1, ())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-90, 90), min_size=3, max_size=60))
def test_observed_extremes_lie_within_the_values_seen(values: list[float]) -> None:
    y = np.asarray(values)
    t = np.arange(len(y)) / FS
    ext = mv.observed_extremes(t, y)
    for i in (ext.high, ext.low):
        if i >= 0:
            assert float(np.min(y)) <= float(y[i]) <= float(np.max(y))
    if ext.high >= 0 and ext.low >= 0:
        assert y[ext.low] <= y[ext.high]


def _wiggly_ramp(dip: float) -> np.ndarray:
    """Still at 0, rise to 10 deg, dip by ``dip`` deg, rise again fast to 40 deg and be lost."""
    up = np.linspace(0.0, 10.0, 11)
    down = np.linspace(10.0, 10.0 - dip, 4)[1:]
    on = np.linspace(10.0 - dip, 40.0, 16)[1:]
    return np.concatenate([np.zeros(30), up, down, on, np.full(10, np.nan)])


@pytest.mark.parametrize(
    ("dip", "peak"),
    [
        (0.5, 0.0),  # a wiggle on the way up, not a turn: only the still start counts
        (1.9, 0.0),
        (2.0, 10.0),  # came back by the reversal threshold before going on: a turn
        (4.0, 10.0),
    ],
)
def test_a_turning_point_needs_a_reversal_larger_than_pose_jitter(dip: float, peak: float) -> None:
    y = _wiggly_ramp(dip)
    t = np.arange(len(y)) / FS
    ext = mv.observed_extremes(t, y)
    assert float(y[ext.high]) == pytest.approx(peak)
    assert [c.value for c in ext.cut_offs] == [pytest.approx(40.0)]


@pytest.mark.parametrize(
    ("values", "turning"),
    [
        ([0, 5, 0], [1]),
        ([0, 5, 5, 5, 0], [1, 2, 3]),  # a held plateau: every sample of it is the extreme
        ([0, 5, 4, 6, 0], [3]),  # 5 is passed after a dip of only 1
        ([0, 5, 2, 6, 0], [1, 3]),  # a dip of 3: 5 was a turn
        ([0, 5, 4, 4.5, 3, 0], [1]),  # 4.5 never exceeds 5: on the way down, dips are no matter
        ([0, 1, 2, 3], []),  # monotonic: no interior turn
    ],
)
def test_turning_points_table(values: list[float], turning: list[int]) -> None:
    mask = mv._turning_points(np.asarray(values, dtype=np.float64), 2.0)
    assert list(np.flatnonzero(mask)) == turning


def _turning_points_reference(y: list[float], reversal: float) -> list[int]:
    """Brute force: an interior local maximum that the series passes, on either side, before it
    has come down by ``reversal`` is a wiggle."""
    out = []
    for i in range(1, len(y) - 1):
        if not (y[i - 1] <= y[i] >= y[i + 1]):
            continue
        wiggle = False
        for step in (1, -1):
            j = i + step
            while 0 <= j < len(y) and y[i] - y[j] < reversal:
                if y[j] > y[i]:
                    wiggle = True
                    break
                j += step
        if not wiggle:
            out.append(i)
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-6, 6), min_size=0, max_size=80)
    | st.lists(st.floats(-50, 50, allow_nan=False), min_size=0, max_size=80),
    st.sampled_from([0.5, 1.0, 2.0, 3.0]),
)
def test_turning_points_match_the_brute_force_definition(
    values: list[float], reversal: float
) -> None:
    y = [float(v) for v in values]
    got = mv._turning_points(np.asarray(y, dtype=np.float64), reversal)
    assert list(np.flatnonzero(got)) == _turning_points_reference(y, reversal)
