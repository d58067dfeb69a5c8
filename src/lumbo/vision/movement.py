"""Movement quality from a conditioned angle series: reps, holds, tempo, velocity, smoothness,
symmetry. Pure functions over numpy arrays (``NaN`` = missing sample).

Smoothness is the **spectral arc length (SPARC)** of each rep's angular-speed profile:
S. Balasubramanian, A. Melendez-Calderon, A. Roby-Brami, E. Burdet, "On the analysis of movement
smoothness", J NeuroEng Rehabil 12:112 (2015), following Balasubramanian et al., IEEE TBME 59(8)
(2012). Values are negative; closer to 0 is smoother (a single minimum-jerk movement is about -1.6;
tremulous or stop-start movements are lower). Parameters as recommended there: cut-off 10 Hz
(capped at Nyquist), amplitude threshold 0.05, zero-padding 4.

Symmetry between sides uses the symmetry index of Robinson et al. (J Manipulative Physiol Ther
1987): ``|L - R| / ((L + R) / 2) x 100`` (0 = perfectly symmetric).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lumbo.vision.landmarks import FloatArray
from lumbo.vision.signal import BoolArray, runs

#: A movement smaller than this (degrees from baseline) counts no reps.
MIN_REP_AMPLITUDE_DEG = 8.0
#: Rep detection hysteresis, as fractions of the series' amplitude above baseline.
REP_ENTER = 0.6
REP_EXIT = 0.2
#: Hold = time spent within this many degrees (or 5% of the rep's excursion) of the rep's peak.
HOLD_BAND_DEG = 3.0
BASELINE_WINDOW_S = 0.5


@dataclass(frozen=True, slots=True)
class Rep:
    start: int
    peak: int
    end: int
    side: str | None
    complete: bool


def baseline(t: FloatArray, y: FloatArray, window_s: float = BASELINE_WINDOW_S) -> float:
    """Neutral posture: median of the first ``window_s`` of valid samples (NaN if none)."""
    ok = np.isfinite(y)
    if not ok.any():
        return math.nan
    t0 = float(t[ok][0])
    sel = ok & (t <= t0 + window_s)
    return float(np.median(y[sel]))


#: An extreme at the edge of a stretch of valid samples (where the person was lost or reappears, or
#: the video starts or ends) counts only if the angle was changing slower than this there (lumbo
#: policy): otherwise the movement was cut off before its turning point, so the value seen is only
#: a bound on an extreme nobody saw, and depends on the exact frame at which tracking stopped.
EDGE_STILL_DEG_S = 15.0
#: The edge speed is the mean speed over this last (first) stretch of the run.
EDGE_SPEED_WINDOW_S = 0.1
#: A local maximum (minimum) is a turning point only if the angle does not go on past it without
#: first moving back from it by at least this much (lumbo policy). A smaller dip on the way up is a
#: wiggle of the pose model, not a turn of the movement: BlazePose places the landmarks of one and
#: the same frame up to about 1.5 degrees differently depending on the frames it saw before, and its
#: frame-to-frame jitter on a still person is about 1 degree.
TURN_MIN_REVERSAL_DEG = 2.0


def _next_greater(seg: FloatArray) -> npt.NDArray[np.int64]:
    """For each sample, the index of the nearest later sample with a strictly greater value (or
    ``len(seg)`` if there is none); a monotonic stack, O(n)."""
    values: list[float] = seg.tolist()
    out = [len(values)] * len(values)
    stack: list[int] = []
    for j, v in enumerate(values):
        while stack and values[stack[-1]] < v:
            out[stack.pop()] = j
        stack.append(j)
    return np.asarray(out, dtype=np.int64)


def _range_min(seg: FloatArray, lo: npt.NDArray[np.int64], hi: npt.NDArray[np.int64]) -> FloatArray:
    """``min(seg[lo[k]:hi[k]])`` for each k (every range non-empty), with a sparse table."""
    tables = [seg]
    while 2 ** len(tables) <= len(seg):
        prev, half = tables[-1], 2 ** (len(tables) - 1)
        tables.append(np.minimum(prev[:-half], prev[half:]))
    level = np.floor(np.log2(hi - lo)).astype(np.int64)
    out = np.empty(len(lo), dtype=np.float64)
    for k in np.unique(level):
        sel = level == k
        a, b = lo[sel], hi[sel] - 2**k
        out[sel] = np.minimum(tables[k][a], tables[k][b])
    return out


def _passed_without_reversal(
    seg: FloatArray, idx: npt.NDArray[np.int64], reversal: float
) -> BoolArray:
    """For the samples ``idx`` of ``seg``: whether a later sample exceeds the value before the series
    has come down by ``reversal`` from it (so it was a wiggle on the way up, not a turn)."""
    nxt = _next_greater(seg)[idx]
    found = nxt < len(seg)
    out = np.zeros(len(idx), dtype=np.bool_)
    if not found.any():
        return out
    i, j = idx[found], nxt[found]
    between = np.full(len(i), np.inf)
    gap = j > i + 1
    between[gap] = _range_min(seg, i[gap] + 1, j[gap])
    out[found] = seg[i] - between < reversal
    return out


def _turning_points(seg: FloatArray, reversal: float) -> BoolArray:
    """Mask of the interior local maxima of ``seg`` (no NaN) that are turning points: the angle
    does not go on past them, on either side, without first coming down by ``reversal``."""
    out = np.zeros(len(seg), dtype=np.bool_)
    if len(seg) < 3:
        return out
    d = np.diff(seg)
    cand = np.flatnonzero((d[:-1] >= 0) & (d[1:] <= 0)).astype(np.int64) + 1
    if len(cand) == 0:
        return out
    rev = seg[::-1].copy()
    wiggle = _passed_without_reversal(seg, cand, reversal) | _passed_without_reversal(
        rev, len(seg) - 1 - cand, reversal
    )
    out[cand[~wiggle]] = True
    return out


@dataclass(frozen=True, slots=True)
class CutOff:
    """A stretch of valid samples whose edge value was left out of the extremes."""

    index: int
    value: float
    speed_deg_s: float
    at_end: bool
    """True: the stretch ends here (person lost or video ended); False: it starts here."""


@dataclass(frozen=True, slots=True)
class Extremes:
    """The observed maximum and minimum of an angle series (indices; -1 if none was observed)."""

    high: int
    low: int
    cut_offs: tuple[CutOff, ...]


def observed_extremes(
    t: FloatArray,
    y: FloatArray,
    still_deg_s: float = EDGE_STILL_DEG_S,
    reversal_deg: float = TURN_MIN_REVERSAL_DEG,
) -> Extremes:
    """The largest and smallest values of ``y`` at which the movement was seen to turn (an interior
    local extreme of a stretch of valid samples that the angle does not go on past without first
    moving back by ``reversal_deg``), or at an edge of a stretch where the angle was changing
    slower than ``still_deg_s`` (a hold, or the still start and end of a recording).

    An edge where the angle was still changing fast is a *cut-off*: the person was lost (or the
    video ended) mid-movement, so that value is not the extreme of anything and is left out."""
    ok = np.isfinite(y)
    hi_mask = np.zeros(len(y), dtype=np.bool_)
    lo_mask = np.zeros(len(y), dtype=np.bool_)
    cut: list[CutOff] = []
    for s, e in runs(ok):
        if e - s == 1:
            continue
        hi_mask[s:e] = _turning_points(y[s:e], reversal_deg)
        lo_mask[s:e] = _turning_points(-y[s:e], reversal_deg)
        for at_end in (False, True):
            i = e - 1 if at_end else s
            span = t[s:e]
            if at_end:
                near = span >= span[-1] - EDGE_SPEED_WINDOW_S - 1e-9
            else:
                near = span <= span[0] + EDGE_SPEED_WINDOW_S + 1e-9
            k = max(1, int(np.count_nonzero(near)) - 1)
            j = i - k if at_end else i + k
            dt = abs(float(t[i] - t[j]))
            speed = abs(float(y[i] - y[j])) / dt if dt > 0 else math.inf
            if speed <= still_deg_s:  # a hold: a value the person was seen to reach
                hi_mask[i] = lo_mask[i] = True
            else:
                cut.append(CutOff(i, float(y[i]), speed, at_end))
    high = int(np.flatnonzero(hi_mask)[np.argmax(y[hi_mask])]) if hi_mask.any() else -1
    low = int(np.flatnonzero(lo_mask)[np.argmin(y[lo_mask])]) if lo_mask.any() else -1
    return Extremes(high, low, tuple(cut))


def detect_reps(
    t: FloatArray,
    y: FloatArray,
    base: float,
    side: str | None = None,
    top: float | None = None,
) -> list[Rep]:
    """Excursions of ``y`` above ``base`` with hysteresis: a rep enters at 60% of the amplitude and
    spans from the last sample at or below 20% before to the first one at or below 20% after.

    The amplitude is ``top - base``: pass the largest value the movement was seen to turn at
    (:func:`observed_extremes`), so that a value cut off mid-movement (the person lost in a jump)
    cannot raise the band above every real rep; without ``top``, the largest value of ``y``."""
    if top is None:
        top = float(np.nanmax(y)) if np.isfinite(y).any() else base
    amp = top - base
    if not math.isfinite(amp) or amp < MIN_REP_AMPLITUDE_DEG:
        return []
    hi, lo = base + REP_ENTER * amp, base + REP_EXIT * amp
    reps: list[Rep] = []
    n = len(y)
    i = 0
    while i < n:
        if not (y[i] >= hi):
            i += 1
            continue
        s = i
        while s > 0 and np.isfinite(y[s - 1]) and y[s - 1] > lo:
            s -= 1
        s = max(0, s - 1) if s > 0 and np.isfinite(y[s - 1]) else s
        e = i
        while e < n - 1 and not (y[e] <= lo) and np.isfinite(y[e + 1]):
            e += 1
        # Complete only if both the onset and the return were seen (not cut by the recording's
        # edges or by missing samples).
        complete = bool(y[e] <= lo) and bool(y[s] <= lo)
        seg = y[s : e + 1]
        peak = s + int(np.nanargmax(seg))
        if reps and s <= reps[-1].end:
            s = reps[-1].end
        reps.append(Rep(s, peak, e, side, complete))
        i = e + 1
    return reps


def hold_seconds(t: FloatArray, y: FloatArray, rep: Rep, base: float) -> float:
    """Contiguous time around the rep's peak spent within the hold band of the peak value."""
    peak = float(y[rep.peak])
    band = max(HOLD_BAND_DEG, 0.05 * (peak - base))
    i, j = rep.peak, rep.peak
    while i > rep.start and y[i - 1] >= peak - band:
        i -= 1
    while j < rep.end and y[j + 1] >= peak - band:
        j += 1
    return float(t[j] - t[i])


