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

The redirection is process-wide, so it is held only around model set-up, under a lock. Some lines
come later, from the model's worker threads, once a graph first runs a model (``W0000 ...
inference_feedback_manager.cc ... Feedback manager requires a model with a single signature
inference``; seen in long-lived processes and in ``make bench``, racing the set-up window). So the
first pose model built in a process also calls :func:`route_native_stderr`: descriptor 2 becomes a
pipe that a daemon thread reads line by line, passing every line on to the real standard error
except third-party log lines (:data:`THIRD_PARTY`), which go to the debug log. Python's
``sys.stderr``, when it wrote to descriptor 2, is pointed at the real standard error directly.
"""

from __future__ import annotations

import logging
import os
import re
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

#: A log line of MediaPipe's, TensorFlow Lite's or absl's C++ code (glog/absl prefixes included).
THIRD_PARTY = re.compile(
    rb"^(?:[IWEF]\d{4} [\d:.]+ +\d+ [\w.-]+:\d+\]|INFO: Created TensorFlow Lite|"
    rb"WARNING: All log messages before absl::InitializeLog\(\))"
)

_routed = False


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


def route_native_stderr() -> bool:
    """From now on, third-party log lines written to descriptor 2 by any thread go to the debug
    log; everything else written there still reaches the real standard error (see the module
    docstring). Idempotent; returns True if this call set it up."""
    global _routed
    with _lock:
        if _routed:
            return False
        _routed = True
        with suppress(AttributeError, OSError, ValueError):
            sys.stderr.flush()
        real = os.dup(2)
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(write_end)
        try:
            python_writes_fd2 = sys.stderr.fileno() == 2
        except (AttributeError, OSError, ValueError):
            python_writes_fd2 = False  # a test runner's capture: leave it alone
        if python_writes_fd2:
            sys.stderr = os.fdopen(
                os.dup(real), "w", buffering=1, encoding="utf-8", errors="replace"
            )
    threading.Thread(
        target=_forward, args=(read_end, real), name="lumbo-stderr", daemon=True
    ).start()
    return True


def _forward(read_end: int, real: int) -> None:
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        pending = b""
        while chunk := pipe.read(65536):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                _pass_on(line + b"\n", real)
        if pending:
            _pass_on(pending, real)


def _pass_on(line: bytes, real: int) -> None:
    if THIRD_PARTY.match(line):
        log.debug("%s", line.decode("utf-8", "replace").rstrip())
        return
    with suppress(OSError):
        os.write(real, line)
