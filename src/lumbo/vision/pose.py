"""Pose estimation behind a small protocol: the MediaPipe BlazePose adapter and a fake for tests.

The adapter uses ``mediapipe==0.10.14``'s ``solutions.pose`` graph with ``model_complexity=1``
(BlazePose *full*), whose ``.tflite`` files ship inside the wheel: nothing is downloaded at run
time. MediaPipe's own landmark smoothing is switched off (it lags); lumbo filters afterwards with a
zero-lag filter (see :mod:`lumbo.vision.signal`). ``mediapipe`` is imported lazily so the rest of
lumbo works without the ``vision`` extra.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from lumbo.vision.landmarks import N_LANDMARKS, Pose
from lumbo.vision.quiet import captured_stderr, route_native_stderr, set_quiet_env

UInt8Array = npt.NDArray[np.uint8]


class PoseEstimator(Protocol):
    """Finds one person's landmarks in an RGB frame, frame after frame (it may track)."""

    def estimate(self, frame_rgb: UInt8Array) -> Pose | None:
        """Landmarks in pixels of ``frame_rgb``, or ``None`` if nobody was found."""
        ...

    def reset(self) -> None:
        """Forget any tracking state (the next frame is searched from scratch)."""
        ...

    def close(self) -> None:
        """Release resources."""
        ...


class VisionUnavailable(ImportError):
    """The optional ``vision`` extra (mediapipe, OpenCV, SciPy) is not installed."""


INSTALL_HINT = "pip install 'lumbo[vision]'"


def require_vision() -> None:
    """Raise :class:`VisionUnavailable` unless mediapipe and cv2 can be imported (the low-pass
    filter no longer needs SciPy: vision/signal.py)."""
    set_quiet_env()
    missing = []
    for name in ("mediapipe", "cv2"):
        try:
            with captured_stderr(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                __import__(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise VisionUnavailable(
            f"video measurement needs {', '.join(missing)}; install it with: {INSTALL_HINT}"
        )


class MediaPipePoseEstimator:
    """BlazePose (full) through ``mediapipe.solutions.pose``; tracks between frames."""

    def __init__(
        self,
        *,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        static_image_mode: bool = False,
    ) -> None:
        set_quiet_env()
        route_native_stderr()  # the model's threads log later too (vision/quiet.py)
        with captured_stderr(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import mediapipe as mp
        self._mp: Any = mp
        self._kwargs: dict[str, Any] = {
            "static_image_mode": static_image_mode,
            "model_complexity": 1,
            "smooth_landmarks": False,
            "enable_segmentation": False,
            "min_detection_confidence": min_detection_confidence,
            "min_tracking_confidence": min_tracking_confidence,
        }
        self._graph: Any = self._new_graph()

    def _new_graph(self) -> Any:
        with captured_stderr():
            graph = self._mp.solutions.pose.Pose(**self._kwargs)
        self._fresh = True
        return graph

    def estimate(self, frame_rgb: UInt8Array) -> Pose | None:
        h, w = frame_rgb.shape[:2]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self._fresh:  # a graph's first frame loads its models, which log to stderr
                self._fresh = False
                with captured_stderr():
                    result = self._graph.process(frame_rgb)
            else:
                result = self._graph.process(frame_rgb)
        if result.pose_landmarks is None:
            return None
        pts = np.empty((N_LANDMARKS, 4), dtype=np.float64)
        for i, lm in enumerate(result.pose_landmarks.landmark):
            pts[i] = (lm.x * w, lm.y * h, lm.z * w, lm.visibility)
        if not np.all(np.isfinite(pts)):
            return None
        return Pose(pts)

    def reset(self) -> None:
        self._graph.close()
        self._graph = self._new_graph()

    def close(self) -> None:
        self._graph.close()

    def warm_up(self) -> None:
        """Run the graph once on a black frame: MediaPipe initialises its models on the first frame
        (about 0.07 s here), which can then overlap with opening the video. Nobody is found in it,
        so no tracking state is left behind: the landmarks of every later frame are identical to
        those of a graph that never saw it (checked by the vision integration tests)."""
        self.estimate(np.zeros((WARM_UP_SIZE, WARM_UP_SIZE, 3), dtype=np.uint8))


WARM_UP_SIZE = 256


def warmed_up_estimator() -> MediaPipePoseEstimator:
    """A new :class:`MediaPipePoseEstimator`, already warmed up (run it on a worker thread while the
    video is opened: MediaPipe and OpenCV both release the GIL)."""
    estimator = MediaPipePoseEstimator()
    try:
        estimator.warm_up()
    except BaseException:
        estimator.close()
        raise
    return estimator


class FakePoseEstimator:
    """Test double: returns scripted poses, one per call, in order (``None`` = nobody found).

    Give either a sequence (calls beyond its end return ``None``) or a function of the call index.
    """

    def __init__(self, script: Sequence[Pose | None] | Callable[[int], Pose | None]) -> None:
        self._script = script
        self.calls = 0
        self.resets = 0
        self.closed = False

    def estimate(self, frame_rgb: UInt8Array) -> Pose | None:
        i = self.calls
        self.calls += 1
        if callable(self._script):
            return self._script(i)
        return self._script[i] if i < len(self._script) else None

    def reset(self) -> None:
        self.resets += 1

    def close(self) -> None:
        self.closed = True
