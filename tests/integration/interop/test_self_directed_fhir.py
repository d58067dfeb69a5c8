"""The FHIR export of a self-directed person (issue 20): the self-tests' results (tape, sit-to-stand
count, hamstring self-test, the filmed forward bend) are Observations with lumbo codes, and the
bundle passes both validators."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from lumbo.services import interop
from lumbo.services import phone_questionnaires as pq
from lumbo.services import self_assessment as sa
from lumbo.store.unit_of_work import FakeUnitOfWork
from tests.fhir import parse_all, schema_errors
from tests.integration.interop.test_fhir_export import check_bundle
from tests.self_assessment_helpers import answer_all, fit_plan, new_account

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _observations(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        e["resource"]["code"]["coding"][0]["code"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }


def test_a_self_directed_persons_bundle_holds_the_self_tests_and_validates(
    tmp_path: Path,
) -> None:
    uow = FakeUnitOfWork()
    user = new_account(uow)
    answer_all(uow, user, {"fingertip_to_floor": 14.5})
    done = sa.finish(uow, user, date(2026, 12, 2))
    fit = {
        "hamstring_self_test_left": "clearly_bent",
        "hamstring_self_test_right": "near_straight",
        "repeated_movement": "extension",
    }
    fit_plan(uow, user, fit)  # the tests right after the plan fit it
    # the sit-to-stand is asked on the phone after the first plan and completes the baseline
    later = {"nprs": 4, "fabq": [1] * 16, "sit_to_stand_30s": 12}
    pq.record(
        uow, done.person.id, {"response_id": "later-baseline-1", "kind": "intake", "answers": later}
    )
    bundle = interop.export_fhir(uow, done.person.id, now=NOW)
    assert parse_all(bundle) == 1 + len(bundle["entry"])
    assert schema_errors([bundle], tmp_path) == [[]]
    check_bundle(bundle)
    obs = _observations(bundle)
    assert obs["fingertip-to-floor"]["valueQuantity"]["value"] == 14.5
    assert obs["fingertip-to-floor"]["valueQuantity"]["code"] == "cm"
    assert obs["sit-to-stand-30s"]["valueInteger"] == 12
    left = obs["hamstring-90-90-self-test-left"]["valueCodeableConcept"]["coding"][0]
    assert left["code"] == "answer-clearly_bent"
    assert obs["directional-preference"]["valueCodeableConcept"]["coding"][0]["code"] == (
        "answer-extension"
    )
