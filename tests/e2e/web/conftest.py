"""Browser tests: a real uvicorn server (the app of ``lumbo serve``) on a free loopback port with a
temporary SQLite database and the demo accounts, driven by Debian's chromium through Playwright.
The server sends e-mail to a local SMTP server (aiosmtpd): ``server.mailbox`` holds what arrived.

* Skipped only when ``/usr/bin/chromium`` (or ``LUMBO_CHROMIUM``) is absent; ``.ci/run`` installs it.
* axe-core comes from npm (``npm install axe-core@4`` into ``.cache/npm``, reused when present).
* :class:`Browsing` wraps a page: :meth:`Browsing.check` saves a full-page screenshot to
  ``artifacts/screenshots/`` and runs axe, failing on serious or critical violations; at the end of
  each test every page the browser showed must have been checked.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from lumbo.settings import PasswordHashing, Settings
from lumbo.web.demo import DemoAccounts, ensure_demo

from .text_scan import Audience, problems

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("LUMBO_CHROMIUM", "/usr/bin/chromium")
NPM_DIR = ROOT / ".cache" / "npm"
AXE = NPM_DIR / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "artifacts" / "screenshots"
AXE_REPORTS = ROOT / "artifacts" / "axe"
AXE_URL = "/__test__/axe.min.js"  # answered by the browser context's route, never by lumbo
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAST_HASHING = PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"chromium is not installed at {CHROMIUM} (.ci/run installs it)")
    here = Path(__file__).parent
    for item in items:
        if "browser" in item.fixturenames and here in Path(str(item.path)).parents:
            item.add_marker(skip)


@dataclass
class Server:
    url: str
    accounts: DemoAccounts
    app: Any
    mailbox: list[Any] = field(default_factory=list)  # e-mails the local SMTP server received

    @property
    def store(self) -> Any:
        return self.app.state.lumbo.store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import uvicorn
    from aiosmtpd.controller import Controller

    from lumbo.settings import MailSettings
    from lumbo.web.app import create_app

    mailbox: list[Any] = []

    class Inbox:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            from email import message_from_bytes, policy

            mailbox.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    smtp_port = _free_port()
    smtp = Controller(Inbox(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    data = tmp_path_factory.mktemp("lumbo-web")
    port = _free_port()
    settings = Settings(
        mail=MailSettings(host="127.0.0.1", port=smtp_port, sender="lumbo@e2e.test", tls="none"),
        data_dir=data,
        secret_key="e2e-secret-" + "s" * 40,
        database_url=f"sqlite:///{data / 'lumbo.db'}",
        hashing=FAST_HASHING,
        port=port,
        signup=True,  # individuals sign themselves up (issue 20: test_self_directed.py)
    )
    app = create_app(settings)
    accounts = ensure_demo(app.state.lumbo.store, settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, name="lumbo-e2e-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the e2e server did not start")
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", accounts, app, mailbox)
    srv.should_exit = True
    thread.join(timeout=10)
    smtp.stop()


def _axe_script() -> Path:
    if AXE.exists():
        return AXE
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed to fetch axe-core for the accessibility checks")
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--prefix", str(NPM_DIR), "--no-audit", "--no-fund", "--silent",
         "axe-core@4"],
        check=True,
        timeout=300,
    )  # fmt: skip
    if not AXE.exists():
        pytest.fail(f"npm did not install {AXE}")
    return AXE


@pytest.fixture(scope="session")
def axe_script() -> Path:
    return _axe_script()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


SERIOUS = ("serious", "critical")


@dataclass
class Browsing:
    """One browser context (one signed-in person) and its page."""

    name: str
    context: Any
    page: Any
    base: str
    axe: Path
    shots: list[Path] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    csp_violations: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def path(self) -> str:
        return urlparse(self.page.url).path

    def check(self, label: str, scan: Audience = "clinician") -> list[dict[str, Any]]:
        """Screenshot the whole page, run axe; fail on serious or critical violations.

        Every page is also scanned (issue 15): fail when its visible text shows its reader a code,
        an id, a repr, a CLI command or (``scan="patient"``) a source key: see text_scan.py. The
        reader is a clinician unless the test says ``scan="patient"``.
        """
        self.page.wait_for_load_state("load")
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"{self.name}-{len(self.shots) + 1:02d}-{label}.png"
        self.page.screenshot(path=str(shot), full_page=True)
        self.shots.append(shot)
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # From a same-origin URL the test itself serves: the pages' CSP allows no inline script.
            self.page.add_script_tag(url=self.base + AXE_URL)
        violations: list[dict[str, Any]] = self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
            }"""
        )
        self.findings[label] = violations
        AXE_REPORTS.mkdir(parents=True, exist_ok=True)
        (AXE_REPORTS / f"{shot.stem}.json").write_text(json.dumps(violations, indent=2))
        self.checked.add(self.path())
        bad = [v for v in violations if v["impact"] in SERIOUS]
        assert not bad, f"axe on {label} ({self.page.url}): {json.dumps(bad, indent=2)}"
        body = self.page.inner_text("body")
        assert "Traceback" not in body and 'File "' not in body
        bad_text = problems(body, scan)
        assert not bad_text, f"{label} ({self.page.url}) shows its reader: {bad_text}"
        return violations

    def csrf(self) -> str:
        token: str = self.page.get_attribute('meta[name="csrf-token"]', "content")
        return token

    def login(self, email: str, password: str | None) -> None:
        assert password, "the demo accounts were created by this run, so the password is known"
        self.goto("/login")
        self.check("login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("load")


PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}


