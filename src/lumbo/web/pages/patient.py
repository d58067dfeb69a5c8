"""Patient pages: today's session player (logs go to ``POST /api/patients/{id}/sessions`` from
the browser, queued offline) and the next-morning check-in (``journey.record_checkin``)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from lumbo.domain.errors import InvalidInput
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.model import CheckIn
from lumbo.services import journey, patient_records
from lumbo.services.parsing import parse_model
from lumbo.web.deps import Ctx, CurrentPrincipal, Patient
from lumbo.web.pages import views
from lumbo.web.pages.clinician import patient_nav
from lumbo.web.pages.common import PageRoute, person_label, render

WARNING_QUESTIONS = (
    ("saddle_numbness", "Numbness between your legs or around your back passage"),
    ("bladder_or_bowel_change", "A new problem passing or holding urine or stool"),
    ("new_weakness", "New weakness in a leg"),
    ("symptoms_spread_down_leg", "Pain, numbness or tingling spreading further down your leg"),
)
"""The warning-sign questions asked in plain words (keys of ``adjust.STOP_SIGNS``)."""

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/patients/{person_id}/today", response_class=HTMLResponse)
def today(request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx) -> HTMLResponse:
    due = journey.today(ctx.store.uow(), scope.person_id, date.today())
    blocks = [] if due.session is None else views.player_data(due.session, library())
    context = {
        "title": "Today's session",
        **patient_nav(scope.person_id, person_label(scope.person), "today"),
        "due": due,
        "blocks": blocks,
        "overstretch": views.OVERSTRETCH_TEXT,
        "player": {
            "person_id": scope.person_id,
            "plan_version": due.plan_version,
            "week": due.week,
            "session_index": None if due.session is None else due.session.index,
            "performed_on": due.on.isoformat(),
            "blocks": blocks,
        },
    }
    return render(request, "today.html", context, principal=principal)


def _checkin_page(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    *,
    errors: list[str] | None = None,
    done: journey.Recorded | None = None,
    status: int = 200,
) -> HTMLResponse:
    logs = patient_records.session_logs(ctx.store.uow(), scope.person_id)
    context = {
        "title": "Morning check-in",
        **patient_nav(scope.person_id, person_label(scope.person), "checkin"),
        "checkin_id": "ci-" + uuid.uuid4().hex,
        "on": date.today().isoformat(),
        "sessions": list(reversed(logs))[:10],
        "errors": errors,
        "done": done,
        "warning_questions": WARNING_QUESTIONS,
    }
    return render(request, "checkin.html", context, principal=principal, status=status)


@router.get("/patients/{person_id}/checkin", response_class=HTMLResponse)
def checkin(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    return _checkin_page(request, scope, principal, ctx)


@router.post("/patients/{person_id}/checkin", response_class=HTMLResponse)
def checkin_submit(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    checkin_id: Annotated[str, Form(max_length=64)],
    on: Annotated[str, Form(max_length=10)],
    pain: Annotated[int, Form()],
    stiffness: Annotated[int, Form()],
    session_id: Annotated[str, Form(max_length=64)] = "",
    warning_signs: Annotated[list[str] | None, Form()] = None,
) -> Response:
    data = {
        "warning_signs": warning_signs or [],
        "checkin_id": checkin_id,
        "on": on,
        "session_id": session_id or None,
        "pain": pain,
        "stiffness": stiffness,
    }
    try:
        entry = parse_model(CheckIn, data, "check-in")
        done = journey.record_checkin(ctx.store.uow(), scope.person_id, entry)
    except InvalidInput as exc:
        lines = [f"{p.path}: {p.message}" for p in exc.problems]
        return _checkin_page(request, scope, principal, ctx, errors=lines, status=422)
    return _checkin_page(request, scope, principal, ctx, done=done)
