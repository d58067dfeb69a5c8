"""docs/interop.md's sample and the packaged Questionnaires are generated and current; the sample
passes both validators; the packaged Questionnaires are what the mapping references."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lumbo.interop.codes import INSTRUMENTS
from lumbo.interop.questionnaires import build, packaged
from tests.conftest import ROOT
from tests.fhir import parse_all, schema_errors


@pytest.mark.parametrize("script", ["gen_interop_doc.py", "fhir_questionnaires.py"])
def test_generated_files_are_current(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_sample_bundle_passes_both_validators(tmp_path: Path) -> None:
    sample = json.loads((ROOT / "docs" / "interop-sample-bundle.json").read_text(encoding="utf-8"))
    assert parse_all(sample) > 50
    questionnaires = [packaged(i) for i in INSTRUMENTS]
    errors = schema_errors([sample, *questionnaires], tmp_path)
    assert errors == [[]] * (1 + len(questionnaires))


@pytest.mark.parametrize("instrument", INSTRUMENTS)
def test_packaged_questionnaires(instrument: str) -> None:
    assert packaged(instrument) == build(instrument)
    assert parse_all(packaged(instrument)) == 1
