"""The guided self-assessment on the phone (issue 20): one question or task per screen at
``/start``, resumable (the draft is stored after every answer, so a reload or another day goes on
where the person was), built on :mod:`lumbo.services.self_assessment`.

* ``GET /start``: the screen of the current step; a stop screen when the safety gate stops the
  plan (emergency, under 16, see a clinician first); "make my plan" once every step is answered
  or skipped; once the plan exists, the self-tests that fit it (one per screen, "Fitting your
  plan to you"), then the person's today page.
* ``POST /start/answer`` (one answer, or ``skip`` for an optional step), ``POST /start/back``,
  ``POST /start/finish``.
* The filmed forward bend uses the filming page of the video work (``film.html``, its framing
  check and upload): ``/start/film`` uploads for the person (made on first need by
  ``self_assessment.video_person``), ``/start/video/{job_id}`` waits for the analysis and brings
  the result back into the flow (``self_assessment.attach_video``).
* ``/start/summary``: the answers in words, printable, to take to a clinician (``?format=pdf``:
  the same as a PDF).

Every route is for the signed-in person themselves (no person id in the path: the account's own
draft); other roles get 403.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.domain.movements import Movement
from lumbo.domain.self_assessment.gate import Outcome
from lumbo.domain.self_assessment.steps import Kind
from lumbo.reports import documents as docs
from lumbo.services import access, self_assessment, uploads
from lumbo.services.errors import Forbidden, PlanWithheld, RateLimited, TooLarge
from lumbo.store.accounts import User
from lumbo.web.deps import AccessDep, Ctx, CurrentPrincipal, require
from lumbo.web.pages import video_words
from lumbo.web.pages.common import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
START = "/start"
FILM_MOVEMENT = Movement.trunk_flexion.key
ACTIVITY_ROWS = 3
STOP_TITLES = {
    Outcome.EMERGENCY: "Get emergency care today",
    Outcome.TOO_YOUNG: "lumbo's home plans start at 16",
    Outcome.SEE_CLINICIAN: "See a clinician before you start",
}


def _person_user(principal: CurrentPrincipal) -> User:
    if principal.user.role != "patient":
        raise Forbidden("the self-assessment is for the person themselves")
    return principal.user


Person = Annotated[User, require("patient")]  # checked before any form is read: 403 for others


def _today(person_id: str) -> str:
    return f"/patients/{person_id}/today"


def _stop_page(request: Request, principal: CurrentPrincipal, gate: Any) -> HTMLResponse:
    context = {
        "title": STOP_TITLES[gate.outcome],
        "gate": gate,
        "emergency": gate.outcome is Outcome.EMERGENCY,
        "see_clinician": gate.outcome is Outcome.SEE_CLINICIAN,
    }
    return render(request, "self_stop.html", context, principal=principal)


def _step_page(
    request: Request,
    principal: CurrentPrincipal,
    draft: self_assessment.Draft,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    s = draft.step
    assert s is not None
    answer = s.answer
    context = {
        "title": s.words if len(s.words) <= 60 else s.section_words,
        "draft": draft,
        "s": s,
        "kind": s.kind.value,
        "error": error,
        "answer_json": None if answer is None else json.dumps(answer),
        "picked": [json.dumps(v) for v in answer] if isinstance(answer, list) else [],
        "choices": [(json.dumps(c.value), c.words) for c in s.choices],
        "activities": activity_rows(answer),
        "percent": round(100 * (draft.position - 1) / max(1, draft.total)),
    }
    return render(request, "self_step.html", context, principal=principal, status=status)


def activity_rows(answer: Any) -> list[dict[str, Any]]:
    given = answer if isinstance(answer, list) else []
    rows = [dict(a) for a in given if isinstance(a, dict)][:ACTIVITY_ROWS]
    return rows + [{"activity": "", "score": None}] * (ACTIVITY_ROWS - len(rows))


@router.get("/start", response_class=HTMLResponse)
def start(request: Request, principal: CurrentPrincipal, _person: Person, ctx: Ctx) -> Response:
    user = _person_user(principal)
    try:
        draft = self_assessment.start_or_resume(ctx.store.uow(), user.id)
    except Conflict:  # a clinician's patient: their plan comes from the clinician
        if user.person_id is None:
            raise
        return RedirectResponse(_today(user.person_id), status_code=303)
    if (
        draft.finished
        and draft.person_id is not None
        and not (draft.fitting and not draft.gate.stops)
    ):  # the plan is made; the self-tests that fit it (a current step) are asked here until answered
        return RedirectResponse(_today(draft.person_id), status_code=303)
    if draft.gate.stops:
        return _stop_page(request, principal, draft.gate)
    if draft.step is not None:
        return _step_page(request, principal, draft)
    context = {"title": "Ready for your plan", "draft": draft}
    return render(request, "self_ready.html", context, principal=principal)


def form_value(kind: Kind, form: Any, name: str = "value") -> Any:
    """The answer in the form's field ``name``, as the service takes it (None: nothing given)."""
    if kind in (Kind.yes_no, Kind.choice):
        raw = form.get(name)
        return None if not raw else json.loads(str(raw))
    if kind is Kind.choices:
        return [json.loads(str(v)) for v in form.getlist(name)]
    if kind in (Kind.number, Kind.scale):
        raw = str(form.get(name) or "").strip().replace(",", ".")
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError:
            return float(raw)
    if kind is Kind.activities:
        prefix = "" if name == "value" else f"{name}_"
        rows = []
        for n in range(1, ACTIVITY_ROWS + 1):
            activity = str(form.get(f"{prefix}activity_{n}") or "").strip()
            score = str(form.get(f"{prefix}score_{n}") or "").strip()
            if activity or score:
                rows.append({"activity": activity, "score": int(score) if score.isdigit() else -1})
        return rows or None
    return None


