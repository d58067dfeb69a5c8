"""Numeric pain rating scale 0-10 (Chiarotto 2018 core outcome set; mean of three as in Childs 2005)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lumbo.domain.intake import Symptoms


@dataclass(frozen=True, slots=True)
class NprsScore:
    now: int | None
    best: int | None
    worst: int | None

    @property
    def mean(self) -> float | None:
        """Mean of current, best and worst; only when all three were rated (Childs 2005)."""
        if self.now is None or self.best is None or self.worst is None:
            return None
        return round((self.now + self.best + self.worst) / 3, 1)

    def to_json(self) -> dict[str, Any]:
        return {"now": self.now, "best": self.best, "worst": self.worst, "mean": self.mean}


def score_nprs(symptoms: Symptoms) -> NprsScore:
    return NprsScore(now=symptoms.pain_now, best=symptoms.pain_best, worst=symptoms.pain_worst)
