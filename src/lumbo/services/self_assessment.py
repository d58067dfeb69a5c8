# long-module: the self-assessment use cases (answer, back, film, finish, fit, summary, self-check) share the draft helpers (_open, _save, _refuse_finished) and one unit-of-work pattern; the plan fitting itself is in plan_fitting.py
"""The individual at home (issue 20): a guided, resumable self-assessment that ends in a
self-directed plan. The service API the web pages call; every call is one unit of work, and a bad
answer raises :class:`~lumbo.domain.errors.InvalidInput` naming the step and the allowed values
with nothing written.

* :func:`start_or_resume` opens (or reopens) the account's draft at its current step.
* :func:`answer` records one answer and moves to the next step; :func:`back` goes one step back.
* :func:`video_person` gives the person a filmed movement is uploaded for (created on first
  need, self-directed, linked to the account); :func:`attach_video` takes a finished video job's
  result into the draft, refusing a result the video checks did not trust.
* :func:`finish` (only when the safety gate is clear and every step is answered or skipped)
  stores the person, the baseline intake, the assessment and the self-directed plan in one unit of
  work; otherwise it raises :class:`~lumbo.services.errors.PlanWithheld` carrying the gate.
* Right after the plan, two self-tests fit it to the person ("fit your plan": the back-of-thigh
  test and the repeated-movement test, ``fits_plan`` in ``self_tests.toml``), one per screen with
  the same :func:`answer` and :func:`back`; the last answer rebuilds the plan from their results
  in the same unit of work (:func:`plan_fitting.fit`): a new plan version when the prescription changes, and
  the plan withheld (see a clinician first) when symptoms spread down the leg.
* :func:`clinician_summary` is what the person answered, in words, for a printable page.
* :func:`self_reassess` stores a self-reassessment (weeks 4, 8, 12) with the same self-tests,
  through :func:`lumbo.services.journey.reassess`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from lumbo.domain.errors import Conflict, InvalidInput, NotFound, Problem
from lumbo.domain.protocol import self_directed
from lumbo.domain.protocol.engine import person_of
from lumbo.domain.self_assessment import flow
from lumbo.domain.self_assessment.gate import Gate, Outcome, gate, self_check_withhold
from lumbo.domain.self_assessment.intake_map import intake_document, to_intake
from lumbo.domain.self_assessment.steps import (
    ASKED_AFTER_PLAN,
    CLINICIAN_ONLY,
    SECTION_WORDS,
    Kind,
    Section,
    step,
)
from lumbo.services import journey, plan_fitting
from lumbo.services.errors import Forbidden, PlanWithheld
from lumbo.services.self_assessment_types import (
    VIDEO_FIELD,
    Draft,
    Finished,
    StepView,
    Summary,
    SummaryLine,
    SummarySection,
    answer_words,
    view,
)
from lumbo.services.video_jobs import acceptable, result_fields
from lumbo.store.accounts import User
from lumbo.store.records import AssessmentRecord, IntakeRecord, PersonRecord, PlanVersion
from lumbo.store.self_assessment import StoredDraft
from lumbo.store.tables import utcnow
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = [
    "Draft",
    "Finished",
    "StepView",
    "Summary",
    "SummaryLine",
    "SummarySection",
    "answer",
    "attach_video",
    "back",
    "clinician_summary",
    "finish",
    "fit_pending",
    "self_check_steps",
    "self_reassess",
    "start_or_resume",
    "video_person",
]

VIDEO_STEP = "trunk_flexion_video"


def _fitting(d: StoredDraft) -> bool:
    """The plan is made and the self-tests that fit it are still being asked."""
    return d.finished_at is not None and d.step is not None


def _draft(d: StoredDraft) -> Draft:
    current = step(d.step) if d.step else None
    p = flow.progress(d.answers, d.step, fit=_fitting(d))
    return Draft(
        user_id=d.user_id,
        step=None if current is None else view(current, d.answers),
        position=p.position,
        total=p.total,
        answered=p.answered,
        gate=gate(d.answers),
        person_id=d.person_id,
        finished=d.finished_at is not None,
        not_assessed=CLINICIAN_ONLY,
        asked_later=ASKED_AFTER_PLAN,
        part=p.part,
        parts=p.parts,
        in_part=p.in_part,
        part_total=p.part_total,
        fitting=_fitting(d),
    )


def _account(uow: AbstractUnitOfWork, user_id: str) -> User:
    user = uow.accounts.get_user(user_id)
    if user is None or not user.active:
        raise NotFound("no such account")
    if user.role != "patient":
        raise Forbidden("a self-assessment is for a person's own account")
    return user


def _open(uow: AbstractUnitOfWork, user_id: str) -> StoredDraft:
    _account(uow, user_id)
    found = uow.self_assessments.get(user_id)
    if found is None:
        raise NotFound("no self-assessment started yet")
    return found


def _save(uow: AbstractUnitOfWork, d: StoredDraft) -> Draft:
    d = d.changed(gate=gate(d.answers).outcome.value)
    uow.self_assessments.put(d)
    uow.commit()
    return _draft(d)


def start_or_resume(uow: AbstractUnitOfWork, user_id: str) -> Draft:
    """The account's self-assessment, started at the first step if there is none yet. An account
    linked to a clinician's patient record cannot start one (its plan comes from the clinician)."""
    with uow:
        user = _account(uow, user_id)
        found = uow.self_assessments.get(user_id)
        if found is not None:
            return _draft(found)
        if user.person_id is not None:
            raise Conflict("your account already has a plan from your clinician")
        first = flow.next_step({})
        return _save(uow, StoredDraft(user_id=user_id, step=None if first is None else first.id))


