"""Third-party log lines that the model's threads write to descriptor 2 after the set-up window go
to the debug log; everything else written there still reaches standard error. Run in a real
process, with the exact lines MediaPipe prints."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from lumbo.vision.quiet import THIRD_PARTY

FEEDBACK = (
    "W0000 00:00:1796206854.087144   26670 inference_feedback_manager.cc:114] Feedback manager "
    "requires a model with a single signature inference. Disabling support for feedback tensors."
)

CHILD = textwrap.dedent(
    f"""
    import logging, os, sys, threading
    logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format="DEBUG-LOG %(message)s")
    from lumbo.vision.quiet import route_native_stderr
    assert route_native_stderr() and not route_native_stderr()
    def native():  # what the C++ loggers do: write(2, ...) from a worker thread
        os.write(2, {FEEDBACK!r}.encode() + b"\\n")
        os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\\n")
        os.write(2, b"a native line of our own\\n")
    t = threading.Thread(target=native); t.start(); t.join()
    print("python to stderr", file=sys.stderr)
    logging.getLogger("lumbo.app").warning("a warning of ours")
    sys.stderr.flush()
    import time; time.sleep(0.3)  # the forwarding thread
    """
)


def test_model_thread_lines_go_to_the_debug_log_and_the_rest_to_stderr() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60, check=True
    )
    assert FEEDBACK not in done.stderr and "XNNPACK" not in done.stderr
    assert "a native line of our own" in done.stderr and "python to stderr" in done.stderr
    assert f"DEBUG-LOG {FEEDBACK}" in done.stdout
    assert "DEBUG-LOG INFO: Created TensorFlow Lite XNNPACK delegate for CPU." in done.stdout


@pytest.mark.parametrize(
    ("line", "third_party"),
    [
        (FEEDBACK, True),
        ("I0000 00:00:1700000000.000000   123 gl_context.cc:357] GL version: 3.2", True),
        ("E1202 10:00:00.123456  4711 calculator_graph.cc:887] something", True),
        ("WARNING: All log messages before absl::InitializeLog() is called are written", True),
        ("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.", True),
        ("Traceback (most recent call last):", False),
        ("WARNING: a warning of ours", False),
        ('INFO:     127.0.0.1:5000 - "GET / HTTP/1.1" 200 OK', False),
        ("W0000 is not a log line", False),
    ],
)
def test_what_counts_as_a_third_party_line(line: str, third_party: bool) -> None:
    assert bool(THIRD_PARTY.match(line.encode())) is third_party
