# long-module: the journey use cases (enrol, today, log, check in, reassess, progress, video measurement) share their private helpers and one unit-of-work pattern; each is short
"""A person's journey: the service API that the CLI and the web app both call.

Every write is one unit of work (one transaction); nothing is written when the input is invalid.

* :func:`init_person` validates, assesses and stores a new person, their baseline intake and
  assessment, and plan version 1. When a referral is required the person, intake and assessment are
  stored all the same (the screening is part of the record) but no plan is: the result says
  ``referral_required`` and :func:`current_plan` raises :class:`ReferralRequired` until a later
  :func:`reassess` (for instance with ``history.clinician_clearance``) no longer requires one.
* :func:`today` is the next session due on a date; :func:`record_session` /
  :func:`record_checkin` store what was done and re-run the adjustment rules (``recording.py``).
* :func:`reassess` stores a follow-up intake and assessment with the outcomes against baseline; an
  existing plan is kept (with its adjustments), a missing one is built when no referral remains
  (:func:`first_plan`: a self-directed person's is the self-directed plan, never the engine's).
* :func:`progress` gathers adherence, range of motion and questionnaires (``progress.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from lumbo.domain.adjust.decide import (
    STOP_ADVICE,
    STOP_SIGNS,
    URGENT_SIGNS,
    stop_keys,
    stop_keys_of,
)
from lumbo.domain.assessment.assess import assess
from lumbo.domain.assessment.model import Assessment
from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.intake import Intake, parse_intake_json
from lumbo.domain.outcomes.reassessment import outcomes
from lumbo.domain.protocol import self_directed
from lumbo.domain.protocol.engine import build_plan, person_of
from lumbo.domain.protocol.model import Plan, Session
from lumbo.domain.referral import Withhold
from lumbo.services._shared import active_plan, need_person, resolve, week_on
from lumbo.services.approval import in_force
from lumbo.services.errors import AlreadyEnrolled
from lumbo.services.parsing import load_json
from lumbo.services.progress import Progress, progress
from lumbo.services.recording import Recorded, record_checkin, record_session
from lumbo.store.records import (
    AssessmentRecord,
    IntakeKind,
    IntakeRecord,
    PersonRecord,
    PlanVersion,
    ReassessmentRecord,
    VideoMeasurementRecord,
)
from lumbo.store.repository import JourneyRepository
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = [
    "Enrolled",
    "Progress",
    "Reassessed",
    "Recorded",
    "Stop",
    "Today",
    "current_plan",
    "find_person",
    "first_plan",
    "init_person",
    "progress",
    "reassess",
    "record_checkin",
    "record_session",
    "record_video_measurement",
    "stop_in_force",
    "today",
]


@dataclass(frozen=True, slots=True)
class Enrolled:
    person: PersonRecord
    intake: Intake
    assessment: Assessment
    plan: PlanVersion | None  # None when a referral is required

    @property
    def referral_required(self) -> bool:
        return self.assessment.referral.required


def init_person(
    uow: AbstractUnitOfWork,
    intake_json: str | bytes,
    *,
    owner_id: str | None = None,
    display_name: str | None = None,
) -> Enrolled:
    """Enrol a person from their intake. A second person with the same intake ``person.id`` (for
    the same owner) is a :class:`Conflict`: reassess the existing one instead."""
    intake = parse_intake_json(intake_json)
    assessment = assess(intake)
    plan = None if assessment.referral.required else build_plan(intake, assessment)
    if plan is not None and plan.status != "ok":
        plan = None
    person = PersonRecord(
        external_ref=intake.person.id,
        owner_id=owner_id,
        display_name=display_name.strip() if display_name and display_name.strip() else None,
        start_on=intake.preferences.start_date,
    )
    with uow:
        repo = uow.journeys
        if intake.person.id is not None:
            same = [p for p in repo.find_persons(intake.person.id) if p.owner_id == owner_id]
            if same:
                raise AlreadyEnrolled(
                    f"a patient with the reference {intake.person.id!r} is already enrolled: "
                    "open their page and record a reassessment or correct the intake instead",
                    same[-1].id,
                )
        repo.add_person(person)
        _, assessment_rec = _add_assessed(repo, person.id, "baseline", intake, assessment)
        stored = None
        if plan is not None:
            stored = _add_first_plan(repo, person.id, plan, assessment_rec)
        uow.commit()
    return Enrolled(person=person, intake=intake, assessment=assessment, plan=stored)


def find_person(uow: AbstractUnitOfWork, ref: str | None = None) -> PersonRecord:
    """The person ``ref`` names (store id or intake ``person.id``); default: the most recent."""
    with uow:
        return resolve(uow.journeys, ref)


def current_plan(uow: AbstractUnitOfWork, person_id: str) -> PlanVersion:
    with uow:
        return active_plan(uow.journeys, person_id)


@dataclass(frozen=True, slots=True)
class Stop:
    """The plan is stopped: a warning sign was reported (``signs``: plain words) and no session is
    offered. ``urgent``: same-day emergency care; otherwise see the clinician first. Lumbo policy:
    the stop stays until a reassessment (a new intake, seen by the clinician) is recorded after the
    latest report of a warning sign."""

    signs: tuple[str, ...]
    urgent: bool
    advice: str

    def to_json(self) -> dict[str, Any]:
        return {"signs": list(self.signs), "urgent": self.urgent, "advice": self.advice}


def stopped(repo: JourneyRepository, person_id: str) -> Stop | None:
    """The stop in force for the person, if any. Reads the stored status (one row); only when it
    carries a stop and a reassessment exists are the logs and check-ins read, to date the latest
    warning sign against the latest reassessment."""
    status = repo.get_status(person_id)
    keys = stop_keys_of(status.alerts) if status is not None else frozenset()
    if not keys:
        return None
    reassessed = [r.created_at for r in repo.reassessments(person_id)]
    if reassessed:
        reported = [
            s.created_at for s in repo.session_logs(person_id) if stop_keys([s.log], [])
        ] + [c.created_at for c in repo.checkins(person_id) if stop_keys([], [c.checkin])]
        if reported and max(reassessed) > max(reported):
            return None
    urgent = bool(keys & URGENT_SIGNS)
    return Stop(
        signs=tuple(STOP_SIGNS[k] for k in STOP_SIGNS if k in keys),
        urgent=urgent,
        advice=STOP_ADVICE["urgent" if urgent else "clinician"],
    )


def stop_in_force(uow: AbstractUnitOfWork, person_id: str) -> Stop | None:
    """The stop in force for the person (see :class:`Stop`), or None."""
    with uow:
        return stopped(uow.journeys, person_id)


@dataclass(frozen=True, slots=True)
class Today:
    person_id: str
    plan_version: int
    on: date
    start_date: date
    week: int
    phase: str
    session: Session | None  # the next session due this week; None once the week is done
    done_this_week: int
    sessions_this_week: int
    reassessment_due: bool
    stop: Stop | None = None  # a warning sign stopped the plan: no session is offered

    def to_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "plan_version": self.plan_version,
            "on": self.on.isoformat(),
            "start_date": self.start_date.isoformat(),
            "week": self.week,
            "phase": self.phase,
            "session": None if self.session is None else self.session.model_dump(mode="json"),
            "done_this_week": self.done_this_week,
            "sessions_this_week": self.sessions_this_week,
            "reassessment_due": self.reassessment_due,
            "stop": None if self.stop is None else self.stop.to_json(),
        }


def today(uow: AbstractUnitOfWork, person_id: str, on: date) -> Today:
    """The session due on ``on``: the first session of that plan week not yet logged."""
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        plan = in_force(repo, person_id).in_force  # the patient runs the last approved version
        week_no = week_on(plan, person.created_at.date(), on)
        week = next(w for w in plan.plan.weeks if w.week == week_no)
        done = {s.log.session_index for s in repo.session_logs(person_id) if s.log.week == week_no}
        due = next((s for s in week.sessions if s.index not in done), None)
        reassessed = {r.week for r in repo.reassessments(person_id)}
        stop = stopped(repo, person_id)
    return Today(
        person_id=person_id,
        plan_version=plan.version,
        on=on,
        start_date=plan.plan.start_date or person.created_at.date(),
        week=week_no,
        phase=week.phase_name or week.phase,
        session=None if stop is not None else due,
        done_this_week=len(done),
        sessions_this_week=len(week.sessions),
        reassessment_due=week.reassessment and week_no not in reassessed,
        stop=stop,
    )


@dataclass(frozen=True, slots=True)
class Reassessed:
    person_id: str
    week: int | None
    assessment: Assessment
    outcomes: dict[str, Any] | None  # the domain's outcomes against baseline (JSON form)
    plan: PlanVersion | None
    plan_created: bool

    @property
    def referral_required(self) -> bool:
        return self.assessment.referral.required


def reassess(
    uow: AbstractUnitOfWork,
    person_id: str,
    intake_json: str | bytes,
    *,
    on: date,
    withhold: Withhold | None = None,
) -> Reassessed:
    """Store a follow-up intake and its assessment with the outcomes against baseline.
    ``withhold`` (a self-check's safety gate) adds reasons from outside the intake to the
    assessment's referral, so they withhold the plan like any referral (:func:`active_plan`)."""
    followup = parse_intake_json(intake_json)
    followup_assessment = assess(followup)
    if withhold is not None:
        referral = withhold.applied(followup_assessment.referral)
        followup_assessment = followup_assessment.model_copy(update={"referral": referral})
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        if followup.person.id not in (None, person.external_ref) and person.external_ref:
            problem = Problem(
                "person.id", f"must be {person.external_ref!r} (the person reassessed)"
            )
            raise InvalidInput([problem], "intake")
        baseline_intake, baseline = _baseline(repo, person_id)
        plan = repo.latest_plan(person_id)
        intake_rec, assessment_rec = _add_assessed(
            repo, person_id, "reassessment", followup, followup_assessment
        )
        created = False
        if plan is None and not followup_assessment.referral.required:
            built = first_plan(person, followup, followup_assessment)
            if built is not None:
                plan = _add_first_plan(repo, person_id, built, assessment_rec)
                created = True
        week = None if plan is None else week_on(plan, person.created_at.date(), on)
        result: dict[str, Any] | None = None
        if plan is not None:
            logs = [s.log for s in repo.session_logs(person_id)]
            computed = outcomes(
                baseline_intake.intake,
                baseline.assessment,
                followup,
                followup_assessment,
                logs,
                plan.plan,
                through_week=week,
            )
            result = computed.to_json()
        repo.add_reassessment(
            ReassessmentRecord(
                person_id=person_id,
                intake_id=intake_rec.id,
                assessment_id=assessment_rec.id,
                week=week,
                outcomes=result,
            )
        )
        uow.commit()
    return Reassessed(person_id, week, followup_assessment, result, plan, created)


def first_plan(person: PersonRecord, intake: Intake, assessment: Assessment) -> Plan | None:
    """The plan built for a person who has none yet once no referral withholds it: the
    self-directed plan for a self-directed person (with its own checks; never the engine's plan,
    which assumes a clinician), the engine's otherwise. None when no safe plan comes out."""
    if person.self_directed:
        plan = self_directed.build_plan(intake, assessment)
        broken = self_directed.self_directed_violations(plan, person_of(intake, assessment))
        return plan if plan.status == "ok" and not broken else None
    built = build_plan(intake, assessment)
    return built if built.status == "ok" else None


MEASUREMENT_MAX_BYTES = 256 * 1024
MEASUREMENT_MAX_DEPTH = 8
MeasurementSource = Literal["patient_reported", "clinician", "video_job", "cli"]


def _depth(value: object, limit: int) -> int:
    """Nesting depth of a JSON value, counting no further than ``limit + 1``."""
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(v, limit - 1) for v in items), default=0)


