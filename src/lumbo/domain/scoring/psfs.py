"""Patient-Specific Functional Scale (Stratford 1995): mean of 0-10 activity ratings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lumbo.domain.intake import PsfsItem


@dataclass(frozen=True, slots=True)
class PsfsScore:
    mean: float
    items: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "activities": [{"activity": a, "score": s} for a, s in self.items],
            "source": "Stratford 1995",
        }


def score_psfs(items: Sequence[PsfsItem]) -> PsfsScore:
    if not items:
        raise ValueError("PSFS needs at least one activity")
    mean = round(sum(i.score for i in items) / len(items), 2)
    return PsfsScore(mean=mean, items=tuple((i.activity, i.score) for i in items))