def angular_velocity(t: FloatArray, y: FloatArray) -> FloatArray:
    """Central-difference derivative (deg/s) within finite runs; NaN elsewhere."""
    v = np.full(len(y), np.nan)
    for s, e in runs(np.isfinite(y)):
        if e - s >= 2:
            v[s:e] = np.gradient(y[s:e], t[s:e])
    return v


def sparc(
    speed: FloatArray,
    fs_hz: float,
    *,
    pad_level: int = 4,
    cutoff_hz: float = 10.0,
    amp_threshold: float = 0.05,
) -> float:
    """Spectral arc length of a speed profile (Balasubramanian et al. 2015). NaN if undefined."""
    v = np.asarray(speed, dtype=np.float64)
    if len(v) < 4 or not np.all(np.isfinite(v)) or float(np.max(np.abs(v))) == 0.0:
        return math.nan
    nfft = int(2 ** (math.ceil(math.log2(len(v))) + pad_level))
    freqs = np.arange(0, nfft) * (fs_hz / nfft)
    mag = np.abs(np.fft.fft(v, nfft))
    mag = mag / mag.max()
    fc = min(cutoff_hz, fs_hz / 2.0)
    sel = freqs <= fc
    f_sel, m_sel = freqs[sel], mag[sel]
    above = np.flatnonzero(m_sel >= amp_threshold)
    f_sel = f_sel[above[0] : above[-1] + 1]
    m_sel = m_sel[above[0] : above[-1] + 1]
    if len(f_sel) < 2:
        return math.nan
    df = np.diff(f_sel) / (f_sel[-1] - f_sel[0])
    return float(-np.sum(np.sqrt(df**2 + np.diff(m_sel) ** 2)))


