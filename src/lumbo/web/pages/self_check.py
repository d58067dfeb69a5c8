"""Checking your back again (issue 20): the self-reassessment of a self-directed person at weeks 4,
8 and 12, on one page: the safety questions again, pain, the disability index, PROMIS pain
interference, the same activities and the same self-tests as the first self-assessment
(``self_assessment.self_check_steps``), stored through ``self_assessment.self_reassess`` (the
outcomes against the first assessment; a red flag withholds the plan as for every person). The
forward bend is measured with the tape here (filming it again is on the videos page)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.domain.errors import InvalidInput, NotFound, Problem
from lumbo.domain.self_assessment.steps import Kind
from lumbo.services import self_assessment
from lumbo.services.errors import PlanWithheld
from lumbo.web.deps import Ctx, CurrentPrincipal, Patient
from lumbo.web.pages.common import PageRoute, render
from lumbo.web.pages.self_assessment import activity_rows, form_value, refused_words

router = APIRouter(route_class=PageRoute, include_in_schema=False)
WEEKS = (4, 8, 12)


def _page(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        found = self_assessment.self_check_steps(ctx.store.uow(), scope.person_id)
    except NotFound:
        found = ()
    steps, said = [], set()
    for s in found:
        if s.kind is Kind.video:
            continue
        steps.append(
            {
                "s": s,
                "kind": s.kind.value,
                "choices": [(json.dumps(c.value), c.words) for c in s.choices],
                "activities": activity_rows(s.answer),
                "help": "" if s.help in said else s.help,  # a note shared by many: said once
            }
        )
        said.add(s.help)
    context = {
        "title": "Check your back again",
        "person_id": scope.person_id,
        "steps": steps,
        "self_assessed": bool(found),
        "weeks": WEEKS,
        "errors": errors,
    }
    return render(request, "self_check.html", context, principal=principal, status=status)


@router.get("/patients/{person_id}/self-check", response_class=HTMLResponse)
def self_check(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    return _page(request, scope, principal, ctx)


@router.post("/patients/{person_id}/self-check", response_class=HTMLResponse)
async def self_check_submit(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> Response:
    form = await request.form()
    try:
        found = self_assessment.self_check_steps(ctx.store.uow(), scope.person_id)
    except NotFound:
        said = ["Your clinician checks your progress with you at your visits."]
        return _page(request, scope, principal, ctx, errors=said, status=409)
    answers: dict[str, Any] = {}
    errors: list[str] = []
    for s in found:
        if s.kind is Kind.video:
            continue
        try:
            value = form_value(s.kind, form, s.id)
        except ValueError:
            errors.append(f"{s.words} Check your answer.")
            continue
        if value is None and not s.optional:
            errors.append(f"{s.words} Choose or type an answer.")
        elif value is not None:
            answers[s.id] = value
    if errors:
        return _page(request, scope, principal, ctx, errors=errors, status=422)
    try:
        self_assessment.self_reassess(ctx.store.uow(), scope.person_id, answers, date.today())
    except InvalidInput as exc:
        problem: Problem = exc.problems[0]
        step = next((s for s in found if s.id == problem.path), None)
        words = refused_words(step.kind, problem) if step is not None else "Check your answers."
        lead = f"{step.words} " if step is not None else ""
        return _page(request, scope, principal, ctx, errors=[lead + words], status=422)
    except PlanWithheld:
        pass  # today's page says what to do now (the referral screen)
    return RedirectResponse(f"/patients/{scope.person_id}/today?checked=1", status_code=303)
