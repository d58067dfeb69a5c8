"""Every finding, equipment item, condition, red flag, exclusion rule, plan decision, alert,
technique role and evidence level a patient can meet has words written for them (issue 16), and
those words pass the patient text scan of the browser tests (no codes, ids, source keys)."""

from __future__ import annotations

from typing import get_args

import pytest

from lumbo.domain.intake import RED_FLAG_FIELDS, Condition, Equipment
from lumbo.domain.knowledge.model import FINDING_CODES, EvidenceLevel, Role
from lumbo.domain.knowledge.patient_words import PatientWords, patient_words
from lumbo.domain.outcomes.reassessment import ROM_MEASURES, mcids
from lumbo.domain.outcomes.self_tests import SELF_TEST_MEASURES
from lumbo.domain.protocol.model import Alert, Decision
from lumbo.domain.safety import PERSON_RULES, RULES
from tests.e2e.web.text_scan import problems

KEYS = (
    [("findings", c) for c in FINDING_CODES]
    + [("equipment", e.value) for e in Equipment]
    + [("conditions", c.value) for c in Condition]
    + [("red_flags", f) for f in RED_FLAG_FIELDS]
    + [("rules", r.key) for r in RULES]
    + [("rules", r.key) for r in PERSON_RULES]
    + [("actions", a) for a in get_args(Decision.model_fields["action"].annotation)]
    + [("alerts", k) for k in get_args(Alert.model_fields["kind"].annotation)]
    + [("roles", r.value) for r in Role]
    + [("evidence", e.value) for e in EvidenceLevel]
    + [("measures", m[0]) for m in ROM_MEASURES]
    + [("measures", m.measure) for m in mcids()]
    + [("measures", m[0]) for m in SELF_TEST_MEASURES]
)


@pytest.mark.parametrize(("table", "key"), KEYS, ids=[f"{t}.{k}" for t, k in KEYS])
def test_every_key_has_patient_words_that_pass_the_patient_scan(table: str, key: str) -> None:
    words: dict[str, str] = getattr(patient_words(), table)
    assert key in words, f"patient_words.toml [{table}] has no words for {key!r}"
    assert problems(words[key], "patient") == []
    assert "_" not in key or key not in words[key]


def test_no_words_for_keys_the_domain_does_not_have() -> None:
    known: dict[str, set[str]] = {}
    for table, key in KEYS:
        known.setdefault(table, set()).add(key)
    # "contraindication" and "equipment" name the technique-entry and equipment exclusions
    known["rules"] |= {"contraindication", "equipment"}
    for table, keys in known.items():
        extra = set(getattr(patient_words(), table)) - keys
        assert not extra, f"[{table}] has words for unknown keys: {sorted(extra)}"


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "because of SEGMENTAL_HYPERMOBILITY", "you need a foam_roller"],
)
def test_a_code_or_an_empty_wording_is_refused(bad: str) -> None:
    data = patient_words().model_dump()
    data["equipment"] = {**data["equipment"], "mat": bad}
    with pytest.raises(ValueError, match="mat"):
        PatientWords.model_validate(data)