def _refuse_finished(d: StoredDraft) -> None:
    if d.finished_at is not None:
        raise Conflict("your self-assessment is finished: your plan is ready")


def answer(uow: AbstractUnitOfWork, user_id: str, step_id: str, value: Any) -> Draft:
    """Record the answer to ``step_id`` (``None`` skips an optional step) and move on to the next
    unanswered step. A bad value raises :class:`InvalidInput` naming the step and what is allowed,
    and nothing is written. After the plan, only the self-tests that fit it are answered; the last
    of them rebuilds the plan in the same unit of work (:func:`plan_fitting.fit`)."""
    with uow:
        d = _open(uow, user_id)
        fit = _fitting(d)
        s = step(step_id)
        todo = flow.to_ask(d.answers, fit=fit)
        if not fit or (s is not None and s not in todo):
            _refuse_finished(d)  # after the plan, a question from before it: the plan is made
        if s is None or s.id not in {x.id for x in todo}:
            problem = Problem("step", "is not a question of this self-assessment", step_id)
            raise InvalidInput([problem], flow.WHAT)
        answers = {**d.answers, step_id: flow.validate(step_id, value, d.answers)}
        nxt = flow.next_step(answers, after=step_id, fit=fit)
        if fit and nxt is None:
            plan_fitting.fit(uow.journeys, d.person_id, answers)
        return _save(uow, d.changed(answers=answers, step=None if nxt is None else nxt.id))


def back(uow: AbstractUnitOfWork, user_id: str) -> Draft:
    """Go back one step (the answer there is kept and shown); after the plan, only among the
    self-tests that fit it."""
    with uow:
        d = _open(uow, user_id)
        fit = _fitting(d)
        if not fit:
            _refuse_finished(d)
        prev = flow.previous_step(d.answers, d.step, fit=fit)
        return _save(uow, d.changed(step=None if prev is None else prev.id))


def video_person(uow: AbstractUnitOfWork, user_id: str) -> str:
    """The person a filmed movement is uploaded for: created on first need (self-directed, no
    clinician) and linked to the account, so the video pages' access checks apply as for every
    patient. Only once the safety gate is clear: no record is made for someone the gate stopped."""
    with uow:
        d = _open(uow, user_id)
        if d.person_id is not None:
            return d.person_id
        _refuse_finished(d)
        g = gate(d.answers)
        if not g.clear:
            raise PlanWithheld(g)
        person = PersonRecord(self_directed=True)
        uow.journeys.add_person(person)
        uow.accounts.set_person(user_id, person.id)
        _save(uow, d.changed(person_id=person.id))
        return person.id


