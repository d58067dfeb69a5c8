"""Accounts and the audit log (admin only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from lumbo.web import audit, auth
from lumbo.web.deps import Admin, Ctx
from lumbo.web.schemas import UserIn

router = APIRouter(tags=["admin"], responses={401: {}, 403: {}})


@router.post("/users", status_code=201, responses={409: {}})
def add_user(body: UserIn, _admin: Admin, ctx: Ctx) -> dict[str, Any]:
    """Create a clinician or admin account (patient accounts: ``POST /patients/{id}/account``)."""
    user = auth.create_user(
        ctx.store, ctx.settings, email=body.email, password=body.password, role=body.role
    )
    return user.public()


@router.get("/users")
def users(_admin: Admin, ctx: Ctx) -> list[dict[str, Any]]:
    return [u.public() for u in auth.list_users(ctx.store)]


@router.get("/audit")
def audit_log(
    _admin: Admin,
    ctx: Ctx,
    person_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Audit entries, most recent first (optionally of one person)."""
    return [e.to_json() for e in audit.audit_entries(ctx.store, person_id, limit)]
