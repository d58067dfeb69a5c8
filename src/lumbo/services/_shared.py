"""Look-ups every journey service needs, inside an open unit of work."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from lumbo.domain.errors import NotFound, ReferralRequired
from lumbo.services.errors import NoPersonYet
from lumbo.store.records import AssessmentRecord, PersonRecord, PlanVersion
from lumbo.store.repository import JourneyRepository
from lumbo.store.unit_of_work import AbstractUnitOfWork


class UnitsOfWork(Protocol):
    """Where a use case of several transactions gets its units of work: the store
    (``Store.uow``) or, in tests, a :class:`~lumbo.store.unit_of_work.FakeUnitOfWork`."""

    def uow(self) -> AbstractUnitOfWork: ...


def need_person(repo: JourneyRepository, person_id: str) -> PersonRecord:
    person = repo.get_person(person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id!r}")
    return person


def resolve(repo: JourneyRepository, ref: str | None) -> PersonRecord:
    """The person ``ref`` names (store id or the intake's ``person.id``); by default the most recent.

    An external reference shared by several persons resolves to the most recent of them.
    """
    if ref is None:
        persons = repo.persons()
        if not persons:
            raise NoPersonYet("the store holds no person yet")
        return persons[-1]
    found = repo.find_persons(ref)
    if not found:
        known = ", ".join(p.external_ref or p.id for p in repo.persons()[-5:]) or "none"
        raise NotFound(f"no person {ref!r} (person: store id or intake person.id; known: {known})")
    return found[-1]


def latest_assessment(repo: JourneyRepository, person_id: str) -> AssessmentRecord:
    assessments = repo.assessments(person_id)
    if not assessments:
        raise NotFound(f"person {person_id} has no assessment")
    return assessments[-1]


def active_plan(repo: JourneyRepository, person_id: str) -> PlanVersion:
    """The latest plan version, withheld while the latest assessment requires a referral."""
    need_person(repo, person_id)
    required = repo.latest_referral_required(person_id)  # a column: no document parsed
    if required is None:
        raise NotFound(f"person {person_id} has no assessment")
    if required:
        referral = latest_assessment(repo, person_id).assessment.referral
        raise ReferralRequired(referral.urgency, list(referral.reasons))
    plan = repo.latest_plan(person_id)
    if plan is None:
        raise NotFound(f"person {person_id} has no plan")
    return plan


def week_on(plan: PlanVersion, created: date, on: date) -> int:
    """Plan week (1-12) that ``on`` falls in; before the start date it is week 1."""
    start = plan.plan.start_date or created
    return max(1, min(12, (on - start).days // 7 + 1))