def refused_words(kind: Kind, problem: Problem) -> str:
    """A refused answer in the person's words (never the step's id or a value list)."""
    if problem.message.startswith("must be answered"):
        if kind in (Kind.number,):
            return "Type a number to go on."
        return "Choose an answer to go on."
    if kind in (Kind.choice, Kind.choices, Kind.yes_no):
        return "Choose one of the answers."
    if problem.message.startswith("each "):
        # a rule on one row of a list ("each score must be ..."): a sentence of its own
        return problem.message[0].upper() + problem.message[1:] + "."
    return "Your answer " + problem.message + "."


@router.post("/start/answer", response_class=HTMLResponse)
async def answer(
    request: Request, principal: CurrentPrincipal, _person: Person, ctx: Ctx
) -> Response:
    user = _person_user(principal)
    form = await request.form()
    draft = self_assessment.start_or_resume(ctx.store.uow(), user.id)
    s = draft.step
    step_id = str(form.get("step_id") or "")
    if s is None or step_id != s.id:  # an old tab or a double submit: show where things are
        return RedirectResponse(START, status_code=303)
    try:
        value = None if form.get("skip") else form_value(s.kind, form)
        if value is None and not s.optional:
            raise InvalidInput([Problem(s.id, "must be answered")])
        after = self_assessment.answer(ctx.store.uow(), user.id, s.id, value)
    except (InvalidInput, ValueError) as exc:
        problem = exc.problems[0] if isinstance(exc, InvalidInput) else Problem(s.id, "")
        error = refused_words(s.kind, problem) if problem.message else "Check your answer."
        return _step_page(request, principal, draft, error=error, status=422)
    if draft.fitting and after.step is None and after.person_id is not None:
        # the last test that fits the plan: the plan is fitted (or withheld: the referral screen)
        done = "" if after.gate.stops else "?fitted=1"
        return RedirectResponse(_today(after.person_id) + done, status_code=303)
    return RedirectResponse(START, status_code=303)


@router.post("/start/back")
def back(principal: CurrentPrincipal, _person: Person, ctx: Ctx) -> Response:
    self_assessment.back(ctx.store.uow(), _person_user(principal).id)
    return RedirectResponse(START, status_code=303)


@router.post("/start/finish")
def finish(principal: CurrentPrincipal, _person: Person, ctx: Ctx) -> Response:
    """Make the plan; a gate that stops it, or a step still open, sends the person back to the
    screen that says why (never a plan)."""
    user = _person_user(principal)
    try:
        done = self_assessment.finish(ctx.store.uow(), user.id, date.today())
    except (PlanWithheld, InvalidInput):
        return RedirectResponse(START, status_code=303)
    return RedirectResponse(_today(done.person.id) + "?first=1", status_code=303)


