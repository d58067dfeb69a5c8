"""The contract of the accounts, jobs, audit and approvals repositories of the unit of work, on the
in-memory fake, SQLite and PostgreSQL alike (the journeys' own is ``test_repository.py``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lumbo.domain.errors import Conflict
from lumbo.store.accounts import User
from lumbo.store.approvals import Approval
from lumbo.store.audit import AuditEntry
from lumbo.store.jobs import VIDEO_ANALYSIS, Job, Video
from lumbo.store.records import PersonRecord
from lumbo.store.tables import utcnow
from tests.integration.store.conftest import UowFactory


def _person(uow_factory: UowFactory, owner: str | None = None) -> PersonRecord:
    person = PersonRecord(external_ref="case-1", owner_id=owner)
    with uow_factory() as uow:
        uow.journeys.add_person(person)
        uow.commit()
    return person


def _user(email: str, role: str = "clinician", person_id: str | None = None) -> User:
    return User(email=email, role=role, password_hash="h", person_id=person_id)  # type: ignore[arg-type]


def test_accounts(uow_factory: UowFactory) -> None:
    admin, clinician = _user("a@x.test", "admin"), _user("c@x.test")
    with uow_factory() as uow:
        uow.accounts.add_user(admin)
        uow.accounts.add_user(clinician)
        uow.commit()
    owned = _person(uow_factory, owner=clinician.id)
    patient = _user("p@x.test", "patient", owned.id)
    now = utcnow()
    with uow_factory() as uow:
        uow.accounts.add_user(patient)
        with pytest.raises(Conflict):
            uow.accounts.add_user(_user("a@x.test"))  # a taken e-mail
    with uow_factory() as uow:  # the Conflict left nothing behind
        assert uow.accounts.user_by_email("p@x.test") is None
        uow.accounts.add_user(patient)
        uow.accounts.add_session("s1", clinician.id, now + timedelta(hours=1))
        uow.accounts.add_session("s0", clinician.id, now - timedelta(hours=1))
        uow.accounts.add_failure("k", "global")
        uow.commit()
    with uow_factory() as uow:
        a = uow.accounts
        assert [u.email for u in a.users()] == ["a@x.test", "c@x.test", "p@x.test"]
        assert a.account_of_person(owned.id) == a.get_user(patient.id)
        assert [p.id for p in a.persons_of_owner(clinician.id)] == [owned.id]
        assert a.session_user("s1", now) == a.get_user(clinician.id)
        assert a.session_user("s0", now) is None  # expired
        count, last = a.failures_since("k", now - timedelta(minutes=1))
        assert count == 1 and last is not None
        assert a.active_admins() == 1
        a.set_active(clinician.id, False)
        assert a.session_user("s1", now) is None  # a disabled account has no session
        a.set_role(clinician.id, "admin")
        a.set_password_hash(clinician.id, "h2")
        a.clear_failures("k")
        a.delete_sessions_of([clinician.id])
        uow.commit()
    with uow_factory() as uow:
        changed = uow.accounts.get_user(clinician.id)
        assert changed is not None
        assert (changed.role, changed.active, changed.password_hash) == ("admin", False, "h2")
        assert uow.accounts.failures_since("k", now - timedelta(minutes=1))[0] == 0
        assert uow.accounts.failures_since("global", now - timedelta(minutes=1))[0] == 1
        uow.accounts.delete_user(admin.id)
        uow.commit()
    with uow_factory() as uow:
        assert uow.accounts.get_user(admin.id) is None and uow.accounts.active_admins() == 0


def test_jobs(uow_factory: UowFactory) -> None:
    person = _person(uow_factory)
    first = Job(kind=VIDEO_ANALYSIS, person_id=person.id, payload={"video_id": "v"})
    second = Job(kind=VIDEO_ANALYSIS, person_id=person.id, payload={})
    video = Video(person.id, "rotation", "v.mp4", "video/mp4", 1, "0" * 64, "u/v.mp4",
                  job_id=first.id, uploaded_by="someone")  # fmt: skip
    with uow_factory() as uow:
        uow.jobs.add_job(first)
        uow.jobs.add_job(second)
        uow.jobs.add_video(video)
        uow.commit()
    with uow_factory() as uow:
        claimed = uow.jobs.claim()
        assert claimed is not None and claimed.id == first.id  # the oldest
        assert (claimed.status, claimed.attempts) == ("running", 1)
        assert uow.jobs.claim(first.id) is None  # not queued any more
        uow.jobs.set_progress(first.id, 0.5)
        with pytest.raises(Conflict):
            uow.jobs.finish(second.id, {})  # only a running job finishes
    with uow_factory() as uow:
        assert uow.jobs.claim(first.id) is not None
        later = utcnow() + timedelta(seconds=1)
        assert uow.jobs.ids_with_status(VIDEO_ANALYSIS, "running", later) == [first.id]
        assert uow.jobs.ids_with_status(VIDEO_ANALYSIS, "queued", later) == [second.id]
        uow.jobs.finish(first.id, {"rom": 1})
        uow.jobs.fail(second.id, "x" * 5000)
        uow.commit()
    with uow_factory() as uow:
        done, failed = uow.jobs.jobs_of(person.id)
        assert (done.status, done.progress, done.result) == ("done", 1.0, {"rom": 1})
        assert failed.status == "failed" and failed.error == "x" * 4000
        with pytest.raises(Conflict):
            uow.jobs.requeue(done.id)
    with uow_factory() as uow:
        assert uow.jobs.get_video(video.id) == uow.jobs.videos_of(person.id)[0]
        since = utcnow() - timedelta(hours=1)
        assert len(uow.jobs.upload_times("someone", since)) == 1
        assert uow.jobs.upload_times("nobody", since) == []


def test_audit_and_approvals(uow_factory: UowFactory) -> None:
    person, clinician = _person(uow_factory), _user("c@x.test")
    about = AuditEntry("u1", "clinician", "read", "GET", f"/p/{person.id}", person.id, "allowed")
    other = AuditEntry("u2", "admin", "write", "POST", "/admin", None, "allowed")
    with uow_factory() as uow:
        uow.audit.add(about)
        uow.audit.add(other)
        uow.accounts.add_user(clinician)
        uow.commit()
    with uow_factory() as uow, pytest.raises(Conflict):
        uow.approvals.add(Approval(person.id, 1, "no-such-account"))
    with uow_factory() as uow:
        uow.approvals.add(Approval(person.id, 1, clinician.id, "fine"))
        uow.commit()
    with uow_factory() as uow:
        assert [e.id for e in uow.audit.entries(person.id)] == [about.id]
        assert len(uow.audit.entries()) == 2
        assert uow.audit.redact_person(person.id, []) == 1
        assert uow.audit.verify().ok
        with pytest.raises(Conflict):
            uow.approvals.add(Approval(person.id, 1, clinician.id))
    with uow_factory() as uow:
        got = uow.approvals.get(person.id, 1)
        assert got is not None and got.note == "fine" and uow.approvals.get(person.id, 2) is None
        assert [a.version for a in uow.approvals.of_person(person.id)] == [1]
        assert uow.audit.entries(person.id)[0].person_id == person.id  # not committed: kept


def test_erasing_a_person_removes_their_rows(uow_factory: UowFactory) -> None:
    person, other = _person(uow_factory), _person(uow_factory)
    with uow_factory() as uow:
        uow.accounts.add_user(_user("p@x.test", "patient", person.id))
        uow.jobs.add_job(Job(kind=VIDEO_ANALYSIS, person_id=person.id, payload={}))
        uow.approvals.add(Approval(other.id, 1, None))
        uow.commit()
    with uow_factory() as uow:
        rows = uow.journeys.erase_person(person.id)
        uow.commit()
    assert rows["persons"] == 1 and sum(rows.values()) == 3
    with uow_factory() as uow:
        assert uow.journeys.get_person(person.id) is None
        assert uow.accounts.user_by_email("p@x.test") is None
        assert uow.jobs.jobs_of(person.id) == []
        assert uow.approvals.get(other.id, 1) is not None  # others keep theirs


def test_patient_app_records(uow_factory: UowFactory) -> None:
    """Issue 16: questionnaires filled in on the phone (stored once per client id) and the
    patient's settings (the calendar token's hash, unique; reminders), and a session's sign-in
    time (a remembered device needs a fresh sign-in for account changes)."""
    from lumbo.store.records import PatientSettings, QuestionnaireResponse

    a, b = _person(uow_factory), _person(uow_factory)
    q = QuestionnaireResponse(
        person_id=a.id, id="q-000000001", kind="reassessment", week=4,
        answers={"nprs": 3}, scores={"nprs": 3},
    )  # fmt: skip
    with uow_factory() as uow:
        uow.journeys.add_questionnaire_response(q)
        uow.journeys.put_patient_settings(
            PatientSettings(
                a.id,
                calendar_token_hash="t" * 64,
                reminder_days=(0, 3),
                reminder_time="07:30",
                reminder_email=True,
            )
        )
        uow.commit()
    with uow_factory() as uow, pytest.raises(Conflict):
        uow.journeys.add_questionnaire_response(q)  # the same client id twice
    with uow_factory() as uow, pytest.raises(Conflict):
        uow.journeys.put_patient_settings(PatientSettings(b.id, calendar_token_hash="t" * 64))
    with uow_factory() as uow:
        j = uow.journeys
        assert [r.id for r in j.questionnaire_responses(a.id)] == ["q-000000001"]
        assert j.questionnaire_responses(b.id) == []
        found = j.settings_for_calendar("t" * 64)
        assert found is not None and found.person_id == a.id and found.reminder_days == (0, 3)
        assert (found.reminder_time, found.reminder_email) == ("07:30", True)
        assert j.get_patient_settings(b.id) is None
        j.put_patient_settings(PatientSettings(a.id, reminded_on="2026-12-02"))
        uow.commit()
    with uow_factory() as uow:
        assert uow.journeys.settings_for_calendar("t" * 64) is None  # revoked
        again = uow.journeys.get_patient_settings(a.id)
        assert again is not None and again.reminded_on == "2026-12-02"
    user = _user("pp@x.test", "patient", a.id)
    with uow_factory() as uow:
        uow.accounts.add_user(user)
        uow.accounts.add_session("fresh", user.id, utcnow() + timedelta(days=30))
        uow.commit()
    with uow_factory() as uow:
        created = uow.accounts.session_created("fresh")
        assert created is not None and abs((utcnow() - created).total_seconds()) < 60
        assert uow.accounts.session_created("unknown") is None


def test_take_on_links_and_ownership(uow_factory: UowFactory) -> None:
    from lumbo.store.accounts import TakeOnLink

    clinician = _user("c@x.test")
    with uow_factory() as uow:
        uow.accounts.add_user(clinician)
        uow.commit()
    person = _person(uow_factory)  # self-directed: no owner
    now = utcnow()
    old = TakeOnLink(person.id, "h1", now + timedelta(days=7), created_at=now - timedelta(hours=1))
    new = TakeOnLink(person.id, "h2", now + timedelta(days=7))
    with uow_factory() as uow:
        uow.accounts.add_take_on(old)
        assert uow.accounts.revoke_take_ons(person.id, now) == 1
        uow.accounts.add_take_on(new)
        uow.commit()
    with uow_factory() as uow:
        a = uow.accounts
        got = a.take_on_by_hash("h1")
        assert got is not None and got.revoked_at is not None and not got.open_at(now)
        fresh = a.take_on_by_hash("h2")
        assert fresh is not None and fresh.open_at(now)
        assert not fresh.open_at(now + timedelta(days=8))  # expired
        assert [k.token_hash for k in a.take_ons_of(person.id)] == ["h1", "h2"]
        assert a.take_on_by_hash("nope") is None
        a.use_take_on(new.id, clinician.id, now)
        assert a.take_owner(person.id, clinician.id) is True
        assert a.take_owner(person.id, "another-clinician") is False  # taken: unchanged
        uow.commit()
    with uow_factory() as uow:
        used = uow.accounts.take_on_by_hash("h2")
        assert used is not None and used.used_by == clinician.id and not used.open_at(now)
        assert [p.id for p in uow.accounts.persons_of_owner(clinician.id)] == [person.id]
        assert uow.accounts.revoke_take_ons(person.id, now) == 0  # nothing open
        uow.journeys.erase_person(person.id)
        uow.commit()
    with uow_factory() as uow:
        assert uow.accounts.take_ons_of(person.id) == []
