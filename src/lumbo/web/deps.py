"""Annotated dependencies: the app's context, a unit of work per request, the signed-in user (with
the CSRF check on unsafe methods), role guards, and patient/job scopes that authorize and audit.

Scopes check ownership before the role, so another person's id is always a 404, whatever the role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request

from lumbo.services import access as policy
from lumbo.services.accounts import session_hash, user_for_session
from lumbo.services.errors import Forbidden, NotAuthenticated
from lumbo.settings import Settings
from lumbo.store.accounts import Role, User
from lumbo.store.db import Store
from lumbo.store.jobs import Job, JobDispatcher
from lumbo.store.records import PersonRecord
from lumbo.store.unit_of_work import SqlAlchemyUnitOfWork
from lumbo.web.auth import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, csrf_matches
from lumbo.web.client import client_address

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True, slots=True)
class AppContext:
    """Everything a request needs, built once by ``create_app``."""

    settings: Settings
    store: Store
    dispatcher: JobDispatcher


def app_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.lumbo
    return ctx


Ctx = Annotated[AppContext, Depends(app_context)]


def unit_of_work(ctx: Ctx) -> SqlAlchemyUnitOfWork:
    """A fresh unit of work; each service call opens (and commits or rolls back) its transaction."""
    return ctx.store.uow()


Uow = Annotated[SqlAlchemyUnitOfWork, Depends(unit_of_work)]


def read_unit_of_work(ctx: Ctx) -> SqlAlchemyUnitOfWork:
    """A read-only unit of work (on SQLite a deferred transaction that queues behind no writer):
    for routes whose service only reads and never commits. The audit row of a patient scope is
    written in the scope's own transaction, before."""
    return ctx.store.read_uow()


ReadUow = Annotated[SqlAlchemyUnitOfWork, Depends(read_unit_of_work)]


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    session: str  # the session's hash


def _signed_in(request: Request, ctx: Ctx) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        raise NotAuthenticated("not signed in")
    hashed = session_hash(token)
    user = user_for_session(ctx.store.read_uow(), hashed)
    if user is None:
        raise NotAuthenticated("session expired or signed out; sign in again")
    return Principal(user, hashed)


async def current_principal(
    request: Request, ctx: Ctx, principal: Annotated[Principal, Depends(_signed_in)]
) -> Principal:
    """The signed-in user; unsafe methods must carry the session's CSRF token."""
    if request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER)
        content_type = request.headers.get("content-type", "")
        if given is None and content_type.startswith(FORM_TYPES):
            value = (await request.form()).get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
        if not csrf_matches(ctx.settings.secret_key, principal.session, given):
            raise Forbidden(f"missing or wrong CSRF token (send {CSRF_HEADER})")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def current_user(principal: CurrentPrincipal) -> User:
    return principal.user


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: Role) -> Any:
    def guard(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden(f"needs the role {' or '.join(roles)}")
        return user

    return Depends(guard)


Admin = Annotated[User, require("admin")]
Clinician = Annotated[User, require("clinician")]


def route_template(request: Request) -> str:
    """The request's path with its path parameters put back as ``{name}``."""
    names = {str(v): k for k, v in request.path_params.items()}
    parts = request.url.path.split("/")
    return "/".join(f"{{{names[p]}}}" if p in names else p for p in parts)


def access_of(request: Request) -> policy.Access:
    return policy.Access(request.method, route_template(request), client_address(request))


AccessDep = Annotated[policy.Access, Depends(access_of)]
# Store ids are 36 characters (UUIDs); a longer one is a 422 naming the parameter, never a query
# (PostgreSQL refuses to compare a VARCHAR(36) column with a longer value).
PersonId = Annotated[str, Path(min_length=1, max_length=36, description="the patient's store id")]
JobId = Annotated[str, Path(min_length=1, max_length=36)]


@dataclass(frozen=True, slots=True)
class Scope:
    """A signed-in user allowed to see ``person``."""

    user: User
    person: PersonRecord

    @property
    def person_id(self) -> str:
        return self.person.id


def patient_scope(person_id: PersonId, user: CurrentUser, ctx: Ctx, access: AccessDep) -> Scope:
    return Scope(user, policy.open_patient(ctx.store.uow(), user, person_id, access))


Patient = Annotated[Scope, Depends(patient_scope)]


def clinician_scope(scope: Patient) -> Scope:
    if scope.user.role != "clinician":
        raise Forbidden("only the patient's clinician may do this")
    return scope


OwnPatient = Annotated[Scope, Depends(clinician_scope)]


def job_scope(job_id: JobId, user: CurrentUser, ctx: Ctx, access: AccessDep) -> Job:
    return policy.open_job(ctx.store.uow(), user, job_id, access)


ScopedJob = Annotated[Job, Depends(job_scope)]