def open_context(
    browser: Any,
    server: Server,
    axe: Path,
    name: str,
    *,
    phone: bool = False,
    camera: bool = False,
    timeout_ms: int = 15_000,
) -> Browsing:
    """A fresh context (one signed-in person) of ``browser`` at phone (390 wide) or desktop size,
    serving axe-core from the same origin (the pages' CSP allows no inline script), with the
    camera allowed when ``camera`` (a :func:`camera_browser`'s fake one)."""
    context = browser.new_context(base_url=server.url, **(PHONE if phone else DESKTOP))
    if camera:
        context.grant_permissions(["camera"], origin=server.url)
    context.route(
        "**" + AXE_URL,
        lambda route: route.fulfill(path=str(axe), content_type="text/javascript"),
    )
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    return Browsing(name, context, page, server.url, axe)


@contextmanager
def camera_browser(browser: Any, clip: Path) -> Iterator[Any]:
    """A second Chromium from the session's Playwright (one sync Playwright per process), whose
    camera is a fake one playing ``clip`` (a y4m file, looped from when the camera starts)."""
    args = [
        *LAUNCH_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    ]
    b = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def browsing(
    browser: Any, server: Server, axe_script: Path, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """``browsing(name, phone=False)`` opens a fresh context; every page it shows must be checked."""
    opened: list[Browsing] = []
    for stale in SHOTS.glob(f"{request.node.name}-*.png"):
        stale.unlink()

    def open_tracked(name: str, *, phone: bool = False) -> Browsing:
        b = open_context(browser, server, axe_script, f"{request.node.name}-{name}", phone=phone)
        page = b.page
        page.on(
            "framenavigated",
            lambda frame: (
                b.visited.append(urlparse(frame.url).path) if frame == page.main_frame else None
            ),
        )
        page.on(
            "console",
            lambda msg: (
                b.csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        opened.append(b)
        return b

    yield open_tracked
    for b in opened:
        b.context.close()
    for b in opened:
        unchecked = sorted(set(b.visited) - b.checked)
        assert not unchecked, f"pages shown but never checked (screenshot + axe): {unchecked}"
        assert not b.csp_violations, f"the pages broke their CSP: {b.csp_violations}"
