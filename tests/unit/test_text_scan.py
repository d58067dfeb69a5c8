"""The page-text scan of the browser tests finds what a reader must not see, and nothing else."""

from __future__ import annotations

import pytest

from tests.e2e.web.text_scan import problems


@pytest.mark.parametrize(
    ("text", "audience", "expected"),
    [
        ("Run lumbo reassess to update the plan.", "clinician", "a CLI command"),
        ("Film again with --camera-tilt 10.", "clinician", "a CLI flag"),
        ("Result: {'peak_deg': 41.2}", "clinician", "a Python repr"),
        ("adjusted after session web-10e72818", "clinician", "an internal id"),
        ("Job 3f2b6c1e-1d2a-4b5c-8d9e-0a1b2c3d4e5f failed", "clinician", "an internal id"),
        ("You need a foam_roller.", "clinician", "a snake_case word"),
        ("contraindicated by SEGMENTAL_HYPERMOBILITY", "clinician", "a code"),
        ("Status 409", "clinician", "a status code"),
        ("Source: ostelo2008", "patient", "a source key"),
        ("(Fritz et al. 2001)", "patient", "a citation"),
        ("For lumbar extension hypomobility (moderate).", "patient", "a severity grade"),
    ],
)
def test_finds(text: str, audience: str, expected: str) -> None:
    found = problems(text, audience)  # type: ignore[arg-type]
    assert any(f.startswith(expected) for f in found), found


@pytest.mark.parametrize(
    ("text", "audience"),
    [
        ("Your lower back bends backwards less than expected for your age.", "patient"),
        ("L4-L5 hypomobile on the spring test; ODI 34% (moderate).", "clinician"),
        ("Source: ostelo2008", "clinician"),
        ("Hold 30 s, 3 sets - rest 60 s between sets.", "patient"),
        ("Week 4 of 12, 2026-12-02", "patient"),
        ("Sign-in e-mail: anna@example.org", "patient"),
    ],
)
def test_passes_plain_text(text: str, audience: str) -> None:
    assert problems(text, audience) == []  # type: ignore[arg-type]
