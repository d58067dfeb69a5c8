"""The baseline of a self-directed person, completed after the first plan (issue 20): the
self-assessment asks FABQ and PROMIS pain interference after the plan (``Step.after_plan``); they are
due on the phone (``phone_questionnaires.due``) and, once answered, complete the baseline intake the
outcomes compare with. Called inside the caller's unit of work (the caller commits)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lumbo.domain.assessment.assess import assess
from lumbo.domain.assessment.model import Assessment, Scores
from lumbo.domain.intake import Intake
from lumbo.domain.referral import Withhold
from lumbo.domain.self_assessment.steps import CLINICIAN_ONLY
from lumbo.store.records import (
    AssessmentRecord,
    IntakeRecord,
    PersonRecord,
    QuestionnaireResponse,
)
from lumbo.store.repository import JourneyRepository


def baseline_left_for_later(intake: Intake) -> bool:
    """Whether a baseline intake lacks the questionnaires a self-assessment asks after the first
    plan (FABQ and PROMIS pain interference: the ``after_plan`` steps)."""
    q = intake.questionnaires
    promis = q.promis_pi_4a or q.promis_pi_6a or q.promis_pi_8a
    return q.fabq is None or promis is None


def complete_baseline(
    repo: JourneyRepository,
    person_id: str,
    fabq: Sequence[int] | None,
    promis_pi_4a: Mapping[str, int] | None,
    sit_to_stand_30s: int | None = None,
) -> None:
    """A self-directed person's questionnaires (and the sit-to-stand) asked after the first plan
    complete the baseline: a new baseline intake (the first one with the missing instruments and
    measurement added, nothing else changed) and its assessment, which the outcomes compare with from then on
    (``journey._baseline``). The plan is not rebuilt: lumbo has no mechanism that re-plans from
    questionnaire answers, and no safety rule reads FABQ or PROMIS (what a severe FABQ could add
    to week 1, and why it is acceptable: docs/self-directed.md)."""
    person = repo.get_person(person_id)
    intakes = [i for i in repo.intakes(person_id) if i.kind == "baseline"]
    if person is None or not person.self_directed or not intakes:
        return
    if repo.latest_plan(person_id) is None or not baseline_left_for_later(intakes[-1].intake):
        return
    first = intakes[-1].intake
    q = first.questionnaires
    added: dict[str, Any] = {}
    if q.fabq is None and fabq is not None:
        added["fabq"] = list(fabq)
    if q.promis_pi_4a is None and promis_pi_4a is not None:
        added["promis_pi_4a"] = dict(promis_pi_4a)
    stands = sit_to_stand_30s if first.measurements.sit_to_stand_30s is None else None
    if not added and stands is None:
        return
    doc = first.model_dump(mode="json")
    doc["questionnaires"] = {**doc["questionnaires"], **added}
    if stands is not None:  # the self-test left until after the plan
        doc["measurements"] = {**(doc.get("measurements") or {}), "sit_to_stand_30s": stands}
    completed = Intake.model_validate(doc)
    intake_rec = IntakeRecord(person_id=person_id, kind="baseline", intake=completed)
    repo.add_intake(intake_rec)
    repo.add_assessment(
        AssessmentRecord(
            person_id=person_id,
            intake_id=intake_rec.id,
            assessment=_kept(assess(completed), _assessment_of(repo, person_id, intakes[-1].id)),
        )
    )


def _assessment_of(repo: JourneyRepository, person_id: str, intake_id: str) -> Assessment | None:
    return next(
        (a.assessment for a in repo.assessments(person_id) if a.intake_id == intake_id), None
    )


def _kept(new: Assessment, before: Assessment | None) -> Assessment:
    """The completed baseline's assessment keeps what its previous version had from outside the
    intake: a referral that withholds the plan (the self-tests that fit the plan found symptoms
    spreading down the leg: ``plan_fitting.fit``), so answering questionnaires never offers a
    withheld plan again, and the "not assessed" words of what only a clinician can test."""
    if before is None:
        return new
    if before.referral.required:
        emergency = before.referral.urgency == "emergency"
        withhold = Withhold(
            "emergency" if emergency else "before_starting",
            before.referral.reasons,
            "; ".join(before.referral.reasons),
        )
        new = new.model_copy(update={"referral": withhold.applied(new.referral)})
    kept = tuple(
        n for n in before.not_assessed if n == CLINICIAN_ONLY and n not in new.not_assessed
    )
    return new.model_copy(update={"not_assessed": (*new.not_assessed, *kept)})


def latest_baseline_scores(repo: JourneyRepository, person_id: str) -> Scores | None:
    """The scores of the latest baseline's assessment (a self-directed person's baseline is
    completed by the questionnaires asked after the first plan: :func:`complete_baseline`), or
    of the first assessment, or None."""
    assessments = repo.assessments(person_id)
    baselines = [i.id for i in repo.intakes(person_id) if i.kind == "baseline"]
    of_baseline = [a for a in assessments if baselines and a.intake_id == baselines[-1]]
    first = of_baseline or assessments
    return first[0].assessment.scores if first else None


def due_after_first_plan(
    person: PersonRecord, intakes: Sequence[IntakeRecord], done: Sequence[QuestionnaireResponse]
) -> bool:
    """Whether the questionnaires a self-assessment asks after the first plan are due on the phone:
    a self-directed person whose baseline lacks them, from the plan's first day (before the second
    session) until they are answered, once."""
    return (
        person.self_directed
        and bool(intakes)
        and baseline_left_for_later(intakes[0].intake)
        and not any(r.kind == "intake" for r in done)
    )
