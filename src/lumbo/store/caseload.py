"""A clinician's caseload, read in a fixed number of queries whatever its size.

One query pages the clinician's patients with the database filtering (name search, patients that
need attention) and sorting (attention first, by name, or by enrolment), through the named indexes
of migration ``0004_caseload``; four more fetch the figures of that page's patients at once (latest
plan version keys, session counts and latest day, sessions done, status rows). Plan documents come
from the per-process cache of immutable plan versions (``repository.PLAN_CACHE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Date, Select, and_, case, false, func, literal, or_, select
from sqlalchemy.orm import Session

from lumbo.domain.protocol.model import Alert
from lumbo.store import tables as t
from lumbo.store.records import PersonStatus, PlanVersion
from lumbo.store.repository import PLAN_CACHE, _plan
from lumbo.store.web_tables import PlanApprovalRow

Sort = Literal["attention", "name", "created", "inactive", "pain"]
SORTS: tuple[str, ...] = ("attention", "name", "created", "inactive", "pain")
Flag = Literal["safety", "worsening", "inactive", "reassessment", "referral", "approval"]
FLAGS: tuple[str, ...] = ("safety", "worsening", "inactive", "reassessment", "referral", "approval")
WORSENING_RISE = 2  # lumbo policy (as ``PersonStatus.worsening``)
INACTIVE_DAYS = 7  # lumbo policy: a patient with a plan and no session for 7 days needs a call
OVERDUE_DAYS = 7  # lumbo policy: a reassessment is overdue a week after its week began


@dataclass(frozen=True, slots=True)
class Flags:
    """What the attention list flags for one patient (computed by the database)."""

    safety: bool = False  # a red response or a safety report (the latest adjustment's alerts)
    worsening: bool = False  # next-morning pain rising over the latest check-ins
    inactive: bool = False  # a plan, and no session for INACTIVE_DAYS days
    reassessment_due: bool = False
    reassessment_overdue: bool = False
    awaiting_approval: bool = False  # the latest plan version waits for the clinician


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
    display_name: str | None = None
    flags: Flags = Flags()


def _referral(column: str) -> Select[Any]:
    a = t.AssessmentRow
    return (
        select(getattr(a, column))
        .where(a.person_id == t.PersonRow.id)
        .order_by(a.created_at.desc(), a.id.desc())
        .limit(1)
    )


def began_on() -> Any:
    """The plan's first day: the stored start, else the day of enrolment (UTC)."""
    p = t.PersonRow
    return func.coalesce(p.start_on, func.date(p.created_at, type_=Date), type_=Date)


def _columns(on: date, weeks: tuple[int, ...]) -> dict[str, Any]:
    """The attention columns, as correlated subqueries on the person's indexes."""
    p, s = t.PersonRow, t.PersonStatusRow
    pv, ap, lg, re = t.PlanVersionRow, PlanApprovalRow, t.SessionLogRow, t.ReassessmentRow
    required = _referral("referral_required").scalar_subquery()
    flagged = select(s.attention).where(s.person_id == p.id).scalar_subquery()
    rise = select(s.pain_rise).where(s.person_id == p.id).scalar_subquery()
    latest = select(func.max(pv.version)).where(pv.person_id == p.id).scalar_subquery()
    newest = select(func.max(pv.version)).where(pv.person_id == ap.person_id).scalar_subquery()
    approved = select(ap.id).where(ap.person_id == p.id, ap.version == newest).exists()
    last = select(func.max(lg.performed_on)).where(lg.person_id == p.id).scalar_subquery()
    reassessed = select(func.count()).where(re.person_id == p.id).scalar_subquery()
    worsening = func.coalesce(rise, 0) >= WORSENING_RISE
    safety = func.coalesce(flagged, 0) - case((worsening, 1), else_=0) > 0
    since = on - timedelta(days=INACTIVE_DAYS)
    began = began_on()
    inactive = and_(
        latest.is_not(None),
        required.is_not(True),
        case((last.is_(None), began < since), else_=last < since),
    )

    def started(week: int, late: int) -> Any:  # the week began `late` days ago or earlier
        return began <= on - timedelta(days=(week - 1) * 7 + late)

    def missing(late: int) -> Any:
        return or_(
            *(and_(started(w, late), reassessed < n) for n, w in enumerate(sorted(weeks), 1))
        )

    due = and_(latest.is_not(None), missing(0)) if weeks else false()
    overdue = and_(latest.is_not(None), missing(OVERDUE_DAYS)) if weeks else false()
    waiting = and_(latest > 1, ~approved)
    referral = required.is_(True)
    needs = sum(
        (case((c, 1), else_=0) for c in (safety, worsening, inactive, due, waiting, referral)),
        start=literal(0),
    )
    return {
        "required": required,
        "safety": safety,
        "worsening": worsening,
        "inactive": inactive,
        "due": due,
        "overdue": overdue,
        "waiting": waiting,
        "referral": referral,
        "rise": rise,
        "last": last,
        "needs": needs,
    }


