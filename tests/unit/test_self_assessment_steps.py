"""The self-assessment's step table (issue 20): every step's validation as a table, the order of
the sections, plain words for the person, the flow (next, back, progress) and ``to_intake``."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

import pytest

from lumbo.domain.errors import MISSING, InvalidInput
from lumbo.domain.intake import Direction, KneeReach
from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.self_directed import self_tests
from lumbo.domain.self_assessment import Kind, Section, Step, steps, to_intake, validate
from lumbo.domain.self_assessment.flow import (
    asked,
    asked_again,
    fitting,
    next_step,
    previous_step,
    progress,
)
from lumbo.domain.self_assessment.intake_map import measurements
from lumbo.domain.self_assessment.steps import SAFETY
from tests.e2e.web.text_scan import problems

STEPS = steps()


def good(s: Step) -> Any:
    """A valid answer for each kind of step."""
    if s.kind is Kind.yes_no:
        return True
    if s.kind in (Kind.choice,):
        return s.choices[-1].value
    if s.kind is Kind.choices:
        return [s.choices[0].value]
    if s.kind is Kind.activities:
        return [{"activity": "Walking to the shop", "score": 4}]
    if s.kind is Kind.video:
        return None
    assert s.high is not None
    return int(s.high) if s.integer else s.high - 0.5


def bad(s: Step) -> list[Any]:
    """Values every step of its kind refuses."""
    common: list[Any] = ["yes", {"a": 1}]
    if s.kind is Kind.yes_no:
        return [*common, 1, 0, "true"]
    if s.kind is Kind.choice:
        return [*common, "nonsense", 99]
    if s.kind is Kind.choices:
        return [*common, ["nonsense"], s.choices[0].value]
    if s.kind is Kind.activities:
        return [
            *common,
            [],
            [{"activity": "", "score": 3}],
            [{"activity": "Walking", "score": 11}],
            [{"activity": "Walking", "score": True}],
            [{"activity": "Walking", "score": 3, "extra": 1}],
            [{"activity": f"a{i}", "score": 1} for i in range(6)],
        ]
    if s.kind is Kind.video:
        return [{"lumbar_flexion_deg": 50}, 50]
    assert s.low is not None and s.high is not None
    out = [*common, True, s.low - 1, s.high + 1, float("nan"), float("inf")]
    if s.integer:
        out.append(s.low + 0.5)
    return out


@pytest.mark.parametrize("s", STEPS, ids=lambda s: s.id)
def test_each_step_takes_a_good_answer(s: Step) -> None:
    value = good(s)
    if value is None:
        assert s.optional
    assert validate(s.id, value, {}) == value


@pytest.mark.parametrize(
    ("s", "value"),
    [(s, v) for s in STEPS for v in bad(s)],
    ids=lambda x: x.id if isinstance(x, Step) else repr(x)[:20],
)
def test_each_step_refuses_a_bad_answer_naming_the_step_and_what_is_allowed(
    s: Step, value: Any
) -> None:
    with pytest.raises(InvalidInput) as err:
        validate(s.id, value, {})
    (problem,) = err.value.problems
    assert problem.path == s.id
    assert problem.value is not MISSING  # the value given is named
    if s.kind is not Kind.video:
        assert (
            s.allowed in problem.message or "each" in problem.message or "list" in problem.message
        )


@pytest.mark.parametrize("s", [s for s in STEPS if not s.optional], ids=lambda s: s.id)
def test_a_required_step_cannot_be_skipped(s: Step) -> None:
    with pytest.raises(InvalidInput, match="must be answered"):
        validate(s.id, None, {})


@pytest.mark.parametrize(
    ("step_id", "value", "answers", "ok"),
    [
        ("pain_worst", 3, {"pain_best": 4}, False),
        ("pain_worst", 4, {"pain_best": 4}, True),
        ("pain_best", 5, {"pain_worst": 4}, False),
        ("pain_best", 2, {"pain_worst": 4}, True),
        ("pain_best", 2, {}, True),
    ],
)
def test_pain_at_its_best_never_exceeds_pain_at_its_worst(
    step_id: str, value: int, answers: dict[str, Any], ok: bool
) -> None:
    if ok:
        assert validate(step_id, value, answers) == value
    else:
        with pytest.raises(InvalidInput, match=step_id):
            validate(step_id, value, answers)


def test_an_unknown_step_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no such step"):
        validate("nope", True, {})


def test_true_is_not_a_number_and_one_is_not_yes() -> None:
    with pytest.raises(InvalidInput):
        validate("age", True, {})
    with pytest.raises(InvalidInput):
        validate("saddle_anaesthesia", 1, {})
    with pytest.raises(InvalidInput):  # start_back choices are 0/1: False is not 0
        validate("start_back_1", False, {})


def test_sections_come_in_the_issue_order_safety_first() -> None:
    order = [s.section for s in STEPS]
    firsts = [order.index(sec) for sec in Section]
    assert firsts == sorted(firsts)
    assert order[: len(SAFETY)] == [Section.safety] * len(SAFETY)
    assert [s.id for s in STEPS[:4]] == [
        "saddle_anaesthesia",
        "bladder_or_bowel_dysfunction",
        "progressive_neurological_deficit",
        "age",
    ]  # the emergency questions before anything else can stop the flow


def test_ids_are_unique_and_every_safety_question_is_required() -> None:
    assert len({s.id for s in STEPS}) == len(STEPS)
    assert all(not s.optional for s in STEPS if s.safety)


@pytest.mark.parametrize("s", STEPS, ids=lambda s: s.id)
def test_the_words_are_plain_second_person_text(s: Step) -> None:
    text = " ".join([s.words, s.help, s.stop_if, *s.steps, *(c.words for c in s.choices)])
    assert problems(text, "patient") == [], problems(text, "patient")
    assert re.search(r"\b(you|your|my|I)\b", s.words + s.help + "".join(c.words for c in s.choices))


def test_every_self_test_has_a_picture_from_the_library_and_a_known_source() -> None:
    from lumbo.domain.knowledge import load_toml

    sources = set(load_toml("sources.toml"))
    for t in self_tests():
        assert t.picture in library(), t.id
        assert t.source in sources, t.id
        assert t.stop_if and t.record and t.reason
        if t.source == "lumbo_policy":
            assert "own first result" in t.norm or "clinician" in t.reason


def test_the_tape_is_asked_only_without_a_reliable_video() -> None:
    base: dict[str, Any] = {}
    ids = [s.id for s in asked(base)]
    assert "fingertip_to_floor" in ids
    filmed = {"trunk_flexion_video": {"job_id": "j", "lumbar_flexion_deg": 52.0}}
    assert "fingertip_to_floor" not in [s.id for s in asked(filmed)]


def test_follow_up_questions_are_asked_only_when_they_apply() -> None:
    assert "minor_trauma_with_osteoporosis" not in [s.id for s in asked({"osteoporosis": False})]
    assert "minor_trauma_with_osteoporosis" in [s.id for s in asked({"osteoporosis": True})]
    assert "leg_side" not in [s.id for s in asked({"distribution": "back_only"})]
    assert "leg_side" in [s.id for s in asked({"distribution": "thigh"})]


def test_next_back_and_progress() -> None:
    a: dict[str, Any] = {}
    first = next_step(a)
    assert first is not None and first.id == "saddle_anaesthesia"
    a["saddle_anaesthesia"] = False
    second = next_step(a, after="saddle_anaesthesia")
    assert second is not None and second.id == "bladder_or_bowel_dysfunction"
    back = previous_step(a, second.id)
    assert back is not None and back.id == "saddle_anaesthesia"
    first_again = previous_step(a, "saddle_anaesthesia")  # the first step stays the first
    assert first_again is not None and first_again.id == "saddle_anaesthesia"
    p = progress(a, second.id)
    assert (p.position, p.answered) == (2, 1)
    assert p.total == len(asked(a)) - 1  # the tape counts only once the filming is answered
    assert (p.part, p.parts, p.in_part, p.part_total) == (2 - 1, 5, 2, len(SAFETY) - 1)
    assert "bladder_or_bowel_dysfunction" in p.missing_safety and "age" in p.missing_safety


def safe_answer(s: Step, *, number: int | None = None, scale: int | None = None) -> Any:
    """A safe answer to ``s``: no to yes-or-no questions, optional steps skipped, the first
    choice; numbers and scales at ``number`` / ``scale`` when given, else at their lowest."""
    if s.kind is Kind.yes_no:
        return False
    if s.optional:
        return None
    if s.kind is Kind.choices:
        return []
    if s.kind is Kind.activities:
        return [{"activity": "Walking", "score": 5}]
    if s.kind is Kind.choice:
        return s.choices[0].value
    if s.kind is Kind.number and number is not None:
        return number
    if s.kind is Kind.scale and scale is not None:
        return scale
    return int(s.low or 0)


def answer_everything(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every asked step answered: safe answers, skipped optional ones, then ``overrides``."""
    a: dict[str, Any] = {"age": 40, "back_surgery": "no", **(overrides or {})}
    while (s := next_step(a)) is not None:
        a[s.id] = safe_answer(s)
    return a


