"""Shared test configuration: hypothesis profiles and the example intake."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
# The example intake lives once, in the package; the repository's examples/ holds a checked copy.
EXAMPLE_INTAKE = ROOT / "src" / "lumbo" / "examples" / "intake-seed-case.json"
EXAMPLE_INTAKE_COPY = ROOT / "examples" / "intake-seed-case.json"

# "ci" runs the safety properties on >= 500 generated examples; "dev" is quicker for local loops.
settings.register_profile(
    "ci", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def example_intake() -> dict[str, Any]:
    """A fresh, mutable copy of the example intake document."""
    data: dict[str, Any] = json.loads(EXAMPLE_INTAKE.read_text(encoding="utf-8"))
    return data
