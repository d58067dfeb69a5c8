"""Signal conditioning of angle time series: gate, unwrap, reject outliers, fill short gaps, filter.

Order matters and is fixed: confidence gating -> unwrapping -> outlier rejection (Hampel) ->
interpolation of *short* gaps only -> zero-lag low-pass filter, applied to each contiguous run of
valid samples. Long gaps stay missing (``NaN`` inside this module, ``null`` in every output) and are
counted; nothing is silently invented.

Low-pass cut-off
----------------
A 2nd-order Butterworth run forwards and backwards (zero phase lag, effective 4th order; the
coefficients and the forward-backward pass are those of ``scipy.signal.butter`` and
``scipy.signal.filtfilt`` with odd padding, written out here in numpy: importing ``scipy.signal``
cost 0.7 CPU-seconds, a tenth of a ``lumbo measure`` run of a short clip; a test compares the two) with a 6 Hz cut-off: Winter's recommendation for human movement kinematics
from residual analysis (D. A. Winter, *Biomechanics and Motor Control of Human Movement*, 4th ed.,
Wiley 2009, ch. 3.4). When frames are analysed at a lower rate (``--stride``) the cut-off is capped
at 0.8 x the Nyquist frequency; voluntary trunk range-of-motion movements last seconds, so their
content lies far below either value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lumbo.vision.landmarks import FloatArray

BoolArray = npt.NDArray[np.bool_]

WINTER_CUTOFF_HZ = 6.0
BUTTERWORTH_ORDER = 2
DEFAULT_MIN_CONFIDENCE = 0.5
DEFAULT_MAX_GAP_S = 0.25
HAMPEL_WINDOW_S = 0.5
HAMPEL_SIGMAS = 3.0
HAMPEL_MIN_DEG = 5.0
#: When the pose model first finds a person (or finds them again after losing them for longer than
#: the interpolated gaps), its landmarks take a few frames to lock on: on the Sports2D demo the first
#: 5 frames (0.17 s) put the hips at the knees, 10 degrees off. Samples within this time of such an
#: acquisition are left out of every angle, and ``--stride auto`` does not take them as the
#: person's neutral stance or extremes (lumbo policy; ``processing.settling``).
ACQUISITION_S = 0.2


def effective_cutoff_hz(fs_hz: float, wanted_hz: float = WINTER_CUTOFF_HZ) -> float:
    """The cut-off actually used at sample rate ``fs_hz``: ``wanted_hz`` capped at 0.8 x Nyquist."""
    if fs_hz <= 0 or not math.isfinite(fs_hz):
        raise ValueError(f"sample rate must be positive, got {fs_hz}")
    return min(wanted_hz, 0.8 * fs_hz / 2.0)


def gate(values: FloatArray, confidence: FloatArray, min_confidence: float) -> FloatArray:
    """Values whose landmark confidence is below ``min_confidence`` become missing."""
    out = np.asarray(values, dtype=np.float64).copy()
    conf = np.asarray(confidence, dtype=np.float64)
    out[~(conf >= min_confidence)] = np.nan
    return out


def circular_mean_deg(values: FloatArray) -> float:
    """Circular mean (deg) of the finite values; NaN if there are none."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    if not len(x):
        return math.nan
    r = np.radians(x)
    return float(np.degrees(np.arctan2(np.mean(np.sin(r)), np.mean(np.cos(r)))))


def unwrap_deg(values: FloatArray) -> FloatArray:
    """Express angles continuously around the series' circular mean: each value is moved by a
    multiple of 360 to lie within 180 degrees of it, so 179 and -179 (or 90 and 271 = -89) are
    never 360 apart. Unlike sample-to-sample unwrapping, a single wrong sample (a left/right label
    swap, a junk detection) cannot shift everything after it by 360; it stays an outlier for the
    Hampel filter. Excursions of more than 180 degrees from the mean posture are not physiological
    for the movements measured here."""
    out = np.asarray(values, dtype=np.float64).copy()
    ref = circular_mean_deg(out)
    if math.isnan(ref):
        return out
    ok = np.isfinite(out)
    out[ok] = ref + (np.mod(out[ok] - ref + 180.0, 360.0) - 180.0)
    return out