def page_query(
    owner_id: str,
    *,
    q: str | None,
    attention_only: bool,
    sort: Sort,
    on: date | None = None,
    flag: Flag | None = None,
    reassessment_weeks: tuple[int, ...] = (4, 8, 12),
) -> Select[Any]:
    """The page's persons (without LIMIT/OFFSET), the database doing the filtering and sorting."""
    p = t.PersonRow
    c = _columns(on or date.today(), reassessment_weeks)
    urgency = _referral("urgency").scalar_subquery()
    name = func.coalesce(p.display_name, p.external_ref)
    stmt = select(
        p.id,
        p.external_ref,
        p.created_at,
        c["required"],
        urgency,
        c["needs"].label("attention"),
        p.display_name,
        c["safety"],
        c["worsening"],
        c["inactive"],
        c["due"],
        c["overdue"],
        c["waiting"],
    ).where(p.owner_id == owner_id)
    stmt = _filtered(stmt, c, q=q, attention_only=attention_only, flag=flag)
    if sort == "attention":
        return stmt.order_by(c["needs"].desc(), name, p.id)
    if sort == "name":
        return stmt.order_by(name, p.id)
    if sort == "inactive":  # longest without a session first (never: since enrolment)
        return stmt.order_by(func.coalesce(c["last"], began_on()), name, p.id)
    if sort == "pain":
        return stmt.order_by(func.coalesce(c["rise"], -99).desc(), name, p.id)
    return stmt.order_by(p.created_at, p.id)


def _filtered(
    stmt: Select[Any],
    c: dict[str, Any],
    *,
    q: str | None,
    attention_only: bool,
    flag: Flag | None,
) -> Select[Any]:
    p = t.PersonRow
    if q:
        pattern = f"{_escape(q)}%"
        stmt = stmt.where(
            or_(
                p.external_ref.like(pattern, escape="\\"),
                func.lower(p.display_name).like(pattern.lower(), escape="\\"),
                func.lower(p.display_name).like(f"% {pattern.lower()}", escape="\\"),
            )
        )
    if attention_only:
        stmt = stmt.where(c["needs"] > 0)
    if flag is not None:
        column = {"reassessment": "due", "approval": "waiting"}.get(flag, flag)
        stmt = stmt.where(c[column])
    return stmt


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def count_query(
    owner_id: str,
    *,
    q: str | None,
    attention_only: bool,
    on: date | None = None,
    flag: Flag | None = None,
    reassessment_weeks: tuple[int, ...] = (4, 8, 12),
) -> Select[Any]:
    if attention_only or flag is not None or q:
        inner = page_query(
            owner_id,
            q=q,
            attention_only=attention_only,
            sort="created",
            on=on,
            flag=flag,
            reassessment_weeks=reassessment_weeks,
        ).subquery()
        return select(func.count()).select_from(inner)
    p = t.PersonRow
    return select(func.count()).select_from(p).where(p.owner_id == owner_id)


def caseload_page(
    session: Session,
    owner_id: str,
    *,
    offset: int,
    limit: int,
    q: str | None = None,
    attention_only: bool = False,
    sort: Sort = "attention",
    on: date | None = None,
    flag: Flag | None = None,
    reassessment_weeks: tuple[int, ...] = (4, 8, 12),
) -> tuple[int, list[CaseloadEntry]]:
    """(total matching, the entries of one page)."""
    opts: dict[str, Any] = {"on": on, "flag": flag, "reassessment_weeks": reassessment_weeks}
    total = session.execute(
        count_query(owner_id, q=q, attention_only=attention_only, **opts)
    ).scalar_one()
    page = page_query(owner_id, q=q, attention_only=attention_only, sort=sort, **opts)
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
            pain_rise=rise,
        )
        for pid, alerts, warning, rise in session.execute(
            select(st.person_id, st.alerts, st.last_warning, st.pain_rise).where(
                st.person_id.in_(ids)
            )
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
            display_name=name,
            flags=Flags(
                safety=bool(safety),
                worsening=bool(worsening),
                inactive=bool(inactive),
                reassessment_due=bool(due),
                reassessment_overdue=bool(overdue),
                awaiting_approval=bool(waiting),
            ),
        )
        for (
            pid,
            ref,
            created,
            required,
            urgency,
            _,
            name,
            safety,
            worsening,
            inactive,
            due,
            overdue,
            waiting,
        ) in rows
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
