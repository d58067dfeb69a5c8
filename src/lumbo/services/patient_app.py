"""The patient's program on a phone (issue 16): what the patient's pages show, in words written for
the patient (``domain/knowledge/patient_words.toml``), never codes, ids or citations.

* :func:`referral_screen`: why no plan is shown and what to do now (emergency or "see your
  clinician before starting"), from the latest intake's red-flag answers;
* :func:`player_blocks`: the session player's blocks with a patient "why" and the timed parts of
  each set (holds inside rep exercises included);
* :func:`offline_urls`: what the service worker caches so the app opens and a session runs with no
  connection (today's page, the week's technique pages and illustrations);
* :func:`decision_lines`: a plan adjustment (after a check-in) in patient words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lumbo.domain.assessment.model import Assessment
from lumbo.domain.intake import RED_FLAG_FIELDS, Condition, Intake
from lumbo.domain.knowledge import Library
from lumbo.domain.knowledge.patient_words import patient_words
from lumbo.domain.plan_view import dose_words
from lumbo.domain.protocol.model import Session
from lumbo.domain.referral import MANDATORY, SPREAD_REASONS
from lumbo.domain.self_assessment.gate import SEE_CLINICIAN_WORDS
from lumbo.domain.session_guide import timed_phases
from lumbo.domain.thresholds import threshold
from lumbo.services._shared import active_plan, need_person, week_on
from lumbo.store.unit_of_work import AbstractUnitOfWork

EMERGENCY_FLAGS = (
    "saddle_anaesthesia",
    "bladder_or_bowel_dysfunction",
    "progressive_neurological_deficit",
)

EMERGENCY_NOW = (
    "Get same-day emergency care: go to an emergency department or call your emergency number "
    "today. Do not wait to see if it settles, and do not do your exercises."
)
CLINICIAN_NOW = (
    "See your clinician before starting your exercises. Book an appointment in the next few days. "
    "If you notice numbness between your legs, a change passing urine or stool, or new weakness "
    "in a leg, get same-day emergency care."
)
SELF_DIRECTED_NOW = (
    "See a doctor or physiotherapist before you go on with your exercises. Book an appointment "
    "in the next few days. If you notice numbness between your legs, a change passing urine or "
    "stool, or new weakness in a leg, get same-day emergency care."
)
ANSWER_NOW = (
    "Your clinician needs a few more answers before your exercises can start. Contact your "
    "clinician so they can go through these questions with you:"
)


@dataclass(frozen=True, slots=True)
class ReferralScreen:
    """Why the patient sees no plan, and what to do now."""

    emergency: bool
    title: str
    what_to_do: str
    reasons: tuple[str, ...]  # patient words, never the clinician's reason text
    questions: tuple[str, ...] = ()  # unanswered screening questions, as asked
    own_care: bool = False  # a self-directed person without a clinician: "a doctor or physio"


def self_assessment_pending(uow: AbstractUnitOfWork, person_id: str) -> bool:
    """A self-directed person without a clinician whose first plan is not made yet (filming the
    forward bend makes the person record before the plan): their pages are the self-assessment's,
    not the plan's (today, check-in, lessons and the rest have nothing to show yet)."""
    with uow:
        person = uow.journeys.get_person(person_id)
        return (
            person is not None
            and person.unsupervised
            and uow.journeys.latest_plan(person_id) is None
        )


def referral_screen(uow: AbstractUnitOfWork, person_id: str) -> ReferralScreen:
    """The patient's screen for a withheld plan, from the latest intake and assessment."""
    words = patient_words()
    with uow:
        repo = uow.journeys
        own_care = need_person(repo, person_id).unsupervised
        intakes = repo.intakes(person_id)
        assessments = repo.assessments(person_id)
    flags = intakes[-1].intake.red_flags if intakes else None
    referral = assessments[-1].assessment.referral if assessments else None
    ticked = [f for f in RED_FLAG_FIELDS if flags is not None and getattr(flags, f, None) is True]
    emergency = (referral is not None and referral.urgency == "emergency") or any(
        f in EMERGENCY_FLAGS for f in ticked
    )
    reasons = tuple(words.word("red_flags", f) for f in ticked)
    if intakes and assessments:
        reasons += _gate_words(intakes[-1].intake, assessments[-1].assessment)
    if emergency:
        return ReferralScreen(
            own_care=own_care,
            emergency=True,
            title="Get emergency care today",
            what_to_do=EMERGENCY_NOW,
            reasons=tuple(words.word("red_flags", f) for f in ticked if f in EMERGENCY_FLAGS)
            or reasons,
        )
    questions = tuple(
        MANDATORY[f] for f in (referral.unanswered if referral else ()) if f in MANDATORY
    )
    if questions and not reasons:
        return ReferralScreen(
            own_care=own_care,
            emergency=False,
            title="A few questions first",
            what_to_do=ANSWER_NOW,
            reasons=(),
            questions=questions,
        )
    if not reasons:
        who = "a doctor or physiotherapist" if own_care else "your clinician"
        reasons = (f"something in your answers needs {who} to check you before you start",)
    return ReferralScreen(
        own_care=own_care,
        emergency=False,
        title="See a doctor or physiotherapist first"
        if own_care
        else "See your clinician before starting",
        what_to_do=SELF_DIRECTED_NOW if own_care else CLINICIAN_NOW,
        reasons=reasons,
        questions=questions,
    )


