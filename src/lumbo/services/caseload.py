"""A clinician's caseload: one page of their patients with adherence, last session and alerts.

The JSON API (``GET /api/patients``) and the HTML patient list (``/patients``) both call
:func:`caseload`. The database filters, sorts and pages (``lumbo.store.caseload``); the figures of
the page's patients come in a fixed number of batched queries, so a page costs the same with 10 or
10,000 patients. Alerts: a referral required by the latest assessment, the latest session with
warning signs, and the alerts of the latest adjustment (kept in the person's status by every
write; a person whose status is missing, stored before this version, gets it rebuilt once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, get_args

from lumbo.domain.adjust.decide import adjust_from
from lumbo.domain.adjust.state import Settled, settle_before
from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.progression import config
from lumbo.domain.protocol.model import Alert
from lumbo.domain.safety import MAX_STRETCH_INTENSITY, overstretch_signs
from lumbo.services._shared import week_on
from lumbo.services.recording import judgeable
from lumbo.store.caseload import FLAGS, SORTS, CaseloadEntry, Flag, Sort
from lumbo.store.records import PersonStatus
from lumbo.store.unit_of_work import AbstractUnitOfWork

MAX_PER_PAGE = 200
_SORTS: tuple[Sort, ...] = get_args(Sort)
_FLAGS: tuple[Flag, ...] = get_args(Flag)


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    id: str
    name: str
    external_ref: str | None
    created_at: str
    adherence_pct: float | None
    last_session: str | None
    sessions_logged: int
    plan_version: int | None
    alerts: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)
    display_name: str | None = None
    days_since_session: int | None = None  # since the last session (none yet: since enrolment)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "display_name": self.display_name,
            "days_since_session": self.days_since_session,
            "external_ref": self.external_ref,
            "created_at": self.created_at,
            "plan_version": self.plan_version,
            "adherence_percent": self.adherence_pct,
            "last_session": self.last_session,
            "sessions_logged": self.sessions_logged,
            "alerts": [{"kind": k, "text": text} for k, text in self.alerts],
        }


@dataclass(frozen=True, slots=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    total: int
    page: int
    per_page: int
    q: str | None
    attention_only: bool
    sort: str
    flag: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def caseload(
    uow: AbstractUnitOfWork,
    owner_id: str,
    on: date,
    *,
    page: int = 1,
    per_page: int = 50,
    q: str | None = None,
    attention_only: bool = False,
    sort: str = "attention",
    flag: str | None = None,
) -> CaseloadPage:
    """One page of ``owner_id``'s patients. ``q``: the start of the patient's reference (case as
    typed) or of a word of their name (any case); ``attention_only``: only patients that need
    attention; ``flag``: only those with that flag (safety, worsening, inactive, reassessment,
    referral, approval); ``sort``: attention (most flags first, then by name), name, created
    (enrolment order), inactive (longest without a session first) or pain (steepest rise in
    next-morning pain first)."""
    problems = []
    if sort not in SORTS:
        problems.append(Problem("sort", f"must be one of {list(SORTS)}", sort))
    if flag is not None and flag not in FLAGS:
        problems.append(Problem("flag", f"must be one of {list(FLAGS)}", flag))
    if page < 1:
        problems.append(Problem("page", "must be 1 or more", page))
    if not 1 <= per_page <= MAX_PER_PAGE:
        problems.append(Problem("per_page", f"must be between 1 and {MAX_PER_PAGE}", per_page))
    if q is not None and len(q) > 64:
        problems.append(Problem("q", "must be at most 64 characters", q))
    if problems:
        raise InvalidInput(problems, "patient list")
    chosen: Sort = next((x for x in _SORTS if x == sort), "attention")
    chosen_flag: Flag | None = next((x for x in _FLAGS if x == flag), None)
    search = q.strip() if q and q.strip() else None
    with uow:
        total, entries = uow.journeys.caseload_page(
            owner_id,
            offset=(page - 1) * per_page,
            limit=per_page,
            q=search,
            attention_only=attention_only,
            sort=chosen,
            on=on,
            flag=chosen_flag,
            reassessment_weeks=config().reassessment_weeks,
        )
        stale = [e for e in entries if e.status is None and e.sessions_logged and e.plan]
        if stale:
            rebuilt = {e.person_id: _rebuild(uow, e) for e in stale}
            uow.commit()
            entries = [
                e if e.person_id not in rebuilt else _with_status(e, rebuilt[e.person_id])
                for e in entries
            ]
    rows = [_row(e, on) for e in entries]
    return CaseloadPage(rows, total, page, per_page, search, attention_only, chosen, chosen_flag)


def _with_status(e: CaseloadEntry, status: PersonStatus) -> CaseloadEntry:
    return CaseloadEntry(
        e.person_id,
        e.external_ref,
        e.created_at,
        e.referral_required,
        e.urgency,
        e.plan,
        e.sessions_logged,
        e.last_session,
        e.done,
        status,
        e.display_name,
        e.flags,
    )


def _rebuild(uow: AbstractUnitOfWork, e: CaseloadEntry) -> PersonStatus:
    """A missing status from the whole history (once per person; later writes keep it)."""
    assert e.plan is not None
    repo = uow.journeys
    logs = judgeable(e.plan.plan, [s.log for s in repo.session_logs(e.person_id)])
    checkins = [c.checkin for c in repo.checkins(e.person_id)]
    cut = settle_before([log.performed_on for log in logs])
    adjustment, summary = adjust_from(
        e.plan.plan, Settled.empty(e.plan.version), logs, checkins, settle_before=cut
    )
    warning = None
    for log in logs:
        if any(overstretch_signs(b) for b in log.blocks):
            warning = (log.performed_on.isoformat(), log.week, log.session_index)
    status = PersonStatus(e.person_id, e.plan.version, summary, adjustment.alerts, warning)
    repo.put_status(status)
    return status


def _row(e: CaseloadEntry, on: date) -> CaseloadRow:
    alerts: list[tuple[str, str]] = []
    if e.referral_required:
        urgency = "emergency" if e.urgency == "emergency" else "before starting"
        alerts.append(("referral", f"Referral required ({urgency})"))
    status = e.status
    if status is not None and status.last_warning is not None:
        day, week, index = status.last_warning
        alerts.append(
            (
                "red",
                f"{_day(date.fromisoformat(day))} (week {week}, session {index}): stretch above "
                f"{MAX_STRETCH_INTENSITY}/10, sharp pain or new numbness",
            )
        )
    for alert in status.alerts if status is not None else ():
        alerts.append(_alert(alert))
    f = e.flags
    if f.worsening and status is not None and status.pain_rise is not None:
        alerts.append(
            ("worsening", f"Next-morning pain up {status.pain_rise} points over recent check-ins")
        )
    last = e.last_session
    began = e.plan.plan.start_date if e.plan is not None else None
    since = (on - (last or began or e.created_at.date())).days
    if f.inactive:
        what = (
            f"No session for {since} days (the last on {_day(last)})"
            if last
            else f"No session yet, {since} days after the plan started"
        )
        alerts.append(("inactive", what))
    if f.reassessment_due:
        alerts.append(
            (
                "reassessment",
                "Reassessment overdue" if f.reassessment_overdue else "Reassessment due",
            )
        )
    if f.awaiting_approval:
        alerts.append(("approval", "A new plan version waits for your approval"))
    return CaseloadRow(
        id=e.person_id,
        name=e.display_name or e.external_ref or "Unnamed patient",
        external_ref=e.external_ref,
        created_at=e.created_at.isoformat(),
        adherence_pct=_adherence(e, on),
        last_session=None if last is None else last.isoformat(),
        sessions_logged=e.sessions_logged,
        plan_version=None if e.plan is None else e.plan.version,
        alerts=alerts,
        display_name=e.display_name,
        days_since_session=None if e.plan is None else max(0, since),
    )


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _alert(alert: Alert) -> tuple[str, str]:
    return ("review" if alert.kind == "clinician_review" else "referral", alert.reason)


def _adherence(e: CaseloadEntry, on: date) -> float | None:
    """Sessions done of those planned in the weeks begun by ``on`` (as ``progress`` counts)."""
    if e.plan is None:
        return None
    week = week_on(e.plan, e.created_at.date(), on)
    planned = sum(len(w.sessions) for w in e.plan.plan.weeks if w.week <= week)
    done = sum(1 for w, _ in e.done if w <= week)
    if week == 1 and on < (e.plan.plan.start_date or e.created_at.date()) + timedelta(days=7):
        # the first week is not over: a patient enrolled today is not "0%"
        return None if not done else round(done / planned * 100 + 0.0, 1) if planned else None
    return round(done / planned * 100 + 0.0, 1) if planned else None