def record_video_measurement(
    uow: AbstractUnitOfWork,
    person_id: str,
    movement: str,
    result_json: str | bytes,
    *,
    author_id: str | None = None,
    source: MeasurementSource = "cli",
) -> VideoMeasurementRecord:
    """Append one video measurement (``lumbo measure --record``, a finished video job, or the
    API); measurements are never changed. Who recorded it and how are kept with it."""
    record = video_measurement(person_id, movement, result_json, author_id=author_id, source=source)
    with uow:
        add_video_measurement(uow, record)
        uow.commit()
    return record


def video_measurement(
    person_id: str,
    movement: str,
    result_json: str | bytes,
    *,
    author_id: str | None = None,
    source: MeasurementSource = "cli",
) -> VideoMeasurementRecord:
    """A checked video measurement, not yet stored (:func:`add_video_measurement` stores it)."""
    if len(result_json) > MEASUREMENT_MAX_BYTES:
        raise InvalidInput(
            [Problem("result", f"must be at most {MEASUREMENT_MAX_BYTES} bytes of JSON", None)],
            "measurement",
        )
    result = load_json(result_json, "measurement")
    problems = []
    if not (1 <= len(movement) <= 64):
        problems.append(Problem("movement", "must be 1 to 64 characters", movement))
    if not isinstance(result, dict):
        problems.append(Problem("(document)", "must be a JSON object", type(result).__name__))
    elif _depth(result, MEASUREMENT_MAX_DEPTH) > MEASUREMENT_MAX_DEPTH:
        problems.append(
            Problem("result", f"must be nested at most {MEASUREMENT_MAX_DEPTH} levels deep", None)
        )
    if problems:
        raise InvalidInput(problems, "measurement")
    return VideoMeasurementRecord(
        person_id=person_id, movement=movement, result=result, author_id=author_id, source=source
    )


def add_video_measurement(uow: AbstractUnitOfWork, record: VideoMeasurementRecord) -> None:
    """Store a checked measurement inside an open unit of work (the caller commits)."""
    need_person(uow.journeys, record.person_id)
    uow.journeys.add_video_measurement(record)


def _add_assessed(
    repo: JourneyRepository,
    person_id: str,
    kind: IntakeKind,
    intake: Intake,
    assessment: Assessment,
) -> tuple[IntakeRecord, AssessmentRecord]:
    intake_rec = IntakeRecord(
        person_id=person_id,
        kind="baseline" if kind == "baseline" else "reassessment",
        intake=intake,
    )
    assessment_rec = AssessmentRecord(
        person_id=person_id, intake_id=intake_rec.id, assessment=assessment
    )
    repo.add_intake(intake_rec)
    repo.add_assessment(assessment_rec)
    return intake_rec, assessment_rec


def _add_first_plan(
    repo: JourneyRepository, person_id: str, plan: Plan, assessment: AssessmentRecord
) -> PlanVersion:
    stored = PlanVersion(
        person_id=person_id,
        version=1,
        plan=plan.model_copy(update={"version": 1, "person_id": person_id}),
        reason="initial plan from the assessment",
        assessment_id=assessment.id,
    )
    repo.add_plan_version(stored)
    return stored


def _add_rebuilt_plan(
    repo: JourneyRepository,
    current: PlanVersion,
    plan: Plan,
    reason: str,
    assessment: AssessmentRecord,
) -> PlanVersion:
    """The next version of ``current``: ``plan``, rebuilt from a new ``assessment``, keeping the
    program's start date."""
    version = current.version + 1
    stored = PlanVersion(
        person_id=current.person_id,
        version=version,
        plan=plan.model_copy(
            update={
                "version": version,
                "person_id": current.person_id,
                "start_date": current.plan.start_date,
            }
        ),
        reason=reason,
        assessment_id=assessment.id,
    )
    repo.add_plan_version(stored)
    return stored


def _baseline(repo: JourneyRepository, person_id: str) -> tuple[IntakeRecord, AssessmentRecord]:
    """The baseline the outcomes compare with: the latest baseline intake (a self-directed
    person's first one, completed by the questionnaires asked after the first plan, is a second
    baseline version: ``phone_questionnaires.record``) and its assessment."""
    intake = [i for i in repo.intakes(person_id) if i.kind == "baseline"][-1]
    assessment = next(a for a in repo.assessments(person_id) if a.intake_id == intake.id)
    return intake, assessment
