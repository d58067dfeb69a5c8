"""`lumbo assess` / `lumbo schema` / `lumbo demo` through the real entry point and a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lumbo.cli import main
from tests.conftest import EXAMPLE_INTAKE
from tests.helpers import with_changes

CONTRACT_KEYS = {"referral", "scores", "findings", "rules", "classification"}


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_assess_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["assess", str(EXAMPLE_INTAKE), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert set(data) >= CONTRACT_KEYS
    assert set(data["referral"]) >= {"required", "urgency", "reasons"}
    assert set(data["scores"]) >= {"odi", "start_back", "fabq", "promis_pi", "psfs", "nprs"}
    assert (data["scores"]["odi"]["percent"], data["scores"]["odi"]["band"]) == (24.0, "moderate")
    assert data["scores"]["start_back"]["risk"] == "low"
    for f in data["findings"]:
        assert set(f) >= {"code", "side", "segment", "severity", "evidence"}
    flynn = data["rules"]["flynn_manipulation"]
    assert (flynn["of"], flynn["count"], flynn["positive"]) == (5, 3, False)
    assert data["rules"]["hicks_stabilization"]["of"] == 4
    assert data["classification"]["approach"] == "movement_control"


def test_assess_human_view_puts_referral_first(
    tmp_path: Path, example_intake: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    doc = with_changes(example_intake, {"red_flags.saddle_anaesthesia": True})
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(doc))
    code, out, _ = _run(["assess", str(path)], capsys)
    assert code == 0  # assessing is fine; it is the plan that is withheld
    assert out.index("REFERRAL: EMERGENCY") < out.index("Scores")
    assert "saddle anaesthesia" in out


def test_assess_human_view_sections(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["assess", str(EXAMPLE_INTAKE)], capsys)
    assert code == 0
    positions = [
        out.index(s)
        for s in (
            "Referral: none",
            "Scores",
            "Findings",
            "Flynn 2002",
            "Classification",
            "What this means",
        )
    ]
    assert positions == sorted(positions)
    assert "Lower back (lumbar spine)" in out and "Troke 2005" in out


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"person": {"age": 4}}), "person.age"),
    ],
)
def test_assess_bad_input_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, fragment: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, out, err = _run(["assess", str(path), "--json"], capsys)
    assert code == 2
    assert fragment in err
    assert out == ""


def test_assess_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["assess", str(tmp_path / "nope.json")], capsys)
    assert code == 2 and "file not found" in err


def test_unknown_option_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = _run(["assess", str(EXAMPLE_INTAKE), "--jsn"], capsys)
    assert code == 2


def test_schema_intake(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["schema", "intake"], capsys)
    assert code == 0
    schema = json.loads(out)
    assert schema["title"].startswith("lumbo intake")
    assert {"person", "preferences", "red_flags"} <= set(schema["required"])


def test_schema_unknown_name_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["schema", "plan-of-attack"], capsys)
    assert code == 2 and "intake" in err


def test_real_process_stdin_and_exit_codes() -> None:
    exe = [sys.executable, "-m", "lumbo"]
    done = subprocess.run(
        [*exe, "assess", "-", "--json"],
        input=EXAMPLE_INTAKE.read_text(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["classification"]["approach"] == "movement_control"
    bad = subprocess.run(
        [*exe, "assess", "-"], input='{"person": {}}', capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2
    assert "person.age" in bad.stderr and "preferences" in bad.stderr


def test_plan_with_unanswered_cauda_equina_questions_exits_3_and_says_answer_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = with_changes(
        json.loads(EXAMPLE_INTAKE.read_text()), {"red_flags.saddle_anaesthesia": None}
    )
    doc["red_flags"] = {k: v for k, v in doc["red_flags"].items() if v is not None}
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(doc))
    code, out, err = _run(["plan", str(path)], capsys)
    assert code == 3
    assert "Answer these questions first" in out + err
    assert "numbness between your legs" in out + err
    code, out, _ = _run(["plan", str(path), "--json"], capsys)
    assert (code, json.loads(out)["status"], json.loads(out)["weeks"]) == (
        3,
        "referral_required",
        [],
    )
