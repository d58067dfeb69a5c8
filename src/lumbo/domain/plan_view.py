"""A plan for humans, as plain text lines (pure; the CLI wraps them in Rich, reports print them).

``plan_lines(plan)`` renders week -> session -> block with the dose in words and "why this
exercise"; ``excluded_lines`` and ``notes`` say what was left out and why. Technique names come from
the library when it knows the id (the id is shown otherwise).
"""

from __future__ import annotations

from lumbo.domain.knowledge import Library
from lumbo.domain.knowledge import library as shipped_library
from lumbo.domain.knowledge.describe import describe_dose
from lumbo.domain.knowledge.model import DoseTemplate
from lumbo.domain.protocol.model import Block, Dose, Plan, Session, Week
from lumbo.domain.referral import ANSWER_FIRST

__all__ = ["block_lines", "dose_words", "plan_lines", "session_lines", "week_lines"]

_STAGE_WORDS = {
    "warmup": "warm-up",
    "release": "release",
    "mobilize": "mobilize",
    "stabilize": "stabilize",
    "integrate": "integrate",
    "cooldown": "cool-down",
}


def dose_words(dose: Dose) -> str:
    """The dose in words, e.g. ``"2 x 30 s hold each side, intensity up to 5/10"``."""
    # describe_dose reads the same fields; a progressed dose may sit outside template bounds.
    return describe_dose(DoseTemplate.model_construct(**dose.model_dump()))


def _name(lib: Library | None, tid: str) -> str:
    if lib is not None and tid in lib:
        return lib.get(tid).name
    return tid


def block_lines(block: Block, position: int, session: Session, lib: Library | None) -> list[str]:
    stage = _STAGE_WORDS.get(block.stage or "", block.role.value)
    head = (
        f"{position + 1}. {_name(lib, block.technique)} [{stage}] "
        f"- {dose_words(block.dose)} (~{block.estimated_minutes:g} min)"
    )
    lines = [head, f"   why this exercise: {block.why}"]
    if block.pairs_with is not None and block.pairs_with < len(session.blocks):
        partner = session.blocks[block.pairs_with]
        lines.append(
            f"   followed by block {block.pairs_with + 1} ({_name(lib, partner.technique)}) "
            "to stabilize what this releases"
        )
    return lines


def session_lines(session: Session, lib: Library | None) -> list[str]:
    lines = [f"  Session {session.index} (~{session.estimated_minutes:g} min)"]
    for i, block in enumerate(session.blocks):
        lines += ["    " + line for line in block_lines(block, i, session, lib)]
    return lines


def week_lines(week: Week, lib: Library | None) -> list[str]:
    title = f"Week {week.week} - {week.phase_name or week.phase}"
    if week.reassessment:
        title += " (reassessment week)"
    lines = [title]
    sessions = list(week.sessions)
    first = sessions[0] if sessions else None
    if first is not None and all(s.blocks == first.blocks for s in sessions):
        lines += session_lines(first, lib)
        if len(sessions) > 1:
            lines.append(f"  (the same session {len(sessions)} times this week)")
        return lines
    for s in sessions:
        lines += session_lines(s, lib)
    return lines


def plan_lines(plan: Plan, library: Library | None = None, week: int | None = None) -> list[str]:
    """The whole plan (or one ``week``) as text lines."""
    lib = library if library is not None else shipped_library()
    if plan.status == "referral_required":
        reasons = plan.referral_reasons
        only_questions = bool(reasons) and all(r.startswith(ANSWER_FIRST) for r in reasons)
        lines = [
            "No plan yet: some safety questions are not answered."
            if only_questions
            else "No plan: a clinician must see you first."
        ]
        lines += [f"  - {r}" for r in reasons]
        return lines
    lines = [
        f"12-week plan (version {plan.version}): {plan.sessions_per_week or '?'} sessions a week, "
        f"up to {plan.minutes_per_session or '?'} min each; reassessment in weeks "
        + ", ".join(str(w) for w in plan.reassessment_weeks)
    ]
    for w in plan.weeks:
        if week is None or w.week == week:
            lines += week_lines(w, lib)
    if plan.excluded:
        lines.append("Left out for your safety or equipment:")
        lines += [f"  - {_name(lib, e.technique)}: {'; '.join(e.reasons)}" for e in plan.excluded]
    if plan.notes:
        lines.append("Notes:")
        lines += [f"  - {n}" for n in plan.notes]
    return lines