def hampel_outliers(
    values: FloatArray,
    half_window: int,
    n_sigmas: float = HAMPEL_SIGMAS,
    min_deviation: float = HAMPEL_MIN_DEG,
) -> BoolArray:
    """Hampel identifier: True where a sample is further than ``n_sigmas`` robust standard
    deviations (1.4826 x MAD) *and* ``min_deviation`` degrees from its windowed median."""
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    out = np.zeros(n, dtype=bool)
    if half_window < 1:
        return out
    for i in range(n):
        if not math.isfinite(x[i]):
            continue
        win = x[max(0, i - half_window) : i + half_window + 1]
        win = win[np.isfinite(win)]
        if len(win) < 3:
            continue
        med = float(np.median(win))
        mad = 1.4826 * float(np.median(np.abs(win - med)))
        dev = abs(x[i] - med)
        out[i] = dev > n_sigmas * mad and dev > min_deviation
    return out


def runs(mask: BoolArray) -> list[tuple[int, int]]:
    """Half-open index ranges [start, end) where ``mask`` is True."""
    m = np.asarray(mask, dtype=bool)
    if len(m) == 0:
        return []
    padded = np.concatenate([[False], m, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def acquisition_mask(
    t: FloatArray, seen: BoolArray, settle_s: float, max_gap_s: float = DEFAULT_MAX_GAP_S
) -> BoolArray:
    """Samples taken while the pose model is still locking on to the person: within ``settle_s``
    of the first sighting, and of each sighting after the person was unseen for longer than
    ``max_gap_s`` (shorter gaps are bridged by interpolation and are not a new acquisition)."""
    tt = np.asarray(t, dtype=np.float64)
    out = np.zeros(len(tt), dtype=np.bool_)
    last, start = -math.inf, -math.inf
    for k in np.flatnonzero(np.asarray(seen, dtype=np.bool_)):
        if tt[k] - last > max_gap_s + 1e-9:
            start = tt[k]
        out[k] = tt[k] - start < settle_s - 1e-9
        last = tt[k]
    return out


def fill_short_gaps(t: FloatArray, values: FloatArray, max_gap_s: float) -> tuple[FloatArray, int]:
    """Linearly interpolate interior gaps no longer than ``max_gap_s``; returns (values, filled)."""
    x = np.asarray(values, dtype=np.float64).copy()
    tt = np.asarray(t, dtype=np.float64)
    filled = 0
    for a, b in runs(~np.isfinite(x)):
        if a == 0 or b == len(x):
            continue  # never extrapolate at the ends
        if tt[b] - tt[a - 1] > max_gap_s + 1e-9:
            continue
        x[a:b] = np.interp(tt[a:b], [tt[a - 1], tt[b]], [x[a - 1], x[b]])
        filled += b - a
    return x, filled


def butter2(wn: float) -> tuple[FloatArray, FloatArray]:
    """(b, a) of the digital 2nd-order Butterworth low-pass with normalised cut-off ``wn`` (1 is
    the Nyquist frequency), as ``scipy.signal.butter(2, wn)``: bilinear transform, pre-warped."""
    if not 0.0 < wn < 1.0:
        raise ValueError(f"normalised cut-off must lie in (0, 1), got {wn}")
    k = math.tan(math.pi * wn / 2.0)
    norm = 1.0 / (1.0 + math.sqrt(2.0) * k + k * k)
    b = np.array([k * k, 2.0 * k * k, k * k]) * norm
    a = np.array([1.0, 2.0 * (k * k - 1.0) * norm, (1.0 - math.sqrt(2.0) * k + k * k) * norm])
    return b, a


def _lfilter2(b: FloatArray, a: FloatArray, x: FloatArray, z: FloatArray) -> FloatArray:
    """Direct form II transposed, 2nd order (``a[0] == 1``), from state ``z``."""
    b0, b1, b2 = (float(v) for v in b)
    a1, a2 = float(a[1]), float(a[2])
    z0, z1 = float(z[0]), float(z[1])
    y = np.empty(len(x))
    for n, xn in enumerate(x.tolist()):
        yn = b0 * xn + z0
        z0 = b1 * xn - a1 * yn + z1
        z1 = b2 * xn - a2 * yn
        y[n] = yn
    return y


def filtfilt2(b: FloatArray, a: FloatArray, x: FloatArray, padlen: int) -> FloatArray:
    """``scipy.signal.filtfilt(b, a, x, padlen=padlen)`` for a 2nd-order filter: odd extension by
    ``padlen`` samples at each end, forward and backward passes started in the steady state of the
    first sample (``lfilter_zi``)."""
    x = np.asarray(x, dtype=np.float64)
    if padlen > 0:
        left = 2.0 * x[0] - x[padlen:0:-1]
        right = 2.0 * x[-1] - x[-2 : -(padlen + 2) : -1]
        ext = np.concatenate([left, x, right])
    else:
        ext = x
    # lfilter_zi: solve (I - companion(a).T) zi = b[1:] - a[1:] * b[0]
    i_minus_a = np.array([[1.0 + a[1], -1.0], [a[2], 1.0]])
    zi = np.linalg.solve(i_minus_a, b[1:] - a[1:] * b[0])
    y = _lfilter2(b, a, ext, zi * ext[0])
    y = _lfilter2(b, a, y[::-1], zi * y[-1])[::-1]
    return y[padlen:-padlen] if padlen > 0 else y


def lowpass(values: FloatArray, fs_hz: float, cutoff_hz: float) -> tuple[FloatArray, int]:
    """Zero-lag Butterworth low-pass on each finite run; returns (filtered, samples left unfiltered
    because their run was too short to filter)."""
    assert BUTTERWORTH_ORDER == 2  # butter2 and filtfilt2 are written for the 2nd order
    x = np.asarray(values, dtype=np.float64)
    out = x.copy()
    b, a = butter2(cutoff_hz / (fs_hz / 2.0))
    default_pad = 3 * max(len(a), len(b))
    unfiltered = 0
    for s, e in runs(np.isfinite(x)):
        seg = x[s:e]
        if len(seg) < 4:
            unfiltered += len(seg)
            continue
        out[s:e] = filtfilt2(b, a, seg, padlen=min(default_pad, len(seg) - 1))
    return out, unfiltered


@dataclass(frozen=True, slots=True)
class CleanSeries:
    """One conditioned angle series plus what was done to it."""

    raw: FloatArray
    filtered: FloatArray
    gated: int
    outliers: int
    interpolated: int
    unfiltered: int
    cutoff_hz: float

    @property
    def valid(self) -> BoolArray:
        return np.asarray(np.isfinite(self.filtered), dtype=np.bool_)

    @property
    def noise_sd_deg(self) -> float:
        """Robust standard deviation (1.4826 x MAD) of raw minus filtered over valid samples: the
        pose jitter, not inflated by the rejected outliers. 0 if there are too few samples."""
        ok = np.isfinite(self.raw) & np.isfinite(self.filtered)
        if ok.sum() < 3:
            return 0.0
        resid = self.raw[ok] - self.filtered[ok]
        return float(1.4826 * np.median(np.abs(resid - np.median(resid))))


def clean(
    t: FloatArray,
    values: FloatArray,
    confidence: FloatArray,
    fs_hz: float,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    cutoff_hz: float = WINTER_CUTOFF_HZ,
    angular: bool = True,
) -> CleanSeries:
    """Run the full conditioning chain on one series sampled at times ``t`` (seconds);
    ``angular=False`` skips unwrapping (for lengths)."""
    x = np.asarray(values, dtype=np.float64)
    before = int(np.isfinite(x).sum())
    gated_x = gate(x, confidence, min_confidence)
    gated = before - int(np.isfinite(gated_x).sum())
    unwrapped = unwrap_deg(gated_x) if angular else gated_x
    half = max(1, round(HAMPEL_WINDOW_S * fs_hz / 2))
    bad = hampel_outliers(unwrapped, half)
    rejected = unwrapped.copy()
    rejected[bad] = np.nan
    filled, n_filled = fill_short_gaps(t, rejected, max_gap_s)
    fc = effective_cutoff_hz(fs_hz, cutoff_hz)
    filtered, unfiltered = lowpass(filled, fs_hz, fc)
    return CleanSeries(
        raw=unwrapped,
        filtered=filtered,
        gated=gated,
        outliers=int(bad.sum()),
        interpolated=n_filled,
        unfiltered=unfiltered,
        cutoff_hz=fc,
    )
