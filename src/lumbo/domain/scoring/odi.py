"""Oswestry Disability Index v2.1a (Fairbank & Pynsent 2000)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lumbo.domain.thresholds import threshold

SECTIONS = 10
MAX_PER_SECTION = 5


PLAIN_BAND: dict[str, str] = {
    "crippled": "very severe",
    "bed-bound or exaggerating": "extreme",
}
"""The published labels of the top two bands are never shown to a person: ``band`` carries these
plain words, ``published_band`` the label of the source (for clinicians)."""


@dataclass(frozen=True, slots=True)
class OdiScore:
    percent: float | None
    band: str | None
    answered: int
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "percent": self.percent,
            "band": self.band,
            "published_band": published_band(self.percent) if self.percent is not None else None,
            "answered": self.answered,
            "source": threshold("odi_bands").source.short,
        }


def published_band(percent: float) -> str:
    """Band label of the source; each band's upper bound is inclusive (20 is minimal, 20.1
    moderate)."""
    for upper, name in threshold("odi_bands")["bands"]:
        if percent <= upper:
            return str(name)
    raise ValueError(f"ODI percent {percent} outside 0-100")


def odi_band(percent: float) -> str:
    """Band of an ODI percentage in words fit to show a person (see :data:`PLAIN_BAND`)."""
    name = published_band(percent)
    return PLAIN_BAND.get(name, name)


def score_odi(sections: Sequence[int | None]) -> OdiScore:
    """Score = sum / (5 x answered sections) x 100. One missing section is allowed; more gives no score."""
    if len(sections) != SECTIONS:
        raise ValueError(f"ODI needs {SECTIONS} sections, got {len(sections)}")
    answered = [s for s in sections if s is not None]
    missing = SECTIONS - len(answered)
    limit = int(threshold("odi_bands")["max_missing_sections"])
    if missing > limit:
        return OdiScore(
            percent=None,
            band=None,
            answered=len(answered),
            reason=(
                f"{missing} sections unanswered; more than {limit} missing gives no score "
                f"({threshold('odi_bands').source.short})"
            ),
        )
    percent = round(sum(answered) / (MAX_PER_SECTION * len(answered)) * 100, 1)
    return OdiScore(percent=percent, band=odi_band(percent), answered=len(answered))
