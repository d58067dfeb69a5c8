"""Video pages: upload (``services.uploads.save_video``, the same as ``POST /api/.../videos``), live
job progress (video.js polls ``GET /api/jobs/{id}``), and accepting a finished measurement into the
record (``services.video_jobs.accept``). A result is accepted once; an upload that asked the worker
to record it (``record`` in the API) is already in the record. Errors are shown on the videos page
with the status of the one error table (``services.errors``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from lumbo.domain.errors import InvalidInput
from lumbo.domain.movements import Movement
from lumbo.services import access, patient_records, uploads, video_jobs
from lumbo.services.errors import RateLimited, TooLarge, outcome_of
from lumbo.services.uploads import save_video
from lumbo.web.deps import AccessDep, Ctx, CurrentPrincipal, Patient
from lumbo.web.pages import video_words
from lumbo.web.pages.clinician import patient_nav
from lumbo.web.pages.common import PageRoute, person_label, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MOVEMENTS = (
    (Movement.trunk_flexion.key, "Trunk flexion (side view)"),
    (Movement.trunk_extension.key, "Trunk extension (side view)"),
    (Movement.lateral_flexion.key, "Side-bending (front or back view)"),
    (Movement.rotation.key, "Rotation"),
)


def _videos_page(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    *,
    job: str | None = None,
    errors: list[str] | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    jobs = patient_records.jobs(ctx.store.uow(), scope.person_id)
    recorded = patient_records.measurements(ctx.store.uow(), scope.person_id)
    results = [m.result for m in recorded]
    rows: list[dict[str, Any]] = []
    for j in reversed(jobs):
        result = j.result
        by_worker = isinstance(result, dict) and result.get("recorded_measurement_id") is not None
        words = video_words.describe(result) if isinstance(result, dict) else None
        accepted = by_worker or (result is not None and result in results)
        rows.append({**j.to_json(), "accepted": accepted, "words": words})
    context = {
        "title": "Videos",
        **patient_nav(scope.person_id, person_label(scope.person), "videos"),
        "movements": MOVEMENTS,
        "videos": {v.job_id: v for v in patient_records.videos(ctx.store.uow(), scope.person_id)},
        "jobs": rows,
        "live": job,
        "measurements": recorded,
        "errors": errors,
        "notice": notice,
        "max_mb": ctx.settings.max_upload_bytes // (1024 * 1024),
    }
    return render(request, "videos.html", context, principal=principal, status=status)


@router.get("/patients/{person_id}/videos", response_class=HTMLResponse)
def videos(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    job: str | None = None,
    accepted: str | None = None,
) -> HTMLResponse:
    notice = "The measurement is now part of the record." if accepted else None
    return _videos_page(request, scope, principal, ctx, job=job, notice=notice)


@router.post("/patients/{person_id}/videos", response_class=HTMLResponse)
def upload(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    file: Annotated[UploadFile, File()],
    movement: Annotated[str, Form(max_length=64)],
) -> Response:
    try:
        done = save_video(
            ctx.store,
            ctx.settings,
            ctx.dispatcher,
            person_id=scope.person_id,
            stream=file.file,
            filename=file.filename,
            content_type=file.content_type,
            movement=movement,
            uploaded_by=scope.user.id,
        )
    except InvalidInput as exc:
        lines = [f"{p.path}: {p.message}" for p in exc.problems]
        return _videos_page(request, scope, principal, ctx, errors=lines, status=422)
    except (TooLarge, RateLimited) as exc:
        message = str(exc).removeprefix("file: ")
        status = outcome_of(exc).status
        return _videos_page(request, scope, principal, ctx, errors=[message], status=status)
    url = f"/patients/{scope.person_id}/videos?job={done.job.id}"
    return RedirectResponse(url, status_code=303)


@router.get("/patients/{person_id}/videos/film", response_class=HTMLResponse)
def film(request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx) -> HTMLResponse:
    """Film with the device's camera: framing guide, a check of the first seconds, record,
    upload (all in ``film.js``; the upload is the same form post as a chosen file)."""
    context = {
        "title": "Film a movement",
        **patient_nav(scope.person_id, person_label(scope.person), "videos"),
        "movements": MOVEMENTS,
        "views": {m.key: m.view for m in Movement},
    }
    return render(request, "film.html", context, principal=principal)


@router.post("/patients/{person_id}/videos/check")
def check(
    scope: Patient,
    ctx: Ctx,
    file: Annotated[UploadFile, File()],
    movement: Annotated[str, Form(max_length=64)],
) -> JSONResponse:
    """Check the first seconds filmed in the browser: whole body in view, right view. Nothing is
    stored; the answer is ok or what to fix, in words (``services.uploads.check_framing``)."""
    return JSONResponse(uploads.check_framing(file.file, movement, Movement.names()))


@router.post("/patients/{person_id}/videos/accept", response_class=HTMLResponse)
def accept(
    request: Request,
    scope: Patient,
    principal: CurrentPrincipal,
    ctx: Ctx,
    access_: AccessDep,
    job_id: Annotated[str, Form(min_length=1, max_length=36)],
) -> Response:
    job = access.open_job(ctx.store.uow(), scope.user, job_id, access_)
    try:
        video_jobs.accept(ctx.store, scope.user, scope.person_id, job)
    except video_jobs.NotAcceptable as exc:
        problem = str(exc)
        if exc.unmeasured and job.result is not None:
            problem += ": " + str(video_words.describe(job.result)["headline"])
        return _videos_page(request, scope, principal, ctx, errors=[problem], status=409)
    url = f"/patients/{scope.person_id}/videos?accepted={job.id}"
    return RedirectResponse(url, status_code=303)
