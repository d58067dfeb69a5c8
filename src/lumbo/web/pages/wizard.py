"""The intake wizard: one form, one step per intake section (wizard.js shows one at a time; without
JavaScript it is one long form). Submitting enrols the patient through ``journey.init_person``,
the same service as ``POST /api/patients`` and ``lumbo init``; faults come back next to their
fields."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.services import access as policy
from lumbo.services import journey
from lumbo.web.deps import AccessDep, Clinician, Ctx, CurrentPrincipal
from lumbo.web.pages.common import PageRoute, render
from lumbo.web.pages.intake_form import Errors, field_errors, steps, to_intake

router = APIRouter(route_class=PageRoute, include_in_schema=False)


async def read_values(request: Request) -> dict[str, Any]:
    """The wizard's form values (lists for the multiple-choice fields)."""
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        items = [v for v in form.getlist(key) if isinstance(v, str)]
        values[key] = items if key.endswith(("equipment", "conditions")) else items[-1]
    return values


ID_WORDS = (
    "use only letters, digits, dots, dashes and underscores, without spaces (for example "
    "PT-0042), up to 64 characters"
)


def in_words(problems: list[Problem]) -> list[Problem]:
    """The patient reference's pattern said in words rather than as a regular expression."""
    return [
        Problem(p.path, ID_WORDS, p.value)
        if p.path == "person.id" and ("pattern" in p.message or "at most" in p.message)
        else p
        for p in problems
    ]


def _page(
    request: Request,
    principal: CurrentPrincipal,
    values: dict[str, Any],
    errors: Errors,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "title": "New patient: intake",
        "steps": steps(),
        "values": values,
        "errors": errors,
        "ask_name": True,
    }
    return render(request, "wizard.html", context, principal=principal, status=status)


@router.get("/patients/new", response_class=HTMLResponse)
def new_patient(request: Request, principal: CurrentPrincipal, _c: Clinician) -> HTMLResponse:
    return _page(request, principal, {"preferences.equipment": []}, Errors())


@router.post("/patients/new", response_class=HTMLResponse)
async def enrol(
    request: Request,
    principal: CurrentPrincipal,
    clinician: Clinician,
    ctx: Ctx,
    access: AccessDep,
) -> Response:
    values = await read_values(request)
    intake = to_intake(values)
    name = str(values.get("display_name", "")).strip()
    try:
        enrolled = journey.init_person(
            ctx.store.uow(), json.dumps(intake), owner_id=clinician.id, display_name=name or None
        )
    except InvalidInput as exc:
        return _page(request, principal, values, field_errors(in_words(exc.problems)), 422)
    except Conflict as exc:
        errors = field_errors([Problem("person.id", str(exc), intake["person"].get("id"))])
        return _page(request, principal, values, errors, 409)
    policy.record(ctx.store.uow(), clinician, access, enrolled.person.id)
    return RedirectResponse(f"/patients/{enrolled.person.id}/assessment", status_code=303)
