"""services/phone_questionnaires.latest_for_reassessment: the patient's phone answers, typed, for
the clinician's reassessment form to pre-fill (issue 16)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from lumbo.cli.demo import example_intake_text
from lumbo.domain.intake import Intake, Questionnaires
from lumbo.services import journey, phone_questionnaires
from lumbo.store.records import QuestionnaireResponse
from lumbo.store.unit_of_work import FakeUnitOfWork

ODI = [1, 2, None, 0, 3, 1, 2, 0, 1, 2]
PSFS = [{"activity": "lifting a child", "score": 4}]


def _set(
    rid: str, kind: str, week: int | None, day: int, answers: dict[str, Any]
) -> QuestionnaireResponse:
    return QuestionnaireResponse(
        person_id="",
        id=rid,
        kind=kind,
        week=week,
        answers=answers,
        scores=phone_questionnaires._scores(phone_questionnaires.Answers.model_validate(answers)),
        created_at=datetime(2026, 12, day, 9, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("stored", "week", "expect"),
    [
        ([], None, None),
        ([("i-1", "intake", None, 1, {"nprs": 6})], None, None),  # never an intake set
        (
            [
                ("r-4", "reassessment", 4, 2, {"nprs": 5, "odi": ODI}),
                ("r-8", "reassessment", 8, 20, {"nprs": 2, "psfs": PSFS}),
            ],
            None,
            ("r-8", 2, None, 4),
        ),
        (
            [
                ("r-4", "reassessment", 4, 2, {"nprs": 5, "odi": ODI}),
                ("r-8", "reassessment", 8, 20, {"nprs": 2, "psfs": PSFS}),
            ],
            4,
            ("r-4", 5, ODI, None),
        ),
        ([("r-4", "reassessment", 4, 2, {"nprs": 5})], 8, None),
    ],
)
def test_latest_reassessment_answers_are_typed_for_the_prefill(
    stored: list[tuple[Any, ...]], week: int | None, expect: tuple[Any, ...] | None
) -> None:
    uow = FakeUnitOfWork()
    person = journey.init_person(uow, example_intake_text()).person.id
    with uow:
        for row in stored:
            uow.journeys.add_questionnaire_response(replace(_set(*row), person_id=person))
        uow.commit()
    got = phone_questionnaires.latest_for_reassessment(uow, person, week)
    if expect is None:
        assert got is None
        return
    assert got is not None
    rid, pain, odi, psfs_score = expect
    assert (got.response_id, got.pain_now) == (rid, pain)
    assert got.odi == (None if odi is None else tuple(odi))
    assert (got.odi_percent is None) == (odi is None)
    if psfs_score is None:
        assert got.psfs is None and got.psfs_mean is None
    else:
        assert got.psfs is not None and got.psfs[0].score == psfs_score
        assert got.psfs_mean == float(psfs_score)
    # the fields go straight into a follow-up intake
    fields = got.intake_fields()
    Questionnaires.model_validate(fields["questionnaires"])
    intake = Intake.model_validate_json(example_intake_text()).model_dump(mode="json")
    intake["symptoms"].update(fields["symptoms"])
    intake["questionnaires"].update(fields["questionnaires"])
    merged = Intake.model_validate(intake)
    assert merged.symptoms.pain_now == pain
