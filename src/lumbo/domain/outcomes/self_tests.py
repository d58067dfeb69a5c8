"""Change in the self-tests that have no published norm (issue 20): the fingertip-to-floor distance
and the 30-second sit-to-stand. clinical-reference.md gives no norm, minimal detectable change or
MCID for either, so lumbo compares each result with the person's own first one and says so (lumbo
policy); it invents no cut-off. Pure."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from lumbo.domain.intake import Intake

OWN_BASELINE = (
    "compared with your own first result only: lumbo has no norm or measurement-error figure for "
    "this test, so a small change may be noise (lumbo policy)"
)


class SelfTestChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    measure: str
    unit: str
    better: Literal["lower", "higher"]
    baseline: float | None
    now: float | None
    change: float | None
    statement: str


SELF_TEST_MEASURES: tuple[tuple[str, str, Literal["lower", "higher"], str], ...] = (
    ("fingertip_to_floor_cm", "cm", "lower", "fingertip-to-floor distance"),
    ("sit_to_stand_30s", "stands", "higher", "30-second sit-to-stand"),
)


def self_test_changes(base: Intake, now: Intake) -> tuple[SelfTestChange, ...]:
    """One change per self-test recorded at baseline or follow-up (none: an empty tuple)."""
    out = []
    for measure, unit, better, label in SELF_TEST_MEASURES:
        b = getattr(base.measurements, measure)
        n = getattr(now.measurements, measure)
        if b is None and n is None:
            continue
        if b is None or n is None:
            missing = "your first self-assessment" if b is None else "this self-check"
            text = f"{label}: not done at {missing}"
            out.append(SelfTestChange(measure=measure, unit=unit, better=better, baseline=b,
                                      now=n, change=None, statement=text))  # fmt: skip
            continue
        change = round(float(n) - float(b), 1)
        word = "no change" if change == 0 else (
            "better" if (change < 0) == (better == "lower") else "worse"
        )  # fmt: skip
        text = f"{label}: {b:g} -> {n:g} {unit} ({change:+g}, {word}); {OWN_BASELINE}"
        out.append(SelfTestChange(measure=measure, unit=unit, better=better, baseline=b, now=n,
                                  change=change, statement=text))  # fmt: skip
    return tuple(out)
