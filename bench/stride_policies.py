"""Try ``--stride auto`` policy variants on every fixture clip (not part of ``make bench``).

For each clip (the edited hinge clip of the tests, the +-25 and +-35 degree known bends, the 19 s
slow stretch of ``bench_vision.py`` and the demo as it is) it prints the fraction of frames the
model saw with ``--stride auto``, the process's CPU time for it, and the largest difference of the
peaks (overall, left, right) from one full-rate run (cached in the work directory). The table of
docs/vision.md ("Both goals at once") was made with it, e.g.::

    .venv/bin/python bench/stride_policies.py '{}'                       # the kept policy
    .venv/bin/python bench/stride_policies.py '{"speed": 90, "still_deg": 1.5}'
    .venv/bin/python bench/stride_policies.py '{"speed": 30, "outward_only": true}' hinge,slow

Knobs (JSON): ``speed`` (deg/s; the fast trigger), ``outward_only`` (the fast trigger only while
moving away from the neutral stance), ``decel`` (dense once moving outward slower than this
fraction of the last second's fastest speed), ``still_deg`` (no turning/holding trigger while the
last three grid values lie within this many degrees: holds coarse), ``model_time`` (tell
MediaPipe each frame's time on its own 33333 us-per-1/30-s clock instead of one frame after the
other: its private ``_simulated_timestamp``), ``shift`` (leave out each clip's first N frames,
re-encoded: the same movement on another grid phase, to see how robust a row is). The policy's
code is
:meth:`lumbo.vision.adaptive.AdaptiveStride._update` with these additions, patched in here.
"""

from __future__ import annotations

import json
import math
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import bench_vision as bv  # noqa: E402

from lumbo.vision import adaptive as ad  # noqa: E402
from lumbo.vision.pipeline import MeasureOptions, measure_video  # noqa: E402

PEAKS = ("peak_deg", "peak_left_deg", "peak_right_deg")
KNOBS: dict[str, Any] = {"speed": ad.SPEED_DEG_S, "outward_only": False, "decel": None}
STILL: dict[tuple[int, int], list[float]] = {}


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def update(self: ad.AdaptiveStride, track: int, index: int, value: float, grid: bool) -> bool:
    """``AdaptiveStride._update`` with the knobs (kept in step with it by hand)."""
    t = index / self.fps
    st = self._tracks.get(track)
    if st is None:
        st = self._tracks[track] = ad._TrackState(t, t)
    if t - st.last_s > ad.DEFAULT_MAX_GAP_S + 1e-9:
        st.acquired_s = t
    st.last_s = t
    st.samples += 1
    if t - st.acquired_s < ad.ACQUISITION_S - 1e-9:
        st.recent.clear()
        return False
    if math.isnan(st.first):
        st.opening_s = t
    high, low = st.high, st.low
    if t - st.opening_s <= ad.BASELINE_WINDOW_S + 1e-9:
        st.opening.append(value)
        st.first = st.high = st.low = float(np.median(st.opening))
    else:
        st.high, st.low = max(high, value), min(low, value)
    st.recent = [(i, v) for i, v in st.recent if i >= index - self.stride]
    before = [v for _, v in st.recent]
    st.recent.append((index, value))
    if not grid:
        return False
    prev = float(np.median(before)) if before else value
    speed = abs(value - prev) / (self.stride / self.fps) if before else 0.0
    st.speeds = [(i, v) for i, v in st.speeds if index - i <= self.fps * ad.CREEP_WINDOW_S]
    fastest = max((v for _, v in st.speeds), default=0.0)
    if before:
        st.speeds.append((index, speed))
    outward = abs(value - st.first) > abs(prev - st.first)
    slow = bool(before) and speed <= min(self.creep_deg_s, self.creep_fraction * fastest)
    at_high = st.high - st.first >= self.min_excursion_deg and (
        high - self.margin_deg <= value <= high or (value > high and slow)
    )
    at_low = st.first - st.low >= self.min_excursion_deg and (
        low <= value <= low + self.margin_deg or (value < low and slow)
    )
    fast = speed > KNOBS["speed"] and (outward or not KNOBS["outward_only"])
    decel = (
        KNOBS["decel"] is not None
        and bool(before)
        and outward
        and speed < KNOBS["decel"] * fastest
        and abs(value - st.first) >= self.min_excursion_deg / 2
    )
    recent = STILL.setdefault((id(self), track), [])
    recent[:] = [*recent[-2:], value]
    if (
        "still_deg" in KNOBS
        and len(recent) == 3
        and max(recent) - min(recent) <= KNOBS["still_deg"]
    ):
        at_high = at_low = False
    leading = st.samples >= max(other.samples for other in self._tracks.values())
    return leading and (fast or at_high or at_low or decel)


