"""PROMIS Pain Interference short forms 4a / 6a / 8a (HealthMeasures scoring manual).

The raw score is the sum of the item answers (1-5 each). A T-score is given only from a raw-to-T table
lumbo can cite; 6a has none here, so its ``t_score`` is null with the reason. Tables seen only in one
unverified copy are still used but flagged ``t_score_verified: false``. Forms are never mixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from lumbo.domain.knowledge import load_knowledge
from lumbo.domain.knowledge.files import PromisFile, PromisForm

FORMS = ("8a", "6a", "4a")  # most items first: the longest form given is the one scored


@dataclass(frozen=True, slots=True)
class PromisPiScore:
    form: str
    raw: int
    raw_min: int
    raw_max: int
    t_score: float | None
    t_score_verified: bool | None
    reason: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "raw": self.raw,
            "raw_range": [self.raw_min, self.raw_max],
            "t_score": self.t_score,
            "t_score_verified": self.t_score_verified,
            "reason": self.reason,
            "source": "HealthMeasures PROMIS PI scoring manual",
        }


@cache
def _tables() -> dict[str, PromisForm]:
    return load_knowledge("promis_pi.toml", PromisFile).form


def score_form(form: str, answers: Mapping[str, int]) -> PromisPiScore:
    table = _tables()[form]
    items = table.items
    if sorted(answers) != sorted(items):
        raise ValueError(f"PROMIS PI {form} needs exactly the items {', '.join(items)}")
    raw = sum(answers[i] for i in items)
    raw_min = table.raw_min
    raw_max = 5 * len(items)
    if not table.t_scores:
        return PromisPiScore(form, raw, raw_min, raw_max, None, None, table.note)
    t = table.t_scores[raw - raw_min]
    verified = table.verified and raw not in table.unverified_raw
    reason = None if verified else f"T-score unverified: {table.note}"
    return PromisPiScore(form, raw, raw_min, raw_max, t, verified, reason)


def score_promis_pi(
    pi_4a: Mapping[str, int] | None,
    pi_6a: Mapping[str, int] | None,
    pi_8a: Mapping[str, int] | None,
) -> PromisPiScore | None:
    """Score the longest short form answered (8a, then 6a, then 4a); None when none was given."""
    given = {"8a": pi_8a, "6a": pi_6a, "4a": pi_4a}
    for form in FORMS:
        answers = given[form]
        if answers is not None:
            return score_form(form, answers)
    return None