def _gate_words(intake: Intake, assessment: Assessment) -> tuple[str, ...]:
    """The referral's other reasons in the person's words (the self-assessment gate's): both legs,
    back surgery, pregnancy, the age, the disability index, and a self-check's symptoms spreading
    down the leg. Only what still withholds the plan: a cleared item is not said."""
    if not assessment.referral.required:
        return ()
    w, h = SEE_CLINICIAN_WORDS, intake.history
    out = []
    if not h.clinician_clearance:
        if intake.symptoms.bilateral_leg_symptoms:
            out.append(w["bilateral"])
        if Condition.recent_spinal_surgery in h.conditions:
            out.append(w["recent"])
        elif Condition.lumbar_fusion in h.conditions:
            out.append(w["fusion"])
        min_age = threshold("self_directed_min_age")["min_age"]
        if intake.person.age < min_age:
            out.append(f"you are {intake.person.age}, and lumbo's home plans start at {min_age:g}")
        odi = assessment.scores.odi
        if odi is not None and odi.percent > threshold("odi_contact_clinician")["above"]:
            out.append(w["odi"])
    if Condition.pregnancy in h.conditions and not h.obstetric_clearance:
        out.append(w["pregnant"])
    if set(SPREAD_REASONS) & set(assessment.referral.reasons):  # a self-test's answer, no field
        out.append(w["spread"])
    return tuple(out)


def patient_why(codes: tuple[str, ...], role: str, rationale: str, side: str | None = None) -> str:
    """Why this exercise, for the patient: what it addresses in their words (and on which side),
    its part."""
    words = patient_words()
    parts = []
    if codes:
        found = "; ".join(words.word("findings", c) for c in dict.fromkeys(codes))
        where = {"left": ", on your left side", "right": ", on your right side"}
        parts.append("Because " + found + where.get(side or "", ""))
    first = rationale.strip().split(". ")[0].rstrip(".")
    if first:
        parts.append(first)
    parts.append("Its part in your session: " + words.word("roles", role))
    return ". ".join(parts) + "."


def player_blocks(session: Session, library: Library) -> list[dict[str, Any]]:
    """What the session player needs per block. ``phases`` are the timed parts of one set; for a
    rep exercise with a hold per rep (side plank 5 x 10 s), ``rep_hold_s`` times each rep."""
    words = patient_words()
    out = []
    for b in session.blocks:
        t = library.get(b.technique) if b.technique in library else None
        d = b.dose
        rationale = t.rationale if t else ""
        out.append(
            {
                "technique": b.technique,
                "name": t.name if t else b.technique.replace("_", " "),
                "role": words.word("roles", b.role.value),
                "dose": dose_words(d),
                "why": patient_why(tuple(b.addresses), b.role.value, rationale, b.side),
                "steps": list(t.steps) if t else [],
                "cues": list(t.cues) if t else [],
                "equipment": [words.word("equipment", e.value) for e in (t.equipment if t else ())],
                "kind": d.kind,
                "sets": d.sets,
                "reps": d.reps,
                "hold_s": d.hold_s,
                "rep_hold_s": d.hold_s if d.kind == "reps" and d.hold_s else None,
                "rest_s": d.rest_s,
                "side_rest_s": (d.rest_s or 10) if d.per_side else 0,
                "per_side": d.per_side,
                "intensity_target": d.intensity_target,
                "phases": [[label, seconds] for label, seconds in timed_phases(d)],
            }
        )
    return out


@dataclass(frozen=True, slots=True)
class UpcomingSession:
    session_index: int
    blocks: tuple[dict[str, Any], ...]  # the player's data per block (:func:`player_blocks`)


@dataclass(frozen=True, slots=True)
class Upcoming:
    """The rest of the week for the player: the sessions still to do after the due one."""

    week_ends_on: date
    sessions: tuple[UpcomingSession, ...]

    def to_json(self) -> dict[str, Any]:
        """As the player reads it (``player.js``: ``upcoming``)."""
        return {
            "week_ends_on": self.week_ends_on.isoformat(),
            "sessions": [
                {"session_index": s.session_index, "blocks": list(s.blocks)} for s in self.sessions
            ],
        }


def upcoming(uow: AbstractUnitOfWork, person_id: str, on: date, library: Library) -> Upcoming:
    """This week's sessions after the one due on ``on`` (not logged yet, in order), with the
    player's data for each, and the week's last day: the player keeps them so that, with no
    connection, the next session can start once the due one is finished on this device."""
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        plan = active_plan(repo, person_id)
        week_no = week_on(plan, person.created_at.date(), on)
        done = {s.log.session_index for s in repo.session_logs(person_id) if s.log.week == week_no}
    week = next(w for w in plan.plan.weeks if w.week == week_no)
    left = [s for s in week.sessions if s.index not in done][1:]
    start = plan.plan.start_date or person.created_at.date()
    ends = max(start + timedelta(days=7 * week_no - 1), on)  # before the start: still week 1
    return Upcoming(
        ends, tuple(UpcomingSession(s.index, tuple(player_blocks(s, library))) for s in left)
    )


