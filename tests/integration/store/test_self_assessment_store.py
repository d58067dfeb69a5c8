"""The self-assessment service and its store (issue 20) on one contract: the in-memory unit of work,
SQLite and PostgreSQL. Resuming, answering (a bad answer writes nothing), going back, the gate's
stops, the filmed forward bend (refused when unreliable), finishing into a self-directed plan in one
unit of work, the printable summary, and a self-reassessment at week 4."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from lumbo.domain.errors import Conflict, InvalidInput, NotFound, ReferralRequired
from lumbo.domain.intake import PROMIS_4A
from lumbo.domain.protocol.self_directed import SELF_DIRECTED_NOTE
from lumbo.domain.referral import SELF_TEST_SPREAD
from lumbo.domain.self_assessment import Outcome
from lumbo.services import data_rights, journey, plan_fitting
from lumbo.services import later_baseline as later
from lumbo.services import self_assessment as sa
from lumbo.services.errors import Forbidden, PlanWithheld
from lumbo.store.accounts import User
from lumbo.store.self_assessment import StoredDraft
from tests.e2e.web.text_scan import problems
from tests.integration.store.conftest import UowFactory
from tests.self_assessment_helpers import (
    answer_all,
    end_range_spine,
    fit_plan,
    new_account,
    video_job,
)

ON = date(2026, 12, 2)


def test_the_draft_store_keeps_one_draft_per_account(uow_factory: UowFactory) -> None:
    user = new_account(uow_factory())
    uow = uow_factory()
    with uow:
        assert uow.self_assessments.get(user) is None
        uow.self_assessments.put(StoredDraft(user_id=user, answers={"age": 40}, step="x"))
        uow.commit()
    with uow:
        found = uow.self_assessments.get(user)
        assert found is not None and found.answers == {"age": 40} and found.step == "x"
        uow.self_assessments.put(found.changed(answers={"age": 41}, step=None, gate="clear"))
        # not committed: rolled back
    with uow:
        again = uow.self_assessments.get(user)
        assert again is not None and again.answers == {"age": 40}
        assert uow.self_assessments.of_person("nobody") is None


def test_a_draft_for_an_unknown_account_is_refused(uow_factory: UowFactory) -> None:
    uow = uow_factory()
    with uow, pytest.raises(Conflict):
        uow.self_assessments.put(StoredDraft(user_id="no-such-user"))


def test_start_resume_answer_and_back(uow_factory: UowFactory) -> None:
    user = new_account(uow_factory())
    draft = sa.start_or_resume(uow_factory(), user)
    assert draft.step is not None and draft.step.id == "saddle_anaesthesia"
    assert draft.position == 1
    assert draft.gate.outcome is Outcome.INCOMPLETE and not draft.ready
    draft = sa.answer(uow_factory(), user, "saddle_anaesthesia", False)
    assert draft.step is not None and draft.step.id == "bladder_or_bowel_dysfunction"
    assert (draft.position, draft.answered) == (2, 1)
    resumed = sa.start_or_resume(uow_factory(), user)  # a new visit resumes where it was
    assert resumed.step is not None and resumed.step.id == "bladder_or_bowel_dysfunction"
    back = sa.back(uow_factory(), user)
    assert back.step is not None and back.step.id == "saddle_anaesthesia"
    assert back.step.answer is False and back.step.answered
    forward = sa.answer(uow_factory(), user, "saddle_anaesthesia", False)
    assert forward.step is not None and forward.step.id == "bladder_or_bowel_dysfunction"


def test_a_bad_answer_names_the_step_and_writes_nothing(uow_factory: UowFactory) -> None:
    user = new_account(uow_factory())
    sa.start_or_resume(uow_factory(), user)
    sa.answer(uow_factory(), user, "saddle_anaesthesia", False)
    for step_id, value in [("bladder_or_bowel_dysfunction", "no"), ("age", 200), ("nope", 1)]:
        with pytest.raises(InvalidInput) as err:
            sa.answer(uow_factory(), user, step_id, value)
        assert err.value.problems[0].path in (step_id, "step")
    after = sa.start_or_resume(uow_factory(), user)
    assert after.answered == 1 and after.step is not None
    assert after.step.id == "bladder_or_bowel_dysfunction"


def test_only_a_patient_account_without_a_clinicians_plan_self_assesses(
    uow_factory: UowFactory,
) -> None:
    uow = uow_factory()
    clinician = User(email="c@example.org", role="clinician", password_hash="x")
    with uow:
        uow.accounts.add_user(clinician)
        uow.commit()
    with pytest.raises(Forbidden):
        sa.start_or_resume(uow_factory(), clinician.id)
    with pytest.raises(NotFound):
        sa.start_or_resume(uow_factory(), "no-such-account")


@pytest.mark.parametrize(
    ("overrides", "outcome"),
    [
        ({"saddle_anaesthesia": True}, Outcome.EMERGENCY),
        ({"bladder_or_bowel_dysfunction": True}, Outcome.EMERGENCY),
        ({"age": 15}, Outcome.TOO_YOUNG),
        ({"history_of_cancer": True}, Outcome.SEE_CLINICIAN),
        ({"pregnant": True}, Outcome.SEE_CLINICIAN),
        ({"back_surgery": "fusion"}, Outcome.SEE_CLINICIAN),
        ({**{f"odi_{n}": 5 for n in range(1, 11)}}, Outcome.SEE_CLINICIAN),
    ],
)
def test_a_stop_answer_stops_the_flow_and_finish_refuses(
    uow_factory: UowFactory, overrides: dict[str, object], outcome: Outcome
) -> None:
    user = new_account(uow_factory())
    draft = answer_all(uow_factory(), user, overrides)
    assert draft.gate.outcome is outcome and draft.gate.stops
    assert draft.gate.reasons and not problems(" ".join(draft.gate.reasons), "patient")
    with pytest.raises(PlanWithheld) as err:
        sa.finish(uow_factory(), user, ON)
    assert err.value.gate.outcome is outcome
    uow = uow_factory()
    with uow:
        assert uow.journeys.persons() == []  # nothing is recorded for someone the gate stopped


def test_an_unanswered_safety_question_never_finishes(uow_factory: UowFactory) -> None:
    user = new_account(uow_factory())
    sa.start_or_resume(uow_factory(), user)
    sa.answer(uow_factory(), user, "saddle_anaesthesia", False)
    sa.answer(uow_factory(), user, "age", 40)
    with pytest.raises(PlanWithheld) as err:
        sa.finish(uow_factory(), user, ON)
    assert err.value.gate.outcome is Outcome.INCOMPLETE


def test_finish_makes_a_self_directed_plan_in_one_unit_of_work(uow_factory: UowFactory) -> None:
    user = new_account(uow_factory())
    draft = answer_all(
        uow_factory(),
        user,
        {"fingertip_to_floor": 15.0, "sit_to_stand_30s": 12, "repeated_movement": "extension"},
    )
    assert draft.ready and draft.step is None and draft.position == draft.total + 1
    done = sa.finish(uow_factory(), user, ON)
    assert done.person.self_directed and done.person.owner_id is None
    assert done.plan.version == 1 and done.plan.plan.notes[0] == SELF_DIRECTED_NOTE
    assert done.intake.measurements.fingertip_to_floor_cm == 15.0
    # what a clinician could add, and what is asked after the plan
    assert done.assessment.not_assessed[-2:] == (draft.not_assessed, draft.asked_later)
    assert (
        done.intake.questionnaires.fabq is None and done.intake.questionnaires.promis_pi_4a is None
    )
    assert "spring test" in draft.not_assessed
    uow = uow_factory()
    with uow:
        account = uow.accounts.get_user(user)
        assert account is not None and account.person_id == done.person.id
        stored = uow.self_assessments.of_person(done.person.id)
        assert stored is not None and stored.finished_at is not None
        assert [i.kind for i in uow.journeys.intakes(done.person.id)] == ["baseline"]
    assert journey.current_plan(uow_factory(), done.person.id).version == 1
    today = journey.today(uow_factory(), done.person.id, ON)
    assert today.session is not None  # the first session is ready
    again = sa.finish(uow_factory(), user, ON)  # finishing twice changes nothing
    assert again.person.id == done.person.id and again.plan.id == done.plan.id
    with pytest.raises(Conflict):
        sa.answer(uow_factory(), user, "age", 50)
    fit = sa.start_or_resume(uow_factory(), user)  # next: the self-tests that fit the plan
    assert fit.finished and fit.fitting and fit.step is not None
    assert fit.step.id == "hamstring_self_test_left" and (fit.position, fit.total) == (1, 3)
    assert sa.fit_pending(uow_factory(), done.person.id)


def test_a_filmed_forward_bend_goes_into_the_plan_and_an_unreliable_one_is_refused(
    uow_factory: UowFactory,
) -> None:
    user = new_account(uow_factory())
    answer_all(uow_factory(), user)  # skips the filming screen; the video comes in after
    other = new_account(uow_factory(), "other@example.org")
    sa.start_or_resume(uow_factory(), other)
    with pytest.raises(PlanWithheld):  # no record before the safety questions are answered
        sa.video_person(uow_factory(), other)
    person_id = sa.video_person(uow_factory(), user)
    assert sa.video_person(uow_factory(), user) == person_id  # created once
    bad = video_job(uow_factory(), person_id, None)
    with pytest.raises(InvalidInput, match="reliable"):
        sa.attach_video(uow_factory(), user, "trunk_flexion_video", bad)
    not_measured = video_job(uow_factory(), person_id, 50.0, measured=False)
    with pytest.raises(InvalidInput):
        sa.attach_video(uow_factory(), user, "trunk_flexion_video", not_measured)
    running = video_job(uow_factory(), person_id, 50.0, status="running")
    with pytest.raises(Conflict):
        sa.attach_video(uow_factory(), user, "trunk_flexion_video", running)
    good = video_job(uow_factory(), person_id, 52.34)
    after = sa.attach_video(uow_factory(), user, "trunk_flexion_video", good)
    sa.attach_video(uow_factory(), user, "trunk_flexion_video", good)  # again: recorded once
    uow = uow_factory()
    with uow:
        recorded = uow.journeys.video_measurements(person_id)
    assert [(m.movement, m.source) for m in recorded] == [("trunk_flexion", "video_job")]
    assert after.step is None or after.step.id != "trunk_flexion_video"
    done = sa.finish(uow_factory(), user, ON)
    assert done.person.id == person_id
    assert done.intake.measurements.lumbar_flexion_deg == 52.3
    assert done.intake.measurements.fingertip_to_floor_cm is None  # the tape is not asked


def test_someone_elses_video_is_not_found(uow_factory: UowFactory) -> None:
    one, two = new_account(uow_factory()), new_account(uow_factory(), "two@example.org")
    answer_all(uow_factory(), one)
    answer_all(uow_factory(), two)
    theirs = video_job(uow_factory(), sa.video_person(uow_factory(), two), 50.0)
    sa.video_person(uow_factory(), one)
    with pytest.raises(NotFound):
        sa.attach_video(uow_factory(), one, "trunk_flexion_video", theirs)


def test_the_summary_says_every_answer_in_words(uow_factory: UowFactory) -> None:
    user = new_account(uow_factory())
    answer_all(uow_factory(), user, {"history_of_cancer": True})
    summary = sa.clinician_summary(uow_factory(), user)
    assert summary.gate.outcome is Outcome.SEE_CLINICIAN
    text = " ".join(f"{line.question} {line.answer}" for s in summary.sections for line in s.lines)
    assert "Have you ever had cancer? Yes" in text
    assert "How old are you? 42 years" in text
    assert not problems(text + " " + summary.not_assessed, "patient")
    assert summary.sections[0].title == "Safety first"


def test_self_reassessment_at_week_4_with_the_same_self_tests(uow_factory: UowFactory) -> None:
    user = new_account(uow_factory())
    answer_all(uow_factory(), user, {"fingertip_to_floor": 12.0, "pain_now": 5, "pain_worst": 6})
    done = sa.finish(uow_factory(), user, ON)
    week4 = ON + timedelta(days=22)
    result = sa.self_reassess(
        uow_factory(),
        done.person.id,
        {"sit_to_stand_30s": 14, "pain_now": 3, "fingertip_to_floor": 9.0},
        week4,
    )
    assert result.week == 4 and not result.referral_required
    assert result.outcomes is not None
    changes = {c["measure"]: c for c in result.outcomes["self_tests"]}
    assert changes["fingertip_to_floor_cm"]["change"] == -3.0
    assert "better" in changes["fingertip_to_floor_cm"]["statement"]
    assert "own first result" in changes["fingertip_to_floor_cm"]["statement"]
    # asked after the first plan (on the phone), and not answered there in this test
    assert changes["sit_to_stand_30s"]["baseline"] is None
    assert result.plan is not None and result.plan.id == done.plan.id
    uow = uow_factory()
    with uow:
        intakes = uow.journeys.intakes(done.person.id)
    assert [i.kind for i in intakes] == ["baseline", "reassessment"]
    follow = intakes[-1].intake
    assert follow.measurements.sit_to_stand_30s == 14
    assert follow.symptoms.pain_now == 3
    assert follow.questionnaires.psfs is None  # not answered again: not carried over
    with pytest.raises(InvalidInput):
        sa.self_reassess(uow_factory(), done.person.id, {"minutes_per_session": 45}, week4)
    red = sa.self_reassess(uow_factory(), done.person.id, {"fever_or_chills": True}, week4)
    assert red.referral_required


def test_the_data_export_holds_the_self_assessment_and_erasure_removes_it(
    uow_factory: UowFactory,
) -> None:
    store = SimpleNamespace(uow=uow_factory)
    user = new_account(uow_factory())
    answer_all(uow_factory(), user, {"fingertip_to_floor": 9.0})
    done = sa.finish(uow_factory(), user, ON)
    exported = data_rights.export_all(store, done.person.id, now=datetime(2026, 12, 2, tzinfo=UTC))
    mine = exported.records.self_assessment
    assert mine is not None and mine.answers["fingertip_to_floor"] == 9.0 and mine.finished_at
    uow = uow_factory()
    with uow:
        uow.journeys.erase_person(done.person.id)
        uow.commit()
    with uow:
        assert uow.self_assessments.get(user) is None
        assert uow.accounts.get_user(user) is None


def test_the_self_check_asks_the_safety_questions_pain_and_the_same_self_tests(
    uow_factory: UowFactory,
) -> None:
    _, done = _planned(uow_factory)
    screens = sa.self_check_steps(uow_factory(), done.person.id)
    ids = [s.id for s in screens]
    assert ids[0] == "saddle_anaesthesia" and "age" not in ids
    assert {"pain_now", "odi_1", "promis_4", "sit_to_stand_30s", "repeated_movement"} <= set(ids)
    assert not any(i.startswith(("fabq_", "start_back_")) for i in ids)
    psfs = next(s for s in screens if s.id == "psfs")
    assert psfs.answer == [{"activity": "Walking to the shop", "score": 4}]
    with pytest.raises(NotFound):
        sa.self_check_steps(uow_factory(), "nobody")


def test_a_self_check_takes_a_filmed_forward_bend_and_refuses_an_unreliable_one(
    uow_factory: UowFactory,
) -> None:
    user = new_account(uow_factory())
    answer_all(uow_factory(), user)
    person_id = sa.video_person(uow_factory(), user)
    first = video_job(uow_factory(), person_id, 40.0)
    sa.attach_video(uow_factory(), user, "trunk_flexion_video", first)
    done = sa.finish(uow_factory(), user, ON)
    week4 = ON + timedelta(days=22)
    unreliable = video_job(uow_factory(), person_id, None)
    with pytest.raises(InvalidInput):
        sa.self_reassess(uow_factory(), person_id, {"pain_now": 2}, week4, video_job_id=unreliable)
    later = video_job(uow_factory(), person_id, 47.5)
    result = sa.self_reassess(
        uow_factory(), done.person.id, {"pain_now": 2}, week4, video_job_id=later
    )
    assert result.outcomes is not None
    flexion = next(r for r in result.outcomes["rom"] if r["measure"] == "lumbar_flexion_deg")
    assert (flexion["baseline_deg"], flexion["now_deg"]) == (40.0, 47.5)


def test_the_questionnaires_asked_after_the_plan_are_due_on_the_phone_and_complete_the_baseline(
    uow_factory: UowFactory,
) -> None:
    from lumbo.domain.intake import PROMIS_4A
    from lumbo.services import phone_questionnaires as pq

    user = new_account(uow_factory())
    answer_all(uow_factory(), user, {"pain_now": 5, "pain_worst": 6})
    done = sa.finish(uow_factory(), user, ON)
    due = pq.due(uow_factory(), done.person.id, ON)
    assert due is not None and due.kind == "intake"
    instruments = {i["instrument"] for i in due.items}
    # STarT Back, ODI, activities: asked before the plan; the sit-to-stand comes after it
    assert instruments == {"nprs", "fabq", "promis_pi_4a", "sit_to_stand_30s"}
    (stands,) = [i for i in due.items if i["instrument"] == "sit_to_stand_30s"]
    assert stands["kind"] == "number" and stands["stop_if"] and len(stands["steps"]) >= 2
    promis = dict.fromkeys(PROMIS_4A, 3)
    pq.record(
        uow_factory(),
        done.person.id,
        {
            "response_id": "later-baseline-1",
            "kind": "intake",
            "answers": {
                "nprs": 5,
                "fabq": [2] * 16,
                "promis_pi_4a": promis,
                "sit_to_stand_30s": 12,
            },
        },
    )
    assert pq.due(uow_factory(), done.person.id, ON) is None  # once
    uow = uow_factory()
    with uow:
        intakes = uow.journeys.intakes(done.person.id)
        plans = uow.journeys.plan_versions(done.person.id)
    assert [i.kind for i in intakes] == ["baseline", "baseline"]
    first, completed = intakes[0].intake, intakes[1].intake
    assert completed.questionnaires.fabq == (2,) * 16
    assert completed.questionnaires.promis_pi_4a == promis
    assert first.measurements.sit_to_stand_30s is None
    assert completed.measurements.sit_to_stand_30s == 12
    # nothing else changes: the same answers, the same plan
    same = {"questionnaires": first.questionnaires, "measurements": first.measurements}
    assert completed.model_copy(update=same) == first
    assert len(plans) == 1
    week4 = ON + timedelta(days=22)
    result = sa.self_reassess(
        uow_factory(),
        done.person.id,
        {"pain_now": 3, "sit_to_stand_30s": 15, **{f"promis_{n}": 2 for n in range(1, 5)}},
        week4,
    )
    assert result.outcomes is not None
    (stand_row,) = [r for r in result.outcomes["self_tests"] if r["measure"] == "sit_to_stand_30s"]
    assert (stand_row["baseline"], stand_row["now"]) == (12, 15)  # the after-plan result
    (promis_row,) = [r for r in result.outcomes["proms"] if r["measure"] == "promis_pi_t"]
    assert promis_row["baseline"] is not None  # compared with the completed baseline
    assert promis_row["change"] is not None


def _planned(uow_factory: UowFactory) -> tuple[str, sa.Finished]:
    """A new account that answered every screen and got its first plan."""
    user = new_account(uow_factory())
    answer_all(uow_factory(), user)
    return user, sa.finish(uow_factory(), user, ON)


@pytest.mark.parametrize(
    ("fit", "new_version", "direction"),
    [
        ({"repeated_movement": "extension"}, True, "extension"),
        (
            {"repeated_movement": "flexion", "hamstring_self_test_left": "clearly_bent"},
            True,
            "flexion",
        ),
        ({}, False, None),  # every test skipped: nothing changes
    ],
)
def test_the_self_tests_after_the_plan_fit_it_as_a_new_version(
    uow_factory: UowFactory, fit: dict[str, object], new_version: bool, direction: str | None
) -> None:
    user, done = _planned(uow_factory)
    assert not end_range_spine(done.plan.plan)  # no recorded direction: no end-range spine work
    back = sa.back(uow_factory(), user)  # never back before the plan
    assert back.fitting and back.step is not None and back.step.id == "hamstring_self_test_left"
    draft = fit_plan(uow_factory(), user, fit)
    assert draft.step is None and not draft.fitting and draft.gate.clear
    assert not sa.fit_pending(uow_factory(), done.person.id)
    plan = journey.current_plan(uow_factory(), done.person.id)
    uow = uow_factory()
    with uow:
        baselines = [i for i in uow.journeys.intakes(done.person.id) if i.kind == "baseline"]
    if not new_version:
        assert plan.version == 1 and len(baselines) == 1
        return
    assert plan.version == 2 and plan.reason == plan_fitting.FITTED
    assert plan.plan.start_date == done.plan.plan.start_date
    fitted = baselines[-1].intake
    assert len(baselines) == 2 and fitted.measurements.directional_preference == direction
    assert fitted.questionnaires == done.intake.questionnaires  # nothing else changed
    end_range = end_range_spine(plan.plan)
    assert end_range  # the matching end-range work comes in
    for moves in end_range.values():  # and only in the recorded direction
        assert moves <= {direction}
    today = journey.today(uow_factory(), done.person.id, ON)
    assert today.plan_version == 2 and today.session is not None
    with pytest.raises(Conflict):  # the fitting is over
        sa.answer(uow_factory(), user, "repeated_movement", "none")


def test_symptoms_spreading_in_the_fitting_test_withhold_the_plan(
    uow_factory: UowFactory,
) -> None:
    user, done = _planned(uow_factory)
    draft = fit_plan(uow_factory(), user, {"repeated_movement": "spread"})
    assert draft.gate.outcome is Outcome.SEE_CLINICIAN and draft.step is None
    with pytest.raises(ReferralRequired) as err:
        journey.current_plan(uow_factory(), done.person.id)
    assert SELF_TEST_SPREAD in err.value.reasons
    with pytest.raises(ReferralRequired):
        journey.today(uow_factory(), done.person.id, ON)
    # the questionnaires asked on the phone after the plan complete the baseline: still withheld
    uow = uow_factory()
    with uow:
        later.complete_baseline(uow.journeys, done.person.id, [3] * 16, dict.fromkeys(PROMIS_4A, 2))
        uow.commit()
    with pytest.raises(ReferralRequired):
        journey.current_plan(uow_factory(), done.person.id)
