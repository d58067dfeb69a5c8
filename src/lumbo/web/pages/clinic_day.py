# long-module: the clinic-day pages (referral clearance, intake correction with its diff, reassessment, plan additions and moves, settings, technique library) share the wizard and plan-page form helpers; every handler is a thin call to a service
"""The clinic's working day: clear a referral, correct an intake (with the diff before it is
stored), reassess (pre-filled, asking only what is retested, outcomes against baseline), the
clinic's settings, and the technique library. Each handler calls a service
(``lumbo.services.referral_clearance``, ``intake_correction``, ``journey``, ``approval``) and
renders a template; nothing here decides anything clinical."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.domain.explain import REGION_TITLES, finding_name, words
from lumbo.domain.intake import Equipment
from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.describe import describe_dose
from lumbo.domain.knowledge.model import Region, Role
from lumbo.services import (
    approval,
    intake_correction,
    journey,
    phone_questionnaires,
    plan_blocks,
    plan_dose,
    plan_templates,
    referral_clearance,
    reminders,
)
from lumbo.services._shared import latest_assessment
from lumbo.services.errors import Forbidden
from lumbo.services.intake_correction import Preview
from lumbo.services.phone_questionnaire_items import Kind
from lumbo.web.deps import Ctx, CurrentPrincipal, OwnPatient
from lumbo.web.pages.clinician import _plan_page
from lumbo.web.pages.common import PageRoute, person_label, render
from lumbo.web.pages.intake_form import Errors, field_errors, form_values, steps, to_intake
from lumbo.web.pages.wizard import in_words, read_values

router = APIRouter(route_class=PageRoute, include_in_schema=False)
RETESTED = ("symptoms", "questionnaires", "measurements")


def _nav(scope: OwnPatient, active: str) -> dict[str, Any]:
    return {
        "person_id": scope.person_id,
        "person_name": person_label(scope.person),
        "active": active,
    }


def _latest(ctx: Ctx, person_id: str) -> tuple[dict[str, Any], Any]:
    with ctx.store.uow() as uow:
        intake = uow.journeys.intakes(person_id)[-1].intake
        assessment = latest_assessment(uow.journeys, person_id).assessment
    return intake.model_dump(mode="json", exclude_none=True), assessment


def _with_phone(
    ctx: Ctx, person_id: str, doc: dict[str, Any], kind: Kind
) -> tuple[dict[str, Any], str]:
    """``doc`` with the answers the patient gave on the phone since the latest intake (pain now,
    the questionnaires), and the sentence that says so (empty when there are none)."""
    phone = phone_questionnaires.prefill(ctx.store.uow(), person_id, kind)
    if phone is None:
        return doc, ""
    merged = dict(doc)
    for section, fields in phone.intake_fields().items():
        merged[section] = {**merged.get(section, {}), **fields}
    on = phone.answered_on
    parts = ["Pain now"]
    parts += ["the Oswestry questionnaire"] if phone.odi is not None else []
    parts += ["the activities questionnaire (PSFS)"] if phone.psfs is not None else []
    what = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return merged, (
        f" {what} {'was' if len(parts) == 1 else 'were'} answered on the phone on "
        f"{on.day} {on:%B %Y}: filled in below; check with the patient."
    )


# ---------------------------------------------------------------- referral clearance


@router.get("/patients/{person_id}/referral", response_class=HTMLResponse)
def referral_page(
    request: Request, scope: OwnPatient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    return referral(request, scope, principal, ctx)


def referral(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    error: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    _, assessment = _latest(ctx, scope.person_id)
    context = {
        "title": "Referral",
        **_nav(scope, "assessment"),
        "referral": assessment.referral,
        "history": referral_clearance.clearance_history(ctx.store.uow(), scope.person_id),
        "today": date.today().isoformat(),
        "error": error,
    }
    return render(request, "referral_clearance.html", context, principal=principal, status=status)


@router.post("/patients/{person_id}/referral", response_class=HTMLResponse)
def clear(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    cleared_by: Annotated[str, Form(max_length=400)] = "",
    cleared_on: Annotated[date | None, Form()] = None,
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    try:
        done = referral_clearance.clear_referral(
            ctx.store.uow(),
            scope.person_id,
            cleared_by=cleared_by,
            cleared_on=cleared_on or date.today(),
            note=note,
            actor_id=scope.user.id,
            today=date.today(),
        )
    except InvalidInput as exc:
        lines = [_problem_words(p) for p in exc.problems]
        return referral(request, scope, principal, ctx, error=lines, status=422)
    except Conflict as exc:
        return referral(request, scope, principal, ctx, error=[str(exc)], status=409)
    where = "plan?done=cleared" if done.plan is not None else "assessment"
    return RedirectResponse(f"/patients/{scope.person_id}/{where}", status_code=303)


def _problem_words(p: Problem) -> str:
    names = {"cleared_by": "Cleared by", "cleared_on": "Date of clearance", "note": "Note"}
    return f"{names.get(p.path, p.path)}: {p.message}"


# ---------------------------------------------------------------- intake correction


def _wizard(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    *,
    heading: str,
    intro: str,
    action: str,
    submit: str,
    values: dict[str, Any],
    errors: Errors,
    shown: tuple[str, ...] | None = None,
    base: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "title": heading,
        **_nav(scope, "assessment"),
        "steps": [s for s in steps() if shown is None or s.key in shown],
        "values": values,
        "errors": errors,
        "heading": heading,
        "intro": intro,
        "action": action,
        "submit_label": submit,
        "base_intake": None if base is None else json.dumps(base),
    }
    return render(request, "wizard.html", context, principal=principal, status=status)


CORRECT_INTRO = (
    "Change any field of the latest intake. Nothing is overwritten: the corrected intake is "
    "stored as a new version, and you see what it changes before anything is stored."
)


@router.get("/patients/{person_id}/intake/edit", response_class=HTMLResponse)
def edit_intake(
    request: Request, scope: OwnPatient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    doc, _ = _latest(ctx, scope.person_id)
    doc, phone = _with_phone(ctx, scope.person_id, doc, "intake")
    return _wizard(
        request,
        scope,
        principal,
        heading=f"Correct the intake: {person_label(scope.person)}",
        intro=CORRECT_INTRO + phone,
        action=f"/patients/{scope.person_id}/intake/preview",
        submit="Show what changes",
        values=form_values(doc),
        errors=Errors(),
    )


@router.post("/patients/{person_id}/intake/preview", response_class=HTMLResponse)
async def preview_intake(
    request: Request, scope: OwnPatient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    values = await read_values(request)
    doc = to_intake(values)
    try:
        preview = intake_correction.preview_correction(
            ctx.store.uow(), scope.person_id, json.dumps(doc)
        )
    except InvalidInput as exc:
        return _wizard(
            request,
            scope,
            principal,
            heading=f"Correct the intake: {person_label(scope.person)}",
            intro=CORRECT_INTRO,
            action=f"/patients/{scope.person_id}/intake/preview",
            submit="Show what changes",
            values=values,
            errors=field_errors(in_words(list(exc.problems))),
            status=422,
        )
    return _diff_page(request, scope, principal, preview, doc)


def _diff_page(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    preview: Preview,
    doc: dict[str, Any],
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "title": "What the correction changes",
        **_nav(scope, "assessment"),
        "preview": preview,
        "intake_json": json.dumps(doc),
        "error": error,
    }
    return render(request, "correction.html", context, principal=principal, status=status)


@router.post("/patients/{person_id}/intake/correct", response_class=HTMLResponse)
def correct_intake(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    intake_json: Annotated[str, Form(max_length=200_000)],
) -> Response:
    try:
        done = intake_correction.apply_correction(
            ctx.store.uow(), scope.person_id, intake_json, on=date.today()
        )
    except (InvalidInput, Conflict) as exc:
        message = str(exc) if isinstance(exc, Conflict) else exc.problems[0].message
        preview = intake_correction.preview_correction(
            ctx.store.uow(), scope.person_id, intake_json
        )
        return _diff_page(
            request, scope, principal, preview, json.loads(intake_json), error=message, status=409
        )
    where = "plan?done=corrected" if done.plan is not None else "assessment"
    return RedirectResponse(f"/patients/{scope.person_id}/{where}", status_code=303)


# ---------------------------------------------------------------- reassessment


@router.get("/patients/{person_id}/reassess", response_class=HTMLResponse)
def reassess_page(
    request: Request, scope: OwnPatient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    base, _ = _latest(ctx, scope.person_id)
    doc, phone = _with_phone(ctx, scope.person_id, base, "reassessment")
    return _reassess_form(request, scope, principal, base, form_values(doc), Errors(), phone=phone)


def _reassess_form(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    base: dict[str, Any],
    values: dict[str, Any],
    errors: Errors,
    status: int = 200,
    phone: str = "",
) -> HTMLResponse:
    return _wizard(
        request,
        scope,
        principal,
        heading=f"Reassessment: {person_label(scope.person)}",
        intro=(
            "Pre-filled with the last values: change what you retested (symptoms, "
            "questionnaires, range of motion and tests). The rest of the intake is kept." + phone
        ),
        action=f"/patients/{scope.person_id}/reassess",
        submit="Record the reassessment",
        values=values,
        errors=errors,
        shown=RETESTED,
        base=base,
        status=status,
    )


@router.post("/patients/{person_id}/reassess", response_class=HTMLResponse)
async def reassess(
    request: Request, scope: OwnPatient, principal: CurrentPrincipal, ctx: Ctx
) -> HTMLResponse:
    values = await read_values(request)
    base = json.loads(str(values.pop("base_intake", "") or "{}"))
    if not isinstance(base, dict) or not base:
        base, _ = _latest(ctx, scope.person_id)
    retested = to_intake(values)
    doc = {k: v for k, v in base.items() if k not in RETESTED}
    doc |= {k: retested[k] for k in RETESTED if k in retested}
    try:
        done = journey.reassess(ctx.store.uow(), scope.person_id, json.dumps(doc), on=date.today())
    except InvalidInput as exc:
        errors = field_errors(in_words(list(exc.problems)))
        return _reassess_form(request, scope, principal, base, values, errors, 422)
    context = {
        "title": "Reassessment recorded",
        **_nav(scope, "progress"),
        "week": done.week,
        "outcomes": done.outcomes,
        "referral": done.assessment.referral,
    }
    return render(request, "reassessed.html", context, principal=principal)


# ---------------------------------------------------------------- dose change


@router.post("/patients/{person_id}/plan/dose", response_class=HTMLResponse)
def dose(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    plan_version: Annotated[int, Form(ge=1)],
    technique: Annotated[str, Form(min_length=1, max_length=64)],
    from_week: Annotated[int, Form(ge=1, le=52)] = 1,
    sets: Annotated[str, Form(max_length=4)] = "",
    reps: Annotated[str, Form(max_length=4)] = "",
    hold_s: Annotated[str, Form(max_length=4)] = "",
    intensity_target: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    def number(raw: str) -> int | None:
        return int(raw) if raw.strip().isdigit() else None

    change = plan_dose.DoseChange(
        technique=technique,
        from_week=from_week,
        sets=number(sets),
        reps=number(reps),
        hold_s=number(hold_s),
        intensity_target=number(intensity_target),
    )
    try:
        plan_dose.change_dose(
            ctx.store.uow(), scope.person_id, plan_version=plan_version, change=change,
            on=date.today(), actor_id=scope.user.id,
        )  # fmt: skip
    except plan_dose.DoseRefused as exc:
        lines = [f"Refused by the rule “{r.rule}”: {r.why}" for r in exc.refusals]
        return _plan_page(request, principal, ctx, scope.person_id, person_label(scope.person),
                          error=lines, status=422)  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        lines = (
            [f"{DOSE_FIELDS.get(p.path, p.path)}: {p.message}" for p in exc.problems]
            if isinstance(exc, InvalidInput)
            else [str(exc)]
        )
        return _plan_page(request, principal, ctx, scope.person_id, person_label(scope.person),
                          error=lines, status=409 if isinstance(exc, Conflict) else 422)  # fmt: skip
    return RedirectResponse(f"/patients/{scope.person_id}/plan?done=dose", status_code=303)


@router.post("/patients/{person_id}/plan/template", response_class=HTMLResponse)
def save_template(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        plan_templates.save_template(
            ctx.store.uow(), scope.person_id, owner_id=scope.user.id, name=name
        )
    except InvalidInput as exc:
        lines = [f"Template name: {exc.problems[0].message}"]
        return _plan_page(request, principal, ctx, scope.person_id, person_label(scope.person),
                          error=lines, status=422)  # fmt: skip
    return RedirectResponse(f"/patients/{scope.person_id}/plan?done=template", status_code=303)


@router.post("/patients/{person_id}/plan/apply-template", response_class=HTMLResponse)
def apply_template(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    plan_version: Annotated[int, Form(ge=1)],
    template_id: Annotated[str, Form(min_length=1, max_length=36)],
) -> Response:
    try:
        plan_templates.apply_template(
            ctx.store.uow(), scope.person_id, owner_id=scope.user.id, template_id=template_id,
            plan_version=plan_version, on=date.today(),
        )  # fmt: skip
    except plan_dose.DoseRefused as exc:
        lines = [f"Refused by the rule “{r.rule}”: {r.why}" for r in exc.refusals]
        return _plan_page(request, principal, ctx, scope.person_id, person_label(scope.person),
                          error=lines, status=422)  # fmt: skip
    except Conflict as exc:
        return _plan_page(request, principal, ctx, scope.person_id, person_label(scope.person),
                          error=[str(exc)], status=409)  # fmt: skip
    return RedirectResponse(f"/patients/{scope.person_id}/plan?done=applied", status_code=303)


@router.post("/patients/{person_id}/plan/remove", response_class=HTMLResponse)
def remove(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    plan_version: Annotated[int, Form(ge=1)],
    technique: Annotated[str, Form(min_length=1, max_length=64)],
    from_week: Annotated[int, Form(ge=1, le=52)] = 1,
) -> Response:
    name = person_label(scope.person)
    try:
        plan_dose.remove_exercise(
            ctx.store.uow(), scope.person_id, plan_version=plan_version, technique=technique,
            from_week=from_week, on=date.today(), actor_id=scope.user.id,
        )  # fmt: skip
    except plan_dose.DoseRefused as exc:
        lines = [f"Refused by the rule “{r.rule}”: {r.why}" for r in exc.refusals]
        return _plan_page(request, principal, ctx, scope.person_id, name, error=lines, status=422)
    except (InvalidInput, Conflict) as exc:
        lines = (
            [f"{DOSE_FIELDS.get(p.path, p.path)}: {p.message}" for p in exc.problems]
            if isinstance(exc, InvalidInput)
            else [str(exc)]
        )
        status = 409 if isinstance(exc, Conflict) else 422
        return _plan_page(
            request, principal, ctx, scope.person_id, name, error=lines, status=status
        )
    return RedirectResponse(f"/patients/{scope.person_id}/plan?done=removed", status_code=303)


def _edit_refused(
    request: Request, principal: Any, ctx: Any, scope: Any, exc: InvalidInput | Conflict
) -> HTMLResponse:
    """The plan page with the refusal: each rule broken and why, or the faulty fields."""
    if isinstance(exc, plan_dose.DoseRefused):
        lines = [f"Refused by the rule “{r.rule}”: {r.why}" for r in exc.refusals]
    elif isinstance(exc, InvalidInput):
        lines = [f"{DOSE_FIELDS.get(p.path, p.path)}: {p.message}" for p in exc.problems]
    else:
        lines = [str(exc)]
    status = 409 if isinstance(exc, Conflict) else 422
    name = person_label(scope.person)
    return _plan_page(request, principal, ctx, scope.person_id, name, error=lines, status=status)


def _week_or_none(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


@router.post("/patients/{person_id}/plan/add", response_class=HTMLResponse)
def add_block(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    plan_version: Annotated[int, Form(ge=1)],
    technique: Annotated[str, Form(min_length=1, max_length=64)],
    session: Annotated[int, Form(ge=1, le=14)],
    from_week: Annotated[int, Form(ge=1, le=52)] = 1,
    to_week: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    try:
        plan_blocks.add_exercise(
            ctx.store.uow(), scope.person_id, plan_version=plan_version, technique=technique,
            session=session, from_week=from_week, to_week=_week_or_none(to_week),
            on=date.today(), actor_id=scope.user.id,
        )  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        return _edit_refused(request, principal, ctx, scope, exc)
    return RedirectResponse(f"/patients/{scope.person_id}/plan?done=added", status_code=303)


@router.post("/patients/{person_id}/plan/move", response_class=HTMLResponse)
def move_block(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    plan_version: Annotated[int, Form(ge=1)],
    technique: Annotated[str, Form(min_length=1, max_length=64)],
    from_session: Annotated[int, Form(ge=1, le=14)],
    to_session: Annotated[int, Form(ge=1, le=14)],
    from_week: Annotated[int, Form(ge=1, le=52)] = 1,
    to_week: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    try:
        plan_blocks.move_exercise(
            ctx.store.uow(), scope.person_id, plan_version=plan_version, technique=technique,
            from_session=from_session, to_session=to_session, from_week=from_week,
            to_week=_week_or_none(to_week), on=date.today(), actor_id=scope.user.id,
        )  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        return _edit_refused(request, principal, ctx, scope, exc)
    return RedirectResponse(f"/patients/{scope.person_id}/plan?done=moved", status_code=303)


DOSE_FIELDS = {
    "sets": "Sets",
    "reps": "Repetitions",
    "hold_s": "Hold (seconds)",
    "intensity_target": "Stretch intensity target",
    "from_week": "From week",
    "technique": "Exercise",
    "dose": "Dose",
    "to_week": "Until week",
    "session": "Session",
    "from_session": "From session",
    "to_session": "To session",
}


# ---------------------------------------------------------------- clinic settings


@router.get("/settings", response_class=HTMLResponse)
def settings_page(
    request: Request, principal: CurrentPrincipal, ctx: Ctx, done: str | None = None
) -> HTMLResponse:
    if principal.user.role not in ("clinician", "admin"):
        raise Forbidden("the clinic settings are for clinicians and administrators")
    context = {
        "title": "Clinic settings",
        "settings": approval.clinic_settings(ctx.store.uow()),
        "zones": sorted(reminders.time_zones()),
        "notice": "Settings saved." if done else None,
        "can_change": principal.user.role == "admin",
    }
    return render(request, "settings.html", context, principal=principal)


@router.post("/settings", response_class=HTMLResponse)
def save_settings(
    principal: CurrentPrincipal,
    ctx: Ctx,
    auto_approve: Annotated[str, Form(max_length=8)] = "",
    time_zone: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Empty ``time_zone``: unchanged; otherwise an IANA name (422 naming the field)."""
    if principal.user.role != "admin":
        raise Forbidden("only an administrator can change the clinic settings")
    if time_zone:  # validated before anything is written
        problem = reminders.time_zone_problem(time_zone.strip())
        if problem is not None:
            raise InvalidInput([Problem("time_zone", problem, time_zone)], "clinic settings")
    approval.set_auto_approve(ctx.store.uow(), auto_approve == "on", principal.user.id)
    if time_zone:
        reminders.set_clinic_time_zone(ctx.store.uow(), time_zone, principal.user.id)
    return RedirectResponse("/settings?done=1", status_code=303)


