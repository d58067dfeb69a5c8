"""The window of dates lumbo accepts from its users (lumbo policy).

A session, a check-in or a plan start outside 2000-01-01 .. 2099-12-31 is a typing or clock
error, not a record: year 1 or 9999 would otherwise create plan versions, overflow date
arithmetic (a 12-week plan starting 9999-12-31 ends after the last date Python can hold) and sort
before or after every real record. The window is wide enough for any real programme.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def in_window(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be a date from {EARLIEST.isoformat()} to {LATEST.isoformat()}")
    return value


RecordDate = Annotated[date, AfterValidator(in_window)]
