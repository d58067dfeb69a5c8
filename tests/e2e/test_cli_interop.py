"""`lumbo export fhir|all`, `lumbo import fhir`, `lumbo erase` through the CLI on SQLite: round
trip, bad input (exit 2, named, nothing written), erasure. The installed ``lumbo`` runs in real
processes for the first command, the refused import and the refused erase (exit codes, standard
error); the other commands go through the same entry point, ``lumbo.cli.main``, in this process
(each real process paid 1-2 s of interpreter start and imports: 15 of them took 58 s in the
suite)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from lumbo.cli import main
from lumbo.store.tables import PersonRow
from tests.e2e.test_journey import EXAMPLE, LUMBO


def _run(env: dict[str, str], *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(LUMBO), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == code, (args, done.stdout, done.stderr)
    return done


class _InProcess:
    """``lumbo ARGS`` through ``lumbo.cli.main`` in this process: (exit code checked) stdout."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str, code: int = 0) -> str:
        self.capsys.readouterr()
        got = main(list(args))
        out = self.capsys.readouterr()
        assert got == code, (args, out.out, out.err)
        return out.out


def _persons(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(PersonRow)) or 0)
    finally:
        engine.dispose()


def test_export_import_erase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'lumbo.db'}"
    env = {**os.environ, "LUMBO_DATABASE_URL": url, "LUMBO_DATA_DIR": str(tmp_path / "data")}
    monkeypatch.setenv("LUMBO_DATABASE_URL", url)
    monkeypatch.setenv("LUMBO_DATA_DIR", str(tmp_path / "data"))
    lumbo = _InProcess(capsys)
    _run(env, "init", str(EXAMPLE))
    out = tmp_path / "bundle.json"
    lumbo("export", "fhir", "seed-case-43m", "-o", str(out))
    bundle: dict[str, Any] = json.loads(out.read_text())
    assert bundle["resourceType"] == "Bundle"

    printed = json.loads(lumbo("import", "fhir", str(out)))
    assert printed["questionnaires"]["odi"] == [1, 2, 1, 1, 2, 1, 2, 1, 0, 1]

    base = json.loads(EXAMPLE.read_text())
    base.pop("questionnaires")
    base["person"]["id"] = "imported-1"
    base_file = tmp_path / "base.json"
    base_file.write_text(json.dumps(base))
    lumbo("import", "fhir", str(out), "--intake", str(base_file))
    again = json.loads(lumbo("export", "fhir", "imported-1"))
    answers = [
        sorted(
            json.dumps(e["resource"]["item"])
            for e in b["entry"]
            if e["resource"]["resourceType"] == "QuestionnaireResponse"
        )
        for b in (bundle, again)
    ]
    assert answers[0] == answers[1]

    # bad input: exit 2, the resource and element named, nothing written
    broken = json.loads(out.read_text())
    qr = next(
        e["resource"]
        for e in broken["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    qr["item"][0]["answer"] = [{"valueInteger": 99}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))
    before = _persons(url)
    done = _run(env, "import", "fhir", str(bad), "--intake", str(base_file), code=2)
    said = done.stderr.replace("\n", "")  # the console wraps long lines
    assert f"QuestionnaireResponse/{qr['id']}).item[linkId=odi-1].answer[0].valueInteger" in said
    assert _persons(url) == before

    outcomes = json.loads(lumbo("outcomes", "--json"))
    assert outcomes["overall"]["patients"] == 0  # nobody reassessed yet
    assert "No patient has reached a reassessment yet" in lumbo("outcomes")
    research = tmp_path / "research.parquet"
    lumbo("export", "research", "-o", str(research))
    assert research.read_bytes()[:4] == b"PAR1"

    everything = json.loads(lumbo("export", "all", "imported-1"))
    assert everything["records"]["intakes"][0]["intake"]["person"]["id"] == "imported-1"
    _run(env, "erase", "imported-1", code=2)  # needs --yes
    lumbo("erase", "imported-1", "--yes")
    assert _persons(url) == before - 1
    engine = create_engine(url)
    with engine.connect() as conn:
        routes = [r[0] for r in conn.execute(text("select route from audit_log"))]
    engine.dispose()
    assert "erase patient (cli)" in routes and "lumbo export fhir" in routes
