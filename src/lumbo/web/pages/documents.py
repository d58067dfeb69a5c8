"""Exercise pictures and printed documents on the web.

* ``/illustrations/{id}.svg``: a technique's picture (``?motion=1``: the animation, which stands
  still for readers who ask for reduced motion).
* ``/patients/{id}/handout``: the home-exercise handout (clinician: any of their patients;
  patient: their own), ``/patients/{id}/report/progress`` likewise, and
  ``/patients/{id}/report/assessment`` for the clinician (and a self-directed person, to take
  it to one). Each is the print view (the same
  template as the PDF, with the same stylesheet); ``?format=pdf`` downloads the PDF.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from lumbo.domain.errors import NotFound
from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.illustration import pose_library
from lumbo.reports import documents as docs
from lumbo.reports.figure import illustration_svg
from lumbo.services import documents
from lumbo.services.errors import Forbidden
from lumbo.web.deps import Ctx, CurrentPrincipal, Patient
from lumbo.web.pages.common import PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Format = Annotated[Literal["html", "pdf"], Query(description="html (print view) or pdf")]
CACHE = "private, max-age=86400"


@router.get("/illustrations/{technique_id}.svg")
def illustration(
    technique_id: str,
    principal: CurrentPrincipal,
    motion: Annotated[bool, Query(description="animated (reduced motion: still)")] = False,
) -> Response:
    if technique_id not in pose_library() or technique_id not in library():
        raise NotFound(f"no technique {technique_id!r}")
    name = library().get(technique_id).name
    svg = illustration_svg(technique_id, name, animated=motion)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": CACHE})


@router.get("/documents/{name}.css")
def stylesheet(name: Literal["document", "document-screen"]) -> Response:
    return Response(
        docs.css(f"{name}.css"), media_type="text/css", headers={"Cache-Control": CACHE}
    )


def _respond(data: dict[str, Any], fmt: str, back: str, filename: str) -> Response:
    if fmt == "pdf":
        pdf = docs.to_pdf(docs.render_html(data))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'},
        )
    html = docs.render_html(
        data, figure=docs.web_figure, stylesheet="/documents/document.css", back_link=back
    )
    return HTMLResponse(html)


@router.get("/patients/{person_id}/handout")
def handout(
    request: Request, scope: Patient, principal: CurrentPrincipal, ctx: Ctx, format: Format = "html"
) -> Response:
    data = documents.handout(
        ctx.store.uow, scope.person_id, date.today(), app_url=str(request.base_url)
    )
    back = f"/patients/{scope.person_id}/" + ("plan" if scope.user.role == "clinician" else "today")
    return _respond(data, format, back, "home-exercises")


@router.get("/patients/{person_id}/report/assessment")
def assessment_report(
    scope: Patient, principal: CurrentPrincipal, ctx: Ctx, format: Format = "html"
) -> Response:
    """The clinician's report; a self-directed person (no clinician) may take it to one."""
    mine = scope.user.role == "patient"
    if mine and scope.person.owner_id is not None:
        raise Forbidden("only the patient's clinician may do this")
    data = documents.assessment_report(ctx.store.uow, scope.person_id)
    back = "/share" if mine else f"/patients/{scope.person_id}/assessment"
    return _respond(data, format, back, "assessment-report")


@router.get("/patients/{person_id}/report/progress")
def progress_report(
    scope: Patient, principal: CurrentPrincipal, ctx: Ctx, format: Format = "html"
) -> Response:
    data = documents.progress_report(ctx.store.uow, scope.person_id, date.today())
    return _respond(data, format, f"/patients/{scope.person_id}/progress", "progress-report")