def test_to_intake_maps_the_answers_and_leaves_skipped_tests_absent() -> None:
    a = answer_everything(
        {
            "distribution": "thigh",
            "leg_side": "left",
            "duration_weeks": 8,
            "pain_now": 4,
            "pain_best": 2,
            "pain_worst": 6,
            "fingertip_to_floor": 12.5,
            "sit_to_stand_30s": 11,
            "hamstring_self_test_left": "clearly_bent",
            "hamstring_self_test_right": "near_straight",
            "repeated_movement": "extension",
            "minutes_per_session": 30,
            "sessions_per_week": 3,
            "equipment": ["mat", "chair"],
            **{f"odi_{n}": 2 for n in range(1, 11)},
        }
    )
    intake = to_intake(a)
    assert intake.person.age == 40
    assert intake.history.symptom_duration_days == 56
    assert (
        intake.symptoms.distribution is not None and intake.symptoms.distribution.value == "thigh"
    )
    assert intake.symptoms.bilateral_leg_symptoms is False
    m = intake.measurements
    assert m.fingertip_to_floor_cm == 12.5 and m.method is not None and m.method.value == "tape"
    assert m.sit_to_stand_30s == 11
    assert m.hamstring_self_test_left is KneeReach.clearly_bent
    assert m.hamstring_self_test_right is KneeReach.near_straight
    assert m.directional_preference is Direction.extension
    assert m.lumbar_flexion_deg is None  # not filmed
    assert m.segmental_mobility is None and m.prone_instability_test is None  # clinician-only
    assert m.neuro_screen is None and m.slr_left_deg is None
    assert intake.questionnaires.odi == (2,) * 10
    assert intake.questionnaires.fabq is None  # asked after the first plan, on the phone
    assert intake.red_flags.minor_trauma_with_osteoporosis is False


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("extension", "extension"), ("flexion", "flexion"), ("none", "none"), ("spread", None)],
)
def test_the_repeated_movement_test_fills_the_directional_preference(
    answer: str, expected: str | None
) -> None:
    m = measurements({"repeated_movement": answer})
    assert m.get("directional_preference") == expected


