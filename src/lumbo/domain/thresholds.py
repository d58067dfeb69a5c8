"""Named, sourced thresholds (``knowledge/thresholds.toml``): the only place assessment cut-offs live."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from lumbo.domain.errors import KnowledgeBaseError
from lumbo.domain.knowledge import load_knowledge
from lumbo.domain.knowledge.files import ThresholdsFile
from lumbo.domain.norms import Source, source

KINDS = ("published_cutoff", "published_norm", "secondary", "policy")


@dataclass(frozen=True, slots=True)
class Threshold:
    name: str
    kind: str
    source: Source
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        try:
            return self.values[key]
        except KeyError:
            raise KnowledgeBaseError(f"threshold {self.name} has no value {key!r}") from None

    @property
    def cite(self) -> str:
        """Short citation for evidence strings, marking policy and unverified values."""
        if self.kind == "policy":
            return "lumbo policy, no published cut-off"
        if self.kind == "secondary" or not self.source.verified:
            return f"{self.source.short}; secondary source, unverified"
        return self.source.short


@cache
def thresholds() -> dict[str, Threshold]:
    raw = load_knowledge("thresholds.toml", ThresholdsFile).root
    return {
        name: Threshold(name=name, kind=row.kind, source=source(row.source), values=row.values())
        for name, row in raw.items()
    }


def threshold(name: str) -> Threshold:
    try:
        return thresholds()[name]
    except KeyError:
        raise KnowledgeBaseError(f"unknown threshold {name!r}") from None
