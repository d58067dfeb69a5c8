"""Security headers on every answer.

=============================  =============================================================
Content-Security-Policy        scripts, styles, images, media and requests from lumbo itself
                               only; no inline script; no framing (``frame-ancestors 'none'``);
                               forms post only to lumbo. The API docs (``/docs``) load Swagger UI
                               from its CDN with one inline start-up script: their own policy.
X-Content-Type-Options         ``nosniff``
X-Frame-Options                ``DENY`` (for browsers without ``frame-ancestors``)
Referrer-Policy                ``no-referrer``: patient ids in URLs never leave in a Referer
Cache-Control                  ``no-store`` on every page and API answer (they carry health
                               data); static files (``/static``) may be cached
Strict-Transport-Security      when served over HTTPS (``LUMBO_COOKIE_SECURE=1``)
=============================  =============================================================
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = [
            (b"content-security-policy", (DOCS_CSP if path in DOCS_PATHS else CSP).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]
        if not path.startswith("/static/"):
            extra.append((b"cache-control", b"no-store"))
        if self.https:
            extra.append((b"strict-transport-security", HSTS.encode()))
        names = {name for name, _ in extra}

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, with_headers)
