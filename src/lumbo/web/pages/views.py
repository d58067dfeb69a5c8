"""View models of the pages: plain dicts and dataclasses assembled from the services' results.

Everything here reads through the same services as the JSON API and the CLI
(``lumbo.services.journey``, ``patient_records``, ``plan_edit``); it only arranges their answers
for the templates (grouping, labels, which alerts to show first).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lumbo.domain.assessment.model import Assessment
from lumbo.domain.explain import score_rows, what_this_means
from lumbo.domain.knowledge import Library
from lumbo.domain.plan_view import dose_words
from lumbo.domain.protocol.model import Session
from lumbo.domain.session_guide import OVERSTRETCH
from lumbo.services import journey, patient_app, patient_records, phone_questionnaires, plan_edit
from lumbo.services.caseload import CaseloadPage, CaseloadRow, caseload
from lumbo.services.documents import assessment_sections, progress_charts
from lumbo.store.db import Store
from lumbo.web.pages import video_words

RULE_NAMES = {
    "flynn_manipulation": "Flynn 2002 manipulation rule",
    "hicks_stabilization": "Hicks 2005 stabilization rule (success)",
    "hicks_stabilization_failure": "Hicks 2005 stabilization rule (failure)",
}


PatientRow = CaseloadRow  # the patient list's rows (``lumbo.services.caseload``)


def patient_rows(
    store: Store, owner_id: str, on: date, **options: Any
) -> tuple[list[PatientRow], CaseloadPage]:
    """One page of the clinician's patients (``options``: page, per_page, q, attention_only,
    sort, as :func:`lumbo.services.caseload.caseload` takes them)."""
    found = caseload(store.uow(), owner_id, on, **options)
    return found.rows, found


def assessment_view(store: Store, person_id: str) -> dict[str, Any]:
    found = patient_records.assessments(store.uow(), person_id)
    if not found:
        return {"assessment": None}
    latest = found[-1]
    a = Assessment.model_validate(latest.assessment)
    grouped, rules = assessment_sections(a)
    return {
        "assessment": a,
        "created_at": latest.created_at[:10],
        "count": len(found),
        "scores": score_rows(a.scores),
        "regions": grouped,
        "rules": rules,
        "meaning": what_this_means(a),
    }


def plan_view(store: Store, person_id: str, library: Library, on: date) -> dict[str, Any]:
    view = plan_edit.plan_with_approval(store.uow(), person_id)
    today = journey.today(store.uow(), person_id, on)
    plan = view.plan.plan

    def name(tid: str) -> str:
        return library.get(tid).name if tid in library else tid

    weeks = []
    for w in plan.weeks:
        sessions = list(w.sessions)
        same = bool(sessions) and all(s.blocks == sessions[0].blocks for s in sessions)
        shown = sessions[:1] if same else sessions
        weeks.append(
            {
                "week": w.week,
                "phase": w.phase_name or w.phase,
                "reassessment": w.reassessment,
                "repeat": len(sessions) if same else 1,
                "sessions": [_session_rows(s, name, library) for s in shown],
            }
        )
    used = sorted(
        {b.technique for w in plan.weeks[today.week - 1 :] for s in w.sessions for b in s.blocks}
    )
    swaps = [
        {"technique": t, "name": name(t), "options": [(o, name(o)) for o in options]}
        for t in used
        if t in library and (options := plan_edit.declared_alternatives(library, t))
    ]
    return {
        "version": view.plan.version,
        "reason": view.plan.reason,
        "changed_by": view.changed_by,
        "approval": view.approval,
        "plan": plan,
        "weeks": weeks,
        "current_week": today.week,
        "swaps": swaps,
        "excluded": [(name(e.technique), "; ".join(e.reasons)) for e in plan.excluded],
        "notes": list(plan.notes),
    }


def _session_rows(s: Session, name: Any, library: Library) -> dict[str, Any]:
    blocks = []
    for i, b in enumerate(s.blocks):
        rationale = library.get(b.technique).rationale if b.technique in library else ""
        j = b.pairs_with
        pairs = None if j is None or j >= len(s.blocks) else (j + 1, name(s.blocks[j].technique))
        blocks.append(
            {
                "n": i + 1,
                "technique": b.technique,
                "name": name(b.technique),
                "stage": (b.stage or b.role.value).replace("warmup", "warm-up"),
                "dose": dose_words(b.dose),
                "minutes": b.estimated_minutes,
                "why": b.why,
                "patient_why": patient_app.patient_why(
                    tuple(b.addresses), b.role.value, rationale, b.side
                ),
                "pairs": pairs,
            }
        )
    return {"index": s.index, "minutes": s.estimated_minutes, "blocks": blocks}


OVERSTRETCH_TEXT = OVERSTRETCH


def progress_view(store: Store, person_id: str, on: date) -> dict[str, Any]:
    prog = journey.progress(store.uow(), person_id, on).to_json()
    measurements = [
        {**m.to_json(), "words": video_words.describe(m.result)}
        for m in patient_records.measurements(store.uow(), person_id)
    ]
    notes = [
        {
            "performed_on": log.performed_on.isoformat(),
            "week": log.week,
            "session_index": log.session_index,
            "text": log.notes,
        }
        for log in patient_records.session_logs(store.uow(), person_id)
        if log.notes
    ]
    return {
        "progress": prog,
        "session_notes": sorted(notes, key=lambda n: n["performed_on"], reverse=True),
        "measurements": measurements,
        "charts": progress_charts(prog),
        "phone_questionnaires": phone_questionnaires.results(store.uow(), person_id),
    }


def for_patient(view: dict[str, Any]) -> dict[str, Any]:
    """The plan view as the patient reads it: why each exercise is there and why one was left out
    in their words (``patient_app.patient_why``, ``exclusion_words``) and why the version changed,
    never a finding code, a severity grade, an equipment id or a session id."""
    plan = view["plan"]
    weeks = [
        {
            **w,
            "sessions": [
                {**s, "blocks": [{**b, "why": b["patient_why"]} for b in s["blocks"]]}
                for s in w["sessions"]
            ],
        }
        for w in view["weeks"]
    ]
    excluded = [
        (name, "; ".join(dict.fromkeys(patient_app.exclusion_words(r) for r in e.reasons)))
        for (name, _), e in zip(view["excluded"], plan.excluded, strict=True)
    ]
    reason = str(view.get("reason") or "")
    words = (
        "adjusted to how your sessions went"
        if reason.startswith("adjusted")
        else "made for you from your assessment"
        if view.get("version") == 1
        else "changed by your clinician"
    )
    return {**view, "weeks": weeks, "excluded": excluded, "reason": words}
