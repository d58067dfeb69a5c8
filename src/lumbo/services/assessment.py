"""Assessment service: the one function every entry point (CLI, web, jobs) calls to assess an intake."""

from __future__ import annotations

from dataclasses import dataclass

from lumbo.domain.assessment.assess import assess
from lumbo.domain.assessment.model import Assessment
from lumbo.domain.intake import Intake, parse_intake_json


@dataclass(frozen=True, slots=True)
class Assessed:
    intake: Intake
    assessment: Assessment


def assess_intake_text(text: str | bytes) -> Assessed:
    """Validate intake JSON text and assess it. Raises ``InvalidInput`` naming every faulty field."""
    intake = parse_intake_json(text)
    return Assessed(intake=intake, assessment=assess(intake))
