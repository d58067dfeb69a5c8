"""What a guided session shows and times, shared by the terminal guide and the web session player."""

from __future__ import annotations

from lumbo.domain.protocol.model import Dose
from lumbo.domain.safety import MAX_STRETCH_INTENSITY

STRETCH_KINDS = frozenset({"hold", "contract_relax", "timed"})
SECONDS_PER_BREATH = 6
OVERSTRETCH = (
    f"Overstretch warning: ease off now. Stretch intensity above {MAX_STRETCH_INTENSITY}/10, sharp "
    "or shooting pain, or "
    "new numbness or tingling means this technique will be regressed. If symptoms persist or "
    "spread, stop the session and contact your clinician."
)


def timed_phases(d: Dose) -> list[tuple[str, float]]:
    """The timed phases of one set (empty for rep-counted and reading blocks)."""
    if d.kind == "hold" and d.hold_s:
        return [("hold", d.hold_s)]
    if d.kind == "contract_relax":
        return [("contract", d.contract_s or 0), ("relax into the stretch", d.hold_s or 0)]
    if d.kind == "timed" and d.work_s:
        return [("work", d.work_s)]
    if d.kind == "breaths" and d.breaths:
        return [("breathe", d.breaths * SECONDS_PER_BREATH)]
    return []
