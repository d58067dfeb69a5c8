"""Small helpers shared by tests."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from lumbo.domain.assessment.assess import assess
from lumbo.domain.assessment.model import Assessment, Finding
from lumbo.domain.intake import parse_intake


def with_changes(doc: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``doc`` with dotted-path ``changes`` applied (value ``DELETE`` removes a key)."""
    out = copy.deepcopy(doc)
    for path, value in changes.items():
        node = out
        *parents, last = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = value
    return out


DELETE: Any = object()


def assess_doc(doc: dict[str, Any]) -> Assessment:
    return assess(parse_intake(doc))


def findings_of(a: Assessment, code: str) -> list[Finding]:
    return [f for f in a.findings if f.code == code]


def program_day(uow: Any, person_id: str, *, weeks: int = 0, days: int = 0) -> date:
    """A day of the person's program (its first day plus ``weeks`` and ``days``), so that a test
    reads the same week of the plan whatever the calendar says (the example intake starts on a
    fixed date, and ``date.today()`` would walk out of its 12 weeks)."""
    from lumbo.services import journey

    start = journey.current_plan(uow, person_id).plan.start_date
    assert start is not None, "the plan has no start date"
    return start + timedelta(weeks=weeks, days=days)


def example_intake_in_program(today: date | None = None) -> dict[str, Any]:
    """The example intake with its start date moved on by whole weeks (the weekdays stay) so that
    ``today`` falls in the program's first two weeks, as it did when the example was written.
    For tests that run the program on the calendar's today (reminders, the patient's phone);
    tests of the example as shipped read the file itself."""
    from lumbo.examples.presentations import example_intake

    doc = example_intake()
    start = date.fromisoformat(doc["preferences"]["start_date"])
    weeks = ((today or date.today()) - start).days // 7 - 1
    if weeks > 0:
        doc["preferences"]["start_date"] = (start + timedelta(weeks=weeks)).isoformat()
    return doc
