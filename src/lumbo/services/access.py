"""Access to patient data: who may see whom, and the audit entry every access leaves.

A clinician sees the persons they own (``persons.owner_id``), a patient only the person their
account is linked to, an admin no patient data. Every access to a patient-scoped route writes an
audit entry (allowed or denied) *before* the data is touched, in the same transaction as the
ownership check; an id the caller may not see answers exactly like an id that does not exist.

Every function takes one unit of work (one transaction); the web layer passes ``store.uow()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lumbo.domain.errors import NotFound
from lumbo.store.accounts import User
from lumbo.store.audit import AuditEntry, ChainReport
from lumbo.store.jobs import Job
from lumbo.store.records import PersonRecord
from lumbo.store.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True, slots=True)
class Access:
    """What a request does: method, route template, client address."""

    method: str
    route: str
    client: str | None

    @property
    def action(self) -> str:
        return "read" if self.method in ("GET", "HEAD", "OPTIONS") else "write"


def can_see(user: User, person: PersonRecord) -> bool:
    if user.role == "clinician":
        return person.owner_id == user.id
    if user.role == "patient":
        return user.person_id == person.id
    return False


def _entry(
    user: User,
    access: Access,
    person_id: str | None,
    allowed: bool,
    resource: str | None,
    event: str | None = None,
) -> AuditEntry:
    return AuditEntry(
        event=event,
        actor_id=user.id,
        actor_role=user.role,
        action="read" if access.action == "read" else "write",
        method=access.method,
        route=access.route,
        person_id=person_id,
        resource_id=resource,
        outcome="allowed" if allowed else "denied",
        client=access.client,
    )


def open_patient(
    uow: AbstractUnitOfWork, user: User, person_id: str, access: Access
) -> PersonRecord:
    """The person, after checking ``user`` may see them; audited either way."""
    with uow:
        person = uow.journeys.get_person(person_id)
        allowed = person is not None and can_see(user, person)
        uow.audit.add(_entry(user, access, person_id, allowed, None))
        uow.commit()
    if person is None or not allowed:
        raise NotFound(f"no patient with id {person_id!r}")
    return person


def open_job(uow: AbstractUnitOfWork, user: User, job_id: str, access: Access) -> Job:
    """The job, after checking ``user`` may see its person; audited either way."""
    with uow:
        job = uow.jobs.get_job(job_id)
        person = None if job is None else uow.journeys.get_person(job.person_id)
        allowed = person is not None and can_see(user, person)
        uow.audit.add(_entry(user, access, None if job is None else job.person_id, allowed, job_id))
        uow.commit()
    if job is None or not allowed:
        raise NotFound(f"no job with id {job_id!r}")
    return job


def record(
    uow: AbstractUnitOfWork,
    user: User,
    access: Access,
    person_id: str | None,
    event: str | None = None,
) -> None:
    """Audit an access that is not scoped by a path id (listing, enrolling, admin reads)."""
    with uow:
        uow.audit.add(_entry(user, access, person_id, True, None, event))
        uow.commit()


def write_entry(
    area: str, event: str, *, actor: User, person_id: str, resource: str | None
) -> AuditEntry:
    """An allowed write made through a service rather than a route (invitations, sharing): its
    route reads ``"<area>: <event in words>"``, e.g. ``"sharing: taken on"``."""
    return AuditEntry(
        actor_id=actor.id,
        actor_role=actor.role,
        action="write",
        method="POST",
        route=f"{area}: {event.replace('_', ' ')}",
        person_id=person_id,
        resource_id=resource,
        outcome="allowed",
        client=None,
        event=event,
    )


def account_entry(
    event: str,
    *,
    actor: User | None,
    outcome: Literal["allowed", "denied"],
    client: str | None,
    target: str | None = None,
    person_id: str | None = None,
) -> AuditEntry:
    """An account event: sign_in, sign_in_delayed, sign_out, account_created, role_changed,
    password_change, email_confirmed."""
    return AuditEntry(
        actor_id=None if actor is None else actor.id,
        actor_role=None if actor is None else actor.role,
        action="write"
        if event in ("account_created", "role_changed", "password_change", "email_confirmed")
        else "read",
        method="-",
        route=f"account:{event}",
        person_id=person_id,
        resource_id=target,
        outcome=outcome,
        client=client,
        event=event,
    )


def refused(
    uow: AbstractUnitOfWork, method: str, path: str, client: str | None, status: int
) -> None:
    """Audit a refused request (403, 429): who is unknown here, where it came from is not."""
    entry = AuditEntry(
        actor_id=None,
        actor_role=None,
        action="read" if method in ("GET", "HEAD", "OPTIONS") else "write",
        method=method,
        route=path,
        person_id=None,
        outcome="denied",
        client=client,
        event=f"refused_{status}",
    )
    with uow:
        uow.audit.add(entry)
        uow.commit()


def audit_entries(uow: AbstractUnitOfWork, person_id: str | None, limit: int) -> list[AuditEntry]:
    with uow:
        return uow.audit.entries(person_id, limit)


def record_cli(
    uow: AbstractUnitOfWork, route: str, person_id: str | None, action: Literal["read", "write"]
) -> None:
    """Audit a command-line access to patient data (the actor is the server account)."""
    with uow:
        uow.audit.add(
            AuditEntry(
                actor_id=None,
                actor_role="cli",
                action=action,
                method="CLI",
                route=route,
                person_id=person_id,
                outcome="allowed",
            )
        )
        uow.commit()


def verify_audit(uow: AbstractUnitOfWork) -> ChainReport:
    """Recompute the audit log's hash chain."""
    with uow:
        return uow.audit.verify()
