"""FHIR R4 export, the download of all a patient's data, and erasure.

Every route goes through the patient scope (ownership checked and audited before any data is
read), except the admin's erasure, which admins reach without seeing the patient's data.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from lumbo.services import access as policy
from lumbo.services import clinic, data_rights, interop
from lumbo.store.tables import utcnow
from lumbo.web import responses as out
from lumbo.web.deps import (
    AccessDep,
    Admin,
    Clinician,
    Ctx,
    OwnPatient,
    Patient,
    PersonId,
    Uow,
)

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


@router.get(
    "/patients/{person_id}/export",
    response_class=Response,
    responses={
        200: {"content": {"application/json": {}}, "description": "every record (a download)"}
    },
)
def export_everything(scope: Patient, ctx: Ctx) -> Response:
    """Every record lumbo holds about the patient (JSON) with their FHIR bundle, as a download."""
    data = data_rights.export_all(ctx.store, scope.person_id, now=utcnow()).to_json()
    return _json(data, "application/json", f"lumbo-{scope.person_id}-all-data.json")


@router.delete(
    "/patients/{person_id}",
    response_model=out.Erased,
)
def erase(scope: OwnPatient, ctx: Ctx) -> dict[str, Any]:
    """Erase the patient: every record, upload and derived file; the audit log keeps a
    de-identified tombstone."""
    done = data_rights.erase_person(
        ctx.store, scope.person_id, actor=scope.user, data_dir=ctx.settings.data_dir
    )
    return {"erased": True, "rows": done.rows, "files": done.files}


@router.delete("/admin/patients/{person_id}", response_model=out.Erased)
def admin_erase(person_id: PersonId, admin: Admin, ctx: Ctx, access: AccessDep) -> dict[str, Any]:
    """An admin erases a patient (for example when their clinician has left)."""
    policy.record(ctx.store.uow(), admin, access, None)
    done = data_rights.erase_person(
        ctx.store, person_id, actor=admin, data_dir=ctx.settings.data_dir
    )
    return {"erased": True, "rows": done.rows, "files": done.files}


FHIR_DOC = (
    "A FHIR R4 Bundle, one QuestionnaireResponse or a list of them, answering the "
    "Questionnaires lumbo ships (docs/interop.md)."
)


@router.post("/fhir/questionnaires", responses={422: {}}, response_model=out.QuestionnairesRead)
def read_questionnaires(
    document: Annotated[Any, Body(description=FHIR_DOC)], _clinician: Clinician
) -> dict[str, Any]:
    """The intake ``questionnaires`` section the FHIR document fills; nothing is written."""
    return {"questionnaires": interop.read_fhir(json.dumps(document))}


@router.post(
    "/fhir/import", status_code=201, responses={409: {}, 422: {}}, response_model=out.Imported
)
def import_patient(
    fhir: Annotated[Any, Body(description=FHIR_DOC)],
    intake: Annotated[dict[str, Any], Body(description="the rest of the intake")],
    clinician: Clinician,
    uow: Uow,
    ctx: Ctx,
    access: AccessDep,
) -> dict[str, Any]:
    """Enrol a new patient from ``intake`` with the questionnaires the FHIR document answers.
    Bad input: 422 naming the resource and element; nothing is written."""
    enrolled = interop.import_fhir(uow, json.dumps(fhir), intake, owner_id=clinician.id)
    policy.record(ctx.store.uow(), clinician, access, enrolled.person.id)
    return {
        "person_id": enrolled.person.id,
        "questionnaires": sorted(k for k, v in enrolled.intake.questionnaires if v is not None),
        "plan_version": None if enrolled.plan is None else enrolled.plan.version,
    }


@router.get("/outcomes", response_model=out.ClinicOutcomesOut)
def outcomes(clinician: Clinician, ctx: Ctx, access: AccessDep) -> out.ClinicOutcomesOut:
    """The clinician's clinic outcomes (their patients who reached a reassessment)."""
    policy.record(ctx.store.uow(), clinician, access, None)
    return clinic.clinic_outcomes_out(ctx.store, clinician.id)


@router.get(
    "/research",
    response_class=Response,
    responses={
        200: {
            "content": {"text/csv": {}, "application/vnd.apache.parquet": {}},
            "description": "de-identified outcomes (a download)",
        },
        422: {},
    },
)
def research(
    clinician: Clinician,
    ctx: Ctx,
    access: AccessDep,
    format: Annotated[str, Query(max_length=16)] = "csv",
) -> Response:
    """De-identified outcomes of the clinician's patients, one row per patient per assessment
    (CSV or Parquet); docs/interop.md says what is removed and why."""
    data = clinic.export_research(ctx.store, clinician.id, format)
    policy.record(ctx.store.uow(), clinician, access, None)
    media = "text/csv" if format == "csv" else "application/vnd.apache.parquet"
    name = f"lumbo-research.{format}"
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
