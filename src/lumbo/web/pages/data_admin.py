"""Pages for data rights and administration: the admin's accounts page, the password-reset page
reached by a one-time link, and each patient's data page (download everything, FHIR, erasure)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.domain.errors import Conflict, InvalidInput, NotFound
from lumbo.services import access as policy
from lumbo.services import accounts as account_admin
from lumbo.services import clinic, data_rights
from lumbo.services.errors import Forbidden
from lumbo.web.deps import AccessDep, Ctx, CurrentPrincipal, OwnPatient, Patient
from lumbo.web.pages.clinician import patient_nav
from lumbo.web.pages.common import PageRoute, person_label, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ACTIONS = ("disable", "enable", "reset", "role", "delete")


def _accounts_page(
    request: Request,
    principal: CurrentPrincipal,
    ctx: Ctx,
    *,
    message: str | None = None,
    error: str | None = None,
    reset_link: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    users = account_admin.list_accounts(ctx.store)
    context = {
        "title": "Accounts",
        "accounts": users,
        "message": message,
        "error": error,
        "reset_link": reset_link,
    }
    return render(request, "admin_accounts.html", context, principal=principal, status=status)


def _need_admin(principal: CurrentPrincipal) -> None:
    if principal.user.role != "admin":
        raise Forbidden("account administration is for admins")


@router.get("/admin/accounts", response_class=HTMLResponse)
def accounts(
    request: Request, principal: CurrentPrincipal, ctx: Ctx, access: AccessDep
) -> HTMLResponse:
    _need_admin(principal)
    policy.record(ctx.store.uow(), principal.user, access, None)
    return _accounts_page(request, principal, ctx)


@router.post("/admin/accounts/{user_id}/{action}", response_class=HTMLResponse)
def account_action(
    request: Request,
    user_id: str,
    action: str,
    principal: CurrentPrincipal,
    ctx: Ctx,
    access: AccessDep,
    role: Annotated[str, Form(max_length=16)] = "",
) -> HTMLResponse:
    _need_admin(principal)
    actor = account_admin.Actor(principal.user, access.client)
    link = None
    try:
        target = account_admin.find_account(ctx.store, user_id)
        if action in ("disable", "enable"):
            account_admin.set_active(ctx.store, actor, user_id, action == "enable")
            done = f"{target.email} is {action}d."
        elif action == "reset":
            token = account_admin.force_reset(ctx.store, ctx.settings, actor, user_id)
            link = str(request.base_url).rstrip("/") + f"/reset/{token}"
            done = (
                f"The password of {target.email} no longer works. Send them this one-time link "
                "(valid 24 hours); it is shown only now."
            )
        elif action == "role":
            account_admin.change_role(ctx.store, actor, user_id, role)
            done = f"{target.email} is now {role}."
        elif action == "delete":
            account_admin.delete_account(ctx.store, actor, user_id)
            done = f"The account {target.email} is deleted."
        else:
            raise NotFound(f"no account action {action!r}; one of {', '.join(ACTIONS)}")
    except (Conflict, InvalidInput, NotFound) as exc:
        text = str(exc) if not isinstance(exc, InvalidInput) else exc.problems[0].message
        return _accounts_page(request, principal, ctx, error=text, status=409)
    return _accounts_page(request, principal, ctx, message=done, reset_link=link)


@router.get("/reset/{token}", response_class=HTMLResponse)
def reset_page(request: Request, token: str, ctx: Ctx) -> HTMLResponse:
    try:
        user = account_admin.reset_account(ctx.settings, ctx.store, token)
    except NotFound as exc:
        return render(
            request,
            "reset.html",
            {"title": "Choose a new password", "invalid": str(exc)},
            status=404,
        )
    return render(
        request,
        "reset.html",
        {"title": "Choose a new password", "email": user.email, "token": token},
    )


@router.post("/reset/{token}", response_class=HTMLResponse)
def reset_submit(
    request: Request,
    token: str,
    ctx: Ctx,
    password: Annotated[str, Form(max_length=1024)] = "",
    again: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    context: dict[str, object] = {"title": "Choose a new password", "token": token}
    try:
        user = account_admin.reset_account(ctx.settings, ctx.store, token)
        context["email"] = user.email
        if password != again:
            context["error"] = "The two passwords are not the same."
            return render(request, "reset.html", context, status=422)
        account_admin.complete_reset(ctx.store, ctx.settings, token, password)
    except NotFound as exc:
        return render(request, "reset.html", {**context, "invalid": str(exc)}, status=404)
    except InvalidInput as exc:
        context["error"] = "Your new password " + exc.problems[0].message + "."
        return render(request, "reset.html", context, status=422)
    return RedirectResponse("/login?reset=1", status_code=303)


@router.get("/patients/{person_id}/data", response_class=HTMLResponse)
def data_page(request: Request, scope: Patient, principal: CurrentPrincipal) -> HTMLResponse:
    context = {
        "title": "Data and records",
        **patient_nav(scope.person_id, person_label(scope.person), "data"),
        "patient_view": principal.user.role == "patient",
        "self_directed": scope.person.owner_id is None,
    }
    return render(request, "data.html", context, principal=principal)


@router.post("/patients/{person_id}/erase", response_class=HTMLResponse)
def erase_submit(
    request: Request,
    scope: OwnPatient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    confirm: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    name = person_label(scope.person) or scope.person_id
    if confirm.strip() != name:
        context = {
            "title": "Data and records",
            **patient_nav(scope.person_id, person_label(scope.person), "data"),
            "patient_view": False,
            "error": f"Type {name} to confirm the erasure.",
        }
        return render(request, "data.html", context, principal=principal, status=422)
    data_rights.erase_person(
        ctx.store, scope.person_id, actor=principal.user, data_dir=ctx.settings.data_dir, via="page"
    )
    return RedirectResponse("/patients?erased=1", status_code=303)


@router.get("/outcomes", response_class=HTMLResponse)
def outcomes_page(
    request: Request, principal: CurrentPrincipal, ctx: Ctx, access: AccessDep
) -> HTMLResponse:
    if principal.user.role != "clinician":
        raise Forbidden("the clinic outcomes are for clinicians")
    policy.record(ctx.store.uow(), principal.user, access, None)
    summary = clinic.clinic_outcomes(ctx.store, principal.user.id)
    context = {
        "title": "Clinic outcomes",
        "summary": summary,
        "groups": [
            ("All patients who reached a reassessment", [summary.overall]),
            ("By classification", list(summary.by_classification)),
            ("By adherence band", list(summary.by_adherence)),
        ],
    }
    return render(request, "outcomes.html", context, principal=principal)
