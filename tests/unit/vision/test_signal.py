"""Signal conditioning: gating, unwrapping, outliers, short-gap interpolation, zero-lag filter."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumbo.vision import signal as sg


@pytest.mark.parametrize(
    ("fs", "expected"),
    [(30.0, 6.0), (60.0, 6.0), (15.0, 6.0), (10.0, 4.0), (5.0, 2.0)],
)
def test_effective_cutoff_is_winter_6hz_capped_below_nyquist(fs: float, expected: float) -> None:
    assert sg.effective_cutoff_hz(fs) == pytest.approx(expected)


@pytest.mark.parametrize("fs", [0.0, -1.0, math.inf])
def test_effective_cutoff_rejects_bad_rates(fs: float) -> None:
    with pytest.raises(ValueError, match="sample rate"):
        sg.effective_cutoff_hz(fs)


def test_gate_removes_low_confidence_only() -> None:
    out = sg.gate(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.9, 0.2, 0.5, np.nan]), 0.5)
    np.testing.assert_array_equal(np.isnan(out), [False, True, False, True])
    assert out[0] == 1.0 and out[2] == 3.0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([179.0, -179.0, -177.0], [179.0, 181.0, 183.0]),
        ([90.0, 271.0, 92.0], [90.0, -89.0, 92.0]),
        ([-170.0, 175.0, -175.0], [-170.0, -185.0, -175.0]),
        ([10.0, 370.0, 20.0], [10.0, 10.0, 20.0]),
    ],
)
def test_unwrap_has_no_360_jumps(values: list[float], expected: list[float]) -> None:
    out = sg.unwrap_deg(np.array(values))
    # Same shape as the expected continuous series (steps), and the same angles modulo 360.
    np.testing.assert_allclose(np.diff(out), np.diff(expected), atol=1e-9)
    np.testing.assert_allclose(np.mod(out - np.array(expected) + 1e-9, 360.0), 1e-9, atol=1e-6)


def test_unwrap_keeps_a_single_wrong_sample_local() -> None:
    # A left/right label swap gives one sample 180 degrees off; everything after stays put.
    x = np.array([2.0, 1.0, 180.0 + 1.0, 0.5, 1.5, 2.0])
    out = sg.unwrap_deg(x)
    np.testing.assert_allclose(out[[0, 1, 3, 4, 5]], x[[0, 1, 3, 4, 5]])


@settings(max_examples=200, deadline=None)
@given(
    base=st.floats(-179, 179),
    steps=st.lists(st.floats(-20, 20), min_size=2, max_size=40),
)
def test_unwrap_property_consecutive_differences_stay_small(
    base: float, steps: list[float]
) -> None:
    true = base + np.cumsum([0.0, *steps])
    true = (
        true - (np.max(true) + np.min(true)) / 2 + base
    )  # keep the span well under 180 of the mean
    if np.ptp(true) > 150:
        return
    wrapped = np.mod(true + 180.0, 360.0) - 180.0
    out = sg.unwrap_deg(wrapped)
    np.testing.assert_allclose(np.diff(out), np.diff(true), atol=1e-6)


def test_hampel_flags_spikes_not_smooth_motion() -> None:
    t = np.arange(60) / 30.0
    x = 30.0 * np.sin(2 * np.pi * 0.5 * t)
    x[20] += 40.0
    x[41] -= 25.0
    bad = sg.hampel_outliers(x, half_window=7)
    assert set(np.flatnonzero(bad)) == {20, 41}


@pytest.mark.parametrize(
    ("gap", "filled"),
    [(2, True), (6, True), (7, False), (20, False)],
)
def test_only_short_gaps_are_interpolated(gap: int, filled: bool) -> None:
    t = np.arange(60) / 30.0  # 30 Hz, 0.25 s between valid samples: <= 6 missing
    x = 2.0 * t
    y = x.copy()
    y[20 : 20 + gap] = np.nan
    out, n = sg.fill_short_gaps(t, y, 0.25)
    if filled:
        assert n == gap
        np.testing.assert_allclose(out, x, atol=1e-9)
    else:
        assert n == 0
        assert np.isnan(out[20 : 20 + gap]).all()


def test_gaps_at_the_ends_are_never_extrapolated() -> None:
    t = np.arange(10) / 30.0
    y = np.array([np.nan, 1, 2, 3, 4, 5, 6, 7, 8, np.nan])
    out, n = sg.fill_short_gaps(t, y, 1.0)
    assert n == 0
    assert np.isnan(out[0]) and np.isnan(out[-1])


def test_lowpass_is_zero_lag_and_keeps_slow_motion() -> None:
    fs = 30.0
    t = np.arange(0, 6, 1 / fs)
    slow = 60.0 * np.sin(2 * np.pi * 0.4 * t)
    noisy = slow + 4.0 * np.sin(2 * np.pi * 12.0 * t)
    out, unfiltered = sg.lowpass(noisy, fs, 6.0)
    assert unfiltered == 0
    inner = slice(30, -30)
    assert np.max(np.abs(out[inner] - slow[inner])) < 1.0
    # No phase lag: the peak is found at the same sample.
    assert int(np.argmax(out)) == int(np.argmax(slow))


def test_lowpass_filters_each_run_and_keeps_gaps() -> None:
    x = np.concatenate(
        [np.linspace(0, 10, 30), [np.nan] * 12, np.linspace(10, 0, 30), [np.nan], [5.0, 6.0]]
    )
    out, unfiltered = sg.lowpass(x, 30.0, 6.0)
    assert np.array_equal(np.isnan(out), np.isnan(x))
    assert unfiltered == 2


def test_clean_reports_what_it_did_and_never_invents_long_gaps() -> None:
    fs = 30.0
    t = np.arange(0, 4, 1 / fs)
    x = 40.0 * np.sin(2 * np.pi * 0.5 * t)
    conf = np.ones_like(t)
    conf[10:13] = 0.1  # short gap: filled
    conf[60:90] = 0.1  # 1 s gap: kept missing
    x[40] += 50.0  # a spike
    cs = sg.clean(t, x, conf, fs)
    assert cs.gated == 33
    assert cs.outliers == 1
    assert cs.interpolated == 3 + 1
    assert np.isnan(cs.filtered[60:90]).all()
    assert np.isfinite(cs.filtered[:60]).all()
    assert cs.cutoff_hz == 6.0
    assert cs.noise_sd_deg < 1.0


@pytest.mark.parametrize(
    ("mask", "expected"),
    [
        ([], []),
        ([True, True, False, True], [(0, 2), (3, 4)]),
        ([False, False], []),
        ([False, True, True, True], [(1, 4)]),
    ],
)
def test_runs(mask: list[bool], expected: list[tuple[int, int]]) -> None:
    assert sg.runs(np.array(mask, dtype=bool)) == expected


@pytest.mark.parametrize(
    ("seen", "expected"),
    [
        # 30 frames/s, settle 0.2 s: the first 6 frames of a sighting are settling.
        ("1" * 10, "1" * 6 + "0" * 4),
        ("0" * 3 + "1" * 8, "0" * 3 + "1" * 6 + "0" * 2),
        # A gap of 0.2 s (<= 0.25 s) is bridged: no new acquisition after it.
        ("1" * 8 + "0" * 6 + "1" * 5, "1" * 6 + "0" * 2 + "0" * 6 + "0" * 5),
        # A gap of 0.3 s is a new acquisition.
        ("1" * 8 + "0" * 9 + "1" * 8, "1" * 6 + "0" * 2 + "0" * 9 + "1" * 6 + "0" * 2),
        ("0" * 5, "0" * 5),
    ],
)
def test_acquisition_mask(seen: str, expected: str) -> None:
    mask = np.array([c == "1" for c in seen])
    t = np.arange(len(mask)) / 30.0
    got = sg.acquisition_mask(t, mask, 0.2, 0.25)
    assert "".join("1" if v else "0" for v in got) == expected


@pytest.mark.parametrize("wn", [0.05, 0.2, 0.4, 0.8, 0.95])
@pytest.mark.parametrize("n", [4, 5, 10, 11, 50, 600])
def test_the_numpy_butterworth_filter_is_scipys(wn: float, n: int) -> None:
    """butter2 and filtfilt2 (numpy, no SciPy import at run time) give what scipy.signal's butter
    and filtfilt give, to rounding."""
    from scipy.signal import butter, filtfilt

    from lumbo.vision.signal import butter2, filtfilt2

    b, a = butter(2, wn)
    b2, a2 = butter2(wn)
    assert np.allclose(b, b2, rtol=0, atol=1e-12) and np.allclose(a, a2, rtol=0, atol=1e-12)
    x = np.cumsum(np.random.default_rng(n).normal(size=n)) * 3.0
    pad = min(9, n - 1)
    assert np.allclose(filtfilt(b, a, x, padlen=pad), filtfilt2(b2, a2, x, pad), rtol=0, atol=1e-9)


def test_butter2_refuses_a_cut_off_outside_the_band() -> None:
    from lumbo.vision.signal import butter2

    with pytest.raises(ValueError, match="cut-off"):
        butter2(1.0)
