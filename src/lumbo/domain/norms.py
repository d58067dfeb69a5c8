"""Age-expected range of motion, from the cited norms table (``knowledge/norms.toml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lumbo.domain.errors import KnowledgeBaseError
from lumbo.domain.knowledge import load_knowledge
from lumbo.domain.knowledge.files import NormRow, NormsFile, SourcesFile

NORM_MEASURES: tuple[str, ...] = (
    "lumbar_flexion_deg",
    "lumbar_extension_deg",
    "lateral_flexion_deg",
    "rotation_deg",
)


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    short: str
    citation: str
    verified: bool


@dataclass(frozen=True, slots=True)
class Expected:
    """The age-expected value of one measure, with how it was obtained."""

    measure: str
    value_deg: float
    source: Source
    method: str


@cache
def sources() -> dict[str, Source]:
    """Every cited source, by key (``knowledge/sources.toml``)."""
    raw = load_knowledge("sources.toml", SourcesFile).root
    return {
        key: Source(
            key=key,
            short=key if v.short is None else v.short,
            citation=v.citation,
            verified=v.verified,
        )
        for key, v in raw.items()
    }


def source(key: str) -> Source:
    try:
        return sources()[key]
    except KeyError:
        raise KnowledgeBaseError(f"unknown source key {key!r}") from None


@cache
def _norms() -> NormsFile:
    return load_knowledge("norms.toml", NormsFile)


@cache
def expected(measure: str, age: int) -> Expected:
    """Age-expected value of ``measure`` (one of :data:`NORM_MEASURES`), in degrees.

    Linear interpolation by age between the youngest- and oldest-group values of the source, clamped to
    its age range. Lateral flexion and rotation are per side.
    """
    if measure not in NORM_MEASURES:
        raise KeyError(f"no norm for {measure!r}; known: {', '.join(NORM_MEASURES)}")
    row: NormRow = getattr(_norms(), measure)
    a0, a1 = row.age_from, row.age_to
    v0, v1 = row.value_from, row.value_to
    clamped = min(max(float(age), a0), a1)
    value = v0 + (v1 - v0) * (clamped - a0) / (a1 - a0)
    src = source(row.source)
    if v0 == v1:
        method = f"{v0:g} deg at every age"
    else:
        method = (
            f"linear by age between {v0:g} deg at {a0:g} y and {v1:g} deg at {a1:g} y, "
            "an approximation of the published age curves"
        )
    return Expected(measure=measure, value_deg=round(value, 1), source=src, method=method)
