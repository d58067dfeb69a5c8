"""The guided self-assessment of a person at home (issue 20): the steps (``steps``), moving through
them (``flow``), the safety gate (``gate``) and the answers as an intake (``intake_map``). Pure."""

from __future__ import annotations

from lumbo.domain.self_assessment.flow import (
    Progress,
    asked,
    missing,
    next_step,
    previous_step,
    progress,
    validate,
)
from lumbo.domain.self_assessment.gate import Gate, Outcome, gate
from lumbo.domain.self_assessment.intake_map import to_intake
from lumbo.domain.self_assessment.steps import (
    CLINICIAN_ONLY,
    SECTION_WORDS,
    Answers,
    Choice,
    Kind,
    Section,
    Step,
    step,
    steps,
)

__all__ = [
    "CLINICIAN_ONLY",
    "SECTION_WORDS",
    "Answers",
    "Choice",
    "Gate",
    "Kind",
    "Outcome",
    "Progress",
    "Section",
    "Step",
    "asked",
    "gate",
    "missing",
    "next_step",
    "previous_step",
    "progress",
    "step",
    "steps",
    "to_intake",
    "validate",
]
