"""FHIR in: the round trip keeps answers and scores; every bad input is named; nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from lumbo.domain.errors import InvalidInput
from lumbo.interop import codes
from lumbo.services import interop, journey
from lumbo.store.unit_of_work import AbstractUnitOfWork, FakeUnitOfWork
from tests.integration.interop.patients import enrol_generated, patient_plans
from tests.integration.store import samples
from tests.integration.store.conftest import UowFactory

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
Doc = dict[str, Any]


def _base(person: str = "imported-1") -> Doc:
    data = samples.intake_dict()
    data.pop("questionnaires")
    data["person"] = {**data["person"], "id": person}  # type: ignore[dict-item]
    return data


def _answers_and_scores(bundle: Doc) -> tuple[dict[str, Any], list[Any]]:
    """The latest intake's responses (items per questionnaire) and the scores derived from them."""
    entries = bundle["entry"]
    responses = [e for e in entries if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    last = responses[-1]["resource"]["identifier"]["value"]
    chosen = [e for e in responses if e["resource"]["identifier"]["value"] == last]
    answers = {e["resource"]["questionnaire"]: e["resource"]["item"] for e in chosen}
    urls = {e["fullUrl"] for e in chosen}
    scores = sorted(
        (
            r["code"]["coding"][-1]["code"],
            json.dumps({k: v for k, v in r.items() if k.startswith("value") or k == "component"}),
        )
        for r in (e["resource"] for e in entries)
        if r["resourceType"] == "Observation"
        and {d["reference"] for d in r.get("derivedFrom", [])} & urls
    )
    return answers, scores


def _round_trip(uow: AbstractUnitOfWork, pid: str, person: str) -> tuple[Doc, Doc]:
    first = interop.export_fhir(uow, pid, now=NOW)
    enrolled = interop.import_fhir(uow, json.dumps(first), _base(person))
    second = interop.export_fhir(uow, enrolled.person.id, now=NOW)
    return first, second


def test_round_trip_of_the_example(uow_factory: UowFactory) -> None:
    pid = journey.init_person(uow_factory(), samples.intake_text()).person.id
    first, second = _round_trip(uow_factory(), pid, "imported-1")
    a1, s1 = _answers_and_scores(first)
    a2, s2 = _answers_and_scores(second)
    assert len(a1) == 5 and a1 == a2
    assert len(s1) >= 6 and s1 == s2
    with uow_factory() as uow:
        imported = uow.journeys.find_persons("imported-1")[0]
        assert uow.journeys.intakes(imported.id)[0].intake.questionnaires == (
            uow.journeys.intakes(pid)[0].intake.questionnaires
        )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=patient_plans())
def test_round_trip_of_generated_patients(spec: dict[str, Any]) -> None:
    uow = FakeUnitOfWork()
    pid = enrol_generated(uow, spec)
    exported = interop.export_fhir(uow, pid, now=NOW)
    if not any(e["resource"]["resourceType"] == "QuestionnaireResponse" for e in exported["entry"]):
        with pytest.raises(InvalidInput):
            interop.read_fhir(json.dumps(exported))
        return
    first, second = _round_trip(uow, pid, "imported-gen")
    assert _answers_and_scores(first) == _answers_and_scores(second)


# bad input: each case breaks the example's bundle one way; the problem names resource and element


def _qr(bundle: Doc, instrument: str) -> Doc:
    url = codes.questionnaire_url(instrument)
    return next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
        and e["resource"]["questionnaire"].startswith(url)
    )


def _item(bundle: Doc, instrument: str, link: str) -> Doc:
    return next(i for i in _qr(bundle, instrument)["item"] if i["linkId"] == link)


def _set(path: list[Any], value: Any) -> Callable[[Doc], Any]:
    def change(doc: Doc) -> Any:
        node: Any = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
        return doc

    return change


def _odi2(doc: Doc, answer: Any) -> Doc:
    _item(doc, "odi", "odi-2")["answer"] = answer
    return doc


def _extra_psfs(doc: Doc) -> Doc:
    qr = _qr(doc, "psfs")
    qr["item"] = qr["item"] * 2
    return doc


def _promis_bool(doc: Doc) -> Doc:
    _item(doc, "promis_pi_4a", "PAININ9")["answer"] = [{"valueInteger": True}]
    return doc


def _no_qr(doc: Doc) -> Doc:
    doc["entry"] = [e for e in doc["entry"] if e["resource"]["resourceType"] == "Patient"]
    return doc


def _start_back_code(doc: Doc) -> Doc:
    _item(doc, "start_back", "start-back-9")["answer"] = [
        {"valueCoding": {"system": codes.LUMBO_SYSTEM, "code": "answer-a-lot"}}
    ]
    return doc


