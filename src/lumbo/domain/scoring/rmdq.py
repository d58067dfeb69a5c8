"""Roland-Morris Disability Questionnaire, 24 items (Roland & Morris 1983)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lumbo.domain.thresholds import threshold


@dataclass(frozen=True, slots=True)
class RmdqScore:
    score: int
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "of": 24, "note": self.note}


def score_rmdq(items: Sequence[bool]) -> RmdqScore:
    """Count of ticked statements, 0-24. Scores below 4 or above 20 show change poorly."""
    if len(items) != 24:
        raise ValueError(f"RMDQ needs 24 items, got {len(items)}")
    score = sum(1 for i in items if i)
    t = threshold("rmdq_floor_ceiling")
    note = None
    if score < t["below"] or score > t["above"]:
        note = (
            f"scores below {t['below']} or above {t['above']} are poor at showing change ({t.cite})"
        )
    return RmdqScore(score=score, note=note)
