"""Security headers, no inline script anywhere, login CSRF and the /docs switch (issue 12,
points 5 and 9)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import lumbo.web.headers
from lumbo.settings import Settings
from lumbo.web.app import create_app
from tests.integration.web.conftest import make_settings
from tests.integration.web.world import World

WEB = Path(lumbo.web.headers.__file__).parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _pages(w: World) -> list[tuple[TestClient, str]]:
    p = w.person_a
    return [
        (TestClient(w.app), "/login"),
        (w.clinician_a, "/patients"),
        (w.clinician_a, f"/patients/{p}/plan"),
        (w.clinician_a, f"/api/patients/{p}"),
        (w.clinician_a, f"/api/patients/{p}/sessions"),
        (w.patient_a, f"/patients/{p}/today"),
        (w.patient_a, f"/patients/{p}/checkin"),
        (TestClient(w.app), "/api/auth/me"),  # an error answer too
    ]


def test_every_page_and_api_answer_carries_the_security_headers(world: World) -> None:
    for client, url in _pages(world):
        got = client.get(url)
        h = got.headers
        csp = h["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"
        assert h["cache-control"] == "no-store", url
        assert "strict-transport-security" not in h
    static = TestClient(world.app).get("/static/lumbo.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")


def test_https_adds_hsts(world: World, tmp_path: Path) -> None:
    app = create_app(
        make_settings(tmp_path / "s", world.ctx.settings.database_url, cookie_secure=True)
    )
    try:
        got = TestClient(app).get("/login")
        assert got.headers["strict-transport-security"].startswith("max-age=31536000")
        assert "secure" in got.headers["set-cookie"].lower()
    finally:
        app.state.lumbo.store.close()


@pytest.mark.parametrize(
    "path", sorted([*WEB.glob("templates/*.html"), *WEB.glob("static/*.js")]), ids=lambda p: p.name
)
def test_no_template_or_script_has_inline_script_or_handlers(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        assert not INLINE_SCRIPT.search(text), INLINE_SCRIPT.search(text)
        assert not INLINE_HANDLER.search(text), INLINE_HANDLER.search(text)
        assert "javascript:" not in text and "style=" not in text
    else:
        assert "eval(" not in text and "new Function" not in text and "innerHTML" not in text


def test_the_sign_in_form_needs_its_own_csrf_token(world: World) -> None:
    client = TestClient(world.app, follow_redirects=False)
    form = {"email": "a@x.test", "password": "correct horse battery", "next": "/"}
    assert client.post("/login", data=form).status_code == 403  # no token
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    other = TestClient(world.app, follow_redirects=False)  # another browser's token
    assert other.post("/login", data={**form, "csrf_token": token.group(1)}).status_code == 403
    ok = client.post("/login", data={**form, "csrf_token": token.group(1)})
    assert ok.status_code == 303 and "lumbo_session" in client.cookies


def test_api_docs_can_be_turned_off_and_are_off_in_production(world: World, tmp_path: Path) -> None:
    assert TestClient(world.app).get("/docs").status_code == 200
    app = create_app(make_settings(tmp_path / "s", world.ctx.settings.database_url, api_docs=False))
    try:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert TestClient(app).get(path).status_code == 404, path
    finally:
        app.state.lumbo.store.close()
    env = {"LUMBO_DATA_DIR": str(tmp_path / "e")}
    assert Settings.from_env(env).api_docs is True
    assert Settings.from_env({**env, "LUMBO_PRODUCTION": "1"}).api_docs is False
    both = {**env, "LUMBO_PRODUCTION": "1", "LUMBO_API_DOCS": "1"}
    assert Settings.from_env(both).api_docs is True
