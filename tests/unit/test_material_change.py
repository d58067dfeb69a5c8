"""What counts as a material change of a plan (a new version is stored only then): a table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lumbo.domain.adjust.apply import material_change
from lumbo.domain.protocol.model import Block, Plan
from tests.integration.store import samples


def _first_block(plan: Plan, change: Callable[[Block], Block]) -> Plan:
    week = plan.weeks[0]
    session = week.sessions[0]
    blocks = (change(session.blocks[0]), *session.blocks[1:])
    sessions = (session.model_copy(update={"blocks": blocks}), *week.sessions[1:])
    weeks = (week.model_copy(update={"sessions": sessions}), *plan.weeks[1:])
    return plan.model_copy(update={"weeks": weeks})


def _dose(**changes: Any) -> Callable[[Block], Block]:
    return lambda b: b.model_copy(update={"dose": b.dose.model_copy(update=changes)})


def _block(**changes: Any) -> Callable[[Block], Block]:
    return lambda b: b.model_copy(update=changes)


@pytest.mark.parametrize(
    ("change", "material"),
    [
        (_block(), False),
        (_block(why="a different explanation"), False),
        (_block(estimated_minutes=9.5), False),
        (_block(level=3), False),
        (_dose(sets=5), True),
        (_dose(hold_s=45), True),
        (_dose(intensity_target=3), True),
        (_block(technique="cat-camel"), True),
        (_block(pairs_with=None), True),
    ],
)
def test_only_a_changed_prescription_is_material(
    change: Callable[[Block], Block], material: bool
) -> None:
    plan = samples.plan()
    assert material_change(plan, _first_block(plan, change)) is material


def test_notes_and_coverage_are_not_material() -> None:
    plan = samples.plan()
    noted = plan.model_copy(update={"notes": ("Version 2: adjusted",), "coverage": {"X": 3}})
    assert material_change(plan, noted) is False
    fewer = plan.model_copy(update={"weeks": plan.weeks[:-1]})
    assert material_change(plan, fewer) is True