def test_a_video_result_fills_lumbar_flexion_measured_by_video() -> None:
    m = measurements({"trunk_flexion_video": {"job_id": "j", "lumbar_flexion_deg": 48.5}})
    assert m == {"lumbar_flexion_deg": 48.5, "method": "video"}


def test_to_intake_refuses_open_steps_naming_them() -> None:
    with pytest.raises(InvalidInput) as err:
        to_intake({"age": 40})
    paths = {p.path for p in err.value.problems}
    assert "saddle_anaesthesia" in paths and "minutes_per_session" in paths


@pytest.mark.parametrize(
    ("left", "right", "ake_left", "expected_side"),
    [
        ("clearly_bent", "near_straight", None, "left"),
        ("clearly_bent", "clearly_bent", None, "both"),
        ("near_straight", "near_straight", None, None),
        ("clearly_bent", None, 10.0, None),  # a measured knee extension wins over the self-test
    ],
)
def test_the_hamstring_self_test_reads_tight_at_the_90_90_cut_off(
    left: str | None, right: str | None, ake_left: float | None, expected_side: str | None
) -> None:
    from lumbo.domain.assessment.assess import assess

    a = answer_everything({"hamstring_self_test_left": left, "hamstring_self_test_right": right})
    doc = to_intake(a).model_dump(mode="json", exclude_none=True)
    if ake_left is not None:
        doc["measurements"]["ake_left_deg"] = ake_left
    from lumbo.domain.intake import parse_intake

    found = [
        f for f in assess(parse_intake(doc)).findings if f.code == "HAMSTRING_LENGTH_RESTRICTION"
    ]
    if expected_side is None:
        assert found == []
    else:
        (finding,) = found
        assert finding.side == expected_side and finding.severity.value == "mild"
        assert "self-test" in finding.evidence[0] and "20 deg" in finding.evidence[0]


