"""Keele STarT Back Screening Tool (Hill 2008)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from lumbo.domain.intake import Bothersomeness
from lumbo.domain.thresholds import threshold

Risk = Literal["low", "medium", "high"]

# Item 9 (bothersomeness) scores 1 only for "very much" or "extremely" (Hill 2008).
_ITEM9_POSITIVE = {Bothersomeness.very_much, Bothersomeness.extremely}


@dataclass(frozen=True, slots=True)
class StartBackScore:
    total: int
    psychosocial: int
    risk: Risk

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "psychosocial": self.psychosocial,
            "risk": self.risk,
            "source": threshold("start_back").source.short,
        }


def start_back_risk(total: int, psychosocial: int) -> Risk:
    """Low: total 0-3. High: psychosocial >= 4. Otherwise (total >= 4, psychosocial <= 3) medium."""
    t = threshold("start_back")
    if psychosocial >= t["high_psychosocial_min"]:
        return "high"
    if total <= t["low_total_max"]:
        return "low"
    return "medium"


def score_start_back(items: Sequence[int | Bothersomeness]) -> StartBackScore:
    """Items 1-8 agree=1/disagree=0, item 9 from bothersomeness; psychosocial = items 5-9."""
    if len(items) != 9:
        raise ValueError(f"STarT Back needs 9 items, got {len(items)}")
    points = [int(v) for v in items[:8] if not isinstance(v, Bothersomeness)]
    if len(points) != 8:
        raise ValueError("STarT Back items 1-8 must be 0 or 1")
    item9 = items[8]
    if not isinstance(item9, Bothersomeness):
        raise ValueError("STarT Back item 9 must be a bothersomeness answer")
    points.append(1 if item9 in _ITEM9_POSITIVE else 0)
    total = sum(points)
    psychosocial = sum(points[4:9])
    return StartBackScore(
        total=total, psychosocial=psychosocial, risk=start_back_risk(total, psychosocial)
    )
