"""`lumbo measure` at the CLI edge: options, outputs, exit codes, --record (fake pose model)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lumbo.vision.pipeline as pipeline
from lumbo.cli import main
from lumbo.vision.pose import FakePoseEstimator
from lumbo.vision.synthetic import synthetic_pose
from tests.conftest import EXAMPLE_INTAKE
from tests.unit.vision.test_pipeline import bend_profile, write_video

N = 90


@pytest.fixture
def video(tmp_path: Path) -> Path:
    return write_video(tmp_path / "bend.mp4", N, size=(320, 240))


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pipeline.measure_video
    trunk = bend_profile(1, 60.0, N)

    def fake_measure(path: Path, options: pipeline.MeasureOptions, **kw: Any) -> Any:
        stride = options.resolve_stride(30.0)
        est = FakePoseEstimator(
            lambda i: synthetic_pose(
                trunk_deg=float(trunk[min(N - 1, i * stride)]), center=(160.0, 120.0), scale=0.4
            )
        )
        return real(path, options, estimator=est, progress=kw.get("progress"))

    monkeypatch.setattr(pipeline, "measure_video", fake_measure)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_contract_and_files(
    video: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plot, per_frame, annotated = tmp_path / "p.png", tmp_path / "f.csv", tmp_path / "a.mp4"
    code, out, _ = run(
        [
            "measure",
            str(video),
            "--movement",
            "trunk-flexion",
            "--view",
            "side",
            "--json",
            "--plot",
            str(plot),
            "--per-frame",
            str(per_frame),
            "--annotate",
            str(annotated),
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    for key in (
        "frames",
        "frames_with_person",
        "fps",
        "summary",
        "reps",
        "quality",
        "compensations",
        "warnings",
        "measurements",
        "verdict",
    ):
        assert key in data
    assert data["verdict"]["measured"] is True
    assert data["frames"] == N and data["fps"] == 30.0
    assert data["summary"]["peak_deg"] == pytest.approx(60.0, abs=1.0)
    assert {"start", "end", "peak", "hold_s"} <= set(data["reps"][0])
    assert data["quality"]["smoothness"]["measure"] == "SPARC"
    assert data["measurements"]["fields"]["method"] == "video"
    assert plot.stat().st_size > 10_000 and plot.read_bytes()[:4] == b"\x89PNG"
    rows = list(csv.DictReader(per_frame.open()))
    # --stride auto (the default): one row per frame of the analysed span (the last block may be
    # skipped).
    assert N - data["stride"] < len(rows) <= N
    import cv2

    cap = cv2.VideoCapture(str(annotated))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == N
    cap.release()


def test_human_output(video: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["measure", str(video), "--movement", "trunk-flexion", "--view", "side"], capsys
    )
    assert code == 0
    assert "trunk-flexion" in out and "lumbar_flexion_deg" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--movement", "trunk-flexion", "--view", "front"], "must be filmed from the side"),
        (["--movement", "rotation", "--view", "side"], "must be filmed from the front"),
        (["--movement", "trunk-flexion", "--view", "side", "--stride", "zero"], "stride"),
        (["--movement", "trunk-flexion", "--view", "side", "--camera-tilt", "80"], "camera_tilt"),
        (["--movement", "trunk-flexion", "--view", "side", "--plot", "out.jpg"], ".png"),
        (["--movement", "trunk-flexion", "--view", "side", "--person", "x"], "--record"),
    ],
)
def test_bad_options_exit_2(
    video: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["measure", str(video), *argv], capsys)
    assert code == 2
    assert message in err


def test_unknown_movement_is_a_usage_error(video: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(["measure", str(video), "--movement", "squat", "--view", "side"], capsys)
    assert code == 2


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["measure", str(tmp_path / "nope.mp4"), "--movement", "trunk-flexion", "--view", "side"],
        capsys,
    )
    assert code == 2
    assert "file not found" in err


def test_without_the_vision_extra_says_how_to_install(
    video: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "mediapipe", None)  # import mediapipe -> ImportError
    code, _, err = run(
        ["measure", str(video), "--movement", "trunk-flexion", "--view", "side"], capsys
    )
    assert code == 2
    text = " ".join(err.split())
    assert "mediapipe" in text
    assert "pip install 'lumbo[vision]'" in text


def test_lumbo_help_does_not_import_the_vision_stack() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from lumbo.cli import build_app; build_app(); "
        "bad = [m for m in ('cv2', 'mediapipe', 'scipy') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_record_stores_the_result_for_the_person(
    video: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LUMBO_DATABASE_URL", f"sqlite:///{tmp_path / 'lumbo.db'}")
    from lumbo.services import journey
    from lumbo.settings import Settings
    from lumbo.store.db import open_store

    store = open_store(Settings.from_env(signs=False).store)
    try:
        enrolled = journey.init_person(store.uow(), EXAMPLE_INTAKE.read_text(encoding="utf-8"))
    finally:
        store.close()
    code, out, _ = run(
        [
            "measure",
            str(video),
            "--movement",
            "trunk-flexion",
            "--view",
            "side",
            "--json",
            "--record",
        ],
        capsys,
    )
    assert code == 0
    recorded = json.loads(out)["recorded"]
    assert recorded["person_id"] == enrolled.person.id
    store = open_store(Settings.from_env(signs=False).store)
    try:
        uow = store.uow()
        with uow:
            stored = uow.journeys.video_measurements(enrolled.person.id)
    finally:
        store.close()
    assert [m.id for m in stored] == [recorded["id"]]
    assert stored[0].result["measurements"]["fields"]["method"] == "video"
    assert np.isfinite(stored[0].result["summary"]["peak_deg"])


def test_record_without_anyone_enrolled_exits_2(
    video: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LUMBO_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, _, _ = run(
        ["measure", str(video), "--movement", "trunk-flexion", "--view", "side", "--record"], capsys
    )
    assert code == 2