def _video_result(
    uow: AbstractUnitOfWork, person_id: str | None, job_id: str, *, record: bool = True
) -> dict[str, Any]:
    """The forward bend of a finished, trusted video job of the person, as the draft keeps it;
    with ``record`` the job's result also goes into the person's video measurements (once), as an
    accepted video job's does (the caller commits)."""
    job = uow.jobs.get_job(job_id)
    if job is None or person_id is None or job.person_id != person_id:
        raise NotFound("no such video")
    if job.status != "done" or job.result is None:
        raise Conflict(f"the video is still being analysed ({job.status}): try again shortly")
    reliable = result_fields(job.result)[0] if acceptable(job.result) else {}
    value = reliable.get(VIDEO_FIELD)
    if not isinstance(value, int | float):
        raise InvalidInput(
            [
                Problem(
                    VIDEO_STEP,
                    "the video did not give a reliable forward bend: film it again, or measure "
                    "with a tape instead",
                    job_id,
                )
            ],
            flow.WHAT,
        )
    recorded = uow.journeys.video_measurements(job.person_id)
    if record and not any(m.result == job.result for m in recorded):
        movement = str(job.payload.get("movement", "trunk_flexion"))
        journey.add_video_measurement(
            uow,
            journey.video_measurement(
                job.person_id, movement, json.dumps(job.result), source="video_job"
            ),
        )
    return {"job_id": job_id, VIDEO_FIELD: round(float(value), 1)}


def attach_video(uow: AbstractUnitOfWork, user_id: str, step_id: str, video_job_id: str) -> Draft:
    """Take a finished video job's forward-bend result into the draft and move on. A job that is
    not this person's, not finished, or whose result the video checks did not trust (nothing
    measured, or an uncertainty above the limit) is refused and nothing is written."""
    with uow:
        d = _open(uow, user_id)
        _refuse_finished(d)
        s = step(step_id)
        if s is None or s.kind is not Kind.video:
            raise InvalidInput([Problem("step", "is not a filming step", step_id)], flow.WHAT)
        found = _video_result(uow, d.person_id, video_job_id)
        answers = {**d.answers, step_id: found}
        nxt = flow.next_step(answers, after=step_id)
        return _save(uow, d.changed(answers=answers, step=None if nxt is None else nxt.id))


def finish(uow: AbstractUnitOfWork, user_id: str, on: date) -> Finished:
    """Make the self-directed plan: the person, baseline intake, assessment and plan version 1 in
    one unit of work, the account linked to the person. Only with the gate clear and every step
    answered or skipped; otherwise :class:`PlanWithheld` (the gate) or :class:`InvalidInput` (the
    steps still open). Finishing twice returns the first result."""
    with uow:
        d = _open(uow, user_id)
        if d.finished_at is not None and d.person_id is not None:
            return _finished(uow, d.person_id)
        g = gate(d.answers)
        if not g.clear:
            raise PlanWithheld(g)
        intake = to_intake(d.answers, start=on)
        assessment = plan_fitting.self_assessed(intake)
        if assessment.referral.required:  # the gate said clear: the referral module decides
            raise PlanWithheld(Gate(Outcome.SEE_CLINICIAN, g.reasons, g.advice))
        plan = self_directed.build_plan(intake, assessment)
        broken = self_directed.self_directed_violations(plan, person_of(intake, assessment))
        if plan.status != "ok" or broken:
            raise Conflict("lumbo could not make a safe plan from these answers")
        person = _person(uow, d, on)
        intake_rec = IntakeRecord(person_id=person.id, kind="baseline", intake=intake)
        assessment_rec = AssessmentRecord(
            person_id=person.id, intake_id=intake_rec.id, assessment=assessment
        )
        stored = PlanVersion(
            person_id=person.id,
            version=1,
            plan=plan.model_copy(update={"version": 1, "person_id": person.id}),
            reason="initial self-directed plan from the self-assessment",
            assessment_id=assessment_rec.id,
        )
        uow.journeys.add_intake(intake_rec)
        uow.journeys.add_assessment(assessment_rec)
        uow.journeys.add_plan_version(stored)
        first_fit = flow.next_step(d.answers, fit=True)  # "fit your plan" comes next
        _save(
            uow,
            d.changed(
                person_id=person.id,
                step=None if first_fit is None else first_fit.id,
                finished_at=utcnow(),
            ),
        )
    return Finished(person=person, intake=intake, assessment=assessment, plan=stored)


def _person(uow: AbstractUnitOfWork, d: StoredDraft, on: date) -> PersonRecord:
    if d.person_id is not None:
        found = uow.journeys.get_person(d.person_id)
        if found is None:
            raise NotFound("no such person")
        return found
    person = PersonRecord(self_directed=True, start_on=on)
    uow.journeys.add_person(person)
    uow.accounts.set_person(d.user_id, person.id)
    return person


def _finished(uow: AbstractUnitOfWork, person_id: str) -> Finished:
    repo = uow.journeys
    person = repo.get_person(person_id)
    intake = next((i for i in repo.intakes(person_id) if i.kind == "baseline"), None)
    plan = repo.plan_versions(person_id)
    if person is None or intake is None or not plan:
        raise NotFound("no such person")
    assessment = next(a for a in repo.assessments(person_id) if a.intake_id == intake.id)
    return Finished(person, intake.intake, assessment.assessment, plan[0])


