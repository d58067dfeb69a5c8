"""Property-based fuzzing of the JSON API against its own OpenAPI document (schemathesis, ASGI
transport): no request, valid or not, gets a 5xx.

Every operation of the document is fuzzed with schemathesis' positive and negative strategies,
signed in as a clinician (session cookie and CSRF token); half the cases are aimed at that
clinician's real patient and job ids so the generated bodies reach the services, not only the
ownership check. (schemathesis' own pytest plugin does not support pytest 9 yet, so the
strategies are driven with hypothesis directly.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error

from lumbo.web.app import create_app
from lumbo.web.auth import SESSION_COOKIE
from tests.integration.store.pg import pg_schema_url
from tests.integration.web.conftest import make_settings
from tests.integration.web.world import World, build_world

EXAMPLES_PER_MODE = 40
SKIPPED = {("POST", "/api/auth/logout")}  # would end the fuzzing session itself


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    root: Path = tmp_path_factory.mktemp("fuzz")
    if request.param == "sqlite":
        url = f"sqlite:///{root / 'lumbo.db'}"
    else:
        url = pg_schema_url(request.getfixturevalue("pg_database"))
    app = create_app(make_settings(root / "data", url))
    try:
        yield build_world(app)
    finally:
        app.state.lumbo.store.close()


def _operations(w: World) -> list[object]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", w.app)
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_is_fuzzed(fuzz_world: World) -> None:
    labels = {(op.method.upper(), op.path) for op in _operations(fuzz_world)}  # type: ignore[attr-defined]
    assert len(labels) >= 30 and ("POST", "/api/patients/{person_id}/sessions") in labels


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_gets_a_server_error(fuzz_world: World, mode: GenerationMode) -> None:
    w = fuzz_world
    clinician = w.clinician_a
    real = {"person_id": w.person_a, "job_id": w.job_a}
    fuzzed = 0
    for op in _operations(w):
        if (op.method.upper(), op.path) in SKIPPED:  # type: ignore[attr-defined]
            continue

        @settings(
            max_examples=EXAMPLES_PER_MODE,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy(generation_mode=mode), aim=st.booleans())  # type: ignore[attr-defined]
        def run(case: Case, aim: bool) -> None:
            if aim and case.path_parameters:
                for name in set(case.path_parameters) & set(real):
                    case.path_parameters[name] = real[name]
            response = case.call(
                headers={"X-CSRF-Token": clinician.csrf or ""},
                cookies={SESSION_COOKIE: clinician.cookies[SESSION_COOKIE]},
            )
            case.validate_response(response, checks=[not_a_server_error])

        try:
            run()
        except Unsatisfiable:  # nothing invalid to send (no parameters, no body)
            assert mode is GenerationMode.NEGATIVE, op.path  # type: ignore[attr-defined]
            continue
        fuzzed += 1
    assert fuzzed >= 25
