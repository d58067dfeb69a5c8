"""`lumbo export fhir|all`, `lumbo import fhir`, `lumbo erase` through the installed CLI on SQLite:
round trip, bad input (exit 2, named, nothing written), erasure."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

from lumbo.store.tables import PersonRow
from tests.e2e.test_journey import EXAMPLE, LUMBO


def _run(env: dict[str, str], *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(LUMBO), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == code, (args, done.stdout, done.stderr)
    return done


def _persons(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(PersonRow)) or 0)
    finally:
        engine.dispose()


def test_export_import_erase(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lumbo.db'}"
    env = {**os.environ, "LUMBO_DATABASE_URL": url, "LUMBO_DATA_DIR": str(tmp_path / "data")}
    _run(env, "init", str(EXAMPLE))
    out = tmp_path / "bundle.json"
    _run(env, "export", "fhir", "seed-case-43m", "-o", str(out))
    bundle: dict[str, Any] = json.loads(out.read_text())
    assert bundle["resourceType"] == "Bundle"

    printed = json.loads(_run(env, "import", "fhir", str(out)).stdout)
    assert printed["questionnaires"]["odi"] == [1, 2, 1, 1, 2, 1, 2, 1, 0, 1]

    base = json.loads(EXAMPLE.read_text())
    base.pop("questionnaires")
    base["person"]["id"] = "imported-1"
    base_file = tmp_path / "base.json"
    base_file.write_text(json.dumps(base))
    _run(env, "import", "fhir", str(out), "--intake", str(base_file))
    again = json.loads(_run(env, "export", "fhir", "imported-1").stdout)
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

    outcomes = json.loads(_run(env, "outcomes", "--json").stdout)
    assert outcomes["overall"]["patients"] == 0  # nobody reassessed yet
    assert "No patient has reached a reassessment yet" in _run(env, "outcomes").stdout
    research = tmp_path / "research.parquet"
    _run(env, "export", "research", "-o", str(research))
    assert research.read_bytes()[:4] == b"PAR1"

    everything = json.loads(_run(env, "export", "all", "imported-1").stdout)
    assert everything["records"]["intakes"][0]["intake"]["person"]["id"] == "imported-1"
    _run(env, "erase", "imported-1", code=2)  # needs --yes
    _run(env, "erase", "imported-1", "--yes")
    assert _persons(url) == before - 1
    engine = create_engine(url)
    with engine.connect() as conn:
        routes = [r[0] for r in conn.execute(text("select route from audit_log"))]
    engine.dispose()
    assert "erase patient (cli)" in routes and "lumbo export fhir" in routes
