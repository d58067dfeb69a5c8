# long-module: the caseload page query, its count and the batched figures of one page read together
#   (they share the facts and flags the attention list is built from)
"""A clinician's caseload, read in a fixed number of queries whatever its size.

One query counts the clinician's matching patients and one pages them, the database filtering
(name search, patients that need attention, one flag) and sorting (attention first, by name, by
enrolment, ...) through the named indexes of migration ``0004_caseload``: each patient's facts
(latest referral decision, latest plan version and whether it is approved, last session day,
reassessments, status) are one correlated look-up by index each, and the flags are computed from
them. Three more fetch the figures of that page's patients at once (plan version keys, sessions
per week and session with the latest day, status rows). Plan documents come from the per-process
cache of immutable plan versions (``repository.PLAN_CACHE``); the built statements are kept per
clinician, options and day (building one costs more than running it on a small caseload).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import Date, Select, and_, case, false, func, literal, or_, select, tuple_
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


def _facts(owner_id: str, q: str | None) -> Any:
    """The owner's persons (``q``: whose reference or a word of whose name starts with it) with
    what the flags are made of, one correlated look-up by index each. (Measured on SQLite with
    1,000 persons: materializing this CTE, or counting the total with a window function in the
    page query, made the page dearer, not cheaper.)"""
    p = t.PersonRow
    pv, ap, lg, re = t.PlanVersionRow, PlanApprovalRow, t.SessionLogRow, t.ReassessmentRow
    s = t.PersonStatusRow  # by primary key: a join to it gets a whole-table hash join
    latest = select(func.max(pv.version)).where(pv.person_id == p.id).scalar_subquery()
    newest = select(func.max(pv.version)).where(pv.person_id == ap.person_id).scalar_subquery()
    approved = select(ap.id).where(ap.person_id == p.id, ap.version == newest).exists()
    facts = select(
        p.id,
        p.external_ref,
        p.created_at,
        p.display_name,
        began_on().label("began"),
        _referral("referral_required").scalar_subquery().label("required"),
        _referral("urgency").scalar_subquery().label("urgency"),
        latest.label("latest"),
        approved.label("approved"),
        select(func.max(lg.performed_on))
        .where(lg.person_id == p.id)
        .scalar_subquery()
        .label("last"),
        select(func.count()).where(re.person_id == p.id).scalar_subquery().label("reassessed"),
        select(s.attention).where(s.person_id == p.id).scalar_subquery().label("flagged"),
        select(s.pain_rise).where(s.person_id == p.id).scalar_subquery().label("rise"),
    ).where(p.owner_id == owner_id)
    if q:
        pattern = f"{_escape(q)}%"
        facts = facts.where(
            or_(
                p.external_ref.like(pattern, escape="\\"),
                func.lower(p.display_name).like(pattern.lower(), escape="\\"),
                func.lower(p.display_name).like(f"% {pattern.lower()}", escape="\\"),
            )
        )
    return facts.cte("facts")


def _columns(f: Any, on: date, weeks: tuple[int, ...]) -> dict[str, Any]:
    """The attention columns, from the facts and the person's status row."""
    required, latest, last, reassessed = f.c.required, f.c.latest, f.c.last, f.c.reassessed
    rise = f.c.rise
    worsening = func.coalesce(rise, 0) >= WORSENING_RISE
    safety = func.coalesce(f.c.flagged, 0) - case((worsening, 1), else_=0) > 0
    since = on - timedelta(days=INACTIVE_DAYS)
    began = f.c.began
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
    waiting = and_(latest > 1, ~f.c.approved)
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
        "began": began,
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
    f = _facts(owner_id, q)
    c = _columns(f, on or date.today(), reassessment_weeks)
    name = func.coalesce(f.c.display_name, f.c.external_ref)
    stmt: Select[Any] = select(
        f.c.id,
        f.c.external_ref,
        f.c.created_at,
        c["required"].label("required"),
        f.c.urgency,
        c["needs"].label("attention"),
        f.c.display_name,
        c["safety"].label("safety"),
        c["worsening"].label("worsening"),
        c["inactive"].label("inactive"),
        c["due"].label("due"),
        c["overdue"].label("overdue"),
        c["waiting"].label("waiting"),
        f.c.latest,
    )
    stmt = _filtered(stmt, c, attention_only=attention_only, flag=flag)
    if sort == "attention":
        return stmt.order_by(c["needs"].desc(), name, f.c.id)
    if sort == "name":
        return stmt.order_by(name, f.c.id)
    if sort == "inactive":  # longest without a session first (never: since enrolment)
        return stmt.order_by(func.coalesce(c["last"], c["began"]), name, f.c.id)
    if sort == "pain":
        return stmt.order_by(func.coalesce(c["rise"], -99).desc(), name, f.c.id)
    return stmt.order_by(f.c.created_at, f.c.id)


