"""``--stride auto``: an adaptive stride, decided while streaming.

The video is analysed on a coarse grid (every ``stride``-th frame, about 10 per second). The frames
between two grid frames form a *block*. When the pose model has seen grid frame ``c``, the policy
decides whether the block after it (``c+1 .. c+stride-1``) is analysed too (*dense*), from the
image-orientation main angle of the *leading* track (the person analysed in the most frames so far,
the likely subject; bystanders walking through do not make blocks dense):

* **fast**: the angle at ``c`` differs from the median of the track's analysed values in the
  previous block (``c-stride .. c-1``: one grid sample when coarse, ``stride`` when dense, so one
  wrong detection there cannot keep the stride dense) by more than ``SPEED_DEG_S`` x the duration of a
  block (``stride / fps``): the trunk moves fast enough that the model, which crops each frame
  around its landmarks of the frame before, would see coarse frames through a lagging crop (and a
  turning point could fall between two grid frames);
* **turning or holding at an extreme**: the angle at ``c`` is no new maximum (minimum) of the
  track but lies within ``MARGIN_DEG`` of the one reached so far: the end of a bend, where its
  peak is measured;
* **creeping on at an extreme**: the angle at ``c`` is a new maximum (minimum), but reached slower
  than ``CREEP_DEG_S`` and than ``CREEP_FRACTION`` of the fastest speed of the last
  ``CREEP_WINDOW_S`` (so a slow bend's whole ramp does not count, only its end): the end of a bend creeping further, or the pose model drifting during a
  hold. Measured at the full rate, the frames of the hold and turn after it are then also analysed
  after full-rate frames (BlazePose crops each frame around its landmarks of the frame before, so
  its output for a frame depends on the frames it saw just before);

an extreme counts only once it lies at least ``MIN_EXCURSION_DEG`` from the track's neutral stance:
the median of its first ``movement.BASELINE_WINDOW_S`` (0.5 s) of values, like the analysis's
baseline, during which the extremes are that median too (so the neutral stance at the start,
trivially an extreme, does not count). Values of a track's first ``signal.ACQUISITION_S`` after the
model (re)acquires the person are ignored, as the analysis ignores them: the model is still locking
on (on the known bends of ``make bench`` 10-24 degrees off), and such a value taken as the neutral
stance or as an extreme would hide the real ones.

A block stays dense for ``HOLD_BLOCKS`` more blocks after the last trigger (0: the decision is
re-taken at every grid frame), then the stride returns to coarse. While a bend steadily sets new
extremes (faster than ``CREEP_DEG_S``) its ramp stays on the coarse grid (interpolated to the full
rate before filtering); its end position and any movement too fast to interpolate are measured at
the full frame rate. Skipped frames are only ``grab()``-ed.

The decoding thread asks :meth:`AdaptiveStride.decision` for each frame after decoding it. While
the block's grid frame is still with the model, the answer is "undecided": the decoder keeps the
block's frames (at most ``stride - 1`` and ``decode.MAX_KEPT_FRAMES``) and goes on decoding, and
only before handing over the next grid frame does it :meth:`wants`-wait for the decision, then
passes the kept frames on or drops them. The analysed frames are therefore a deterministic function
of the model's output, never of thread timing, and decoding runs ahead of the model instead of
waiting for it at every grid frame.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lumbo.domain.movements import Movement
from lumbo.vision.landmarks import FloatArray, Pose
from lumbo.vision.movement import BASELINE_WINDOW_S
from lumbo.vision.signal import ACQUISITION_S, DEFAULT_MAX_GAP_S

#: Angular speed (degrees/s) between grid samples that makes the next block dense (lumbo policy).
#: BlazePose crops each frame around its landmarks of the frame before, so when the trunk moves
#: more than about 3 degrees between two grid frames (10 per second), the model sees each coarse
#: frame through a crop that lags behind, and a hold or peak after such a ramp was placed up to
#: 1.8 degrees differently from a full-rate run (the edited hinge clip of the tests, 60-degree
#: bends with 1.5 s ramps). At 30 degrees/s, the largest peak difference from full rate on the
#: three fixture clips (the hinge clip and the +-25 and +-35 degree known bends of ``make bench``)
#: is 0.4 degrees (it was 1.8, 0.3 and 0.7 at 90 degrees/s; at 40-50, 0.5-1.2); slow stretches
#: (ramps slower than 30 degrees/s) stay on the coarse grid except for their ends.
SPEED_DEG_S = 30.0
#: Within this many degrees of a track's running extreme, the next block is dense.
MARGIN_DEG = 3.0
#: An extreme counts only once it lies this far from the track's neutral stance.
MIN_EXCURSION_DEG = 8.0
#: A new extreme reached this slowly (degrees/s since the previous block) is the end of a bend
#: creeping on (or the pose model drifting during a hold), not a ramp: the next block is dense
#: (lumbo policy, chosen on the known bends of ``make bench``; see docs/vision.md).
#: BlazePose crops each frame around its landmarks of the frame before, so its output for a frame
#: depends on the frames it saw just before; measuring the creep at the full rate means the hold and
#: the turn after it are measured after full-rate frames too (on the known bends of ``make bench``
#: the largest peak difference from full rate went from up to 1.7 to at most 0.7 degrees).
CREEP_DEG_S = 15.0
CREEP_FRACTION = 1.0 / 3.0
CREEP_WINDOW_S = 1.0
#: Blocks kept dense after the last trigger (0: the decision is re-taken at every grid frame).
HOLD_BLOCKS = 0

AngleFn = Callable[[FloatArray], float]


@dataclass(slots=True)
class _TrackState:
    acquired_s: float
    """When the model (re)acquired this person: the start of the settling time."""
    last_s: float
    first: float = math.nan
    """The neutral stance: the median of the first ``BASELINE_WINDOW_S`` of settled values (as the
    analysis's baseline), so one value of a model still locking on cannot become it; until then
    the extremes are that median too."""
    opening: list[float] = field(default_factory=list)
    opening_s: float = math.nan
    high: float = math.nan
    low: float = math.nan
    samples: int = 0
    speeds: list[tuple[int, float]] = field(default_factory=list)
    """(grid frame, speed) over the last ``CREEP_WINDOW_S``."""
    recent: list[tuple[int, float]] = field(default_factory=list)
    """(frame, value) of the analysed frames since the grid frame before the last one."""


@dataclass(slots=True)
class AdaptiveStride:
    stride: int
    fps: float
    angle: AngleFn
    min_confidence: float
    speed_deg_s: float = SPEED_DEG_S
    margin_deg: float = MARGIN_DEG
    min_excursion_deg: float = MIN_EXCURSION_DEG
    creep_deg_s: float = CREEP_DEG_S
    creep_fraction: float = CREEP_FRACTION
    hold_blocks: int = HOLD_BLOCKS
    dense_blocks: int = 0
    """Blocks analysed at the full rate so far."""
    _tracks: dict[int, _TrackState] = field(default_factory=dict)
    _hold: int = 0
    _decided: tuple[int, bool] = (-1, False)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def decision(self, index: int) -> bool | None:
        """Whether frame ``index`` is analysed, or ``None`` while its block is undecided (decoding
        thread; never waits)."""
        if index % self.stride == 0:
            return True
        with self._cond:
            block, dense = self._decided
            return dense if block >= index // self.stride else None

    def wants(self, index: int, stop: threading.Event) -> bool:
        """Whether frame ``index`` is analysed (decoding thread; waits for the consumer to report
        the block's grid frame; ``False`` once ``stop`` is set)."""
        with self._cond:  # re-entrant: decision() takes it again
            while (answer := self.decision(index)) is None:
                if stop.is_set():
                    return False
                self._cond.wait(timeout=0.1)
            return answer

    def report(self, index: int, pose: Pose | None, track: int | None) -> None:
        """The model's result for analysed frame ``index`` (consumer thread, in frame order)."""
        value = math.nan
        if pose is not None and track is not None and pose.confidence() >= self.min_confidence:
            value = self.angle(pose.points)
        grid = index % self.stride == 0
        trigger = False
        if track is not None and math.isfinite(value):
            trigger = self._update(track, index, value, grid)
        if not grid:
            return
        if trigger:
            self._hold = self.hold_blocks
            dense = True
        else:
            dense = self._hold > 0
            self._hold = max(0, self._hold - 1)
        self.dense_blocks += dense and self.stride > 1
        with self._cond:
            self._decided = (index // self.stride, dense)
            self._cond.notify_all()

    def _update(self, track: int, index: int, value: float, grid: bool) -> bool:
        t = index / self.fps
        st = self._tracks.get(track)
        if st is None:
            st = self._tracks[track] = _TrackState(t, t)
        if t - st.last_s > DEFAULT_MAX_GAP_S + 1e-9:
            st.acquired_s = t
        st.last_s = t
        st.samples += 1
        if t - st.acquired_s < ACQUISITION_S - 1e-9:
            # The model is still locking on (as in the analysis, which leaves these samples out):
            # such a value is neither the neutral stance nor an extreme.
            st.recent.clear()
            return False
        if math.isnan(st.first):
            st.opening_s = t
        high, low = st.high, st.low
        if t - st.opening_s <= BASELINE_WINDOW_S + 1e-9:
            # The opening: the neutral stance is being measured; its values are no extremes.
            st.opening.append(value)
            st.first = st.high = st.low = float(np.median(st.opening))
        else:
            st.high, st.low = max(high, value), min(low, value)
        st.recent = [(i, v) for i, v in st.recent if i >= index - self.stride]
        before = [v for i, v in st.recent]
        st.recent.append((index, value))
        if not grid:
            return False
        speed = 0.0
        if before:
            speed = abs(value - float(np.median(before))) / (self.stride / self.fps)
        # Turning or holding: no new extreme, but still within the margin of the one reached; or
        # creeping on at the end of a bend: a new extreme, reached slowly.
        st.speeds = [(i, v) for i, v in st.speeds if index - i <= self.fps * CREEP_WINDOW_S]
        fastest = max((v for _, v in st.speeds), default=0.0)
        if before:
            st.speeds.append((index, speed))
        slow = bool(before) and speed <= min(self.creep_deg_s, self.creep_fraction * fastest)
        at_high = st.high - st.first >= self.min_excursion_deg and (
            high - self.margin_deg <= value <= high or (value > high and slow)
        )
        at_low = st.first - st.low >= self.min_excursion_deg and (
            low <= value <= low + self.margin_deg or (value < low and slow)
        )
        leading = st.samples >= max(other.samples for other in self._tracks.values())
        return leading and (speed > self.speed_deg_s or at_high or at_low)

    def describe(self, analysed: int, decoded: int) -> dict[str, object]:
        """The policy and what it did, for ``processing.adaptive_stride``."""
        return {
            "method": (
                "coarse grid, full rate where the angle moves fast, or turns, holds or creeps on "
                "at an extreme"
            ),
            "coarse_stride": self.stride,
            "speed_deg_s": self.speed_deg_s,
            "margin_deg": self.margin_deg,
            "min_excursion_deg": self.min_excursion_deg,
            "creep_deg_s": self.creep_deg_s,
            "creep_fraction": round(self.creep_fraction, 3),
            "hold_blocks": self.hold_blocks,
            "dense_blocks": self.dense_blocks,
            "fraction_analysed": round(analysed / decoded, 3) if decoded else 0.0,
        }


def image_angle_fn(movement: str, camera_tilt_deg: float) -> AngleFn:
    """The main angle with image orientation (+1) for ``movement``."""
    from lumbo.vision import angles as ang

    if movement in (Movement.trunk_flexion, Movement.trunk_extension):
        return lambda p: float(ang.trunk_inclination(p, 1.0, camera_tilt_deg))
    if movement == Movement.lateral_flexion:
        return lambda p: float(ang.lateral_inclination(p, 1.0, camera_tilt_deg))
    return lambda p: float(ang.axial_rotation(p, 1.0))
