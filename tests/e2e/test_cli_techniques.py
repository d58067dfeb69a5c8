"""`lumbo techniques` and `lumbo technique ID`, through the real command line entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lumbo.cli import main
from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.describe import describe_dose
from lumbo.domain.knowledge.model import Role

ATTRIBUTES = {
    "id", "name", "role", "summary", "rationale", "steps", "cues", "directions", "end_range",
    "load", "neural_tension", "mode", "positions", "equipment", "regions", "segments",
    "addresses", "contraindications", "cautions", "dose", "progressions", "regressions",
    "evidence", "seed_article",
}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lists_every_technique_with_every_attribute(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "techniques", "--json")
    assert code == 0
    entries = json.loads(out)
    assert [e["id"] for e in entries] == [t.id for t in library().techniques]
    for entry in entries:
        assert set(entry) == ATTRIBUTES
        assert {"level", "source"} <= set(entry["evidence"])
        assert entry["dose"]["kind"]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_role_filter(capsys: pytest.CaptureFixture[str], role: str) -> None:
    code, out, _ = run(capsys, "techniques", "--json", "--role", role)
    assert code == 0
    entries = json.loads(out)
    assert entries and {e["role"] for e in entries} == {role}
    assert len(entries) == len(library().by_role(Role(role)))


def test_table_shows_ids_roles_and_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "techniques", "--role", "neural")
    assert code == 0
    for t in library().by_role(Role.neural):
        assert t.id in out
    assert "neural" in out and "systematic" in out and "slider" in out
    assert "…" not in out  # nothing truncated at the default 80 columns


def test_unknown_role_exits_2_naming_the_allowed_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "techniques", "--role", "yoga")
    assert code == 2
    assert out == ""
    text = " ".join(err.split())
    assert "--role" in text and "'yoga'" in text
    for role in Role:
        assert role.value in text


def test_card_shows_the_whole_technique(capsys: pytest.CaptureFixture[str]) -> None:
    t = library().get("sciatic-tensioner-supine")
    code, out, _ = run(capsys, "technique", t.id)
    assert code == 0
    flat = " ".join(out.replace("│", " ").split())
    for expected in (
        t.name,
        t.id,
        "Steps",
        "Cues",
        "Dose",
        describe_dose(t.dose),
        "easier: Lying sciatic nerve slider (sciatic-slider-supine)",
        "Contraindications",
        "recent_spinal_surgery",
        "Stop if",
        "Evidence",
        "Basson 2017",
    ):
        assert " ".join(expected.split()) in flat, expected


def test_card_json_is_the_full_entry(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "technique", "bird-dog", "--json")
    assert code == 0
    entry = json.loads(out)
    assert set(entry) == ATTRIBUTES
    assert entry == library().get("bird-dog").model_dump(mode="json")


def test_unknown_id_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "technique", "no-such-stretch")
    assert code == 2
    assert out == ""
    assert "no-such-stretch" in err


def test_real_process_prints_parseable_json() -> None:
    exe = Path(sys.executable).with_name("lumbo")
    done = subprocess.run(
        [str(exe), "techniques", "--json"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)
    assert len(entries) == len(library())
    assert all(e["evidence"]["source"] for e in entries)


def test_real_process_unknown_role_exits_2() -> None:
    exe = Path(sys.executable).with_name("lumbo")
    done = subprocess.run(
        [str(exe), "techniques", "--role", "yoga"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "warmup" in done.stderr and done.stdout == ""
