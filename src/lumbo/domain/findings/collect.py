"""Findings: the nodes of restriction and the signs that shape a plan.

Each rule is a pure function of the intake (and scores) returning findings whose ``evidence`` strings quote
the measured value, the threshold and its source. Absent measurements produce no finding: "not assessed"
is never read as "normal" or as "restricted".
"""

from __future__ import annotations

from collections.abc import Callable

from lumbo.domain.assessment.model import SEVERITY_RANK, Finding, Scores
from lumbo.domain.findings.rom import frontal_transverse, sagittal, segments
from lumbo.domain.findings.tissue import (
    directional,
    hypermobility,
    motor_control,
    muscle_length,
    neural,
    psychosocial,
)
from lumbo.domain.intake import Intake

Rule = Callable[[Intake, Scores], list[Finding]]

RULES: tuple[Rule, ...] = (
    sagittal,
    frontal_transverse,
    segments,
    muscle_length,
    neural,
    motor_control,
    hypermobility,
    psychosocial,
    directional,
)


def find(intake: Intake, scores: Scores) -> tuple[Finding, ...]:
    """Every finding the intake supports, most severe first, then in rule order (stable sort)."""
    found = [f for rule in RULES for f in rule(intake, scores)]
    return tuple(sorted(found, key=lambda f: -SEVERITY_RANK[f.severity]))
