"""The patient's reminders page (issue 16): days and time, e-mail reminders (when SMTP is
configured), the private calendar feed (made, shown once, revoked), "e-mail me my handout".
The feed itself (``/calendar/{token}.ics``) is public: the unguessable token is the credential."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.domain.errors import InvalidInput
from lumbo.services import patient_mail, reminders
from lumbo.services.accounts import signed_in_recently
from lumbo.services.mail import mailer_for
from lumbo.web.deps import Ctx, CurrentPrincipal, Patient
from lumbo.web.pages.clinician import patient_nav
from lumbo.web.pages.common import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _fresh_sign_in(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> RedirectResponse | None:
    """A remembered device (30 days) may run sessions, but changing reminders, the calendar link
    or sending mail needs a sign-in of the last hours: otherwise, back to the sign-in page."""
    if signed_in_recently(ctx.store, ctx.settings, principal.session):
        return None
    target = quote(f"/patients/{scope.person_id}/reminders", safe="/")
    return RedirectResponse(f"/login?again=1&next={target}", status_code=303)


def _page(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    *,
    feed_url: str | None = None,
    notice: str | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    settings = reminders.current(ctx.store.uow(), scope.person_id)
    clinic_zone = reminders.clinic_time_zone(ctx.store.uow())
    context = {
        "title": "Reminders",
        **patient_nav(scope.person_id, scope.person.external_ref, "reminders"),
        "settings": settings,
        "days": list(enumerate(reminders.DAY_NAMES)),
        "chosen_days": settings.reminder_days or reminders.DEFAULT_DAYS,
        "chosen_time": settings.reminder_time or reminders.DEFAULT_TIME,
        "zones": [(z, reminders.zone_words(z)) for z in sorted(reminders.time_zones())],
        "chosen_zone": settings.time_zone or "",
        "clinic_zone": reminders.zone_words(clinic_zone),
        "mail_on": ctx.settings.mail is not None,
        "feed_url": feed_url,
        "notice": notice,
        "errors": errors,
    }
    return render(request, "reminders.html", context, principal=principal, status=status)


@router.get("/patients/{person_id}/reminders", response_class=HTMLResponse)
def page(request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx) -> HTMLResponse:
    return _page(request, scope, principal, ctx)


@router.post("/patients/{person_id}/reminders", response_class=HTMLResponse)
def save(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    at: Annotated[str, Form(max_length=5)] = "",
    days: Annotated[list[int] | None, Form()] = None,
    email: Annotated[str, Form(max_length=3)] = "",
    time_zone: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    if (again := _fresh_sign_in(request, scope, principal, ctx)) is not None:
        return again
    wants_mail = email == "on" and ctx.settings.mail is not None
    try:
        reminders.choose(
            ctx.store.uow(), scope.person_id, days or [], at, wants_mail, time_zone or None
        )
    except InvalidInput as exc:
        lines = [p.message[0].upper() + p.message[1:] + "." for p in exc.problems]
        return _page(request, scope, principal, ctx, errors=lines, status=422)
    return _page(request, scope, principal, ctx, notice="Your reminder choices are saved.")


@router.post("/patients/{person_id}/calendar", response_class=HTMLResponse)
def make_calendar(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> Response:
    if (again := _fresh_sign_in(request, scope, principal, ctx)) is not None:
        return again
    token = reminders.new_calendar_token(ctx.store.uow(), scope.person_id)
    url = str(request.base_url).rstrip("/") + f"/calendar/{token}.ics"
    return _page(request, scope, principal, ctx, feed_url=url)


@router.post("/patients/{person_id}/calendar/revoke", response_class=HTMLResponse)
def revoke_calendar(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> Response:
    if (again := _fresh_sign_in(request, scope, principal, ctx)) is not None:
        return again
    reminders.revoke_calendar(ctx.store.uow(), scope.person_id)
    notice = "Your calendar link is stopped: calendars that used it get no more updates."
    return _page(request, scope, principal, ctx, notice=notice)


@router.post("/patients/{person_id}/handout/email", response_class=HTMLResponse)
def email_handout(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx
) -> Response:
    if (again := _fresh_sign_in(request, scope, principal, ctx)) is not None:
        return again
    mailer = mailer_for(ctx.settings.mail)
    if mailer is None:
        errors = ["E-mail is not set up on this lumbo service: download the sheet instead."]
        return _page(request, scope, principal, ctx, errors=errors, status=409)
    patient_mail.email_handout(
        ctx.store.uow,
        mailer,
        scope.person_id,
        principal.user.email,
        date.today(),
        app_url=str(request.base_url),
    )
    notice = f"Your exercise sheet is on its way to {principal.user.email}."
    return _page(request, scope, principal, ctx, notice=notice)


@router.get("/calendar/{token}.ics")
def calendar(request: Request, token: str, ctx: Ctx) -> Response:
    body = reminders.calendar_feed(ctx.store.uow(), token, str(request.base_url).rstrip("/"))
    return Response(body, media_type="text/calendar; charset=utf-8")
