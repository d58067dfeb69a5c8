"""docs/techniques.md: the generated tables match the shipped library."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from lumbo.domain.knowledge import library

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen_techniques_doc.py"
DOC = ROOT / "docs" / "techniques.md"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_techniques_doc", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_doc_is_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_doc_table_lists_every_technique() -> None:
    text = DOC.read_text(encoding="utf-8")
    for t in library().techniques:
        assert f"| `{t.id}` |" in text, t.id


def test_render_fills_the_markers_and_refuses_a_doc_without_them() -> None:
    gen = _script()
    empty = (
        "<!-- GENERATED:technique-summary -->\n<!-- /GENERATED:technique-summary -->\n"
        "<!-- GENERATED:technique-table -->\n<!-- /GENERATED:technique-table -->\n"
    )
    filled = gen.render(empty)
    assert f"**{len(library())}**" in filled
    assert gen.render(filled) == filled  # idempotent
    with pytest.raises(SystemExit, match="technique-table"):
        gen.render("<!-- GENERATED:technique-summary -->\n<!-- /GENERATED:technique-summary -->\n")
