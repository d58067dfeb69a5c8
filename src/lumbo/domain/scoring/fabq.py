"""Fear-Avoidance Beliefs Questionnaire (Waddell 1993): physical activity and work subscales."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# 1-based item numbers of each subscale.
PA_ITEMS = (2, 3, 4, 5)  # 0-24
W_ITEMS = (6, 7, 9, 10, 11, 12, 15)  # 0-42


@dataclass(frozen=True, slots=True)
class FabqScore:
    pa: int
    w: int

    def to_json(self) -> dict[str, Any]:
        return {"pa": self.pa, "pa_max": 24, "w": self.w, "w_max": 42, "source": "Waddell 1993"}


def score_fabq(items: Sequence[int]) -> FabqScore:
    if len(items) != 16:
        raise ValueError(f"FABQ needs 16 items, got {len(items)}")
    return FabqScore(
        pa=sum(items[i - 1] for i in PA_ITEMS),
        w=sum(items[i - 1] for i in W_ITEMS),
    )