def symmetry_index(left: float, right: float) -> float | None:
    """Robinson's symmetry index in percent; ``None`` if either side is missing or both are 0."""
    if not (math.isfinite(left) and math.isfinite(right)) or left + right <= 0:
        return None
    return abs(left - right) / ((left + right) / 2.0) * 100.0


@dataclass(frozen=True, slots=True)
class RepStats:
    start_s: float
    end_s: float
    peak_s: float
    peak_deg: float
    side: str | None
    complete: bool
    hold_s: float
    ascent_s: float
    descent_s: float
    peak_velocity_deg_s: float
    mean_velocity_deg_s: float
    sparc: float | None

    def to_json(self) -> dict[str, object]:
        return {
            "start": round(self.start_s, 3),
            "end": round(self.end_s, 3),
            "peak": round(self.peak_s, 3),
            "peak_deg": round(self.peak_deg, 1),
            "side": self.side,
            "complete": self.complete,
            "hold_s": round(self.hold_s, 2),
            "ascent_s": round(self.ascent_s, 2),
            "descent_s": round(self.descent_s, 2),
            "peak_velocity_deg_s": round(self.peak_velocity_deg_s, 1),
            "mean_velocity_deg_s": round(self.mean_velocity_deg_s, 1),
            "sparc": None if self.sparc is None else round(self.sparc, 3),
        }


