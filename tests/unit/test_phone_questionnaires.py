"""services/phone_questionnaires.latest_for_reassessment: the patient's phone answers, typed, for
the clinician's reassessment form to pre-fill (issue 16)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from lumbo.cli.demo import example_intake_text
from lumbo.domain.errors import InvalidInput
from lumbo.domain.intake import PROMIS_8A, Intake, Questionnaires
from lumbo.domain.scoring import score_all
from lumbo.services import journey, phone_questionnaire_items, phone_questionnaires
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


# --- the phone sets: which instruments, the licence rule, scoring (issue 16) ---------------------

FABQ = [0, 6, 5, 4, 3, 1, 2, 6, 3, 4, 5, 6, 0, 0, 2, 0]  # PA items 2-5: 18; W 6,7,9-12,15: 23
SBST = [1, 1, 0, 0, 1, 1, 0, 0, "very_much"]  # total 5, psychosocial (5-9) 3
PROMIS_LOW = {"PAININ9": 1, "PAININ22": 1, "PAININ31": 1, "PAININ34": 1}
PROMIS_HIGH = {"PAININ9": 5, "PAININ22": 5, "PAININ31": 5, "PAININ34": 5}
RMDQ = [1] * 7 + [0] * 17


def _instruments(items: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for it in items:
        out[it["instrument"]] = out.get(it["instrument"], 0) + 1
    return out


@pytest.mark.parametrize(
    ("kind", "activities", "disability", "expect"),
    [
        ("intake", [], "odi",  # no activities known: five screens to name and rate them
         {"nprs": 1, "odi": 10, "start_back": 9, "fabq": 16, "promis_pi_4a": 4, "psfs": 5}),
        ("reassessment", [], "odi", {"nprs": 1, "odi": 10, "promis_pi_4a": 4}),
        ("intake", ["walking"], "odi",
         {"nprs": 1, "odi": 10, "start_back": 9, "fabq": 16, "promis_pi_4a": 4, "psfs": 1}),
        ("reassessment", ["walking", "lifting"], "odi",
         {"nprs": 1, "odi": 10, "promis_pi_4a": 4, "psfs": 2}),
        ("reassessment", ["walking"], "rmdq", {"nprs": 1, "rmdq": 24, "promis_pi_4a": 4, "psfs": 1}),
    ],
)  # fmt: skip
def test_each_set_asks_what_its_visit_holds(
    kind: phone_questionnaire_items.Kind,
    activities: list[str],
    disability: str,
    expect: dict[str, int],
) -> None:
    """Intake: the intake's questionnaires (ODI, STarT Back, FABQ, PROMIS PI 4a, PSFS when its
    activities are known); reassessment: only scores with an MCID (pain, the baseline's disability
    index, PROMIS PI, PSFS)."""
    items = phone_questionnaire_items.items(kind, activities, disability)
    assert _instruments(items) == expect
    assert len({it["id"] for it in items}) == len(items)


ALL_ITEMS = [
    it
    for kind, disability in (("intake", "odi"), ("reassessment", "rmdq"))
    for it in phone_questionnaire_items.items(kind, ["walking"], disability)  # type: ignore[arg-type]
]


@pytest.mark.parametrize("item", ALL_ITEMS, ids=[it["id"] for it in ALL_ITEMS])
def test_an_item_shows_wording_only_where_the_licence_allows(item: dict[str, Any]) -> None:
    """Where the licence forbids the wording, the item names its topic and the paper form, never a
    statement; where it allows it, lumbo's own question and no paper form."""
    key = "promis_pi" if item["instrument"].startswith("promis") else item["instrument"]
    lic = phone_questionnaire_items.licences()[key]
    assert item["statements_shown"] is lic.wording
    on_form = "form your clinician gave you" in item["text"]
    assert on_form is not lic.wording
    if not lic.wording:
        assert "about " in item["text"] or "Section " in item["text"]  # the topic, not a statement
        assert "PAININ" not in item["text"]  # PROMIS ids are not words for a patient
    answers = item.get("choices") or [{"value": v} for v in range(item["low"], item["high"] + 1)]
    assert len(answers) >= 2