def offline_urls(uow: AbstractUnitOfWork, person_id: str, on: date) -> list[str]:
    """The pages and pictures the service worker keeps for this patient: today's page, the
    check-in, and the technique page and illustration of every block of the current week."""
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        plan = active_plan(repo, person_id)
        week_no = week_on(plan, person.created_at.date(), on)
    week = next(w for w in plan.plan.weeks if w.week == week_no)
    techniques = sorted({b.technique for s in week.sessions for b in s.blocks})
    urls = [
        f"/patients/{person_id}/today",
        f"/patients/{person_id}/checkin",
        f"/patients/{person_id}/lessons",
    ]
    for tid in techniques:
        urls += [
            f"/techniques/{tid}",
            f"/illustrations/{tid}.svg",
            f"/illustrations/{tid}.svg?motion=1",
        ]
    return urls


def decision_lines(adjustment: Any, library: Library) -> list[str]:
    """A plan adjustment in patient words: "Cat-camel: made a little harder, ..."."""
    if adjustment is None:
        return []
    words = patient_words()
    lines = []
    for d in adjustment.decisions:
        if d.action == "hold":
            continue
        name = library.get(d.technique).name if d.technique in library else "One exercise"
        lines.append(f"{name}: {words.word('actions', d.action)}.")
    for a in adjustment.alerts:
        lines.append(words.word("alerts", a.kind))
    return lines


def progress_words(prog: dict[str, Any]) -> list[str]:
    """The patient's progress in words: sessions done, pain and stiffness from the morning
    check-ins, degrees gained against their start, the questionnaires against their first answers.
    ``prog`` is :func:`lumbo.services.journey.progress`'s JSON."""
    words = patient_words()
    lines = []
    a = prog["adherence"]
    if a["planned_sessions"]:
        lines.append(
            f"You have done {a['completed_sessions']} of the {a['planned_sessions']} sessions "
            f"planned so far."
        )
    else:
        lines.append("Your first sessions are planned for this week.")
    checkins = sorted(prog.get("checkins", []), key=lambda c: c["on"])
    if len(checkins) >= 2:
        first, last = checkins[0], checkins[-1]
        for key, label in (("pain", "pain"), ("stiffness", "stiffness")):
            lines.append(
                f"Your morning {label} went from {first[key]} to {last[key]} out of 10 "
                f"({_trend(first[key], last[key], 'lower')})."
            )
    elif checkins:
        c = checkins[0]
        lines.append(
            f"Your first morning check-in: pain {c['pain']} and stiffness {c['stiffness']} out "
            "of 10. Check in after your next sessions to see how they change."
        )
    else:
        lines.append("Check in the morning after a session to see your pain and stiffness here.")
    for r in prog.get("rom", []):
        if r["baseline_deg"] is None or r["now_deg"] is None:
            continue
        what = words.word("measures", r["measure"])
        change = r["now_deg"] - r["baseline_deg"]
        gained = (
            f"{change:.0f} degrees gained"
            if change >= 0.5
            else (f"{-change:.0f} degrees less" if change <= -0.5 else "no change yet")
        )
        lines.append(
            f"{what[0].upper()}{what[1:]}: {r['baseline_deg']:.0f} degrees at the start, "
            f"{r['now_deg']:.0f} now ({gained})."
        )
    for p in prog.get("proms", []):
        if p["baseline"] is None or p["now"] is None:
            continue
        what = words.word("measures", p["measure"])
        lines.append(
            f"{what[0].upper()}{what[1:]}: {_trend(p['baseline'], p['now'], p['better'])} since "
            "your first answers."
        )
    return lines


def _trend(before: float, now: float, better: str) -> str:
    if now == before:
        return "no change"
    improved = now < before if better == "lower" else now > before
    return "better" if improved else "worse"


def exclusion_words(reason: str) -> str:
    """One reason an exercise was left out of the plan (``domain.safety`` text), in patient words:
    a rule's own words, "it does not suit <your condition or finding>", or "it needs <equipment>".
    For the patient's view of the plan (the clinician's keeps the rule text)."""
    from lumbo.domain.safety import PERSON_RULES, RULES

    words = patient_words()
    keyed = {r.reason: r.key for r in RULES} | {r.reason: r.key for r in PERSON_RULES}
    if reason in keyed:
        return words.word("rules", keyed[reason])
    if reason.startswith("contraindicated by "):
        code = reason.removeprefix("contraindicated by ").split(" ", 1)[0]
        what = words.findings.get(code) or words.conditions.get(code)
        if what is not None:
            return f"left out because it does not suit you: {what}"
        return words.word("rules", "contraindication")
    if reason.startswith("needs equipment not available: "):
        items = reason.removeprefix("needs equipment not available: ").split(", ")
        return "left out because it needs " + " and ".join(
            words.word("equipment", e) for e in items
        )
    return words.word("rules", "contraindication")
