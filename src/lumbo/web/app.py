"""The web service: ``create_app(settings)`` builds a FastAPI app; nothing happens at import.

``create_app`` opens the store (migrating it to head) and wires the routers, the error handlers and
a request-size limit. Serve it with ``lumbo serve``, or with several workers:
``uvicorn --factory lumbo.asgi:app_from_env --workers 4`` (:mod:`lumbo.asgi` wires the job queue).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lumbo.settings import Settings
from lumbo.store.db import Store, open_store
from lumbo.store.jobs import JobDispatcher, NoDispatch
from lumbo.store.private import make_private
from lumbo.web import errors, pages
from lumbo.web.deps import AppContext
from lumbo.web.headers import SecurityHeaders
from lumbo.web.input_guard import reject_unstorable
from lumbo.web.responses import Health
from lumbo.web.routes import (
    admin,
    auth,
    data_rights,
    patient_app,
    patients,
    plans,
    reassessments,
    records,
    videos,
)

JSON_BODY_LIMIT = 2 * 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024


class BodyLimit:
    """Refuse request bodies above a limit (uploads: the upload limit; anything else: 2 MiB), by
    ``Content-Length`` up front and by counting streamed chunks: 413, as JSON under ``/api`` and
    as a readable error page anywhere else (a page's form)."""

    def __init__(self, app: ASGIApp, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit + MULTIPART_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = self.upload_limit if path.endswith("/videos") else JSON_BODY_LIMIT
        page = not path.startswith("/api/")
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send, limit, page)
            return
        seen = 0
        too_big = started = False

        async def counted() -> Message:
            nonlocal seen, too_big
            if too_big:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # stop reading; the app sees a disconnect
                    too_big = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if too_big and not started:
                return  # the app's answer to the cut-off body is replaced by the 413
            started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not too_big or started:
                raise
        if too_big and not started:
            await _too_large(send, limit, page)


def _too_large_page(limit: int) -> bytes:
    from lumbo.services.errors import TooLarge, outcome_of
    from lumbo.web.pages.common import templates

    megabytes = max(1, round(limit / (1024 * 1024)))
    outcome = outcome_of(TooLarge())
    lines = [
        f"What you sent is larger than {megabytes} MB, the most this page takes.",
        "For a video, film a shorter clip (one movement, a few repetitions) and try again.",
    ]
    html = (
        templates()
        .env.get_template("error.html")
        .render(user=None, csrf=None, title=outcome.title, lines=lines, status=outcome.status)
    )
    return html.encode("utf-8")


async def _too_large(send: Send, limit: int, page: bool = False) -> None:
    if page:
        body, kind = _too_large_page(limit), b"text/html; charset=utf-8"
    else:
        body, kind = b'{"detail":"request body larger than %d bytes"}' % limit, b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", kind),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_app(
    settings: Settings, *, dispatcher: JobDispatcher | None = None, store: Store | None = None
) -> FastAPI:
    """The app over ``settings``' store (opened and migrated here unless given)."""
    make_private(settings.data_dir)
    opened = store if store is not None else open_store(settings.store)
    owned = store is None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:
                opened.close()

    app = FastAPI(
        title="lumbo",
        summary="Lower-back assessment, safe 12-week protocols, guided sessions, outcomes.",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(reject_unstorable)],
        docs_url="/docs" if settings.api_docs else None,
        redoc_url="/redoc" if settings.api_docs else None,
        openapi_url="/openapi.json" if settings.api_docs else None,
    )
    app.state.lumbo = AppContext(settings, opened, dispatcher or NoDispatch())
    errors.install(app)
    for module in (
        auth,
        patients,
        plans,
        records,
        reassessments,
        videos,
        admin,
        data_rights,
        patient_app,
    ):
        app.include_router(module.router, prefix="/api")

    pages.install(app)  # server-rendered pages and /static (lumbo.web.pages)

    @app.get("/api/health", tags=["health"], response_model=Health)
    def health() -> dict[str, Any]:
        return {"status": "ok"}

    app.add_middleware(BodyLimit, upload_limit=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders, https=settings.cookie_secure)
    return app
