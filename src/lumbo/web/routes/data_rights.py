"""FHIR R4 export, the download of all a patient's data, and erasure.

Every route goes through the patient scope (ownership checked and audited before any data is
read), except the admin's erasure, which admins reach without seeing the patient's data.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Response

from lumbo.services import data_rights, interop
from lumbo.store.tables import utcnow
from lumbo.web import audit
from lumbo.web.deps import AccessDep, Admin, Ctx, OwnPatient, Patient, PersonId, Uow

router = APIRouter(tags=["data rights"], responses={401: {}, 403: {}, 404: {}})
FHIR_JSON = "application/fhir+json"


def _json(data: Any, media_type: str, filename: str | None = None) -> Response:
    headers = (
        {} if filename is None else {"Content-Disposition": f'attachment; filename="{filename}"'}
    )
    body = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
    return Response(body, media_type=media_type, headers=headers)


@router.get(
    "/patients/{person_id}/fhir",
    response_class=Response,
    responses={200: {"content": {FHIR_JSON: {}}, "description": "a FHIR R4 Bundle"}},
)
def fhir_bundle(scope: Patient, uow: Uow, download: bool = False) -> Response:
    """The patient's records as one FHIR R4 Bundle (type collection); docs/interop.md."""
    bundle = interop.export_fhir(uow, scope.person_id, now=utcnow())
    name = f"lumbo-{scope.person_id}-fhir.json" if download else None
    return _json(bundle, FHIR_JSON, name)


@router.get("/patients/{person_id}/export", response_class=Response)
def export_everything(scope: Patient, ctx: Ctx) -> Response:
    """Every record lumbo holds about the patient (JSON) with their FHIR bundle, as a download."""
    data = data_rights.export_all(ctx.store, scope.person_id, now=utcnow())
    return _json(data, "application/json", f"lumbo-{scope.person_id}-all-data.json")


@router.delete("/patients/{person_id}")
def erase(scope: OwnPatient, ctx: Ctx) -> dict[str, Any]:
    """Erase the patient: every record, upload and derived file; the audit log keeps a
    de-identified tombstone."""
    done = data_rights.erase_person(
        ctx.store, scope.person_id, actor=scope.user, data_dir=ctx.settings.data_dir
    )
    return {"erased": True, "rows": done.rows, "files": done.files}


@router.delete("/admin/patients/{person_id}")
def admin_erase(person_id: PersonId, admin: Admin, ctx: Ctx, access: AccessDep) -> dict[str, Any]:
    """An admin erases a patient (for example when their clinician has left)."""
    audit.record(ctx.store, admin, access, None)
    done = data_rights.erase_person(
        ctx.store, person_id, actor=admin, data_dir=ctx.settings.data_dir
    )
    return {"erased": True, "rows": done.rows, "files": done.files}
