"""Video uploads: checked (type, signature, size), stored under ``<data dir>/uploads/<person id>/``
and recorded with a queued ``video_analysis`` job, all or nothing.

The file is streamed to a temporary name, hashed and counted, then renamed into place; the video
and job rows are committed together; a failed commit removes the file. The job's payload names the
video id, its path relative to the data directory and the movement. After the commit the app's
:class:`~lumbo.store.jobs.JobDispatcher` is told about the job.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lumbo.domain.errors import InvalidInput, LumboError, Problem
from lumbo.services._shared import need_person
from lumbo.store.db import Store
from lumbo.store.jobs import VIDEO_ANALYSIS, Job, JobDispatcher, JobRepository, Video
from lumbo.web.settings import WebSettings

CHUNK = 1024 * 1024
EXTENSIONS = {
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/x-m4v": ".m4v",
}


class TooLarge(LumboError):
    """A request body above the configured limit (HTTP 413)."""


@dataclass(frozen=True, slots=True)
class Uploaded:
    video: Video
    job: Job


# The movements the video pipeline measures (``lumbo measure --movement``, with _ for -).
VIDEO_MOVEMENTS = ("trunk_flexion", "trunk_extension", "lateral_flexion", "rotation")


def _looks_like_video(head: bytes, content_type: str) -> bool:
    if content_type == "video/webm":
        return head.startswith(b"\x1a\x45\xdf\xa3")
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")


def check_meta(settings: WebSettings, content_type: str | None, movement: str) -> list[Problem]:
    problems = []
    if content_type not in settings.video_types:
        problems.append(
            Problem(
                "file", f"content type must be one of {list(settings.video_types)}", content_type
            )
        )
    if movement not in VIDEO_MOVEMENTS:
        allowed = ", ".join(VIDEO_MOVEMENTS)
        problems.append(Problem("movement", f"must be one of {allowed}", movement))
    return problems


def save_video(
    store: Store,
    settings: WebSettings,
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
        job = Job(
            kind=VIDEO_ANALYSIS,
            person_id=person_id,
            payload={
                "video_id": video_id,
                "path": relative.as_posix(),
                "movement": movement,
                "record": record,
            },
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
            jobs = JobRepository(uow.session)
            jobs.add_job(job)
            jobs.add_video(video)
            uow.commit()
    except BaseException:
        partial.unlink(missing_ok=True)
        final.unlink(missing_ok=True)
        raise
    dispatcher.dispatch(job.id)
    return Uploaded(video, job)