def _filtered(
    stmt: Select[Any],
    c: dict[str, Any],
    *,
    attention_only: bool,
    flag: Flag | None,
) -> Select[Any]:
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
    """(total matching, the entries of one page): the count, the page with its status columns,
    then the page's plan versions and session figures in two or three more statements."""
    key = (owner_id, q, attention_only, sort, on or date.today(), flag, reassessment_weeks)
    total = int(session.execute(_count_statement(*key)).scalar_one())
    rows = session.execute(_page_statement(*key, offset, limit)).all()
    if not rows:
        return total, []
    ids = [r.id for r in rows]
    plans = _latest_plans(session, {r.id: r.latest for r in rows if r.latest is not None})
    counts: dict[str, tuple[int, date | None]] = {}
    done: dict[str, set[tuple[int, int]]] = {}
    for pid, week, index, n, last in session.execute(figures_query(ids)):
        before, latest = counts.get(pid, (0, None))
        counts[pid] = (before + int(n), last if latest is None or last > latest else latest)
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
            person_id=r.id,
            external_ref=r.external_ref,
            created_at=r.created_at,
            referral_required=bool(r.required),
            urgency=None if r.urgency is None else str(r.urgency),
            plan=plans.get(r.id),
            sessions_logged=counts.get(r.id, (0, None))[0],
            last_session=counts.get(r.id, (0, None))[1],
            done=frozenset(done.get(r.id, ())),
            status=statuses.get(r.id),
            display_name=r.display_name,
            flags=Flags(
                safety=bool(r.safety),
                worsening=bool(r.worsening),
                inactive=bool(r.inactive),
                reassessment_due=bool(r.due),
                reassessment_overdue=bool(r.overdue),
                awaiting_approval=bool(r.waiting),
            ),
        )
        for r in rows
    ]
    return total, entries


@lru_cache(maxsize=256)
def _page_statement(
    owner_id: str,
    q: str | None,
    attention_only: bool,
    sort: Sort,
    on: date,
    flag: Flag | None,
    weeks: tuple[int, ...],
    offset: int,
    limit: int,
) -> Select[Any]:
    """The page statement, built once per clinician, options and day: a statement is an
    immutable value, and building this one (and its cache key) costs more than running it on a
    small caseload."""
    stmt = page_query(
        owner_id,
        q=q,
        attention_only=attention_only,
        sort=sort,
        on=on,
        flag=flag,
        reassessment_weeks=weeks,
    )
    return stmt.offset(offset).limit(limit)


@lru_cache(maxsize=256)
def _count_statement(
    owner_id: str,
    q: str | None,
    attention_only: bool,
    sort: Sort,
    on: date,
    flag: Flag | None,
    weeks: tuple[int, ...],
) -> Select[Any]:
    return count_query(
        owner_id, q=q, attention_only=attention_only, on=on, flag=flag, reassessment_weeks=weeks
    )


def figures_query(ids: list[str]) -> Select[str, int, int, int, date]:
    """Per person of ``ids`` and (week, session) logged: how many logs and the latest day (the
    session count, the last session and the sessions done, in one statement)."""
    lg = t.SessionLogRow
    return (
        select(lg.person_id, lg.week, lg.session_index, func.count(), func.max(lg.performed_on))
        .where(lg.person_id.in_(ids))
        .group_by(lg.person_id, lg.week, lg.session_index)
    )


def plan_keys_query(latest: dict[str, int]) -> Select[str, str, int]:
    """The row ids of the given (person id, plan version) pairs."""
    r = t.PlanVersionRow
    pairs = tuple_(r.person_id, r.version).in_(list(latest.items()))
    return select(r.id, r.person_id, r.version).where(pairs)


def _latest_plans(session: Session, latest: dict[str, int]) -> dict[str, PlanVersion]:
    """The latest plan version of each person (``latest``: person id -> its number, from the page
    query), documents parsed once per process."""
    if not latest:
        return {}
    r = t.PlanVersionRow
    keys = session.execute(plan_keys_query(latest)).all()
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