def fit_pending(uow: AbstractUnitOfWork, person_id: str) -> bool:
    """The person's plan is made and the self-tests that fit it are not all answered yet (the
    today page offers them first)."""
    with uow:
        d = uow.self_assessments.of_person(person_id)
    return d is not None and _fitting(d)


def clinician_summary(uow: AbstractUnitOfWork, user_id: str) -> Summary:
    """What the person answered, in words, section by section (only the steps asked)."""
    with uow:
        d = _open(uow, user_id)
    sections = []
    for section in Section:
        lines = tuple(
            SummaryLine(s.words, answer_words(s, d.answers[s.id]))
            for s in (*flow.asked(d.answers), *flow.fitting(d.answers))
            if s.section is section and s.id in d.answers
        )
        if lines:
            sections.append(SummarySection(SECTION_WORDS[section], lines))
    return Summary(tuple(sections), gate(d.answers), CLINICIAN_ONLY, d.updated_at.date())


REASSESSED_SECTIONS = (Section.safety, Section.symptoms, Section.questionnaires, Section.self_tests)
SELF_CHECK_SKIPS = ("age", "working")  # kept from the first self-assessment
SELF_CHECK_INSTRUMENTS = ("start_back_", "fabq_")  # intake-only, as on the phone's reassessment set


def self_check_steps(uow: AbstractUnitOfWork, person_id: str) -> tuple[StepView, ...]:
    """The screens of a self-check at weeks 4, 8 and 12, in order: the safety questions again
    (not the age), pain, the disability index, PROMIS pain interference, the same activities
    (pre-filled with the first self-assessment's, to be scored again) and the same self-tests.
    Their answers go to :func:`self_reassess`."""
    with uow:
        first = uow.self_assessments.of_person(person_id)
    if first is None or first.finished_at is None:
        raise NotFound("no self-assessment for this person")
    shown: dict[str, Any] = {}
    if isinstance(first.answers.get("psfs"), list):
        shown["psfs"] = first.answers["psfs"]
    return tuple(
        view(s, shown)
        for s in flow.asked_again({})
        if s.section in REASSESSED_SECTIONS
        and s.id not in SELF_CHECK_SKIPS
        and not s.id.startswith(SELF_CHECK_INSTRUMENTS)
    )


def self_reassess(
    uow: AbstractUnitOfWork,
    person_id: str,
    answers: Mapping[str, Any],
    on: date,
    *,
    video_job_id: str | None = None,
) -> journey.Reassessed:
    """A self-reassessment (weeks 4, 8 and 12) with the same questions and self-tests: the new
    answers (validated like the first ones; a skipped test is "not assessed", never carried over),
    the first self-assessment's safety and plan answers where not answered again, and a filmed
    forward bend from ``video_job_id``. Stored through :func:`journey.reassess`, so the outcomes
    are compared with the baseline and red flags withhold the plan as for every person. When the
    self-assessment's gate stops on these answers (emergency, see a clinician, too young), its
    verdict goes into the follow-up assessment's referral (:func:`self_check_withhold`: the
    repeated-movement answer "spread", which no intake field holds, becomes a referral reason), so
    the plan is withheld from then on until a later self-check or a clinician clears it; the
    answers are stored all the same."""
    with uow:
        first = uow.self_assessments.of_person(person_id)
        if first is None or first.finished_at is None:
            raise NotFound("no self-assessment for this person")
        video = (
            _video_result(uow, person_id, video_job_id, record=False) if video_job_id else None
        )  # the follow-up intake carries the value; reassess is the one write
    kept = {
        k: v
        for k, v in first.answers.items()
        if (s := step(k)) is not None and s.section in (Section.safety, Section.plan)
    }
    merged: dict[str, Any] = dict(kept)
    for k, v in answers.items():
        s = step(k)
        if s is None or s.section not in REASSESSED_SECTIONS:
            raise InvalidInput([Problem(k, "is not a reassessment question", v)], flow.WHAT)
        merged[k] = flow.validate(k, v, merged)
    if video is not None:
        merged[VIDEO_STEP] = video
    g = gate(merged)
    if g.outcome is Outcome.INCOMPLETE:
        raise PlanWithheld(g)
    document = intake_document(merged, start=None)
    return journey.reassess(
        uow, person_id, json.dumps(document), on=on, withhold=self_check_withhold(merged)
    )
