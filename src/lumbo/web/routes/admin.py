"""Accounts and the audit log (admin only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from lumbo.web import audit, auth
from lumbo.web.deps import AccessDep, Admin, Ctx
from lumbo.web.schemas import UserIn

router = APIRouter(tags=["admin"], responses={401: {}, 403: {}})


@router.post("/users", status_code=201, responses={409: {}})
def add_user(body: UserIn, admin: Admin, ctx: Ctx, access: AccessDep) -> dict[str, Any]:
    """Create a clinician or admin account (patient accounts: ``POST /patients/{id}/account``)."""
    user = auth.create_user(
        ctx.store,
        ctx.settings,
        email=body.email,
        password=body.password,
        role=body.role,
        created_by=admin,
        client=access.client,
    )
    return user.public()


@router.get("/users")
def users(admin: Admin, ctx: Ctx, access: AccessDep) -> list[dict[str, Any]]:
    audit.record(ctx.store, admin, access, None, event="accounts_listed")
    return [u.public() for u in auth.list_users(ctx.store)]


@router.get("/audit")
def audit_log(
    admin: Admin,
    ctx: Ctx,
    access: AccessDep,
    person_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Audit entries, most recent first (optionally of one person). Reading is audited too."""
    audit.record(ctx.store, admin, access, person_id, event="audit_read")
    return [e.to_json() for e in audit.audit_entries(ctx.store, person_id, limit)]
