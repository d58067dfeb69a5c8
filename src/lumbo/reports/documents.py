"""Printed documents: the same Jinja templates give the print view in the browser and the PDF.

:func:`render_html` fills a document template with the data from :mod:`lumbo.services.documents`;
:func:`to_pdf` lays the HTML out with WeasyPrint (pango must be installed: Debian's
``libpango-1.0-0`` and ``libpangoft2-1.0-0``). Pictures: the exercise illustrations are inline
``data:`` SVG in the PDF and ``/illustrations/<id>.svg`` links on the web; the sign-in QR code is
drawn by segno.
"""

from __future__ import annotations

import base64
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any

import segno
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from lumbo.domain.explain import words
from lumbo.reports.figure import illustration_svg

__all__ = ["DOCUMENTS", "css", "qr_svg", "render_html", "to_pdf"]

DOCUMENTS = {
    "handout": "handout.html",
    "assessment": "assessment_report.html",
    "progress": "progress_report.html",
    "self_summary": "self_summary.html",
}


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("lumbo.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["words"] = words
    return env


@cache
def css(name: str = "document.css") -> str:
    """A documents' stylesheet: ``document.css`` (screen and print, also in the PDF) or
    ``document-screen.css`` (narrow screens only)."""
    if name not in {"document.css", "document-screen.css"}:
        raise KeyError(name)
    return resources.files("lumbo.reports").joinpath(f"templates/{name}").read_text("utf-8")


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as inline SVG markup (scannable on paper at 3 cm; inline, so a strict
    Content-Security-Policy for images does not block it)."""
    svg: str = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000")
    label = escape(f"QR code that opens {url}")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="qr" ', 1)


@cache
def _figure_data(technique_id: str) -> str:
    svg = illustration_svg(technique_id)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def inline_figure(technique_id: str) -> str:
    """The still picture of a technique as a data URI (for the PDF, which fetches nothing)."""
    return _figure_data(technique_id)


def web_figure(technique_id: str) -> str:
    return f"/illustrations/{technique_id}.svg"


def render_html(
    data: dict[str, Any],
    *,
    figure: Callable[[str], str] = inline_figure,
    stylesheet: str | None = None,
    back_link: str | None = None,
) -> str:
    """The document's HTML. ``stylesheet`` links a CSS URL (web); without it the CSS is embedded
    (PDF). ``figure`` maps a technique id to the picture's URL."""
    template = _env().get_template(DOCUMENTS[data["kind"]])
    qr = Markup(qr_svg(data["app_url"])) if data.get("app_url") else None
    return template.render(
        d=data,
        figure=figure,
        qr=qr,
        stylesheet=stylesheet,
        embedded_css=Markup(css()) if stylesheet is None else None,
        back_link=back_link,
    )


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a PDF is laid out, then one young-generation collection.

    WeasyPrint keeps about 120,000 container objects alive while it renders a 21-page handout
    (boxes, styles, pages) and leaves about 105,000 of them as reference cycles at the end: the
    collector ran about 350 times during one render, walking those survivors again and again and,
    at each full collection, the whole heap of the process (SQLAlchemy, pydantic...): 0.2 to
    0.3 s of CPU, up to a seventh of the handout. One collection of the young generation at the
    end frees the render's cycles at once, counted in the render's time. Process-wide, so nested
    or concurrent renders (threads of the web server) share one pause: the last one out turns the
    collector back on, if it was on."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            resume = _gc_pauses == 0 and _gc_was_enabled
            if resume:
                gc.enable()
        if resume:
            gc.collect(0)


def to_pdf(html: str) -> bytes:
    """The PDF of a document's HTML. Only ``data:`` URLs are fetched (every picture is inline):
    a document never reaches the network or the file system."""
    with _gc_paused():
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher

        fetcher = URLFetcher(allowed_protocols={"data"}, timeout=2)
        pdf = HTML(string=html, url_fetcher=fetcher, base_url="data:,").write_pdf()
    assert pdf is not None
    return bytes(pdf)
