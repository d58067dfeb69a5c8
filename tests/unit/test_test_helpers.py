"""The tests' calendar helpers: the example intake moved on by whole weeks, so that tests run on
the calendar's today stay inside the 12-week program whatever the date."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import example_intake_in_program

SHIPPED = date(2026, 11, 23)  # the example intake's start date (a Monday)


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (date(2026, 11, 20), SHIPPED),  # before the program: as shipped
        (date(2026, 11, 23), SHIPPED),
        (date(2026, 12, 3), SHIPPED),  # day 11, week 2: as shipped
        (date(2026, 12, 6), SHIPPED),  # day 14, the last of week 2
        (date(2026, 12, 7), date(2026, 11, 30)),  # would be week 3: one week on
        (date(2027, 3, 10), date(2027, 3, 1)),  # after the 12 weeks: still week 2
        (date(2030, 1, 1), date(2029, 12, 24)),
    ],
)
def test_the_example_is_moved_on_by_whole_weeks_to_week_one_or_two(
    today: date, start: date
) -> None:
    moved = date.fromisoformat(example_intake_in_program(today)["preferences"]["start_date"])
    assert moved == start
    assert moved.weekday() == SHIPPED.weekday()
    assert (today - moved).days < 14