def test_the_gate_speaks_plain_words() -> None:
    from lumbo.domain.self_assessment.gate import ADVICE, SEE_CLINICIAN_WORDS
    from lumbo.domain.self_assessment.steps import CLINICIAN_ONLY

    for text in [*ADVICE.values(), *SEE_CLINICIAN_WORDS.values(), CLINICIAN_ONLY]:
        assert problems(text, "patient") == [], text


@pytest.mark.parametrize(
    ("prefix", "when"),
    [
        ("saddle_anaesthesia", "before"),
        ("age", "before"),
        ("odi_", "before"),  # above 80% a clinician comes first: the gate needs it
        ("start_back_", "before"),  # stratifies the plan
        ("psfs", "before"),
        ("trunk_flexion_video", "before"),
        ("repeated_movement", "fit"),  # right after the plan, which is rebuilt from it
        ("hamstring_self_test_", "fit"),
        ("fabq_", "phone"),
        ("promis_", "phone"),
        ("sit_to_stand_30s", "phone"),  # feeds only the outcomes: on the phone after the plan
    ],
)
def test_what_is_asked_before_the_first_plan_and_what_after(prefix: str, when: str) -> None:
    matching = [s for s in steps() if s.id.startswith(prefix)]
    assert matching
    pre_plan, fit = {s.id for s in asked({})}, {s.id for s in fitting({})}
    for s in matching:
        assert (s.id in pre_plan) is (when == "before")
        assert (s.id in fit) is (when == "fit") is s.fits_plan
        assert s.after_plan is (when == "phone")
        assert s.id in {x.id for x in asked_again({})}  # every one at the self-checks


def _walk(overrides: dict[str, Any]) -> list[tuple[str, int, int, int, int]]:
    """Every screen of a walk through the flow: (step, position, total, in part, part total)."""
    a: dict[str, Any] = {}
    seen = []
    while (s := next_step(a)) is not None:
        p = progress(a, s.id)
        seen.append((s.id, p.position, p.total, p.in_part, p.part_total))
        if s.id in overrides:
            a[s.id] = overrides[s.id]
        else:
            a[s.id] = safe_answer(s, number=40, scale=3)
    return seen


FILMED = {"trunk_flexion_video": {"job_id": "j", "lumbar_flexion_deg": 30.0}}


@pytest.mark.parametrize(
    ("overrides", "grows_at"),
    [
        ({**FILMED}, set()),  # the browser test's path: the count never changes
        ({}, {"fingertip_to_floor"}),  # no video: the tape is added, once
        ({**FILMED, "osteoporosis": True}, {"minor_trauma_with_osteoporosis"}),
        ({**FILMED, "distribution": "thigh", "leg_side": "left"}, {"leg_side"}),
    ],
)
def test_the_step_counter_never_shrinks_and_counts_on_by_one(
    overrides: dict[str, Any], grows_at: set[str]
) -> None:
    seen = _walk(overrides)
    for (_, pos, total, in_part, part_total), (step_id, pos2, total2, in2, _) in pairwise(seen):
        assert pos2 == pos + 1  # one on for every screen
        assert total2 == total or (total2 == total + 1 and step_id in grows_at)
        assert in2 == in_part + 1 or in2 == 1  # within a part, or the first of the next
        assert 1 <= in_part <= part_total
    assert seen[-1][1] == seen[-1][2]  # the last screen is "n of n"
    grew = {b[0] for a, b in pairwise(seen) if b[2] > a[2]}
    assert grew == grows_at


def test_no_safety_question_waits_until_after_the_plan() -> None:
    assert all(not s.after_plan for s in steps() if s.safety or s.section is Section.safety)
    asked_of_someone = asked({"osteoporosis": True})  # the fall question: after thin bones
    assert {s.id for s in SAFETY} <= {s.id for s in asked_of_someone}


@pytest.mark.parametrize(
    ("value", "words"),
    [([], "Nothing from this list"), (["mat"], "An exercise mat"), (None, "Skipped")],
)
def test_a_multi_choice_answer_in_words_never_says_none(value: Any, words: str) -> None:
    from lumbo.services.self_assessment_types import answer_words

    s = next(s for s in steps() if s.kind is Kind.choices)
    said = answer_words(s, value)
    assert said.startswith(words) and "None" not in said
