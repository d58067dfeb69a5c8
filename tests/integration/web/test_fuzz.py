"""Property-based fuzzing of the JSON API against its own OpenAPI document (schemathesis, ASGI
transport): no request, valid or not, gets a 5xx.

Every operation of the document is fuzzed with schemathesis' positive and negative strategies,
signed in as a clinician (session cookie and CSRF token); half the cases are aimed at that
clinician's real patient and job ids so the generated bodies reach the services, not only the
ownership check. (schemathesis' own pytest plugin does not support pytest 9 yet, so the
strategies are driven with hypothesis directly.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

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


# The input classes that crashed the server before (issue 12): non-finite numbers, lone
# surrogates, extreme dates, oversized ids, many fields, deep nesting. Each generated request is a
# valid schemathesis case with one value (or a path id) replaced by one of them.
BAD_VALUES = st.one_of(
    st.sampled_from([float("nan"), float("inf"), float("-inf")]),
    st.sampled_from(["\ud800", "a\udfffb", "\udbff\udc00\ud800"]),
    st.sampled_from(["9999-12-31", "0001-01-01", "0000-00-00", "10000-01-01", "1999-12-31"]),
    st.integers(min_value=37, max_value=400).map(lambda n: "i" * n),
    st.integers(min_value=1001, max_value=1500).map(lambda n: {f"f{i}": i for i in range(n)}),
    st.integers(min_value=33, max_value=400).map(lambda n: _nested(n)),
)


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def _replace_one(document: object, data: st.DataObject) -> object:
    """``document`` with one leaf (or the whole document) replaced by a bad value."""
    if isinstance(document, dict) and document and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(document)))
        return {**document, key: _replace_one(document[key], data)}
    if isinstance(document, list) and document and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(document) - 1))
        return [*document[:i], _replace_one(document[i], data), *document[i + 1 :]]
    return data.draw(BAD_VALUES)


def test_the_new_bad_input_classes_get_no_server_error(fuzz_world: World) -> None:
    w = fuzz_world
    clinician = w.clinician_a
    real = {"person_id": w.person_a, "job_id": w.job_a}
    fuzzed = 0
    for op in _operations(w):
        if (op.method.upper(), op.path) in SKIPPED:  # type: ignore[attr-defined]
            continue

        @settings(
            max_examples=EXAMPLES_PER_MODE // 2,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy(generation_mode=GenerationMode.POSITIVE), data=st.data())  # type: ignore[attr-defined]
        def run(case: Case, data: st.DataObject) -> None:
            for name in set(case.path_parameters or {}) & set(real):
                case.path_parameters[name] = real[name]  # type: ignore[index]
            if case.path_parameters and data.draw(st.booleans()):
                name = data.draw(st.sampled_from(sorted(case.path_parameters)))
                case.path_parameters[name] = "i" * data.draw(st.integers(37, 300))
            elif isinstance(case.body, dict | list):
                case.body = _replace_one(case.body, data)
            params = {k: quote(str(v), safe="") for k, v in (case.path_parameters or {}).items()}
            headers = {"content-type": case.media_type or "application/json"}
            if isinstance(case.body, dict | list):  # NaN and lone surrogates as JSON escapes
                content = json.dumps(case.body, allow_nan=True, ensure_ascii=True).encode()
            else:
                content = None
            response = clinician.request(
                case.method,
                case.path.format(**params),
                params=case.query,
                content=content,
                headers=headers if content is not None else None,
            )
            assert response.status_code < 500, (case.method, case.path, response.text[:300])

        run()
        fuzzed += 1
    assert fuzzed >= 25
