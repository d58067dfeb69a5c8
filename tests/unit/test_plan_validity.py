"""The plan-validity rules by name: the per-technique phase rules as a table, and every rule name
documented in docs/clinical-safety.md (the clinic shows "which rule and why" from them)."""

from __future__ import annotations

import pytest

from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.model import Load, NeuralTension
from lumbo.domain.progression import config
from lumbo.domain.protocol import validity
from lumbo.domain.safety import CONTRAINDICATED, EQUIPMENT_MISSING, Person
from tests.conftest import ROOT

CALM = Person(frozenset(), frozenset(), frozenset())
NEURAL = Person(frozenset(), frozenset({"RADICULAR_SYMPTOMS"}), frozenset())


def _technique(tension: NeuralTension, load: Load = Load.none):  # type: ignore[no-untyped-def]
    t = next(t for t in library().techniques if t.neural_tension is tension)
    return t.model_copy(update={"load": load})


@pytest.mark.parametrize(
    ("tension", "load", "person", "week", "slider_before", "expected"),
    [
        (NeuralTension.slider, Load.none, NEURAL, 1, False, set()),
        (NeuralTension.none, Load.resisted, CALM, 1, False, {"phase_load"}),
        (NeuralTension.tensioner, Load.none, CALM, 1, False, {"phase_neural_tension"}),
        (NeuralTension.tensioner, Load.none, CALM, 4, False, set()),
        (NeuralTension.tensioner, Load.none, NEURAL, 4, True, {"neural_tensioner_too_early"}),
        (NeuralTension.tensioner, Load.none, NEURAL, 5, False, {"neural_tensioner_before_slider"}),
        (NeuralTension.tensioner, Load.none, NEURAL, 5, True, set()),
        (
            NeuralTension.tensioner, Load.none, NEURAL, 2, False,
            {"phase_neural_tension", "neural_tensioner_before_slider", "neural_tensioner_too_early"},
        ),
    ],
)  # fmt: skip
def test_phase_rules_by_name(
    tension: NeuralTension,
    load: Load,
    person: Person,
    week: int,
    slider_before: bool,
    expected: set[str],
) -> None:
    t = _technique(tension, load)
    found = validity.phase_reasons(t, person, config().phase_of(week), week, slider_before)
    assert {rule for rule, _ in found} == expected
    assert all(reason and reason[0].islower() for _, reason in found)


RULE_NAMES = sorted(
    {v for n in dir(validity) if n.isupper() and isinstance(v := getattr(validity, n), str)}
    | {CONTRAINDICATED, EQUIPMENT_MISSING}
)


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_every_plan_rule_name_is_documented(rule: str) -> None:
    doc = (ROOT / "docs" / "clinical-safety.md").read_text(encoding="utf-8")
    assert f"`{rule}`" in doc, f"{rule}: add it to docs/clinical-safety.md"
