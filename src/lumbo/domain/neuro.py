"""The neurological screen (myotomes, reflexes, dermatomal sensation, each side) and nerve-root signs.

Absent fields are "not assessed", never "normal". A new or significant motor deficit is a referral
reason (:mod:`lumbo.domain.referral`); nerve-root signs make the Flynn 2002 and Hicks 2005 rules not
applicable (both were derived in non-radicular low back pain).
"""

from __future__ import annotations

from lumbo.domain.intake import Distribution, Intake, NeuroGrade

_PARTS: tuple[str, ...] = ("myotomes", "reflexes", "dermatomes")
_WORD = {
    ("myotomes", NeuroGrade.reduced): "weakness",
    ("myotomes", NeuroGrade.absent): "marked weakness",
    ("reflexes", NeuroGrade.reduced): "reduced reflex",
    ("reflexes", NeuroGrade.absent): "absent reflex",
    ("dermatomes", NeuroGrade.reduced): "reduced sensation",
    ("dermatomes", NeuroGrade.absent): "absent sensation",
}


def neuro_signs(intake: Intake) -> list[str]:
    """Abnormal neurological screen results, e.g. ``"weakness on the left"``."""
    screen = intake.measurements.neuro_screen
    if screen is None:
        return []
    out = []
    for part in _PARTS:
        sides = getattr(screen, part)
        for side in ("left", "right"):
            grade = getattr(sides, side) if sides is not None else None
            if grade is not None and grade is not NeuroGrade.normal:
                out.append(f"{_WORD[(part, grade)]} on the {side}")
    return out


def motor_deficit_reason(intake: Intake) -> str | None:
    """Why the neurological screen needs a clinician: a significant (marked) motor deficit, or a
    motor deficit recorded as new. None otherwise."""
    screen = intake.measurements.neuro_screen
    if screen is None or screen.myotomes is None:
        return None
    grades = {s: getattr(screen.myotomes, s) for s in ("left", "right")}
    marked = [s for s, g in grades.items() if g is NeuroGrade.absent]
    weak = [s for s, g in grades.items() if g in {NeuroGrade.reduced, NeuroGrade.absent}]
    if marked:
        return f"significant muscle weakness on the {' and '.join(marked)} (neurological screen)"
    if weak and screen.motor_deficit_new:
        return f"new muscle weakness on the {' and '.join(weak)} (neurological screen)"
    return None


def nerve_root_signs(intake: Intake) -> list[str]:
    """Nerve-root signs: symptoms below the knee with a positive straight-leg raise or slump test,
    or neurological signs on the screen. Empty when there are none (or nothing was assessed)."""
    m = intake.measurements
    out: list[str] = []
    if intake.symptoms.distribution is Distribution.below_knee:
        tests = []
        for side in ("left", "right"):
            if m.slr_reproduces_leg_symptoms and getattr(m.slr_reproduces_leg_symptoms, side):
                tests.append(f"straight-leg raise {side}")
            slump = getattr(m.slump, side) if m.slump else None
            if slump is not None and slump.value == "positive":
                tests.append(f"slump test {side}")
        if tests:
            out.append("symptoms below the knee with a positive " + " and ".join(tests))
    signs = neuro_signs(intake)
    if signs:
        out.append("neurological signs: " + ", ".join(signs))
    return out
