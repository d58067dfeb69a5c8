"""Video uploads: checked (type, signature, size), stored under ``<data dir>/uploads/<person id>/``
and recorded with a queued ``video_analysis`` job (:mod:`.video_jobs`), all or nothing. The
web page and the API both call :func:`save_video`.

The file is streamed to a temporary name, hashed and counted, then renamed into place; the video
and job rows are committed together; a failed commit removes the file. The job's payload names the
video id, its path relative to the data directory and the movement
(:class:`~lumbo.services.video_jobs.VideoJobPayload`). After the commit the app's
:class:`~lumbo.store.jobs.JobDispatcher` is told about the job.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from lumbo.domain.errors import InvalidInput, LumboError, Problem
from lumbo.domain.movements import Movement
from lumbo.services._shared import UnitsOfWork, need_person
from lumbo.services.errors import TooLarge, TooManyUploads
from lumbo.services.video_jobs import VideoJobPayload
from lumbo.settings import Settings
from lumbo.store.jobs import VIDEO_ANALYSIS, Job, JobDispatcher, Video
from lumbo.store.tables import utcnow

CHUNK = 1024 * 1024
EXTENSIONS = {
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/x-m4v": ".m4v",
}


def check_upload_rate(store: UnitsOfWork, settings: Settings, uploaded_by: str | None) -> None:
    """At most ``uploads_per_hour`` videos per account in any hour (counted in the database, so
    every worker sees them)."""
    if uploaded_by is None:
        return
    now = utcnow()
    with store.uow() as uow:
        times = uow.jobs.upload_times(uploaded_by, now - timedelta(hours=1))
    if len(times) >= settings.uploads_per_hour:
        oldest = sorted(times)[len(times) - settings.uploads_per_hour]
        raise TooManyUploads(
            int((oldest + timedelta(hours=1) - now).total_seconds()), settings.uploads_per_hour
        )


def check_media(settings: Settings, path: Path) -> None:
    """Duration, frame count and resolution from the video's header, against the settings. A
    header that cannot be read is left to the analysis job (which reports it)."""
    try:
        from lumbo.vision.decode import probe
    except ImportError:  # the web service without the video extra: the worker checks
        return
    try:
        info = probe(path)
    except LumboError:
        return
    if info.duration_s > settings.max_video_seconds:
        raise TooLarge(
            f"file: the video lasts {info.duration_s:.0f} s; at most "
            f"{settings.max_video_seconds} s can be analysed (film one movement, a few repetitions)"
        )
    if info.frame_count > settings.max_video_frames:
        raise TooLarge(
            f"file: the video has {info.frame_count} frames; at most "
            f"{settings.max_video_frames} can be analysed (film at a lower frame rate)"
        )
    if max(info.width, info.height) > settings.max_video_side:
        raise InvalidInput(
            [
                Problem(
                    "file",
                    f"the video is {info.width}x{info.height} pixels; at most "
                    f"{settings.max_video_side} pixels on the longer side (film at 1080p or less)",
                )
            ],
            "upload",
        )


@dataclass(frozen=True, slots=True)
class Uploaded:
    video: Video
    job: Job


def _looks_like_video(head: bytes, content_type: str) -> bool:
    if content_type == "video/webm":
        return head.startswith(b"\x1a\x45\xdf\xa3")
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")


def check_meta(settings: Settings, content_type: str | None, movement: str) -> list[Problem]:
    problems = []
    if content_type not in settings.video_types:
        problems.append(
            Problem(
                "file", f"content type must be one of {list(settings.video_types)}", content_type
            )
        )
    if movement not in Movement.names():
        allowed = ", ".join(Movement.names())
        problems.append(Problem("movement", f"must be one of {allowed}", movement))
    return problems


def save_video(
    store: UnitsOfWork,
    settings: Settings,
    dispatcher: JobDispatcher,
    *,
    person_id: str,
    stream: BinaryIO,
    filename: str | None,
    content_type: str | None,
    movement: str,
    uploaded_by: str | None,
    record: bool = False,
) -> Uploaded:
    problems = check_meta(settings, content_type, movement)
    if problems or content_type is None:
        raise InvalidInput(problems, "upload")
    check_upload_rate(store, settings, uploaded_by)
    video_id = str(uuid.uuid4())
    relative = Path("uploads") / person_id / f"{video_id}{EXTENSIONS.get(content_type, '.bin')}"
    final = settings.data_dir / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_suffix(".part")
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(partial, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise TooLarge(f"file: larger than {settings.max_upload_bytes} bytes")
                if len(head) < 16:
                    head = (head + chunk)[:16]
                digest.update(chunk)
                out.write(chunk)
        if size == 0 or not _looks_like_video(head, content_type):
            raise InvalidInput(
                [Problem("file", f"is not a {content_type} video (empty or wrong signature)")],
                "upload",
            )
        os.replace(partial, final)
        check_media(settings, final)
        job = Job(
            kind=VIDEO_ANALYSIS,
            person_id=person_id,
            payload=VideoJobPayload(
                video_id=video_id, path=relative.as_posix(), movement=movement, record=record
            ).to_json(),
            created_by=uploaded_by,
        )
        video = Video(
            id=video_id,
            person_id=person_id,
            movement=movement,
            filename=(filename or "video")[:255],
            content_type=content_type,
            size_bytes=size,
            sha256=digest.hexdigest(),
            path=relative.as_posix(),
            job_id=job.id,
            uploaded_by=uploaded_by,
        )
        with store.uow() as uow:
            need_person(uow.journeys, person_id)
            uow.jobs.add_job(job)
            uow.jobs.add_video(video)
            uow.commit()
    except BaseException:
        partial.unlink(missing_ok=True)
        final.unlink(missing_ok=True)
        raise
    dispatcher.dispatch(job.id)
    return Uploaded(video, job)


CHECK_MAX_BYTES = 32 * 1024 * 1024


def check_framing(stream: BinaryIO, movement: str, movements: tuple[str, ...]) -> dict[str, Any]:
    """Check the first seconds filmed in the browser (whole body in view, the right view);
    nothing is stored. The answer (for ``film.js``): ``ok`` (None: cannot check here), a message
    and the problems, in words."""
    if movement not in movements:
        allowed = ", ".join(movements)
        raise InvalidInput([Problem("movement", f"must be one of {allowed}", movement)], "check")
    try:
        from lumbo.vision.pose import VisionUnavailable, require_vision

        require_vision()
    except (ImportError, VisionUnavailable):
        return {
            "ok": None,
            "message": "The framing cannot be checked here; you can still record.",
            "problems": [],
        }
    from lumbo.vision.framing import check_framing as framing_of

    with tempfile.TemporaryDirectory(prefix="lumbo-check-") as tmp:
        path = Path(tmp) / "check.webm"
        size = 0
        with path.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > CHECK_MAX_BYTES:
                    raise InvalidInput(
                        [Problem("file", f"the check takes at most {CHECK_MAX_BYTES} bytes")],
                        "check",
                    )
                out.write(chunk)
        try:
            result = framing_of(path, Movement[movement].value)
        except InvalidInput:
            return {
                "ok": False,
                "message": "The recording could not be read.",
                "problems": ["Try again; if it keeps failing, upload a video file instead."],
            }
    answer: dict[str, Any] = result.to_json()
    return answer