def rep_stats(t: FloatArray, y: FloatArray, rep: Rep, base: float, fs_hz: float) -> RepStats:
    """Timing, hold, velocity and smoothness of one rep of the oriented series ``y``."""
    seg_t, seg_y = t[rep.start : rep.end + 1], y[rep.start : rep.end + 1]
    vel = angular_velocity(seg_t, seg_y)
    speed = np.abs(vel)
    finite = speed[np.isfinite(speed)]
    sp = sparc(finite, fs_hz) if len(finite) == len(speed) else math.nan
    return RepStats(
        start_s=float(t[rep.start]),
        end_s=float(t[rep.end]),
        peak_s=float(t[rep.peak]),
        peak_deg=float(y[rep.peak]),
        side=rep.side,
        complete=rep.complete,
        hold_s=hold_seconds(t, y, rep, base),
        ascent_s=float(t[rep.peak] - t[rep.start]),
        descent_s=float(t[rep.end] - t[rep.peak]),
        peak_velocity_deg_s=float(np.max(finite)) if len(finite) else 0.0,
        mean_velocity_deg_s=float(np.mean(finite)) if len(finite) else 0.0,
        sparc=None if math.isnan(sp) else sp,
    )


def analyse_reps(
    t: FloatArray,
    y: FloatArray,
    base: float,
    fs_hz: float,
    two_sided: bool,
    extremes: tuple[float | None, float | None] = (None, None),
) -> list[RepStats]:
    """Reps of ``y`` as excursions from ``base`` (``peak_deg`` is the excursion). With
    ``two_sided`` both directions are analysed: positive = ``left``, negative = ``right``.
    ``extremes`` are the observed (turning-point) maximum and minimum that size the rep bands
    (``None``: the largest and smallest values of ``y``)."""
    sides: tuple[tuple[str | None, float, float | None], ...] = (
        (("left", 1.0, extremes[0]), ("right", -1.0, extremes[1]))
        if two_sided
        else ((None, 1.0, extremes[0]),)
    )
    out: list[RepStats] = []
    for side, sign, extreme in sides:
        oriented = sign * (y - base)
        top = None if extreme is None else sign * (extreme - base)
        for r in detect_reps(t, oriented, 0.0, side, top):
            out.append(rep_stats(t, oriented, r, 0.0, fs_hz))
    return sorted(out, key=lambda r: r.start_s)
