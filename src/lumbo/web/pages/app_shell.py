"""The installable app (issue 16): the web app manifest and the service worker, served from the
site root so the worker's scope covers every page. Both are public: they hold no patient data (the
worker caches a signed-in patient's pages in that browser only, and sign-out deletes the cache)."""

from __future__ import annotations

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


@router.get("/sw.js")
def service_worker() -> Response:
    body = (STATIC_DIR / "sw.js").read_bytes()
    return Response(
        body,
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )
