# long-module: one in-memory fake per repository contract, all over one MemoryData so a
#   FakeUnitOfWork transaction spans them
"""In-memory repositories (journeys, accounts, jobs, audit, approvals) with the same contracts as
the SQLAlchemy ones (``tests/integration/store/test_repository.py`` and ``test_repositories.py``).

They work on a private copy of :class:`MemoryData`; :class:`~lumbo.store.unit_of_work.FakeUnitOfWork`
publishes the copy on commit and drops it on rollback, so the fakes are transactional too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from lumbo.domain.errors import Conflict
from lumbo.store.accounts import AccountRepository, Role, TakeOnLink, User
from lumbo.store.approvals import Approval, ApprovalRepository
from lumbo.store.audit import AuditEntry, AuditRepository, ChainReport
from lumbo.store.caseload import CaseloadEntry, Flag, Sort
from lumbo.store.clearances import Clearance
from lumbo.store.clinic import ClinicRepository
from lumbo.store.clinic_settings import DEFAULTS as CLINIC_DEFAULTS
from lumbo.store.jobs import Job, JobRepository, JobStatus, Video
from lumbo.store.plan_templates import PlanTemplate
from lumbo.store.records import (
    AssessmentRecord,
    IntakeRecord,
    PatientSettings,
    PersonRecord,
    PersonStatus,
    PlanVersion,
    QuestionnaireResponse,
    ReassessmentRecord,
    StoredCheckIn,
    StoredSessionLog,
    VideoMeasurementRecord,
)
from lumbo.store.repository import JourneyRepository
from lumbo.store.self_assessment import StoredDraft
from lumbo.store.tables import utcnow


@dataclass
class MemoryData:
    persons: list[PersonRecord] = field(default_factory=list)
    intakes: list[IntakeRecord] = field(default_factory=list)
    assessments: list[AssessmentRecord] = field(default_factory=list)
    plans: list[PlanVersion] = field(default_factory=list)
    logs: list[StoredSessionLog] = field(default_factory=list)
    checkins: list[StoredCheckIn] = field(default_factory=list)
    reassessments: list[ReassessmentRecord] = field(default_factory=list)
    videos: list[VideoMeasurementRecord] = field(default_factory=list)
    statuses: list[PersonStatus] = field(default_factory=list)
    questionnaires: list[QuestionnaireResponse] = field(default_factory=list)
    settings: list[PatientSettings] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    web_sessions: list[tuple[str, str, datetime]] = field(
        default_factory=list
    )  # hash, user, expiry
    web_session_created: list[tuple[str, datetime]] = field(default_factory=list)
    login_failures: list[tuple[str, datetime]] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    uploads: list[Video] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    clinic_settings: list[tuple[str, Any, str | None]] = field(default_factory=list)
    templates: list[PlanTemplate] = field(default_factory=list)
    clearances: list[Clearance] = field(default_factory=list)
    drafts: list[StoredDraft] = field(default_factory=list)
    take_ons: list[TakeOnLink] = field(default_factory=list)

    def copy(self) -> MemoryData:
        """A copy whose lists can change independently (the records themselves are frozen)."""
        fields = self.__dataclass_fields__
        return replace(self, **{name: list(getattr(self, name)) for name in fields})


class InMemoryRepository(JourneyRepository):
    def __init__(self, data: MemoryData) -> None:
        self.data = data

    def _need_person(self, person_id: str, what: str) -> None:
        if self.get_person(person_id) is None:
            raise Conflict(f"{what} contradicts stored state: no person {person_id}")

    def caseload_page(
        self,
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
        if flag not in (None, "referral", "worsening"):
            raise NotImplementedError("the in-memory store computes no date-based caseload flag")
        found = []
        for p in self.data.persons:
            if p.owner_id != owner_id or (q and not (p.external_ref or "").startswith(q)):
                continue
            if flag == "worsening" and not (self.get_status(p.id) or PersonStatus(p.id)).worsening:
                continue
            if flag == "referral" and not any(
                a.assessment.referral.required for a in self.assessments(p.id)[-1:]
            ):
                continue
            assessed = self.assessments(p.id)
            referral = assessed[-1].assessment.referral if assessed else None
            status = self.get_status(p.id)
            needs = (0 if status is None else status.attention) + bool(
                referral and referral.required
            )
            if not attention_only or needs > 0:
                found.append((p, referral, status, needs))
        if sort == "attention":
            found.sort(key=lambda f: (-f[3], f[0].external_ref or "", f[0].id))
        elif sort == "name":
            found.sort(key=lambda f: (f[0].external_ref or "", f[0].id))
        else:
            found.sort(key=lambda f: (f[0].created_at, f[0].id))
        entries = []
        for p, referral, status, _ in found[offset : offset + limit]:
            logs = self.session_logs(p.id)
            entries.append(
                CaseloadEntry(
                    person_id=p.id,
                    external_ref=p.external_ref,
                    created_at=p.created_at,
                    referral_required=bool(referral and referral.required),
                    urgency=None if referral is None else referral.urgency,
                    plan=self.latest_plan(p.id),
                    sessions_logged=len(logs),
                    last_session=max((s.log.performed_on for s in logs), default=None),
                    done=frozenset((s.log.week, s.log.session_index) for s in logs),
                    status=None
                    if status is None
                    else PersonStatus(p.id, alerts=status.alerts, last_warning=status.last_warning),
                )
            )
        return len(found), entries

    def erase_person(self, person_id: str) -> dict[str, int]:
        d, rows = self.data, {}
        for name in ("intakes", "assessments", "plans", "logs", "checkins", "reassessments",
                     "videos", "statuses", "jobs", "uploads", "approvals", "users",
                     "drafts", "take_ons"):  # fmt: skip
            items: list[Any] = getattr(d, name)
            kept = [x for x in items if x.person_id != person_id]
            rows[name] = len(items) - len(kept)
            items[:] = kept
        users = {u.id for u in d.users}  # a deleted account's draft goes with it (cascade)
        d.drafts[:] = [x for x in d.drafts if x.user_id in users]
        before = len(d.persons)
        d.persons[:] = [p for p in d.persons if p.id != person_id]
        rows["persons"] = before - len(d.persons)
        return rows

    def add_person(self, person: PersonRecord) -> None:
        if self.get_person(person.id) is not None:
            raise Conflict(f"person {person.id} contradicts stored state: already exists")
        self.data.persons.append(person)

    def get_person(self, person_id: str) -> PersonRecord | None:
        return next((p for p in self.data.persons if p.id == person_id), None)

    def persons(self) -> list[PersonRecord]:
        return sorted(self.data.persons, key=lambda p: p.created_at)

    def add_intake(self, intake: IntakeRecord) -> None:
        self._need_person(intake.person_id, f"intake {intake.id}")
        self.data.intakes.append(intake)

    def intakes(self, person_id: str) -> list[IntakeRecord]:
        return sorted(
            (i for i in self.data.intakes if i.person_id == person_id), key=lambda i: i.created_at
        )

    def add_assessment(self, assessment: AssessmentRecord) -> None:
        self._need_person(assessment.person_id, f"assessment {assessment.id}")
        if not any(i.id == assessment.intake_id for i in self.data.intakes):
            raise Conflict(f"assessment {assessment.id}: no intake {assessment.intake_id}")
        if any(a.intake_id == assessment.intake_id for a in self.data.assessments):
            raise Conflict(f"assessment {assessment.id}: intake already assessed")
        self.data.assessments.append(assessment)

    def assessments(self, person_id: str) -> list[AssessmentRecord]:
        return sorted(
            (a for a in self.data.assessments if a.person_id == person_id),
            key=lambda a: a.created_at,
        )

    def add_plan_version(self, plan: PlanVersion) -> None:
        what = f"plan version {plan.version} of person {plan.person_id}"
        self._need_person(plan.person_id, what)
        if any(p.version == plan.version for p in self.plan_versions(plan.person_id)):
            raise Conflict(f"{what} contradicts stored state: version exists")
        self.data.plans.append(plan)

    def plan_versions(self, person_id: str) -> list[PlanVersion]:
        return sorted(
            (p for p in self.data.plans if p.person_id == person_id), key=lambda p: p.version
        )

    def add_session_log(self, log: StoredSessionLog) -> None:
        what = f"session log {log.log.session_id}"
        self._need_person(log.person_id, what)
        if self.get_session_log(log.person_id, log.log.session_id) is not None:
            raise Conflict(f"{what} contradicts stored state: session id exists")
        self.data.logs.append(log)

    def session_logs(self, person_id: str) -> list[StoredSessionLog]:
        return sorted(
            (s for s in self.data.logs if s.person_id == person_id),
            key=lambda s: (s.log.performed_on, s.created_at),
        )

    def get_session_log(self, person_id: str, session_id: str) -> StoredSessionLog | None:
        return next(
            (
                s
                for s in self.data.logs
                if s.person_id == person_id and s.log.session_id == session_id
            ),
            None,
        )

    def add_checkin(self, checkin: StoredCheckIn) -> None:
        what = f"check-in {checkin.checkin.checkin_id}"
        self._need_person(checkin.person_id, what)
        if self.get_checkin(checkin.person_id, checkin.checkin.checkin_id) is not None:
            raise Conflict(f"{what} contradicts stored state: check-in id exists")
        self.data.checkins.append(checkin)

    def checkins(self, person_id: str) -> list[StoredCheckIn]:
        return sorted(
            (c for c in self.data.checkins if c.person_id == person_id),
            key=lambda c: (c.checkin.on, c.created_at),
        )

    def get_checkin(self, person_id: str, checkin_id: str) -> StoredCheckIn | None:
        return next(
            (
                c
                for c in self.data.checkins
                if c.person_id == person_id and c.checkin.checkin_id == checkin_id
            ),
            None,
        )

    def get_status(self, person_id: str, *, lock: bool = False) -> PersonStatus | None:
        return next((s for s in self.data.statuses if s.person_id == person_id), None)

    def put_status(self, status: PersonStatus) -> None:
        self._need_person(status.person_id, f"status of person {status.person_id}")
        others = [s for s in self.data.statuses if s.person_id != status.person_id]
        self.data.statuses[:] = [*others, status]

    def add_reassessment(self, reassessment: ReassessmentRecord) -> None:
        self._need_person(reassessment.person_id, f"reassessment {reassessment.id}")
        self.data.reassessments.append(reassessment)

    def reassessments(self, person_id: str) -> list[ReassessmentRecord]:
        return sorted(
            (r for r in self.data.reassessments if r.person_id == person_id),
            key=lambda r: r.created_at,
        )

    def add_video_measurement(self, measurement: VideoMeasurementRecord) -> None:
        self._need_person(measurement.person_id, f"video measurement {measurement.id}")
        self.data.videos.append(measurement)

    def video_measurements(self, person_id: str) -> list[VideoMeasurementRecord]:
        return sorted(
            (v for v in self.data.videos if v.person_id == person_id), key=lambda v: v.created_at
        )

    def add_questionnaire_response(self, response: QuestionnaireResponse) -> None:
        self._need_person(response.person_id, f"questionnaire response {response.id}")
        if any(q.id == response.id for q in self.data.questionnaires):
            raise Conflict(f"questionnaire response {response.id} contradicts stored state")
        self.data.questionnaires.append(response)

    def questionnaire_responses(self, person_id: str) -> list[QuestionnaireResponse]:
        return sorted(
            (q for q in self.data.questionnaires if q.person_id == person_id),
            key=lambda q: q.created_at,
        )

    def get_patient_settings(self, person_id: str) -> PatientSettings | None:
        return next((x for x in self.data.settings if x.person_id == person_id), None)

    def put_patient_settings(self, settings: PatientSettings) -> None:
        self._need_person(settings.person_id, f"settings of {settings.person_id}")
        token = settings.calendar_token_hash
        if token is not None and any(
            x.calendar_token_hash == token and x.person_id != settings.person_id
            for x in self.data.settings
        ):
            raise Conflict(f"settings of {settings.person_id} contradict stored state")
        others = [x for x in self.data.settings if x.person_id != settings.person_id]
        self.data.settings[:] = [*others, settings]

    def claim_reminder(self, person_id: str, day: str) -> bool:
        found = self.get_patient_settings(person_id)
        if found is None or found.reminded_on == day:
            return False
        self.put_patient_settings(replace(found, reminded_on=day))
        return True

    def release_reminder(self, person_id: str, day: str, previous: str | None) -> None:
        found = self.get_patient_settings(person_id)
        if found is not None and found.reminded_on == day:
            self.put_patient_settings(replace(found, reminded_on=previous))

    def settings_for_calendar(self, token_hash: str) -> PatientSettings | None:
        return next((x for x in self.data.settings if x.calendar_token_hash == token_hash), None)


def _replace_in(items: list[Any], match: Any, **changes: Any) -> bool:
    for i, item in enumerate(items):
        if match(item):
            items[i] = replace(item, **changes)
            return True
    return False


class InMemoryAccounts(AccountRepository):
    def __init__(self, data: MemoryData) -> None:
        self.data = data

    def add_user(self, user: User) -> None:
        taken = any(
            u.email == user.email or (user.person_id and u.person_id == user.person_id)
            for u in self.data.users
        )
        if taken or self.get_user(user.id) is not None:
            raise Conflict(f"an account for {user.email!r} (or for that person) exists")
        self.data.users.append(user)

    def get_user(self, user_id: str) -> User | None:
        return next((u for u in self.data.users if u.id == user_id), None)

    def user_by_email(self, email: str) -> User | None:
        return next((u for u in self.data.users if u.email == email), None)

    def users(self) -> list[User]:
        return sorted(self.data.users, key=lambda u: (u.created_at, u.id))

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        _replace_in(self.data.users, lambda u: u.id == user_id, password_hash=password_hash)

    def set_active(self, user_id: str, active: bool) -> None:
        _replace_in(self.data.users, lambda u: u.id == user_id, active=active)

    def set_person(self, user_id: str, person_id: str) -> None:
        if any(u.person_id == person_id and u.id != user_id for u in self.data.users):
            raise Conflict("this person already has an account")
        _replace_in(self.data.users, lambda u: u.id == user_id, person_id=person_id)

    def set_role(self, user_id: str, role: Role) -> None:
        _replace_in(self.data.users, lambda u: u.id == user_id, role=role)

    def delete_user(self, user_id: str) -> None:
        self.data.users[:] = [u for u in self.data.users if u.id != user_id]
        self.data.drafts[:] = [d for d in self.data.drafts if d.user_id != user_id]
        self.delete_sessions_of([user_id])

    def active_admins(self) -> int:
        return sum(1 for u in self.data.users if u.role == "admin" and u.active)

    def add_session(self, session_hash: str, user_id: str, expires_at: datetime) -> None:
        self.data.web_sessions.append((session_hash, user_id, expires_at))
        self.data.web_session_created.append((session_hash, datetime.now(UTC)))

    def session_created(self, session_hash: str) -> datetime | None:
        live = {s[0] for s in self.data.web_sessions}
        return next(
            (at for h, at in self.data.web_session_created if h == session_hash and h in live),
            None,
        )

    def session_user(self, session_hash: str, now: datetime) -> User | None:
        for hashed, user_id, expires in self.data.web_sessions:
            if hashed == session_hash and expires > now:
                user = self.get_user(user_id)
                return user if user is not None and user.active else None
        return None

    def delete_session(self, session_hash: str) -> None:
        self.data.web_sessions[:] = [s for s in self.data.web_sessions if s[0] != session_hash]

    def delete_sessions_of(self, user_ids: list[str]) -> None:
        self.data.web_sessions[:] = [s for s in self.data.web_sessions if s[1] not in user_ids]

    def delete_other_sessions(self, user_id: str, keep: str) -> int:
        before = len(self.data.web_sessions)
        self.data.web_sessions[:] = [
            s for s in self.data.web_sessions if s[1] != user_id or s[0] == keep
        ]
        return before - len(self.data.web_sessions)

    def delete_expired_sessions(self, now: datetime) -> None:
        self.data.web_sessions[:] = [s for s in self.data.web_sessions if s[2] > now]

    def add_failure(self, *keys: str) -> None:
        now = utcnow()
        self.data.login_failures += [(key, now) for key in keys]

    def failures_since(self, key: str, since: datetime) -> tuple[int, datetime | None]:
        times = [at for k, at in self.data.login_failures if k == key and at > since]
        return len(times), max(times, default=None)

    def delete_failures_before(self, before: datetime) -> None:
        self.data.login_failures[:] = [f for f in self.data.login_failures if f[1] > before]

    def clear_failures(self, key: str) -> None:
        self.data.login_failures[:] = [f for f in self.data.login_failures if f[0] != key]

    def persons_of_owner(self, owner_id: str) -> list[PersonRecord]:
        mine = [p for p in self.data.persons if p.owner_id == owner_id]
        return sorted(mine, key=lambda p: (p.created_at, p.id))

    def account_of_person(self, person_id: str) -> User | None:
        return next((u for u in self.data.users if u.person_id == person_id), None)

    def take_owner(self, person_id: str, owner_id: str) -> bool:
        return _replace_in(
            self.data.persons,
            lambda p: p.id == person_id and p.owner_id is None,
            owner_id=owner_id,
        )

    def add_take_on(self, link: TakeOnLink) -> None:
        if any(k.token_hash == link.token_hash for k in self.data.take_ons):
            raise Conflict("take-on link contradicts stored state: already exists")
        self.data.take_ons.append(link)

    def take_on_by_hash(self, token_hash: str) -> TakeOnLink | None:
        return next((k for k in self.data.take_ons if k.token_hash == token_hash), None)

    def take_ons_of(self, person_id: str) -> list[TakeOnLink]:
        mine = [k for k in self.data.take_ons if k.person_id == person_id]
        return sorted(mine, key=lambda k: (k.created_at, k.id))

    def revoke_take_ons(self, person_id: str, at: datetime) -> int:
        count = 0
        for i, k in enumerate(self.data.take_ons):
            if k.person_id == person_id and k.revoked_at is None and k.used_at is None:
                self.data.take_ons[i] = replace(k, revoked_at=at)
                count += 1
        return count

    def use_take_on(self, link_id: str, user_id: str, at: datetime) -> None:
        _replace_in(self.data.take_ons, lambda k: k.id == link_id, used_by=user_id, used_at=at)


class InMemoryJobs(JobRepository):
    def __init__(self, data: MemoryData) -> None:
        self.data = data

    def add_job(self, job: Job) -> None:
        if self.get_job(job.id) is not None:
            raise Conflict(f"job {job.id} contradicts stored state: already exists")
        self.data.jobs.append(job)

    def get_job(self, job_id: str, *, lock: bool = False) -> Job | None:
        return next((j for j in self.data.jobs if j.id == job_id), None)

    def jobs_of(self, person_id: str) -> list[Job]:
        mine = [j for j in self.data.jobs if j.person_id == person_id]
        return sorted(mine, key=lambda j: (j.created_at, j.id))

    def claim(self, job_id: str | None = None) -> Job | None:
        queued = [j for j in self.data.jobs if j.status == "queued"]
        queued = [j for j in queued if job_id is None or j.id == job_id]
        if not queued:
            return None
        job = min(queued, key=lambda j: (j.created_at, j.id))
        self._set(job.id, ("queued",), status="running", attempts=job.attempts + 1)
        return self.get_job(job.id)

    def _set(self, job_id: str, allowed: tuple[JobStatus, ...], **changes: Any) -> None:
        found = _replace_in(
            self.data.jobs,
            lambda j: j.id == job_id and j.status in allowed,
            updated_at=utcnow(),
            **changes,
        )
        if not found:
            raise Conflict(f"job {job_id} is not in status {' or '.join(allowed)}")

    def set_progress(self, job_id: str, progress: float) -> None:
        self._set(job_id, ("running",), progress=max(0.0, min(1.0, progress)))

    def finish(self, job_id: str, result: dict[str, Any]) -> None:
        self._set(job_id, ("running",), status="done", progress=1.0, result=result, error=None)

    def fail(self, job_id: str, error: str) -> None:
        self._set(job_id, ("queued", "running"), status="failed", error=error[:4000])

    def requeue(self, job_id: str) -> None:
        self._set(job_id, ("running",), status="queued", progress=0.0)

    def ids_with_status(self, kind: str, status: JobStatus, untouched_since: datetime) -> list[str]:
        found = [
            j
            for j in self.data.jobs
            if j.kind == kind and j.status == status and j.updated_at <= untouched_since
        ]
        return [j.id for j in sorted(found, key=lambda j: (j.created_at, j.id))]

    def upload_times(self, uploaded_by: str, since: datetime) -> list[datetime]:
        return [
            v.created_at
            for v in self.data.uploads
            if v.uploaded_by == uploaded_by and v.created_at > since
        ]

    def add_video(self, video: Video) -> None:
        self.data.uploads.append(video)

    def get_video(self, video_id: str) -> Video | None:
        return next((v for v in self.data.uploads if v.id == video_id), None)

    def videos_of(self, person_id: str) -> list[Video]:
        mine = [v for v in self.data.uploads if v.person_id == person_id]
        return sorted(mine, key=lambda v: (v.created_at, v.id))


class InMemoryAudit(AuditRepository):
    """The audit log as a list; there is no hash chain to break, so :meth:`verify` reports every
    entry as chained."""

    def __init__(self, data: MemoryData) -> None:
        self.data = data

    def add(self, entry: AuditEntry) -> None:
        self.data.audit.append(entry)

    def entries(self, person_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
        found = [e for e in self.data.audit if person_id is None or e.person_id == person_id]
        found.sort(key=lambda e: e.id)
        found.sort(key=lambda e: e.at, reverse=True)
        return found[:limit]

    def redact_person(self, person_id: str, account_ids: list[str]) -> int:
        touched = 0
        for i, e in enumerate(self.data.audit):
            if (
                e.person_id == person_id
                or e.actor_id in account_ids
                or e.resource_id == person_id
                or person_id in e.route
            ):
                self.data.audit[i] = replace(
                    e, actor_id=None, person_id=None, resource_id=None, client=None,
                    route="(erased)",
                )  # fmt: skip
                touched += 1
        return touched

    def verify(self) -> ChainReport:
        return ChainReport(len(self.data.audit), 0, None, None)


class InMemoryApprovals(ApprovalRepository):
    def __init__(self, data: MemoryData) -> None:
        self.data = data

    def get(self, person_id: str, version: int) -> Approval | None:
        return next(
            (a for a in self.data.approvals if a.person_id == person_id and a.version == version),
            None,
        )

    def add(self, approval: Approval) -> None:
        known = {u.id for u in self.data.users}
        if (
            self.get(approval.person_id, approval.version) is not None
            or not any(p.id == approval.person_id for p in self.data.persons)
            or (approval.approved_by is not None and approval.approved_by not in known)
        ):
            raise Conflict(f"plan version {approval.version} is already approved")
        self.data.approvals.append(approval)

    def of_person(self, person_id: str) -> list[Approval]:
        mine = [a for a in self.data.approvals if a.person_id == person_id]
        return sorted(mine, key=lambda a: a.version)


class InMemoryClinic(ClinicRepository):
    def __init__(self, data: MemoryData) -> None:
        self.data = data

    def all_settings(self) -> dict[str, Any]:
        stored = {key: value for key, value, _by in self.data.clinic_settings}
        return {k: stored.get(k, v) for k, v in CLINIC_DEFAULTS.items()}

    def set_setting(self, key: str, value: Any, updated_by: str | None) -> None:
        if key not in CLINIC_DEFAULTS:
            raise KeyError(key)
        kept = [s for s in self.data.clinic_settings if s[0] != key]
        self.data.clinic_settings[:] = [*kept, (key, value, updated_by)]

    def add_template(self, template: PlanTemplate) -> None:
        self.data.templates.append(template)

    def templates_of(self, owner_id: str) -> list[PlanTemplate]:
        mine = [t for t in self.data.templates if t.owner_id == owner_id]
        return sorted(mine, key=lambda t: (t.name, t.created_at))

    def get_template(self, template_id: str) -> PlanTemplate | None:
        return next((t for t in self.data.templates if t.id == template_id), None)

    def add_clearance(self, clearance: Clearance) -> None:
        self.data.clearances.append(clearance)

    def clearances(self, person_id: str) -> list[Clearance]:
        mine = [c for c in self.data.clearances if c.person_id == person_id]
        return sorted(mine, key=lambda c: (c.created_at, c.id))
