"""Keep MediaPipe's, TensorFlow Lite's and absl's log lines out of lumbo's output.

MediaPipe's C++ core logs through glog/absl straight to file descriptor 2 (``INFO: Created
TensorFlow Lite XNNPACK delegate for CPU.``, ``W0000 ... inference_feedback_manager.cc ...``,
``WARNING: All log messages before absl::InitializeLog() is called are written to STDERR``), some
of it before any environment variable is read. So:

* :func:`set_quiet_env` sets ``GLOG_minloglevel``, ``TF_CPP_MIN_LOG_LEVEL`` and ``ABSL_MIN_LOG_LEVEL``
  (unless the user set them) before ``mediapipe`` is imported, and puts Python's ``absl`` logger
  at debug level under lumbo's logging;
* :func:`captured_stderr` redirects descriptor 2 into a temporary file while the model is imported,
  built and run on its first frame (where every one of those lines is written), and hands what was
  written to the ``lumbo.vision.thirdparty`` logger at debug level.

The redirection is process-wide, so it is held only around model set-up, under a lock.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

log = logging.getLogger("lumbo.vision.thirdparty")

QUIET_ENV = {
    "GLOG_minloglevel": "2",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "ABSL_MIN_LOG_LEVEL": "2",
    "GLOG_logtostderr": "0",
}

_lock = threading.Lock()


def set_quiet_env() -> None:
    """Ask the C++ loggers for errors only (before the libraries load); absl's Python logger
    goes to debug level. Values the user has set are kept."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    try:
        import absl.logging as absl_logging
    except ImportError:  # absl comes with mediapipe; without it there is nothing to quiet
        return
    absl_logging.set_verbosity(absl_logging.ERROR)
    absl_logging.get_absl_logger().setLevel(logging.DEBUG)
    handler = absl_logging.get_absl_handler()
    root = logging.getLogger()
    if handler in root.handlers:  # absl installs its own stderr handler on first use
        root.removeHandler(handler)


@contextmanager
def captured_stderr() -> Iterator[None]:
    """Send everything written to file descriptor 2 (by C++ or Python) to the debug log."""
    with _lock:
        fd = 2  # the C++ loggers write to descriptor 2, whatever sys.stderr is
        with suppress(AttributeError, OSError, ValueError):
            sys.stderr.flush()
        saved = os.dup(fd)
        with tempfile.TemporaryFile(mode="w+b") as sink:
            os.dup2(sink.fileno(), fd)
            try:
                yield
            finally:
                with suppress(AttributeError, OSError, ValueError):
                    sys.stderr.flush()
                os.dup2(saved, fd)
                os.close(saved)
                sink.seek(0)
                for line in sink.read().decode("utf-8", "replace").splitlines():
                    if line.strip():
                        log.debug("%s", line)


@contextmanager
def stderr_to_debug_log() -> Iterator[None]:
    """For a whole command (``lumbo measure``, ``lumbo form``): descriptor 2 goes to the debug log
    (whatever thread of a C++ library writes there, whenever), while Python's ``sys.stderr`` (the
    progress bar, error messages) keeps writing to the real standard error."""
    with suppress(AttributeError, OSError, ValueError):
        sys.stderr.flush()
    saved = os.dup(2)
    python_err = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    previous = sys.stderr
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        sys.stderr = python_err
        try:
            yield
        finally:
            with suppress(AttributeError, OSError, ValueError):
                python_err.flush()
            sys.stderr = previous
            os.dup2(saved, 2)
            os.close(saved)
            python_err.close()
            sink.seek(0)
            for line in sink.read().decode("utf-8", "replace").splitlines():
                if line.strip():
                    log.debug("%s", line)
