"""A clinician's caseload, read in a fixed number of queries whatever its size.

One query pages the clinician's patients with the database filtering (name search, patients that
need attention) and sorting (attention first, by name, or by enrolment), through the named indexes
of migration ``0004_caseload``; four more fetch the figures of that page's patients at once (latest
plan version keys, session counts and latest day, sessions done, status rows). Plan documents come
from the per-process cache of immutable plan versions (``repository.PLAN_CACHE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from lumbo.domain.protocol.model import Alert
from lumbo.store import tables as t
from lumbo.store.records import PersonStatus, PlanVersion
from lumbo.store.repository import PLAN_CACHE, _plan

Sort = Literal["attention", "name", "created"]
SORTS: tuple[str, ...] = ("attention", "name", "created")


@dataclass(frozen=True, slots=True)
class CaseloadEntry:
    """One patient of a page with everything the list shows."""

    person_id: str
    external_ref: str | None
    created_at: datetime
    referral_required: bool
    urgency: str | None
    plan: PlanVersion | None
    sessions_logged: int
    last_session: date | None
    done: frozenset[tuple[int, int]]  # (week, session index) logged at least once
    status: PersonStatus | None


def _referral(column: str) -> Select[Any]:
    a = t.AssessmentRow
    return (
        select(getattr(a, column))
        .where(a.person_id == t.PersonRow.id)
        .order_by(a.created_at.desc(), a.id.desc())
        .limit(1)
    )


def page_query(owner_id: str, *, q: str | None, attention_only: bool, sort: Sort) -> Select[Any]:
    """The page's persons (without LIMIT/OFFSET), the database doing the filtering and sorting."""
    p, s = t.PersonRow, t.PersonStatusRow
    required = _referral("referral_required").scalar_subquery()
    urgency = _referral("urgency").scalar_subquery()
    flagged = select(s.attention).where(s.person_id == p.id).scalar_subquery()
    needs = func.coalesce(flagged, 0) + case((required.is_(True), 1), else_=0)
    stmt = select(
        p.id, p.external_ref, p.created_at, required, urgency, needs.label("attention")
    ).where(p.owner_id == owner_id)
    if q:
        stmt = stmt.where(p.external_ref.like(f"{_escape(q)}%", escape="\\"))
    if attention_only:
        stmt = stmt.where(needs > 0)
    if sort == "attention":
        return stmt.order_by(needs.desc(), p.external_ref, p.id)
    if sort == "name":
        return stmt.order_by(p.external_ref, p.id)
    return stmt.order_by(p.created_at, p.id)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def count_query(owner_id: str, *, q: str | None, attention_only: bool) -> Select[Any]:
    if attention_only:
        inner = page_query(owner_id, q=q, attention_only=True, sort="created").subquery()
        return select(func.count()).select_from(inner)
    p = t.PersonRow
    stmt = select(func.count()).select_from(p).where(p.owner_id == owner_id)
    return stmt.where(p.external_ref.like(f"{_escape(q)}%", escape="\\")) if q else stmt


def caseload_page(
    session: Session,
    owner_id: str,
    *,
    offset: int,
    limit: int,
    q: str | None = None,
    attention_only: bool = False,
    sort: Sort = "attention",
) -> tuple[int, list[CaseloadEntry]]:
    """(total matching, the entries of one page)."""
    total = session.execute(count_query(owner_id, q=q, attention_only=attention_only)).scalar_one()
    page = page_query(owner_id, q=q, attention_only=attention_only, sort=sort)
    rows = session.execute(page.offset(offset).limit(limit)).all()
    ids = [r[0] for r in rows]
    if not ids:
        return int(total), []
    plans = _latest_plans(session, ids)
    lg = t.SessionLogRow
    counts = {
        pid: (int(n), last)
        for pid, n, last in session.execute(
            select(lg.person_id, func.count(), func.max(lg.performed_on))
            .where(lg.person_id.in_(ids))
            .group_by(lg.person_id)
        )
    }
    done: dict[str, set[tuple[int, int]]] = {}
    for pid, week, index in session.execute(
        select(lg.person_id, lg.week, lg.session_index).where(lg.person_id.in_(ids)).distinct()
    ):
        done.setdefault(pid, set()).add((int(week), int(index)))
    st = t.PersonStatusRow
    statuses = {  # only what the list shows: not the adjustment summary
        pid: PersonStatus(
            pid,
            alerts=tuple(Alert.model_validate(a) for a in alerts),
            last_warning=None
            if warning is None
            else (str(warning[0]), int(warning[1]), int(warning[2])),
        )
        for pid, alerts, warning in session.execute(
            select(st.person_id, st.alerts, st.last_warning).where(st.person_id.in_(ids))
        )
    }
    entries = [
        CaseloadEntry(
            person_id=pid,
            external_ref=ref,
            created_at=created,
            referral_required=bool(required),
            urgency=None if urgency is None else str(urgency),
            plan=plans.get(pid),
            sessions_logged=counts.get(pid, (0, None))[0],
            last_session=counts.get(pid, (0, None))[1],
            done=frozenset(done.get(pid, ())),
            status=statuses.get(pid),
        )
        for pid, ref, created, required, urgency, _ in rows
    ]
    return int(total), entries


def _latest_plans(session: Session, ids: list[str]) -> dict[str, PlanVersion]:
    """The latest plan version of each person, documents parsed once per process."""
    r = t.PlanVersionRow
    latest = (
        select(r.person_id, func.max(r.version).label("version"))
        .where(r.person_id.in_(ids))
        .group_by(r.person_id)
        .subquery()
    )
    keys = session.execute(
        select(r.id, r.person_id, r.version).join(
            latest, and_(r.person_id == latest.c.person_id, r.version == latest.c.version)
        )
    ).all()
    out: dict[str, PlanVersion] = {}
    missing: list[str] = []
    for row_id, pid, version in keys:
        cached = PLAN_CACHE.get((row_id, version))
        if cached is None:
            missing.append(row_id)
        else:
            out[pid] = cached
    if missing:
        for row in session.scalars(select(r).where(r.id.in_(missing))):
            out[row.person_id] = PLAN_CACHE.put((row.id, row.version), _plan(row))
    return out
