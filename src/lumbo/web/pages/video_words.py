"""A video analysis result (the ``lumbo measure`` JSON) in plain words for the web pages: what was
measured, how sure it is, what would help, and whether it may go into the record. Never a dict, a
field name or a command-line option."""

from __future__ import annotations

from typing import Any

from lumbo.domain.movements import Movement
from lumbo.services.video_jobs import acceptable, result_fields

FIELD_LABELS = {
    "lumbar_flexion_deg": "Low-back forward bending (estimate)",
    "lumbar_extension_deg": "Low-back backward bending (estimate)",
    "lateral_flexion_left_deg": "Low-back side bending to the left (estimate)",
    "lateral_flexion_right_deg": "Low-back side bending to the right (estimate)",
    "rotation_left_deg": "Trunk rotation to the left (estimate)",
    "rotation_right_deg": "Trunk rotation to the right (estimate)",
}

MOVEMENT_LABELS: dict[str, str] = {
    Movement.trunk_flexion: "Forward bend",
    Movement.trunk_extension: "Backward bend",
    Movement.lateral_flexion: "Side bend",
    Movement.rotation: "Trunk rotation",
}

#: Warnings that name a command-line option or repeat what the summary says are not shown.
HIDDEN_WARNINGS = ("--camera-tilt", "no complete repetition detected", "reported as null")


def _deg(value: Any) -> str:
    return f"{float(value):.0f} degrees"


def describe(result: dict[str, Any]) -> dict[str, Any]:
    """The words the result page shows for one analysis."""
    verdict = result.get("verdict") or {}
    measured = verdict.get("measured", True)
    named = str(result.get("movement", ""))
    movement = m.value if (m := Movement.of(named)) is not None else named
    s = result.get("summary") or {}
    values: list[tuple[str, str]] = []
    if measured and s.get("peak_deg") is not None:
        base = s.get("baseline_deg")
        unc = s.get("uncertainty_deg")
        if "peak_left_deg" in s:
            for side in ("left", "right"):
                x = s.get(f"excursion_{side}_deg")
                if x is not None:
                    values.append(
                        (f"Trunk leaning to the {side} (what the camera saw)", f"{_deg(x)}")
                    )
        elif base is not None:
            text = _deg(float(s["peak_deg"]) - float(base)) + " from your starting position"
            if unc is not None:
                text += f", give or take {_deg(unc)}"
            values.append(("Trunk movement (what the camera saw)", text))
    reliable, unreliable, unc_by_field = result_fields(result)
    for name, value in reliable.items():
        text = _deg(value)
        if name in unc_by_field:
            text += f", give or take {_deg(unc_by_field[name])}"
        values.append((FIELD_LABELS.get(name, name.replace("_", " ")), text))
    for name, value in unreliable.items():
        text = (
            f"{_deg(value)}, give or take {_deg(unc_by_field.get(name, 0))}: too uncertain to use"
        )
        values.append((FIELD_LABELS.get(name, name.replace("_", " ")), text))
    reps = result.get("reps") or []
    if measured:
        values.append(("Repetitions seen", str(len(reps))))
    notes = [c.get("message", "") for c in result.get("compensations") or [] if c.get("message")]
    notes += [
        str(w)
        for w in result.get("warnings") or []
        if not any(h in str(w) for h in HIDDEN_WARNINGS)
    ]
    headline = verdict.get("message") or (
        f"{MOVEMENT_LABELS.get(movement, 'The movement')} was measured."
    )
    return {
        "movement": MOVEMENT_LABELS.get(movement, movement.replace("-", " ").capitalize()),
        "measured": bool(measured),
        "reliable": bool(verdict.get("reliable", True)),
        "headline": headline,
        "advice": list(verdict.get("advice") or []),
        "rows": values,
        "notes": notes,
        "acceptable": acceptable(result),
    }
