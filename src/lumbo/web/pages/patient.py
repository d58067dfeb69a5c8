"""Patient pages: today's session player (logs go to ``POST /api/patients/{id}/sessions`` from
the browser, queued offline) and the next-morning check-in (``journey.record_checkin``)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.domain.errors import InvalidInput, NotFound, ReferralRequired
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.model import CheckIn
from lumbo.domain.safety import MAX_STRETCH_INTENSITY
from lumbo.services import (
    journey,
    lessons,
    patient_app,
    patient_records,
    phone_questionnaires,
    self_assessment,
)
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
def today(request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx) -> Response:
    try:
        due = journey.today(ctx.store.uow(), scope.person_id, date.today())
    except ReferralRequired:
        if principal.user.role != "patient":
            raise  # the clinician's error page names the clinical reasons and their sources
        return referral_page(request, scope, principal, ctx)
    except NotFound:
        if principal.user.role != "patient":
            raise
        if scope.person.self_directed and scope.person.owner_id is None:
            return RedirectResponse("/start", status_code=303)  # no plan yet: the self-assessment
        return welcome_page(request, scope, principal, ctx)
    blocks = [] if due.session is None else patient_app.player_blocks(due.session, library())
    offline = patient_app.offline_urls(ctx.store.uow(), scope.person_id, date.today())
    context = {
        "offline_urls": offline,
        "questionnaire_due": phone_questionnaires.due(
            ctx.store.uow(), scope.person_id, date.today()
        ),
        "title": "Today's session",
        "fit_pending": scope.person.self_directed
        and self_assessment.fit_pending(ctx.store.uow(), scope.person_id),
        **patient_nav(scope.person_id, person_label(scope.person), "today"),
        "due": due,
        "blocks": blocks,
        "overstretch": views.OVERSTRETCH_TEXT,
        "max_stretch_intensity": MAX_STRETCH_INTENSITY,
        "player": {
            "max_stretch_intensity": MAX_STRETCH_INTENSITY,
            "person_id": scope.person_id,
            "plan_version": due.plan_version,
            "week": due.week,
            "session_index": None if due.session is None else due.session.index,
            "performed_on": due.on.isoformat(),
            "blocks": blocks,
            # the rest of this week, so the next session also starts offline (player.js)
            "upcoming": patient_app.upcoming(
                ctx.store.uow(), scope.person_id, date.today(), library()
            ).to_json()
            if blocks and due.stop is None
            else None,
        },
    }
    return render(request, "today.html", context, principal=principal)


def welcome_page(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    """Before the first visit (no assessment or plan yet): what happens next, and the intake
    questionnaire when it is due."""
    context = {
        "title": "Welcome",
        **patient_nav(scope.person_id, scope.person.external_ref, "today"),
        "questionnaire_due": phone_questionnaires.due(
            ctx.store.uow(), scope.person_id, date.today()
        ),
    }
    return render(request, "welcome.html", context, principal=principal)


def referral_page(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    """No plan while a referral is required: what to do now, in plain words, with a sign-out.
    A clinician opening the patient's today page sees the clinician's wording instead."""
    screen = patient_app.referral_screen(ctx.store.uow(), scope.person_id)
    context = {
        "title": screen.title,
        **patient_nav(scope.person_id, scope.person.external_ref, "today"),
        "screen": screen,
    }
    return render(request, "referral.html", context, principal=principal)


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
        "decisions": patient_app.decision_lines(
            None if done is None else done.adjustment, library()
        ),
        "warning_questions": WARNING_QUESTIONS,
    }
    return render(request, "checkin.html", context, principal=principal, status=status)


@router.get("/patients/{person_id}/checkin", response_class=HTMLResponse)
def checkin(request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx) -> Response:
    if principal.user.role == "patient" and patient_app.self_assessment_pending(
        ctx.store.uow(), scope.person_id
    ):
        return RedirectResponse("/start", status_code=303)  # no plan yet: nothing to check in on
    return _checkin_page(request, scope, principal, ctx)


@router.post("/patients/{person_id}/checkin", response_class=HTMLResponse)
def checkin_submit(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    checkin_id: Annotated[str, Form(max_length=64)],
    on: Annotated[str, Form(max_length=10)],
    pain: Annotated[int | None, Form(ge=0, le=10)] = None,
    stiffness: Annotated[int | None, Form(ge=0, le=10)] = None,
    session_id: Annotated[str, Form(max_length=64)] = "",
    warning_signs: Annotated[list[str] | None, Form()] = None,
) -> Response:
    unanswered = [
        f"Choose a number for {label}: nothing is filled in for you."
        for label, value in (("pain now", pain), ("stiffness now", stiffness))
        if value is None
    ]
    if unanswered:
        return _checkin_page(request, scope, principal, ctx, errors=unanswered, status=422)
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


@router.get("/patients/{person_id}/questionnaires", response_class=HTMLResponse)
def questionnaires(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    """The questionnaire set due now, one question per screen (questionnaire.js); answers go
    through the outbox, so they can be given offline."""
    due = phone_questionnaires.due(ctx.store.uow(), scope.person_id, date.today())
    context = {
        "title": "Questionnaire",
        **patient_nav(scope.person_id, scope.person.external_ref, "questionnaires"),
        "due": due,
        "form": None
        if due is None
        else {
            "person_id": scope.person_id,
            "kind": due.kind,
            "week": due.week,
            "items": due.items,
            "has_clinician": not scope.person.unsupervised,  # who sees the answers
        },
    }
    return render(request, "questionnaires.html", context, principal=principal)


@router.get("/patients/{person_id}/lessons", response_class=HTMLResponse)
def lessons_page(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    """The short lessons the plan has scheduled so far, each marked as read or not."""
    context = {
        "title": "Lessons",
        **patient_nav(scope.person_id, scope.person.external_ref, "lessons"),
        "lessons": lessons.lessons(ctx.store.uow(), scope.person_id, date.today()),
    }
    return render(request, "lessons.html", context, principal=principal)


@router.post("/patients/{person_id}/lessons/{technique_id}/read")
def lesson_read(
    request: Request, technique_id: str, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> Response:
    lessons.mark_read(ctx.store.uow(), scope.person_id, technique_id, date.today())
    return RedirectResponse(
        f"/patients/{scope.person_id}/lessons#lesson-{technique_id}", status_code=303
    )
