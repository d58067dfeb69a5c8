"""Patient wording as data (``patient_words.toml``), validated with pydantic: one sentence fragment
per finding, equipment item, condition, red flag, exclusion rule, plan decision, technique role and
evidence level, written for the patient in the second person. Pages shown to a patient use these
words instead of codes, ids or citations (issue 16); the clinician's pages keep the codes."""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, ConfigDict, field_validator

from lumbo.domain.knowledge import load_knowledge

_CODE = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


class PatientWords(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    findings: dict[str, str]
    equipment: dict[str, str]
    conditions: dict[str, str]
    red_flags: dict[str, str]
    rules: dict[str, str]
    actions: dict[str, str]
    roles: dict[str, str]
    evidence: dict[str, str]
    alerts: dict[str, str]
    measures: dict[str, str]

    @field_validator("*")
    @classmethod
    def _plain(cls, table: dict[str, str]) -> dict[str, str]:
        for key, words in table.items():
            if not words.strip():
                raise ValueError(f"{key}: empty wording")
            if _CODE.search(words):
                raise ValueError(f"{key}: the wording shows a code: {words!r}")
        return table

    def word(self, table: str, key: str) -> str:
        """The words for ``key``; an unknown key is a knowledge-base fault (tested never to
        happen for the domain's keys), so it falls back to the key with underscores as spaces."""
        words: dict[str, str] = getattr(self, table)
        return words.get(key, key.replace("_", " ").lower())


@cache
def patient_words() -> PatientWords:
    return load_knowledge("patient_words.toml", PatientWords)