@pytest.mark.parametrize(
    ("answers", "expect"),
    [
        ({"nprs": 3, "rmdq": RMDQ}, {"rmdq_score": 7}),
        ({"nprs": 3, "rmdq": [0] * 24}, {"rmdq_score": 0}),
        ({"nprs": 3, "start_back": SBST}, {"start_back_total": 5, "start_back_psychosocial": 3}),
        ({"nprs": 3, "start_back": [0] * 8 + ["extremely"]},
         {"start_back_total": 1, "start_back_psychosocial": 1}),
        ({"nprs": 3, "start_back": [1] * 8 + ["moderately"]},
         {"start_back_total": 8, "start_back_psychosocial": 4}),
        ({"nprs": 3, "fabq": FABQ}, {"fabq_pa": 18, "fabq_w": 23}),
        ({"nprs": 3, "promis_pi_4a": PROMIS_LOW}, {"promis_pi_raw": 4, "promis_pi_t": 41.6}),
        ({"nprs": 3, "promis_pi_4a": PROMIS_HIGH}, {"promis_pi_raw": 20, "promis_pi_t": 75.6}),
    ],
)  # fmt: skip
def test_new_instruments_are_scored(answers: dict[str, Any], expect: dict[str, Any]) -> None:
    scores = phone_questionnaires._scores(phone_questionnaires.Answers.model_validate(answers))
    assert {k: scores[k] for k in expect} == expect
    assert scores["nprs"] == 3


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"nprs": 3, "rmdq": [1] * 23}, "rmdq"),
        ({"nprs": 3, "rmdq": [2] + [0] * 23}, "rmdq"),
        ({"nprs": 3, "start_back": [1] * 9}, "start_back"),
        ({"nprs": 3, "start_back": [0] * 8 + ["very much"]}, "start_back"),
        ({"nprs": 3, "fabq": [7] + [0] * 15}, "fabq"),
        ({"nprs": 3, "fabq": [0] * 15}, "fabq"),
        ({"nprs": 3, "promis_pi_4a": {**PROMIS_LOW, "PAININ9": 6}}, "promis_pi_4a"),
        ({"nprs": 3, "promis_pi_4a": {"PAININ9": 1, "PAININ22": 1, "PAININ31": 1}}, "promis_pi_4a"),
    ],
)  # fmt: skip
def test_bad_answers_are_refused_naming_the_field(answers: dict[str, Any], field: str) -> None:
    uow = FakeUnitOfWork()
    person = journey.init_person(uow, example_intake_text()).person.id
    body = {"response_id": "q-bad-00001", "kind": "intake", "answers": answers}
    with pytest.raises(InvalidInput) as err:
        phone_questionnaires.record(uow, person, body)
    assert all(f"answers.{field}" in p.path for p in err.value.problems)
    with uow:
        assert uow.journeys.questionnaire_responses(person) == []


def test_new_instruments_reach_the_prefill_and_the_progress_rows() -> None:
    """A reassessment set with every new instrument: its answers merge into a follow-up intake
    (the domain scores it alike), and results() shows each score against the baseline (the
    example intake: FABQ PA 12 and W 19, STarT Back 3 / 1, PROMIS PI 4a raw 10, T 58.5)."""
    uow = FakeUnitOfWork()
    person = journey.init_person(uow, example_intake_text()).person.id
    answers = {"nprs": 2, "rmdq": RMDQ, "start_back": SBST, "fabq": FABQ,
               "promis_pi_4a": PROMIS_LOW}  # fmt: skip
    with uow:
        uow.journeys.add_questionnaire_response(
            replace(_set("r-4", "reassessment", 4, 2, answers), person_id=person)
        )
        uow.commit()
    got = phone_questionnaires.latest_for_reassessment(uow, person)
    assert got is not None and got.scores is not None and got.scores["rmdq_score"] == 7
    fields = got.intake_fields()
    assert set(fields["questionnaires"]) >= {"rmdq", "start_back", "fabq", "promis_pi_4a"}
    intake = Intake.model_validate_json(example_intake_text()).model_dump(mode="json")
    # a baseline given the 8a form: the phone's 4a answers replace it in the follow-up intake
    intake["questionnaires"]["promis_pi_8a"] = dict.fromkeys(PROMIS_8A, 5)
    intake["questionnaires"].update(fields["questionnaires"])
    scores, _ = score_all(Intake.model_validate(intake))
    assert scores.value("rmdq", "score") == 7
    assert (scores.value("fabq", "pa"), scores.value("fabq", "w")) == (18, 23)
    assert (scores.value("start_back", "total"), scores.value("promis_pi", "t_score")) == (5, 41.6)
    rows = {r.label: r for r in phone_questionnaires.results(uow, person)[0].rows}
    expect = {
        "FABQ physical activity (0-24)": (12, 18, 6),
        "FABQ work (0-42)": (19, 23, 4),
        "STarT Back total (0-9)": (3, 5, 2),
        "STarT Back psychosocial (0-5)": (1, 3, 2),
        "PROMIS pain interference (T-score)": (58.5, 41.6, -16.9),
        "RMDQ (0-24)": (None, 7, None),  # the baseline used the ODI
    }
    assert {k: (rows[k].baseline, rows[k].now, rows[k].change) for k in expect} == expect