def timed_run_pose() -> None:
    """Make the pipeline tell the model each analysed frame's time (the ``model_time`` knob)."""
    from lumbo.vision import pipeline

    original = pipeline.run_pose

    def run_pose(frames: Any, estimator: Any, *args: Any, **kwargs: Any) -> Any:
        first: list[tuple[float, int]] = []

        def stamped() -> Any:
            for frame in frames:
                graph = getattr(estimator, "_graph", None)
                if graph is not None:
                    now = int(graph._simulated_timestamp) + 33333
                    if not first:
                        first.append((frame.t_s, now))
                    t0, base = first[0]
                    stamp = max(base + round((frame.t_s - t0) * 30 * 33333), now - 33333 + 1)
                    graph._simulated_timestamp = stamp - 33333
                yield frame

        return original(stamped(), estimator, *args, **kwargs)

    pipeline.run_pose = run_pose


def clips(work: Path) -> dict[str, tuple[Path, str, str]]:
    from tests.integration.vision.conftest import hinge_clip_file

    demo = bv.demo_video()
    out = {"hinge": (hinge_clip_file(60.0, 2), "trunk-flexion", "side")}
    for name, spec in (
        ("bend25", (25.0, 1.0)),
        ("bend35", (35.0, 0.6)),
        ("slow", bv.SLOW),
    ):
        path = work / f"{name}.mp4"
        if not path.exists():
            bv.bend_clip(demo, path, *spec)
        out[name] = (path, "lateral-flexion", "front")
    out["demo"] = (demo, "lateral-flexion", "front")
    shift = int(KNOBS.get("shift", 0))
    if shift:
        for name, (path, movement, view) in list(out.items()):
            shifted = work / f"{name}-shift{shift}.mp4"
            if not shifted.exists():
                drop_first(path, shifted, shift)
            out[f"{name}-shift{shift}"] = (shifted, movement, view)
            del out[name]
    return out


def drop_first(src: Path, out: Path, frames: int) -> None:
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
    index = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if index >= frames:
            writer.write(frame)
        index += 1
    cap.release()
    writer.release()


def main() -> int:
    KNOBS.update(json.loads(sys.argv[1]) if len(sys.argv) > 1 else {})
    names = sys.argv[2].split(",") if len(sys.argv) > 2 else None
    ad.AdaptiveStride._update = update  # type: ignore[method-assign]
    if KNOBS.get("model_time"):
        timed_run_pose()
    work = Path(tempfile.gettempdir()) / "lumbo-stride-policies"
    work.mkdir(exist_ok=True)
    print(f"policy {json.dumps(KNOBS)}")
    for name, (path, movement, view) in clips(work).items():
        if names and name.split("-shift")[0] not in names:
            continue
        ref = work / f"full-{name}.json"
        if not ref.exists():
            c0 = cpu()
            full = measure_video(path, MeasureOptions(movement, view, stride=1))
            data = {"summary": {k: full.summary.get(k) for k in PEAKS}, "cpu": cpu() - c0}
            ref.write_text(json.dumps(data))
        data = json.loads(ref.read_text())
        c0 = cpu()
        auto = measure_video(path, MeasureOptions(movement, view, stride="auto"))
        used = cpu() - c0
        diffs = {
            k: round(auto.summary[k] - v, 2)
            for k, v in data["summary"].items()
            if v is not None and k in auto.summary
        }
        print(
            f"{name:7} analysed {auto.frames_analysed / auto.frames:.0%} "
            f"({auto.frames_analysed}/{auto.frames}); CPU {used:.2f} s (full rate "
            f"{data['cpu']:.2f} s, x{data['cpu'] / used:.2f}); largest peak difference "
            f"{max(abs(d) for d in diffs.values()):.1f} deg {diffs}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