def _missing_fabq(doc: Doc) -> Doc:
    qr = _qr(doc, "fabq")
    qr["item"] = [i for i in qr["item"] if i["linkId"] != "fabq-16"]
    return doc


def _unknown_link(doc: Doc) -> Doc:
    _qr(doc, "odi")["item"].append({"linkId": "odi-11", "answer": [{"valueInteger": 1}]})
    return doc


def _twice(doc: Doc) -> Doc:
    qr = _qr(doc, "fabq")
    qr["item"].append(qr["item"][0])
    return doc


def _blank_activity(doc: Doc) -> Doc:
    _qr(doc, "psfs")["item"][0]["item"][0]["answer"] = [{"valueString": "  "}]
    return doc


def _status(doc: Doc) -> Doc:
    _qr(doc, "odi")["status"] = "in-progress"
    return doc


def _questionnaire(doc: Doc) -> Doc:
    _qr(doc, "rmdq" if False else "odi")["questionnaire"] = "http://example.org/Questionnaire/odi"
    return doc


BAD: list[tuple[str, Callable[[Doc], Any], str, str]] = [
    ("not a resource", lambda d: 42, "resourceType", "must be Bundle or QuestionnaireResponse"),
    ("a Patient", lambda d: d["entry"][0]["resource"], "resourceType", "must be Bundle"),
    ("entry not a list", _set(["entry"], {}), "Bundle.entry", "must be a list"),
    ("no response", _no_qr, "Bundle", "holds no QuestionnaireResponse"),
    ("unknown questionnaire", _questionnaire, "QuestionnaireResponse/", ".questionnaire"),
    ("not completed", _status, "QuestionnaireResponse/", ".status"),
    (
        "ODI out of range",
        lambda d: _odi2(d, [{"valueInteger": 7}]),
        "item[linkId=odi-2].answer[0].valueInteger",
        "0-5",
    ),
    (
        "ODI wrong type",
        lambda d: _odi2(d, [{"valueString": "2"}]),
        "item[linkId=odi-2].answer[0]",
        "valueInteger",
    ),
    (
        "two answers",
        lambda d: _odi2(d, [{"valueInteger": 1}, {"valueInteger": 2}]),
        "item[linkId=odi-2].answer",
        "exactly one",
    ),
    ("unknown item", _unknown_link, "item[linkId=odi-11]", "not an item"),
    ("missing item", _missing_fabq, "item[linkId=fabq-16]", "missing"),
    ("item twice", _twice, "item[linkId=fabq-1]", "twice"),
    ("bad bothersomeness", _start_back_code, "start-back-9].answer[0].valueCoding.code", "answer-"),
    ("PROMIS boolean", _promis_bool, "item[linkId=PAININ9].answer[0].valueInteger", "1-5"),
    ("six PSFS activities", _extra_psfs, "item[linkId=psfs-activity]", "1 to 5"),
    ("blank PSFS activity", _blank_activity, "psfs-activity-name].answer[0].valueString", "1-200"),
]


@pytest.mark.parametrize(("case", "change", "path", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_named_and_nothing_is_written(
    case: str, change: Callable[[Doc], Any], path: str, message: str
) -> None:
    uow = FakeUnitOfWork()
    pid = journey.init_person(uow, samples.intake_text()).person.id
    bundle = json.loads(json.dumps(interop.export_fhir(uow, pid, now=NOW)))
    with uow:
        before = len(uow.journeys.persons())
    with pytest.raises(InvalidInput) as err:
        interop.import_fhir(uow, json.dumps(change(bundle)), _base())
    shown = [f"{p.path}: {p.message}" for p in err.value.problems]
    assert any(
        path in p.path and message in f"{p.path}: {p.message}" for p in err.value.problems
    ), shown
    if "QuestionnaireResponse/" in path:
        assert all("QuestionnaireResponse/" in p.path for p in err.value.problems), shown
    with uow:
        assert len(uow.journeys.persons()) == before


def test_bad_json_and_a_bare_response() -> None:
    with pytest.raises(InvalidInput) as err:
        interop.read_fhir("{not json")
    assert err.value.problems[0].path == "(document)"
    uow = FakeUnitOfWork()
    pid = journey.init_person(uow, samples.intake_text()).person.id
    bundle = interop.export_fhir(uow, pid, now=NOW)
    odi = _qr(bundle, "odi")
    assert interop.read_fhir(json.dumps(odi)) == {"odi": [1, 2, 1, 1, 2, 1, 2, 1, 0, 1]}
    both = interop.read_fhir(json.dumps([odi, _qr(bundle, "fabq")]))
    assert set(both) == {"odi", "fabq"}
