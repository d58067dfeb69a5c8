"""Clinician pages: patient list with alerts, assessment, plan (swap, approve), technique cards,
progress. Each handler calls the services (through ``views``) and renders a template."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote_plus

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.domain.errors import Conflict, InvalidInput
from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.describe import describe_dose
from lumbo.domain.knowledge.patient_words import patient_words
from lumbo.services import access as policy
from lumbo.services import journey, patient_app, plan_edit, plan_templates
from lumbo.services.errors import Forbidden
from lumbo.web.deps import AccessDep, Ctx, CurrentPrincipal, OwnPatient, Patient
from lumbo.web.pages import views
from lumbo.web.pages.common import PageRoute, person_label, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PER_PAGE = 50


def patient_nav(scope_person_id: str, name: str | None, active: str) -> dict[str, str | None]:
    return {"person_id": scope_person_id, "person_name": name, "active": active}


@router.get("/patients", response_class=HTMLResponse)
def patients(
    request: Request,
    principal: CurrentPrincipal,
    ctx: Ctx,
    access: AccessDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    q: Annotated[str | None, Query(max_length=64)] = None,
    attention: bool = False,
    sort: Annotated[str, Query(pattern="^(attention|name|created|inactive|pain)$")] = "attention",
    flag: Annotated[
        str | None,
        Query(pattern="^(|safety|worsening|inactive|reassessment|referral|approval)$"),
    ] = None,
) -> HTMLResponse:
    if principal.user.role != "clinician":
        raise Forbidden("the patient list is for clinicians")
    policy.record(ctx.store.uow(), principal.user, access, None)
    rows, found = views.patient_rows(
        ctx.store,
        principal.user.id,
        date.today(),
        page=page,
        per_page=PER_PAGE,
        q=q,
        attention_only=attention,
        sort=sort,
        flag=flag or None,
    )
    keep = {
        "q": found.q or "",
        "attention": "1" if attention else "",
        "sort": sort,
        "flag": flag or "",
    }
    query = "&".join(f"{k}={quote_plus(v)}" for k, v in keep.items() if v)
    context = {
        "title": "Your patients",
        "rows": rows,
        "found": found,
        "sorts": [
            ("attention", "Needs attention first"),
            ("pain", "Pain rising most first"),
            ("inactive", "Longest without a session first"),
            ("name", "Name"),
            ("created", "Enrolled"),
        ],
        "flags": [
            ("", "Any"),
            ("safety", "Red responses and safety reports"),
            ("worsening", "Pain getting worse"),
            ("inactive", "No session for a week"),
            ("reassessment", "Reassessment due"),
            ("referral", "Referral pending"),
            ("approval", "Plan waiting for approval"),
        ],
        "query": query,
    }
    return render(request, "patients.html", context, principal=principal)


@router.get("/patients/{person_id}", response_class=HTMLResponse)
def patient_home(scope: Patient) -> RedirectResponse:
    page = "assessment" if scope.user.role == "clinician" else "today"
    return RedirectResponse(f"/patients/{scope.person_id}/{page}", status_code=303)


@router.get("/patients/{person_id}/assessment", response_class=HTMLResponse)
def assessment(
    request: Request, scope: OwnPatient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    view = views.assessment_view(ctx.store, scope.person_id)
    context = {
        "title": "Assessment",
        **patient_nav(scope.person_id, person_label(scope.person), "assessment"),
        **view,
        "stop": journey.stop_in_force(ctx.store.uow(), scope.person_id),
    }
    return render(request, "assessment.html", context, principal=principal)


def _plan_page(
    request: Request,
    principal: CurrentPrincipal,
    ctx: Ctx,
    person_id: str,
    name: str | None,
    *,
    error: list[str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    patient = principal.user.role == "patient"
    view = views.plan_view(ctx.store, person_id, library(), date.today(), patient=patient)
    if patient:
        view = views.for_patient(view)
    context = {
        "title": "Plan",
        **patient_nav(person_id, name, "plan"),
        **view,
        "error": error,
        "notice": notice,
        "stop": journey.stop_in_force(ctx.store.uow(), person_id),
        "templates": []
        if patient
        else plan_templates.templates(ctx.store.uow(), principal.user.id),
    }
    return render(request, "plan.html", context, principal=principal, status=status)


@router.get("/patients/{person_id}/plan", response_class=HTMLResponse)
def plan(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    done: str | None = None,
) -> HTMLResponse:
    notice = {
        "swap": "Technique swapped: a new plan version was stored.",
        "approve": "Plan approved: the patient now runs this version.",
        "cleared": "Referral clearance recorded: the plan is built.",
        "corrected": "Corrected intake stored: the rebuilt plan below waits for your approval.",
        "dose": "Dose changed: a new plan version waits for your approval.",
        "template": "Plan saved as a template.",
        "removed": "Exercise taken out: the new plan version waits for your approval.",
        "applied": "Template applied: the new plan version waits for your approval.",
    }
    return _plan_page(
        request,
        principal,
        ctx,
        scope.person_id,
        person_label(scope.person),
        notice=notice.get(done or ""),
    )


@router.post("/patients/{person_id}/plan/swap", response_class=HTMLResponse)
def swap(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    plan_version: Annotated[int, Form(ge=1)],
    technique: Annotated[str, Form(min_length=1, max_length=64)],
    replacement: Annotated[str, Form(min_length=1, max_length=64)],
    from_week: Annotated[int | None, Form(ge=1, le=12)] = None,
) -> Response:
    try:
        plan_edit.swap_technique(
            ctx.store.uow(),
            scope.person_id,
            plan_version=plan_version,
            technique=technique,
            replacement=replacement,
            from_week=from_week,
            on=date.today(),
            actor_id=scope.user.id,
        )
    except (InvalidInput, Conflict) as exc:
        lines = (
            [f"{p.path}: {p.message}" for p in exc.problems]
            if isinstance(exc, InvalidInput)
            else [str(exc)]
        )
        status = 422 if isinstance(exc, InvalidInput) else 409
        name = person_label(scope.person)
        return _plan_page(
            request, principal, ctx, scope.person_id, name, error=lines, status=status
        )
    return RedirectResponse(f"/patients/{scope.person_id}/plan?done=swap", status_code=303)


@router.post("/patients/{person_id}/plan/approve", response_class=HTMLResponse)
def approve(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    plan_version: Annotated[int, Form(ge=1)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        plan_edit.approve_plan(
            ctx.store.uow(),
            scope.person_id,
            plan_version=plan_version,
            actor_id=scope.user.id,
            note=note.strip() or None,
        )
    except Conflict as exc:
        name = person_label(scope.person)
        return _plan_page(
            request, principal, ctx, scope.person_id, name, error=[str(exc)], status=409
        )
    return RedirectResponse(f"/patients/{scope.person_id}/plan?done=approve", status_code=303)


@router.get("/techniques/{technique_id}", response_class=HTMLResponse)
def technique(request: Request, technique_id: str, principal: CurrentPrincipal) -> HTMLResponse:
    lib = library()
    t = lib.get(technique_id)
    alternatives = [(a, lib.get(a).name) for a in plan_edit.declared_alternatives(lib, t.id)]
    context = {
        "title": t.name,
        "t": t,
        "dose": describe_dose(t.dose),
        "alternatives": alternatives,
        "patient_view": principal.user.role == "patient",
        "words": patient_words(),
    }
    return render(request, "technique.html", context, principal=principal)


@router.get("/patients/{person_id}/progress", response_class=HTMLResponse)
def progress(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    view = views.progress_view(ctx.store, scope.person_id, date.today())
    context = {
        "title": "Progress",
        **patient_nav(scope.person_id, person_label(scope.person), "progress"),
        **view,
        "patient_words": (
            patient_app.progress_words(view["progress"])
            if principal.user.role == "patient"
            else None
        ),
    }
    return render(request, "progress.html", context, principal=principal)
