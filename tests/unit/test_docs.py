"""The README's generated tables are up to date, and every threshold cites a known source."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lumbo.domain.norms import sources
from lumbo.domain.thresholds import KINDS, thresholds
from tests.conftest import ROOT


def test_readme_tables_are_fresh() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_readme_tables.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", sorted(thresholds()))
def test_every_threshold_has_kind_and_source(name: str) -> None:
    t = thresholds()[name]
    assert t.kind in KINDS
    assert t.source.key in sources()
    if t.kind == "policy":
        assert t.cite.startswith("lumbo policy")


def test_unverified_sources_are_flagged_in_citations() -> None:
    unverified = [s for s in sources().values() if not s.verified]
    assert unverified, "clinical-reference.md marks some values UNVERIFIED"
    for t in thresholds().values():
        if not t.source.verified:
            assert "unverified" in t.cite