@pytest.mark.parametrize(("disability", "expect"), [("odi", {"odi": 10}), ("rmdq", {"rmdq": 24})])
def test_the_week_4_set_asks_the_disability_index_the_baseline_used(
    disability: str, expect: dict[str, int]
) -> None:
    intake = json.loads(example_intake_text())
    intake["preferences"]["start_date"] = (date.today() - timedelta(days=22)).isoformat()
    if disability == "rmdq":
        intake["questionnaires"]["odi"] = None
        intake["questionnaires"]["rmdq"] = [True] * 8 + [False] * 16
    uow = FakeUnitOfWork()
    person = journey.init_person(uow, json.dumps(intake)).person.id
    due = phone_questionnaires.due(uow, person, date.today())
    assert due is not None and (due.kind, due.week) == ("reassessment", 4)
    got = _instruments(due.items)
    assert got == {"nprs": 1, "promis_pi_4a": 4, "psfs": 3, **expect}


# --- the PSFS before the first visit when no activities are known (issue 16) ------------------


def _first_visit_patient(uow: FakeUnitOfWork) -> str:
    """A person with no intake and no plan: nobody has named their activities yet."""
    from lumbo.store.records import PersonRecord

    person = PersonRecord(external_ref="first-visit")
    with uow:
        uow.journeys.add_person(person)
        uow.commit()
    return person.id


def test_the_first_visit_set_asks_the_patient_to_name_up_to_five_activities() -> None:
    uow = FakeUnitOfWork()
    person = _first_visit_patient(uow)
    due = phone_questionnaires.due(uow, person, date.today())
    assert due is not None and due.kind == "intake"
    naming = [it for it in due.items if it.get("names_activity")]
    assert [it["id"] for it in naming] == [f"psfs-name-{n}" for n in range(1, 6)]
    assert all(it["optional"] and it["ends_group"] for it in naming)
    assert all((it["low"], it["high"]) == (0, 10) for it in naming)
    assert "Name an activity" in naming[0]["text"] and "another" in naming[1]["text"]
    assert due.items[-5:] == naming  # the last screens of the set


@pytest.mark.parametrize(
    ("psfs", "mean"),
    [
        ([{"activity": "lifting my child", "score": 3}], 3.0),
        ([{"activity": " gardening ", "score": 2}, {"activity": "sitting in the car", "score": 5},
          {"activity": "running", "score": 8}], 5.0),
    ],
)  # fmt: skip
def test_named_activities_reach_the_clinician_the_prefill_and_the_week_4_set(
    psfs: list[dict[str, Any]], mean: float
) -> None:
    """The activities the patient named before the first visit: scored (PSFS mean on the
    clinician's pages), pre-filled into the intake the clinician completes, and asked again in the
    week 4 reassessment."""
    uow = FakeUnitOfWork()
    person = _first_visit_patient(uow)
    body = {"response_id": "q-first-00001", "kind": "intake",
            "answers": {"nprs": 5, "psfs": psfs}}  # fmt: skip
    stored = phone_questionnaires.submit(uow, person, body)
    assert stored.created and stored.scores["psfs_mean"] == mean
    rows = {r.label: r.now for r in phone_questionnaires.results(uow, person)[0].rows}
    assert rows["PSFS mean (0-10)"] == mean
    pre = phone_questionnaires.prefill(uow, person, "intake")
    assert pre is not None
    names = [a["activity"].strip() for a in psfs]
    assert [p["activity"] for p in pre.intake_fields()["questionnaires"]["psfs"]] == names
    with uow:
        done = uow.journeys.questionnaire_responses(person)
    assert phone_questionnaires.named_activities(done) == names
    week4 = phone_questionnaire_items.items("reassessment", names)
    assert [it["activity"] for it in week4 if it["instrument"] == "psfs"] == names


@pytest.mark.parametrize(
    "psfs",
    [
        [{"activity": "   ", "score": 3}],
        [{"activity": "walking", "score": 11}],
        [{"activity": "x" * 201, "score": 3}],
        [{"activity": f"a{n}", "score": 1} for n in range(6)],
        [],
    ],
    ids=["blank", "score-11", "too-long", "six", "none"],
)
def test_bad_named_activities_are_refused_naming_the_field(psfs: list[dict[str, Any]]) -> None:
    uow = FakeUnitOfWork()
    person = _first_visit_patient(uow)
    body = {"response_id": "q-bad-00002", "kind": "intake", "answers": {"nprs": 5, "psfs": psfs}}
    with pytest.raises(InvalidInput) as err:
        phone_questionnaires.record(uow, person, body)
    assert all("answers.psfs" in p.path for p in err.value.problems)
    with uow:
        assert uow.journeys.questionnaire_responses(person) == []
