"""Video pages: upload (``services.uploads.save_video``, the same as ``POST /api/.../videos``), live
job progress (video.js polls ``GET /api/jobs/{id}``), and accepting a finished measurement into the
record (``services.video_jobs.accept``). A result is accepted once; an upload that asked the worker
to record it (``record`` in the API) is already in the record. Errors are shown on the videos page
with the status of the one error table (``services.errors``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.services import access, patient_records, video_jobs
from lumbo.services.errors import RateLimited, TooLarge, outcome_of
from lumbo.services.uploads import save_video
from lumbo.web.deps import AccessDep, Ctx, CurrentPrincipal, Patient
from lumbo.web.pages import video_words
from lumbo.web.pages.clinician import patient_nav
from lumbo.web.pages.common import PageRoute, person_label, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MOVEMENTS = (
    ("trunk_flexion", "Trunk flexion (side view)"),
    ("trunk_extension", "Trunk extension (side view)"),
    ("lateral_flexion", "Side-bending (front or back view)"),
    ("rotation", "Rotation"),
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
    results = [m["result"] for m in recorded]
    rows: list[dict[str, Any]] = []
    for j in reversed(jobs):
        result = j["result"]
        by_worker = isinstance(result, dict) and result.get("recorded_measurement_id") is not None
        words = video_words.describe(result) if isinstance(result, dict) else None
        accepted = by_worker or (result is not None and result in results)
        rows.append({**j, "accepted": accepted, "words": words})
    context = {
        "title": "Videos",
        **patient_nav(scope.person_id, person_label(scope.person), "videos"),
        "movements": MOVEMENTS,
        "videos": {
            v["job_id"]: v for v in patient_records.videos(ctx.store.uow(), scope.person_id)
        },
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
        "views": {value: REQUIRED_VIEW_WORDS[value] for value, _ in MOVEMENTS},
    }
    return render(request, "film.html", context, principal=principal)


#: How each movement must be filmed (the framing guide's words).
REQUIRED_VIEW_WORDS = {
    "trunk_flexion": "side",
    "trunk_extension": "side",
    "lateral_flexion": "front",
    "rotation": "front",
}
CHECK_MAX_BYTES = 32 * 1024 * 1024


@router.post("/patients/{person_id}/videos/check")
def check(
    scope: Patient,
    ctx: Ctx,
    file: Annotated[UploadFile, File()],
    movement: Annotated[str, Form(max_length=64)],
) -> JSONResponse:
    """Check the first seconds filmed in the browser: whole body in view, right view. Nothing is
    stored; the answer is ok or what to fix, in words."""
    if movement not in REQUIRED_VIEW_WORDS:
        allowed = ", ".join(REQUIRED_VIEW_WORDS)
        raise InvalidInput([Problem("movement", f"must be one of {allowed}", movement)], "check")
    try:
        from lumbo.vision.pose import VisionUnavailable, require_vision

        require_vision()
    except (ImportError, VisionUnavailable):
        return JSONResponse(
            {"ok": None, "message": "The framing cannot be checked here; you can still record.",
             "problems": []}
        )  # fmt: skip
    from lumbo.vision.framing import check_framing

    with tempfile.TemporaryDirectory(prefix="lumbo-check-") as tmp:
        path = Path(tmp) / "check.webm"
        size = 0
        with path.open("wb") as out:
            while chunk := file.file.read(1024 * 1024):
                size += len(chunk)
                if size > CHECK_MAX_BYTES:
                    raise InvalidInput(
                        [Problem("file", f"the check takes at most {CHECK_MAX_BYTES} bytes")],
                        "check",
                    )
                out.write(chunk)
        try:
            result = check_framing(path, movement.replace("_", "-"))
        except InvalidInput:
            return JSONResponse(
                {"ok": False, "message": "The recording could not be read.",
                 "problems": ["Try again; if it keeps failing, upload a video file instead."]}
            )  # fmt: skip
    return JSONResponse(result.to_json())


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
