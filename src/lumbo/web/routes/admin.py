"""Accounts and the audit log (admin only)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict

from lumbo.services import access as policy
from lumbo.services import accounts, results
from lumbo.store.accounts import User
from lumbo.web import responses as out
from lumbo.web.deps import AccessDep, Admin, Ctx
from lumbo.web.schemas import UserIn

router = APIRouter(tags=["admin"], responses={401: {}, 403: {}})
UserId = Annotated[str, Path(min_length=1, max_length=64, description="the account's id")]


@router.post("/users", status_code=201, responses={409: {}}, response_model=results.UserOut)
def add_user(body: UserIn, admin: Admin, ctx: Ctx, access: AccessDep) -> dict[str, Any]:
    """Create a clinician or admin account (patient accounts: ``POST /patients/{id}/account``)."""
    user = accounts.create_user(
        ctx.store,
        ctx.settings,
        email=body.email,
        password=body.password,
        role=body.role,
        created_by=admin,
        client=access.client,
    )
    return user.public()


@router.get("/users", response_model=list[results.UserOut])
def users(admin: Admin, ctx: Ctx, access: AccessDep) -> list[dict[str, Any]]:
    policy.record(ctx.store.uow(), admin, access, None, event="accounts_listed")
    return [u.public() for u in accounts.list_users(ctx.store)]


@router.get("/audit", response_model=list[results.AuditEntryOut])
def audit_log(
    admin: Admin,
    ctx: Ctx,
    access: AccessDep,
    person_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Audit entries, most recent first (optionally of one person). Reading is audited too."""
    policy.record(ctx.store.uow(), admin, access, person_id, event="audit_read")
    return [e.to_json() for e in policy.audit_entries(ctx.store.uow(), person_id, limit)]


class RoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["clinician", "admin"]


def _actor(admin: User, access: policy.Access) -> accounts.Actor:
    return accounts.Actor(admin, access.client)


@router.post(
    "/users/{user_id}/disable", responses={404: {}, 409: {}}, response_model=results.UserOut
)
def disable_user(user_id: UserId, admin: Admin, ctx: Ctx, access: AccessDep) -> dict[str, Any]:
    """Disable an account (its sessions end); the last active admin cannot be disabled."""
    return accounts.set_active(ctx.store, _actor(admin, access), user_id, False).public()


@router.post("/users/{user_id}/enable", responses={404: {}}, response_model=results.UserOut)
def enable_user(user_id: UserId, admin: Admin, ctx: Ctx, access: AccessDep) -> dict[str, Any]:
    return accounts.set_active(ctx.store, _actor(admin, access), user_id, True).public()


@router.post("/users/{user_id}/reset", responses={404: {}}, response_model=out.ResetLink)
def reset_user(user_id: UserId, admin: Admin, ctx: Ctx, access: AccessDep) -> dict[str, Any]:
    """Force a password reset: the password and sessions stop working; the one-time link (valid
    24 h) lets the account holder choose a new password."""
    token = accounts.force_reset(ctx.store, ctx.settings, _actor(admin, access), user_id)
    return {"reset_path": f"/reset/{token}", "valid_hours": accounts.RESET_MAX_AGE_S // 3600}


@router.put(
    "/users/{user_id}/role", responses={404: {}, 409: {}, 422: {}}, response_model=results.UserOut
)
def set_role(
    user_id: UserId, body: RoleIn, admin: Admin, ctx: Ctx, access: AccessDep
) -> dict[str, Any]:
    """Change a staff account's role; the last active admin cannot be demoted."""
    return accounts.change_role(ctx.store, _actor(admin, access), user_id, body.role).public()


@router.delete(
    "/users/{user_id}",
    status_code=204,
    response_class=Response,
    responses={204: {"description": "deleted"}, 404: {}, 409: {}},
)
def delete_user(user_id: UserId, admin: Admin, ctx: Ctx, access: AccessDep) -> None:
    """Delete a staff account that owns no patients; never the last active admin."""
    accounts.delete_account(ctx.store, _actor(admin, access), user_id)
