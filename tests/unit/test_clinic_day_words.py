"""Words of the clinic's day, table-tested: version notes for people (technique names and dates,
never session or check-in ids), the pain trend, and refusals naming their rule."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumbo.domain.knowledge import library
from lumbo.domain.protocol import validity as v
from lumbo.domain.protocol.model import Adjustment, Decision
from lumbo.domain.safety import CONTRAINDICATED, EQUIPMENT_MISSING
from lumbo.services.plan_dose import refusals, rule_of
from lumbo.services.recording import pain_rise, version_note
from lumbo.store.records import WORSENING_RISE, PersonStatus
from tests.e2e.web.text_scan import problems

DAY = date(2026, 3, 3)


def _adj(*decisions: tuple[str, str, str | None, str | None]) -> Adjustment:
    return Adjustment(
        decisions=tuple(
            Decision(technique=t, action=a, replacement=r, reason="rule", response=resp)  # type: ignore[arg-type]
            for t, a, r, resp in decisions
        )
    )


@pytest.mark.parametrize(
    ("adjustment", "trigger", "note"),
    [
        (
            _adj(("cat-camel", "regress", None, "red")),
            ("session", DAY),
            "Eased Cat-camel after a painful session on 3 March 2026.",
        ),
        (
            _adj(("cat-camel", "progress", None, "green"), ("bird-dog", "hold", None, "green")),
            ("session", DAY),
            "Progressed Cat-camel, kept 1 other "
            "exercise at the same dose after a session on 3 March 2026.",
        ),
        (
            _adj(("cat-camel", "regress", None, None)),
            ("check-in", DAY),
            "Eased Cat-camel after the next-morning check-in on 3 March 2026.",
        ),
    ],
)
def test_version_notes_are_written_for_people(
    adjustment: Adjustment, trigger: tuple[str, date], note: str
) -> None:
    written = version_note(adjustment, trigger)
    assert written == note
    assert problems(written, "clinician") == []


@pytest.mark.parametrize(
    ("pains", "rise", "worsening"),
    [([], None, False), ([3], None, False), ([3, 6], 3, True), ([5, 3, 4], 1, False),
     ([4, 2, 3, 5], 3, True), ([6, 5, 4], -1, False)],
)  # fmt: skip
def test_the_pain_trend(pains: list[int], rise: int | None, worsening: bool) -> None:
    assert pain_rise(pains) == rise
    assert PersonStatus("p", pain_rise=rise).worsening is worsening


@given(st.lists(st.integers(0, 10), min_size=2, max_size=4))
def test_a_rise_is_never_more_than_the_latest_pain(pains: list[int]) -> None:
    rise = pain_rise(pains)
    assert rise is not None and rise <= pains[-1] and rise >= pains[-1] - 10
    assert (rise >= WORSENING_RISE) == (pains[-1] - min(pains[:-1]) >= WORSENING_RISE)


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        (v.SESSION_BUDGET, "Session time budget"),
        (v.INTENSITY_CAP, "Stretch intensity cap"),
        (v.EXCLUDED_FOR_PERSON, "Left out for this patient"),
        (v.PHASE_LOAD, "Phase rules"),
        (v.TENSIONER_BEFORE_SLIDER, "Neural sequencing (sliders before tensioners)"),
        (v.RELEASE_UNPAIRED, "A release needs a stabilize partner"),
        (v.TECHNIQUE_TWICE, "One technique once per session"),
        (EQUIPMENT_MISSING, "Equipment the patient has"),
        (CONTRAINDICATED, "Contraindication"),
        ("osteoporosis_no_loaded_flexion", "Contraindication"),
    ],
)
def test_every_refusal_names_its_rule(key: str, rule: str) -> None:
    violation = v.Violation(key, "the reason", 2, 1, "cat-camel")
    assert rule_of(violation) == rule
    (refusal,) = refusals([violation], library())
    assert refusal.rule == rule
    assert refusal.why == "week 2 session 1: Cat-camel: the reason"
