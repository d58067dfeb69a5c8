"""Plain-language text for technique data (pure; shared by the CLI, the plan view and reports)."""

from __future__ import annotations

from lumbo.domain.knowledge.model import DoseTemplate

__all__ = ["describe_dose", "duration"]


def duration(seconds: int) -> str:
    """``45`` -> ``"45 s"``, ``300`` -> ``"5 min"``, ``150`` -> ``"2 min 30 s"``."""
    minutes, rest = divmod(seconds, 60)
    if minutes == 0:
        return f"{rest} s"
    if rest == 0:
        return f"{minutes} min"
    return f"{minutes} min {rest} s"


def _minutes(value: float) -> str:
    return f"{value:g} min"


def describe_dose(dose: DoseTemplate) -> str:
    """The dose in words, e.g. ``"2 x 30 s hold each side, 15 s rest, intensity up to 6/10"``."""
    side = " each side" if dose.per_side else ""
    if dose.kind == "hold":
        core = f"{dose.sets} x {duration(dose.hold_s or 0)} hold{side}"
    elif dose.kind == "reps":
        hold = f" (hold {duration(dose.hold_s)} each)" if dose.hold_s else ""
        core = f"{dose.sets} x {dose.reps} reps{hold}{side}"
    elif dose.kind == "contract_relax":
        rounds = "round" if dose.sets == 1 else "rounds"
        core = (
            f"{dose.sets} {rounds}{side}: contract {duration(dose.contract_s or 0)} "
            f"at about {dose.contract_effort_pct}% effort, relax, "
            f"then hold the stretch {duration(dose.hold_s or 0)}"
        )
    elif dose.kind == "timed":
        core = f"{dose.sets} x {duration(dose.work_s or 0)} continuous{side}"
    elif dose.kind == "breaths":
        core = f"{dose.sets} x {dose.breaths} slow breaths{side}"
    else:  # education
        core = f"{_minutes(dose.minutes or 0)} of reading or listening"
    parts = [core]
    if dose.tempo:
        parts.append(f"tempo {dose.tempo}")
    if dose.rest_s and dose.sets > 1:
        between = "rounds" if dose.kind == "contract_relax" else "sets"
        parts.append(f"{duration(dose.rest_s)} rest between {between}")
    elif dose.rest_s and dose.per_side:
        parts.append(f"{duration(dose.rest_s)} rest between sides")
    if dose.intensity_target is not None:
        parts.append(f"intensity up to {dose.intensity_target}/10")
    return ", ".join(parts)
