"""Questionnaire scoring: pure functions, each with its source. ``score_all`` collects them."""

from __future__ import annotations

from typing import Any

from lumbo.domain.assessment.model import Scores
from lumbo.domain.intake import Intake
from lumbo.domain.scoring.fabq import score_fabq
from lumbo.domain.scoring.nprs import score_nprs
from lumbo.domain.scoring.odi import score_odi
from lumbo.domain.scoring.promis import score_promis_pi
from lumbo.domain.scoring.psfs import score_psfs
from lumbo.domain.scoring.rmdq import score_rmdq
from lumbo.domain.scoring.start_back import score_start_back

__all__ = [
    "score_all",
    "score_fabq",
    "score_nprs",
    "score_odi",
    "score_promis_pi",
    "score_psfs",
    "score_rmdq",
    "score_start_back",
]


def score_all(intake: Intake) -> tuple[Scores, list[str]]:
    """Every score the intake allows (None = not assessed), plus notes."""
    q = intake.questionnaires
    notes: list[str] = []
    scores: dict[str, Any] = {}

    odi = score_odi(q.odi) if q.odi is not None else None
    if odi is not None and odi.percent is None:
        notes.append(f"odi: {odi.reason}")
    scores["odi"] = odi.to_json() if odi is not None and odi.percent is not None else None
    scores["rmdq"] = score_rmdq(q.rmdq).to_json() if q.rmdq is not None else None
    scores["start_back"] = score_start_back(q.start_back).to_json() if q.start_back else None
    scores["fabq"] = score_fabq(q.fabq).to_json() if q.fabq is not None else None
    promis = score_promis_pi(q.promis_pi_4a, q.promis_pi_6a, q.promis_pi_8a)
    scores["promis_pi"] = promis.to_json() if promis is not None else None
    scores["psfs"] = score_psfs(q.psfs).to_json() if q.psfs is not None else None
    scores["nprs"] = score_nprs(intake.symptoms).to_json()
    return Scores.model_validate(scores), notes
