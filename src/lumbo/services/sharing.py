"""Sharing with a clinician (issue 20). A self-directed person (no clinician) can at any time
download their handout, assessment and progress reports and their FHIR record to give to a
clinician (the document and export routes), and can make a *take-on link*: a revocable link,
valid :data:`VALID_DAYS` days, that lets a clinician on this same lumbo server take them into
their caseload (``persons.owner_id``).

* Only the SHA-256 of the link's random token is stored (``uow.accounts`` take-on links); a new
  link retires the previous one; a revoked, expired or used link leads nowhere (one answer).
* A clinician opening a valid link while signed in sees whom it is for and confirms; the person
  becomes theirs, every open link of the person is spent, and the audit log records it (actor,
  person). Once a person has a clinician no link can move them (lumbo policy: a change of
  clinician goes through the clinic).
* The person sees who took them on and when (:func:`sharing_state`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from lumbo.domain.errors import Conflict, NotFound
from lumbo.services._shared import UnitsOfWork
from lumbo.services.access import write_entry
from lumbo.services.errors import Forbidden
from lumbo.store.accounts import TakeOnLink, User
from lumbo.store.tables import utcnow

__all__ = [
    "VALID_DAYS",
    "Offer",
    "SharingState",
    "TakeOnInvite",
    "make_link",
    "offer",
    "revoke_links",
    "sharing_state",
    "take_on",
]

VALID_DAYS = 7  # lumbo policy: long enough to reach an appointment, short enough to go stale
INVALID = "This link is not valid any more: it was withdrawn, used, or is older than 7 days."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class TakeOnInvite:
    """A new take-on link's token (shown once; only its hash is kept) and when it expires."""

    token: str
    expires_at: datetime

    def path(self) -> str:
        return f"/take-on/{self.token}"


@dataclass(frozen=True, slots=True)
class SharingState:
    """What the person sees on their sharing page."""

    self_directed: bool
    clinician_email: str | None  # who took them on (or their clinician), None: nobody
    taken_on_at: datetime | None
    open_link_expires: datetime | None  # a link is open until then
    has_assessment: bool  # the assessment report and the FHIR record have something to show
    has_plan: bool  # the handout and the progress report too


@dataclass(frozen=True, slots=True)
class Offer:
    """What a clinician sees before taking a person on."""

    person_id: str
    email: str
    made_at: datetime
    expires_at: datetime


def _own_person(user: User) -> str:
    if user.role != "patient":
        raise Forbidden("only the person themselves makes or withdraws a take-on link")
    if user.person_id is None:
        raise Conflict("finish checking your back first: there is nothing to share yet")
    return user.person_id


def make_link(store: UnitsOfWork, user: User) -> TakeOnInvite:
    """A new take-on link for the signed-in, self-directed person (the previous one stops)."""
    person_id = _own_person(user)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    link = TakeOnLink(
        person_id=person_id, token_hash=_hash(token), expires_at=now + timedelta(days=VALID_DAYS)
    )
    with store.uow() as uow:
        person = uow.journeys.get_person(person_id)
        if person is None:
            raise NotFound("no such person")
        if person.owner_id is not None:
            raise Conflict("you already have a clinician on lumbo")
        uow.accounts.revoke_take_ons(person_id, now)
        uow.accounts.add_take_on(link)
        uow.audit.add(
            write_entry(
                "sharing", "take_on_link_made", actor=user, person_id=person_id, resource=link.id
            )
        )
        uow.commit()
    return TakeOnInvite(token, link.expires_at)


def revoke_links(store: UnitsOfWork, user: User) -> int:
    """Withdraw the person's open take-on links; how many there were."""
    person_id = _own_person(user)
    with store.uow() as uow:
        count = uow.accounts.revoke_take_ons(person_id, utcnow())
        uow.audit.add(
            write_entry(
                "sharing", "take_on_link_withdrawn", actor=user, person_id=person_id, resource=None
            )
        )
        uow.commit()
    return count


def sharing_state(store: UnitsOfWork, person_id: str) -> SharingState:
    now = utcnow()
    with store.uow() as uow:
        person = uow.journeys.get_person(person_id)
        if person is None:
            raise NotFound("no such person")
        links = uow.accounts.take_ons_of(person_id)
        owner = None if person.owner_id is None else uow.accounts.get_user(person.owner_id)
        has_assessment = bool(uow.journeys.assessments(person_id))
        has_plan = uow.journeys.latest_plan(person_id) is not None
    used = [k for k in links if k.used_at is not None]
    open_links = [k for k in links if k.open_at(now)]
    return SharingState(
        self_directed=person.owner_id is None,
        clinician_email=None if owner is None else owner.email,
        taken_on_at=used[-1].used_at if used else None,
        open_link_expires=max((k.expires_at for k in open_links), default=None),
        has_assessment=has_assessment,
        has_plan=has_plan,
    )


def _valid(store: UnitsOfWork, clinician: User, token: str) -> tuple[TakeOnLink, str]:
    if clinician.role != "clinician":
        raise Forbidden("only a clinician can take a person on")
    now = utcnow()
    with store.uow() as uow:
        link = uow.accounts.take_on_by_hash(_hash(token)) if len(token) <= 100 else None
        if link is None or not link.open_at(now):
            raise NotFound(INVALID)
        person = uow.journeys.get_person(link.person_id)
        account = uow.accounts.account_of_person(link.person_id)
    if person is None or account is None:
        raise NotFound(INVALID)
    if person.owner_id is not None:
        raise Conflict("this person already has a clinician on lumbo")
    return link, account.email


def offer(store: UnitsOfWork, clinician: User, token: str) -> Offer:
    """Whom a valid link is for (nothing changes)."""
    link, email = _valid(store, clinician, token)
    return Offer(link.person_id, email, link.created_at, link.expires_at)


def take_on(store: UnitsOfWork, clinician: User, token: str) -> str:
    """Take the person into the clinician's caseload; their person id. Audited."""
    link, _ = _valid(store, clinician, token)
    now = utcnow()
    with store.uow() as uow:
        person = uow.journeys.get_person(link.person_id)
        current = uow.accounts.take_on_by_hash(link.token_hash)
        if person is None or current is None or not current.open_at(now):
            raise NotFound(INVALID)
        if not uow.accounts.take_owner(link.person_id, clinician.id):
            raise Conflict("this person already has a clinician on lumbo")
        uow.accounts.use_take_on(link.id, clinician.id, now)
        uow.accounts.revoke_take_ons(link.person_id, now)
        uow.audit.add(
            write_entry(
                "sharing", "taken_on", actor=clinician, person_id=link.person_id, resource=link.id
            )
        )
        uow.commit()
    return link.person_id
