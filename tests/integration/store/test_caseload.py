"""The caseload (patient list) on SQLite and PostgreSQL: the database filters, sorts and pages; the
batched figures equal the per-patient services' figures; alerts come from the writes' status; and
on PostgreSQL the key queries use the named indexes rather than reading whole tables. The paging,
filtering, sorting and figures are one contract with the in-memory fake (``uow.journeys``)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, insert, text

from lumbo.domain.errors import InvalidInput
from lumbo.domain.protocol.model import BlockLog, CheckIn, SessionLog
from lumbo.services import journey
from lumbo.services._shared import UnitsOfWork
from lumbo.services.caseload import caseload
from lumbo.store import tables as t
from lumbo.store.caseload import (
    caseload_page,
    count_query,
    figures_query,
    page_query,
    plan_keys_query,
)
from lumbo.store.db import Store
from lumbo.store.records import PersonRecord, PlanVersion
from tests.integration.store import samples
from tests.integration.store.conftest import UowFactory

DAY = date(2026, 11, 23)


def _enrol(
    store: UnitsOfWork, ref: str, owner: str, start: date | None = None, **red_flags: bool
) -> str:
    doc: dict[str, Any] = samples.intake_dict()
    doc["person"] = {**doc["person"], "id": ref}  # type: ignore[dict-item]
    if start is not None:
        doc["preferences"] = {**doc["preferences"], "start_date": start.isoformat()}
    doc["red_flags"] = {**doc["red_flags"], **red_flags}  # type: ignore[dict-item]
    return journey.init_person(store.uow(), json.dumps(doc), owner_id=owner).person.id


def _log(store: UnitsOfWork, person: str, sid: str, on: date, intensity: int = 3) -> None:
    today = journey.today(store.uow(), person, on)
    assert today.session is not None
    blocks = tuple(
        BlockLog(
            technique=b.technique,
            completed_sets=b.dose.sets,
            intensity=intensity,
            pain_during=1,
            pain_after=1,
        )
        for b in today.session.blocks
    )
    log = SessionLog(
        session_id=sid,
        week=today.week,
        session_index=today.session.index,
        performed_on=on,
        blocks=blocks,
    )
    journey.record_session(store.uow(), person, log)


class _Units:
    def __init__(self, factory: UowFactory) -> None:
        self.uow = factory


def test_pages_filters_and_sorts_in_the_database(uow_factory: UowFactory) -> None:
    store = _Units(uow_factory)
    owner, other = "clin-a", "clin-b"
    ids = {ref: _enrol(store, ref, owner) for ref in ("carol", "alice", "bob", "dave", "al_x")}
    _enrol(store, "zed", other)
    referred = _enrol(store, "erin", owner, saddle_anaesthesia=True)
    _log(store, ids["bob"], "bob-000001", DAY, intensity=9)  # warning signs: an alert
    _log(store, ids["alice"], "alice-00001", DAY)

    first = caseload(store.uow(), owner, DAY, per_page=3, sort="name")
    assert first.total == 6 and first.pages == 2
    assert [r.name for r in first.rows] == ["al_x", "alice", "bob"]
    second = caseload(store.uow(), owner, DAY, page=2, per_page=3, sort="name")
    assert [r.name for r in second.rows] == ["carol", "dave", "erin"]

    attention = caseload(store.uow(), owner, DAY, sort="attention")
    assert [r.name for r in attention.rows][:2] in (["bob", "erin"], ["erin", "bob"])
    flagged = caseload(store.uow(), owner, DAY, attention_only=True, sort="name")
    assert [r.name for r in flagged.rows] == ["bob", "erin"]
    assert next(r for r in flagged.rows if r.id == referred).alerts[0][0] == "referral"
    assert next(r for r in flagged.rows if r.name == "bob").alerts[0][0] == "red"

    # "al_" is a prefix, not a LIKE pattern: "alice" does not match it
    assert [r.name for r in caseload(store.uow(), owner, DAY, q="al_").rows] == ["al_x"]
    assert [r.name for r in caseload(store.uow(), owner, DAY, q="al").rows] == ["al_x", "alice"]
    assert caseload(store.uow(), owner, DAY, q="zed").total == 0  # another clinician's patient


def test_figures_equal_the_per_patient_progress(store: Store) -> None:
    owner = "clin-a"
    person = _enrol(store, "pat", owner)
    for n in range(3):
        _log(store, person, f"pat-{n:06d}", DAY + timedelta(days=n))
    on = DAY + timedelta(days=3)
    row = caseload(store.uow(), owner, on).rows[0]
    prog = journey.progress(store.uow(), person, on).to_json()
    assert row.adherence_pct == prog["adherence"]["percent"]
    assert row.sessions_logged == len(prog["sessions"]) == 3
    assert row.last_session == max(s["performed_on"] for s in prog["sessions"])
    assert row.plan_version == prog["plan_version"]


def _checkin(store: Store, person: str, cid: str, on: date, pain: int) -> None:
    journey.record_checkin(
        store.uow(), person, CheckIn(checkin_id=cid, on=on, pain=pain, stiffness=2)
    )


def test_the_attention_list_finds_worsening_idle_due_and_waiting_patients(store: Store) -> None:
    """The database flags, filters and sorts: a rise in next-morning pain, a week without a
    session, reassessments due then overdue, a plan version waiting for approval; a patient
    enrolled today is neither idle nor at 0%."""
    owner = "clin-a"
    today = date.today()
    ids = {ref: _enrol(store, ref, owner, today) for ref in ("active", "worse", "idle")}
    assert not any(r.alerts for r in caseload(store.uow(), owner, today).rows)
    assert all(r.adherence_pct is None for r in caseload(store.uow(), owner, today).rows)

    on = today + timedelta(days=10)
    for ref in ("active", "worse"):
        _log(store, ids[ref], f"{ref}-000001", on - timedelta(days=2))
    _checkin(store, ids["worse"], "worse-c-0001", on - timedelta(days=2), 3)
    _checkin(store, ids["worse"], "worse-c-0002", on - timedelta(days=1), 6)

    top = caseload(store.uow(), owner, on, sort="attention").rows
    assert {r.name for r in top[:2]} == {"worse", "idle"}
    assert top[2].name == "active" and not top[2].alerts
    by = {r.name: r for r in top}
    assert [k for k, _ in by["worse"].alerts] == ["worsening"]
    assert "up 3 points" in by["worse"].alerts[0][1]
    assert [k for k, _ in by["idle"].alerts] == ["inactive"]
    assert by["idle"].days_since_session == 10 and by["active"].days_since_session == 2

    def names(**options: Any) -> list[str]:
        return [r.name for r in caseload(store.uow(), owner, on, **options).rows]

    assert names(flag="worsening") == ["worse"]
    assert names(flag="inactive") == ["idle"]
    assert names(sort="pain")[0] == "worse"
    assert names(sort="inactive")[0] == "idle"
    assert names(flag="reassessment") == []
    due = [r.alerts for r in caseload(store.uow(), owner, today + timedelta(days=22)).rows]
    assert all(("reassessment", "Reassessment due") in a for a in due)
    late = caseload(store.uow(), owner, today + timedelta(days=29), flag="reassessment").rows
    assert len(late) == 3 and all(
        ("reassessment", "Reassessment overdue") in r.alerts for r in late
    )

    with store.uow() as uow:  # a clinician's edit: version 2 waits for approval
        v1 = uow.journeys.latest_plan(ids["active"])
        assert v1 is not None
        plan = v1.plan.model_copy(update={"version": 2})
        uow.journeys.add_plan_version(PlanVersion(ids["active"], 2, plan, "edit"))
        uow.commit()
    assert names(flag="approval") == ["active"]
    assert caseload(store.uow(), owner, on, flag="approval").total == 1


def test_names_are_searched_by_any_word_in_any_case(store: Store) -> None:
    with store.uow() as uow:
        for ref, name in (("p1", "Ada Lovelace"), ("p2", "Grace Hopper"), ("p3", None)):
            uow.journeys.add_person(PersonRecord(external_ref=ref, owner_id="o", display_name=name))
        uow.commit()
    found = caseload(store.uow(), "o", DAY, sort="name")
    assert [r.name for r in found.rows] == ["Ada Lovelace", "Grace Hopper", "p3"]
    assert [r.name for r in caseload(store.uow(), "o", DAY, q="hop").rows] == ["Grace Hopper"]
    assert [r.name for r in caseload(store.uow(), "o", DAY, q="ADA").rows] == ["Ada Lovelace"]
    assert [r.name for r in caseload(store.uow(), "o", DAY, q="p3").rows] == ["p3"]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"page": 0}, "page"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": 201}, "per_page"),
        ({"sort": "age"}, "sort"),
        ({"flag": "bored"}, "flag"),
        ({"q": "x" * 65}, "q"),
    ],
)
def test_bad_paging_names_the_field(store: Store, options: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        caseload(store.uow(), "clin-a", DAY, **options)
    assert [p.path for p in err.value.problems] == [field]


def _bulk(store: Store, owners: int, per_owner: int, logs_each: int) -> str:
    """Many persons (with an assessment, a status and session logs) inserted directly."""
    now = datetime.now(UTC)
    persons, assessments, intakes, statuses, logs = [], [], [], [], []
    plans: list[dict[str, Any]] = []
    approvals: list[dict[str, Any]] = []
    reassessed: list[dict[str, Any]] = []
    for o in range(owners):
        for n in range(per_owner):
            pid = str(uuid.uuid4())
            iid = str(uuid.uuid4())
            persons.append(
                {
                    "id": pid,
                    "owner_id": f"owner-{o}",
                    "external_ref": f"p{n:05d}",
                    "created_at": now,
                }
            )
            intakes.append(
                {"id": iid, "person_id": pid, "kind": "baseline", "document": {}, "created_at": now}
            )
            aid = str(uuid.uuid4())
            if o != 3:  # the other clinicians' patients have plans, approvals, reassessments
                plans.append(
                    {
                        "id": str(uuid.uuid4()),
                        "person_id": pid,
                        "version": 2,
                        "reason": "bulk",
                        "document": {},
                        "created_at": now,
                    }
                )
                approvals.append(
                    {"id": str(uuid.uuid4()), "person_id": pid, "version": 2, "approved_at": now}
                )
                reassessed.append(
                    {
                        "id": str(uuid.uuid4()),
                        "person_id": pid,
                        "intake_id": iid,
                        "assessment_id": aid,
                        "created_at": now,
                    }
                )
            assessments.append(
                {
                    "id": aid,
                    "person_id": pid,
                    "intake_id": iid,
                    "referral_required": False,
                    "urgency": "none",
                    "document": {},
                    "created_at": now,
                }
            )
            statuses.append(
                {"person_id": pid, "alerts": [], "attention": n % 7 == 0, "updated_at": now}
            )
            for k in range(logs_each):
                logs.append(
                    {
                        "id": str(uuid.uuid4()),
                        "person_id": pid,
                        "session_id": f"s{k:07d}",
                        "week": 1,
                        "session_index": 1,
                        "performed_on": DAY,
                        "document": {},
                        "created_at": now,
                    }
                )
    with store.engine.begin() as conn:
        for table, rows in (
            (t.PersonRow, persons),
            (t.IntakeRow, intakes),
            (t.AssessmentRow, assessments),
            (t.PersonStatusRow, statuses),
            (t.SessionLogRow, logs),
            (t.PlanVersionRow, plans),
            (t.Base.metadata.tables["plan_approvals"], approvals),
            (t.ReassessmentRow, reassessed),
        ):
            target = table if isinstance(table, Table) else table.__table__
            conn.execute(insert(target), rows)
        conn.exec_driver_sql("ANALYZE")
    return "owner-3"


def test_postgresql_plans_use_the_indexes_not_whole_table_scans(
    store: Store, database_url: str
) -> None:
    """With 10,000 persons (100 per clinician) and 40,000 session logs, analyzed, the planner
    reaches a clinician's page through ``ix_persons_owner_ref`` and the other tables through their
    person indexes. What this proves: these plans, with these statistics, on this server; a
    planner may still choose a sequential scan on small tables, where it is the cheaper plan."""
    if not database_url.startswith("postgresql"):
        pytest.skip("EXPLAIN plans are checked on PostgreSQL")
    owner = _bulk(store, owners=100, per_owner=100, logs_each=4)
    with store.uow() as uow:
        session = uow.session
        for sort in ("attention", "name", "created", "inactive", "pain"):
            stmt = page_query(owner, q=None, attention_only=False, sort=sort).limit(50)
            plan = _explain(session, stmt)
            assert "Seq Scan" not in plan, plan
        assert "Seq Scan" not in _explain(session, count_query(owner, q="p00", attention_only=True))
        for flag in ("worsening", "inactive", "reassessment", "approval"):
            counted = count_query(owner, q=None, attention_only=False, flag=flag)  # type: ignore[arg-type]
            assert "Seq Scan" not in _explain(session, counted), flag
        ids = [
            r[0]
            for r in session.execute(
                page_query(owner, q=None, attention_only=False, sort="name").limit(50)
            )
        ]
        assert len(ids) == 50
        total, entries = caseload_page(session, owner, offset=0, limit=50)
        assert total == 100 and len(entries) == 50
        latest = dict.fromkeys(ids, 1)  # (person, version) pairs, as the page query gives them
        for batched in (figures_query(ids), plan_keys_query(latest)):
            assert "Seq Scan" not in _explain(session, batched), batched


def _explain(session: Any, stmt: Any) -> str:
    compiled = stmt.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
    )
    rows = session.execute(text(f"EXPLAIN {compiled}")).all()
    return "\n".join(r[0] for r in rows)
