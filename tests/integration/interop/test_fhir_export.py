"""FHIR R4 export: the example and generated patients pass both validators (fhir.resources R4B
models and the official FHIR R4 JSON schema under ajv), and the bundle says what lumbo holds."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings

from lumbo import __version__
from lumbo.interop import codes
from lumbo.services import interop, journey
from lumbo.store.unit_of_work import FakeUnitOfWork
from tests.fhir import parse_all, schema_errors
from tests.integration.interop.patients import enrol_generated, patient_plans
from tests.integration.store import samples
from tests.integration.store.conftest import UowFactory

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for v in node.values() for r in _references(v)]
    if isinstance(node, list):
        return [r for v in node for r in _references(v)]
    return []


def _lumbo_codes(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {node["code"]} if node.get("system") == codes.LUMBO_SYSTEM else set()
        return own.union(*(_lumbo_codes(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_lumbo_codes(v) for v in node))
    return set()


def check_bundle(bundle: dict[str, Any]) -> None:
    """Checks of our own on top of the two validators: closed references, known codes."""
    assert bundle["type"] == "collection"
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls)), "duplicate fullUrl"
    for ref in _references(bundle):
        assert ref in urls, f"unresolved reference {ref}"
    (code_system,) = _resources(bundle, "CodeSystem")
    known = {c["code"] for c in code_system["concept"]}
    used = _lumbo_codes(
        [e["resource"] for e in bundle["entry"] if e["resource"] is not code_system]
    )
    assert used <= known, f"codes missing from the CodeSystem: {sorted(used - known)}"
    questionnaires = {q["url"] for q in _resources(bundle, "Questionnaire")}
    for qr in _resources(bundle, "QuestionnaireResponse"):
        assert qr["questionnaire"].split("|")[0] in questionnaires
    (provenance,) = _resources(bundle, "Provenance")
    assert provenance["agent"][0]["who"]["display"] == f"lumbo {__version__}"
    targets = {t["reference"] for t in provenance["target"]}
    for e in bundle["entry"]:
        if e["resource"]["resourceType"] not in (
            "CodeSystem",
            "Questionnaire",
            "Device",
            "Provenance",
        ):
            assert e["fullUrl"] in targets


def test_example_bundle(uow_factory: UowFactory, tmp_path: Path) -> None:
    pid = journey.init_person(uow_factory(), samples.intake_text()).person.id
    bundle = interop.export_fhir(uow_factory(), pid, now=NOW)
    assert parse_all(bundle) == 1 + len(bundle["entry"])
    assert schema_errors([bundle], tmp_path) == [[]]
    check_bundle(bundle)
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert kinds["Patient"] == 1 and kinds["CarePlan"] == 1 and kinds["QuestionnaireResponse"] == 5
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    odi = next(
        o for o in _resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "97909-6"
    )
    assert odi["valueQuantity"]["value"] == 24.0
    source = by_url[odi["derivedFrom"][0]["reference"]]
    assert source["questionnaire"].startswith(codes.questionnaire_url("odi"))
    assert [i["answer"][0]["valueInteger"] for i in source["item"]] == [
        1,
        2,
        1,
        1,
        2,
        1,
        2,
        1,
        0,
        1,
    ]
    pain = [
        o for o in _resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "72514-3"
    ]
    assert [p["valueInteger"] for p in pain] == [3]
    flexion = next(
        o
        for o in _resources(bundle, "Observation")
        if o["code"]["coding"][0]["code"] == "lumbar-flexion-rom"
    )
    assert flexion["valueQuantity"]["value"] == 48 and flexion["valueQuantity"]["code"] == "deg"
    assert flexion["method"]["coding"][0]["code"] == "method-dual_inclinometer"
    assert flexion["bodySite"]["coding"][0]["code"] == "site-lumbar-spine"
    (care_plan,) = _resources(bundle, "CarePlan")
    for activity in care_plan["activity"]:
        request = by_url[activity["reference"]["reference"]]
        assert request["resourceType"] == "ServiceRequest"
        assert request["code"]["coding"][0]["code"] == "229065009"
        assert request["occurrenceTiming"]["repeat"]["periodUnit"] == "wk"
        assert request["patientInstruction"]
    findings = {c["code"]["coding"][0]["code"] for c in _resources(bundle, "Condition")}
    assert "LUMBAR_EXTENSION_HYPOMOBILITY" in findings
    adherence = next(
        o
        for o in _resources(bundle, "Observation")
        if o["code"]["coding"][0]["code"] == "adherence"
    )
    assert adherence["basedOn"][0]["reference"] == next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"] is care_plan
    )
    # the mapping is a function: the same records at the same moment give the same bundle
    assert interop.export_fhir(uow_factory(), pid, now=NOW) == bundle


def test_bundle_validators_catch_faults(tmp_path: Path) -> None:
    """Both validators reject what they should (so a passing bundle means something)."""
    uow = FakeUnitOfWork()
    pid = journey.init_person(uow, samples.intake_text()).person.id
    bundle = interop.export_fhir(uow, pid, now=NOW)
    broken = json.loads(json.dumps(bundle))
    broken["entry"][0]["resource"]["gender"] = 5  # a code must be a string
    bad_date = json.loads(json.dumps(bundle))
    qr = next(
        e for e in bad_date["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    qr["resource"]["authored"] = "yesterday"
    unknown = json.loads(json.dumps(bundle))
    unknown["entry"][0]["resource"]["nickname"] = "Bob"  # no such element
    errors = schema_errors([broken, bad_date, unknown], tmp_path)
    assert all(errors), errors
    for doc in (broken, bad_date, unknown):
        with pytest.raises(pydantic.ValidationError):
            parse_all(doc)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=patient_plans())
def _generated(spec: dict[str, Any], out: list[dict[str, Any]]) -> None:
    uow = FakeUnitOfWork()
    pid = enrol_generated(uow, spec)
    bundle = interop.export_fhir(uow, pid, now=NOW)
    parse_all(bundle)
    check_bundle(bundle)
    with uow:
        versions = len(uow.journeys.plan_versions(pid))
        follow_ups = len(uow.journeys.reassessments(pid))
    assert len(_resources(bundle, "CarePlan")) == versions
    assert sum(1 for p in _resources(bundle, "CarePlan") if p["status"] == "active") == min(
        versions, 1
    )
    assert (
        len({q["authored"] for q in _resources(bundle, "QuestionnaireResponse")}) <= 1 + follow_ups
    )
    out.append(bundle)


def test_generated_patients_pass_both_validators(tmp_path: Path) -> None:
    bundles: list[dict[str, Any]] = []
    _generated(out=bundles)
    assert bundles
    errors = schema_errors(bundles, tmp_path)
    bad = [(i, e[:3]) for i, e in enumerate(errors) if e]
    assert not bad, bad


@pytest.mark.parametrize(
    "activity",
    [
        "carrying\u00a0boxes",  # no-break space (pasted text)
        "stairs\u2028at work",  # line separator
        "gardening\u3000weekends",  # ideographic space
        "kneeling\u2009down",  # thin space
        "walking\ufeffthe dog",  # zero-width no-break space
    ],
)
def test_free_text_with_other_whitespace_still_validates(activity: str, tmp_path: Path) -> None:
    """FHIR strings allow no whitespace but space, CR, LF and tab (found by the generated-patient
    test): such characters in free text become spaces in the export."""
    from lumbo.cli.demo import example_intake_text

    intake = json.loads(example_intake_text())
    intake["questionnaires"]["psfs"][0]["activity"] = activity
    uow = FakeUnitOfWork()
    pid = journey.init_person(uow, json.dumps(intake)).person.id
    bundle = interop.export_fhir(uow, pid, now=NOW)
    parse_all(bundle)
    assert schema_errors([bundle], tmp_path) == [[]]
    assert activity.split(next(c for c in activity if not c.isalnum()))[0] in json.dumps(bundle)