# ---------------------------------------------------------------- technique library


def _words(value: str) -> str:
    return words(value).replace("warmup", "warm-up")


@router.get("/techniques", response_class=HTMLResponse)
def techniques(
    request: Request,
    principal: CurrentPrincipal,
    q: Annotated[str | None, Query(max_length=64)] = None,
    role: Annotated[str | None, Query(max_length=32)] = None,
    region: Annotated[str | None, Query(max_length=32)] = None,
    equipment: Annotated[str | None, Query(max_length=32)] = None,
    finding: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    lib = library()
    text = (q or "").strip().lower()
    found = [
        t
        for t in lib.techniques
        if (not text or text in t.name.lower() or text in t.summary.lower())
        and (not role or t.role.value == role)
        and (not region or region in {r.value for r in t.regions})
        and (
            not equipment
            or (equipment == "none" and not t.equipment)
            or equipment in {e.value for e in t.equipment}
        )
        and (not finding or finding in t.addresses)
    ]
    findings = sorted({c for t in lib.techniques for c in t.addresses})
    context = {
        "title": "Technique library",
        "rows": [
            {
                "id": t.id,
                "name": t.name,
                "summary": t.summary,
                "role": _words(t.role.value),
                "regions": ", ".join(REGION_TITLES.get(r.value, _words(r.value)) for r in t.regions),
                "equipment": ", ".join(_words(e.value) for e in t.equipment) or "none",
                "dose": describe_dose(t.dose),
            }
            for t in sorted(found, key=lambda t: t.name)
        ],
        "total": len(lib.techniques),
        "chosen": {"q": q or "", "role": role, "region": region, "equipment": equipment,
                   "finding": finding},
        "roles": [(r.value, _words(r.value)) for r in Role],
        "regions": [(r.value, REGION_TITLES.get(r.value, _words(r.value))) for r in Region],
        "equipment": [("none", "no equipment"), *((e.value, _words(e.value)) for e in Equipment)],
        "findings": [(c, finding_name(c)) for c in findings],
    }  # fmt: skip
    return render(request, "techniques.html", context, principal=principal)