TAKE_ALONG = "Your answers, for a clinician"


@router.get("/start/summary", response_class=HTMLResponse)
def summary(
    request: Request,
    principal: CurrentPrincipal,
    _person: Person,
    ctx: Ctx,
    format: Annotated[Literal["html", "pdf"], Query(description="html or pdf")] = "html",
) -> Response:
    """The answers in words, to print and take to a clinician (``?format=pdf``: as a PDF, the
    documents' template and stylesheet)."""
    user = _person_user(principal)
    found = self_assessment.clinician_summary(ctx.store.uow(), user.id)
    if format == "pdf":
        data = {"kind": "self_summary", "title": TAKE_ALONG, "email": user.email, "summary": found}
        return Response(
            docs.to_pdf(docs.render_html(data)),
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="answers-for-a-clinician.pdf"'},
        )
    context = {"title": TAKE_ALONG, "summary": found, "email": user.email}
    return render(request, "self_summary.html", context, principal=principal)


@router.get("/start/film", response_class=HTMLResponse)
def film(request: Request, principal: CurrentPrincipal, _person: Person, ctx: Ctx) -> HTMLResponse:
    """The filming page of the video work, for the forward bend of this self-assessment."""
    user = _person_user(principal)
    person_id = self_assessment.video_person(ctx.store.uow(), user.id)
    context = {
        "title": "Film your forward bend",
        "movements": ((FILM_MOVEMENT, "Bending forwards (side view)"),),
        "views": {FILM_MOVEMENT: Movement.trunk_flexion.view},
        "upload_url": "/start/film",
        "check_url": f"/patients/{person_id}/videos/check",
        "back_url": START,
        "back_words": "Back to your questions",
        "person_id": person_id,
    }
    return render(request, "film.html", context, principal=principal)


@router.post("/start/film", response_class=HTMLResponse)
def film_upload(
    request: Request,
    principal: CurrentPrincipal,
    _person: Person,
    ctx: Ctx,
    file: Annotated[UploadFile, File()],
    movement: Annotated[str, Form(max_length=64)] = FILM_MOVEMENT,
) -> Response:
    user = _person_user(principal)
    person_id = self_assessment.video_person(ctx.store.uow(), user.id)
    try:
        done = uploads.save_video(
            ctx.store,
            ctx.settings,
            ctx.dispatcher,
            person_id=person_id,
            stream=file.file,
            filename=file.filename,
            content_type=file.content_type,
            movement=FILM_MOVEMENT,
            uploaded_by=user.id,
        )
    except (InvalidInput, TooLarge, RateLimited) as exc:
        lines = [p.message for p in exc.problems] if isinstance(exc, InvalidInput) else [str(exc)]
        context = {"title": "The video was not taken", "lines": lines}
        return render(request, "self_video.html", context, principal=principal, status=422)
    return RedirectResponse(f"/start/video/{done.job.id}", status_code=303)


@router.get("/start/video/{video_job}", response_class=HTMLResponse)
def video(
    request: Request,
    video_job: str,
    principal: CurrentPrincipal,
    _person: Person,
    ctx: Ctx,
    access_: AccessDep,
) -> Response:
    """Wait for the analysis (the page reloads itself), then bring the result into the flow; a
    result the video checks did not trust says why, with filming again or the tape as ways on."""
    user = _person_user(principal)
    job = access.open_job(ctx.store.uow(), user, video_job[:36], access_)
    context: dict[str, Any] = {"title": "Measuring your forward bend", "job": job}
    if job.status in ("queued", "running"):
        context["waiting"] = True
        return render(request, "self_video.html", context, principal=principal)
    if job.status == "done":
        draft = self_assessment.start_or_resume(ctx.store.uow(), user.id)
        step_id = draft.step.id if draft.step is not None else ""
        if draft.step is not None and draft.step.kind is Kind.video:
            try:
                self_assessment.attach_video(ctx.store.uow(), user.id, step_id, job.id)
            except InvalidInput:
                pass  # said below, in words
            else:
                return RedirectResponse(START + "?filmed=1", status_code=303)
    words = video_words.describe(job.result) if isinstance(job.result, dict) else None
    context |= {"title": "The video could not be measured", "words": words, "failed": True}
    return render(request, "self_video.html", context, principal=principal)
