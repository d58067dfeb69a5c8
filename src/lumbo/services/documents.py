"""The data of the printed documents: home-exercise handout, assessment report, progress report.

Each function reads through the same services as the pages, the API and the CLI and returns a
plain dict for the document templates (:mod:`lumbo.reports.documents`). The handout is written
for the patient (plain second person: no codes, ids or source keys); the assessment report is for
the clinician and the record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from lumbo.domain.assessment.model import Assessment
from lumbo.domain.explain import (
    REGION_TITLES,
    finding_name,
    plain_finding,
    score_rows,
    what_this_means,
    where,
)
from lumbo.domain.knowledge import Library, library
from lumbo.domain.norms import sources
from lumbo.domain.plan_view import dose_words
from lumbo.domain.progression import config
from lumbo.domain.protocol.model import Plan, Session
from lumbo.domain.safety import MAX_STRETCH_INTENSITY
from lumbo.reports.svg import Series, adherence_calendar, prom_chart, rom_chart, trend_chart
from lumbo.services import journey, patient_records
from lumbo.services._shared import need_person
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = ["RULE_NAMES", "assessment_report", "handout", "progress_report"]

RULE_NAMES = {
    "flynn_manipulation": "Flynn 2002 manipulation rule",
    "hicks_stabilization": "Hicks 2005 stabilization rule (success)",
    "hicks_stabilization_failure": "Hicks 2005 stabilization rule (failure)",
}

ROLE_WORDS = {
    "warmup": "Warm-up",
    "breath": "Breathing",
    "release": "Stretch and release",
    "neural": "Nerve mobility",
    "mobilize": "Mobility",
    "stabilize": "Strength and control",
    "integrate": "Putting it together",
    "education": "Learning",
}

# "When to stop and seek help": the plain text of the red-flag and stop rules the plan applies
# (warning-signs-education in the technique library; session guide's overstretch guard).
EMERGENCY = (
    "Numbness between your legs or around your back passage (the area you would sit on a saddle).",
    "New trouble passing or holding urine, or new loss of control of your bowels.",
    "Weakness or numbness in one or both legs that is getting worse.",
)
STOP_AND_TELL = (
    "Sharp or shooting pain during an exercise.",
    "New numbness, tingling or pins and needles in a leg or foot.",
    "A stretch that feels stronger than 7 out of 10: ease off until it is 7 or less.",
    "Pain that is worse the next morning than before you exercised, two sessions in a row.",
)
SEEK_CARE = (
    "Back pain with a fever, or feeling generally unwell.",
    "Pain that keeps you awake at night and does not ease when you change position.",
    "Back pain after a fall or an accident.",
)


def _who(uow: AbstractUnitOfWork, person_id: str) -> dict[str, Any]:
    with uow:
        person = need_person(uow.journeys, person_id)
        accounts = uow.accounts
        owner = accounts.get_user(person.owner_id) if person.owner_id else None
        account = accounts.account_of_person(person_id)
    return {
        "name": person.external_ref or "You",
        "clinician": owner.email if owner else None,
        "account": account.email if account else None,
    }


def _exercise(lib: Library, b: Any) -> dict[str, Any]:
    t = lib.get(b.technique) if b.technique in lib else None
    stop_if = list(t.cautions) if t else []
    return {
        "technique": b.technique,
        "name": t.name if t else b.technique.replace("-", " "),
        "kind": ROLE_WORDS.get(b.role.value, b.role.value),
        "summary": t.summary if t else "",
        "dose": dose_words(b.dose),
        "per_side": b.dose.per_side,
        "minutes": b.estimated_minutes,
        "steps": list(t.steps) if t else [],
        "cues": list(t.cues) if t else [],
        "stop_if": stop_if
        or ["Stop if you feel sharp or shooting pain, or new numbness or tingling."],
    }


def _distinct_sessions(plan: Plan, first_week: int) -> list[tuple[list[int], Session]]:
    """The different sessions from ``first_week`` on, each with the weeks it is done in."""
    seen: list[tuple[list[int], Session]] = []
    for w in plan.weeks:
        if w.week < first_week:
            continue
        for s in w.sessions:
            key = tuple((b.technique, b.dose) for b in s.blocks)
            for weeks, known in seen:
                if tuple((b.technique, b.dose) for b in known.blocks) == key:
                    if w.week not in weeks:
                        weeks.append(w.week)
                    break
            else:
                seen.append(([w.week], s))
    return seen


def _weeks_words(weeks: list[int]) -> str:
    runs: list[str] = []
    start = prev = weeks[0]
    for w in [*weeks[1:], None]:
        if w is not None and w == prev + 1:
            prev = w
            continue
        runs.append(f"{start}" if start == prev else f"{start}-{prev}")
        if w is not None:
            start = prev = w
    return ("Week " if len(weeks) == 1 else "Weeks ") + ", ".join(runs)


def handout(
    uow_factory: Callable[[], AbstractUnitOfWork],
    person_id: str,
    on: date,
    *,
    app_url: str,
    whole_plan: bool = False,
) -> dict[str, Any]:
    """The patient's home-exercise handout: the sessions of this week (or, with ``whole_plan``,
    every different session of the 12 weeks), each exercise in full the first time it appears and
    by its dose and a pointer to that first place after that."""
    lib = library()
    who = _who(uow_factory(), person_id)
    due = journey.today(uow_factory(), person_id, on)
    plan = journey.current_plan(uow_factory(), person_id).plan
    if whole_plan:
        groups = _distinct_sessions(plan, 1)
    else:
        week = plan.weeks[due.week - 1]
        groups = [([due.week], s) for s in week.sessions]
        # the same session done several times this week is printed once
        unique: list[tuple[list[int], Session]] = []
        for weeks, s in groups:
            if not any(u.blocks == s.blocks for _, u in unique):
                unique.append((weeks, s))
        groups = unique
    sessions = []
    shown: dict[str, str] = {}  # technique -> where it is printed in full (e.g. "A2")
    for n, (weeks, s) in enumerate(groups, start=1):
        letter = chr(64 + n) if n <= 26 else str(n)
        exercises = []
        for i, b in enumerate(s.blocks, start=1):
            e = _exercise(lib, b)
            e["label"] = f"{letter}{i}"
            e["see"] = shown.get(b.technique)
            shown.setdefault(b.technique, e["label"])
            exercises.append(e)
        per_week = sum(
            1 for w in plan.weeks if w.week == weeks[0] for x in w.sessions if x.blocks == s.blocks
        )
        sessions.append(
            {
                "title": f"Session {letter}",
                "when": _weeks_words(sorted(weeks)),
                "times_a_week": per_week,
                "minutes": round(s.estimated_minutes),
                "exercises": exercises,
            }
        )
    schedule = [
        {
            "week": w.week,
            "phase": (w.phase_name or w.phase).replace("_", " "),
            "sessions": len(w.sessions),
            "reassessment": w.reassessment,
            "current": w.week == due.week,
        }
        for w in plan.weeks
    ]
    return {
        "kind": "handout",
        "title": "Your home exercise programme",
        "name": who["name"],
        "clinician": who["clinician"],
        "account": who["account"],
        "start_date": due.start_date.isoformat(),
        "printed_on": on.isoformat(),
        "week": due.week,
        "phase": due.phase.replace("_", " "),
        "sessions_per_week": plan.sessions_per_week,
        "minutes_per_session": plan.minutes_per_session,
        "app_url": app_url,
        "sessions": sessions,
        "schedule": schedule,
        "whole_plan": whole_plan,
        "emergency": list(EMERGENCY),
        "stop_and_tell": list(STOP_AND_TELL),
        "seek_care": list(SEEK_CARE),
    }


def assessment_sections(
    a: Assessment,
) -> tuple[list[tuple[str, list[dict[str, Any]]]], list[dict[str, Any]]]:
    """The findings grouped by region (in the order of ``REGION_TITLES``) and the prediction rules
    with their names: what the assessment page and the assessment report show."""
    regions: dict[str, list[dict[str, Any]]] = {}
    for f in a.findings:
        regions.setdefault(f.region, []).append(
            {
                "code": f.code,
                "name": finding_name(f.code),
                "where": where(f),
                "severity": f.severity.value,
                "plain": plain_finding(f),
                "evidence": list(f.evidence),
            }
        )
    order = list(REGION_TITLES)
    grouped = [
        (REGION_TITLES.get(r, r), regions[r])
        for r in sorted(regions, key=lambda r: order.index(r) if r in order else 99)
    ]
    rules = [
        {"name": RULE_NAMES.get(k, k), **r.model_dump(mode="json")} for k, r in a.rules.items()
    ]
    return grouped, rules


def progress_charts(prog: dict[str, Any]) -> dict[str, str]:
    """The progress charts (range of motion, questionnaires, adherence, session trend) as SVG,
    from ``journey.progress(...).to_json()``: the progress page and the progress report."""
    sessions = prog["sessions"]
    next_morning = {c["session_id"]: c["pain"] for c in prog["checkins"] if c.get("session_id")}
    labels = [f"W{s['week']}S{s['session_index']}" for s in sessions]
    series = [
        Series("intensity (max)", tuple(s["max_intensity"] for s in sessions), "#0b5394"),
        Series("pain during", tuple(s["max_pain_during"] for s in sessions), "#a33a00", "6 3"),
        Series("pain after", tuple(s["max_pain_after"] for s in sessions), "#6a1b9a", "2 2"),
        Series(
            "pain next morning",
            tuple(next_morning.get(s["session_id"]) for s in sessions),
            "#1e6b30",
            "8 2 2 2",
        ),
    ]
    pain_limit = config().pain.acceptable_max
    return {
        "rom": rom_chart(prog["rom"]),
        "proms": prom_chart(prog["proms"]),
        "adherence": adherence_calendar(prog["adherence"]["by_week"]),
        "trend": trend_chart(
            labels,
            series,
            limits=[
                (MAX_STRETCH_INTENSITY, f"overstretch guard {MAX_STRETCH_INTENSITY}/10"),
                (pain_limit, f"pain limit {pain_limit}/10"),
            ],
        ),
    }


def assessment_report(
    uow_factory: Callable[[], AbstractUnitOfWork], person_id: str
) -> dict[str, Any]:
    """Referral status, scores with bands, findings with evidence and sources, prediction rules
    criterion by criterion, classification: the latest assessment, for the clinician."""
    who = _who(uow_factory(), person_id)
    found = patient_records.assessments(uow_factory(), person_id)
    if not found:
        return {"kind": "assessment", "title": "Assessment report", **who, "assessment": None}
    latest = found[-1]
    a = Assessment.model_validate(latest.assessment)
    grouped, rules = assessment_sections(a)
    evidence = " ".join(e for f in a.findings for e in f.evidence)
    cited = sorted(
        {s.citation for s in sources().values() if s.short and s.short in evidence},
        key=str.lower,
    )
    return {
        "kind": "assessment",
        "sources": cited,
        "title": "Assessment report",
        **who,
        "assessment": a,
        "assessed_on": latest.created_at[:10],
        "count": len(found),
        "scores": score_rows(a.scores),
        "regions": grouped,
        "rules": rules,
        "meaning": what_this_means(a),
    }


def progress_report(
    uow_factory: Callable[[], AbstractUnitOfWork], person_id: str, on: date
) -> dict[str, Any]:
    """Outcomes against baseline, MCID and age norms, with the charts the pages draw."""
    who = _who(uow_factory(), person_id)
    prog = journey.progress(uow_factory(), person_id, on).to_json()
    return {
        "kind": "progress",
        "title": "Progress report",
        **who,
        "printed_on": on.isoformat(),
        "progress": prog,
        "charts": progress_charts(prog),
    }
