"""The installable app (issue 16): the web app manifest and the service worker, served from the
site root so the worker's scope covers every page. Both are public: they hold no patient data (the
worker caches a signed-in patient's pages in that browser only, and sign-out deletes the cache)."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from lumbo.web.pages.common import STATIC_DIR, PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MANIFEST = {
    "name": "lumbo: your back program",
    "short_name": "lumbo",
    "description": "Your exercise sessions, check-ins and progress, also without a connection.",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "orientation": "portrait",
    "background_color": "#ffffff",
    "theme_color": "#10263d",
    "icons": [  # PNGs at 192 and 512 px for Chrome's install criteria (scripts/gen_app_icons.py)
        {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
    ],
}


@router.get("/manifest.webmanifest")
def manifest() -> JSONResponse:
    return JSONResponse(MANIFEST, media_type="application/manifest+json")


SHELL_NAME = 'var SHELL = "lumbo-shell-v1";'


def shell_version(static_dir: Path) -> str:
    """A hash of the worker and the shell files it caches (the list in sw.js): it changes with
    any of them, so an upgrade reaches installed phones (see sw.js)."""
    worker = (static_dir / "sw.js").read_text(encoding="utf-8")
    files = re.findall(r'"/static/([\w.-]+)"', worker.split("SHELL_FILES", 1)[1].split("]", 1)[0])
    digest = hashlib.sha256(worker.encode())
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + (static_dir / name).read_bytes())
    return digest.hexdigest()[:12]


@cache
def _worker_body() -> bytes:
    text = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    assert SHELL_NAME in text, "sw.js names its shell cache as SHELL_NAME says"
    versioned = f'var SHELL = "lumbo-shell-{shell_version(STATIC_DIR)}";'
    return text.replace(SHELL_NAME, versioned).encode("utf-8")


@router.get("/sw.js")
def service_worker() -> Response:
    body = _worker_body()
    return Response(
        body,
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )
