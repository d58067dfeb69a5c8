"""Every JSON API route declares what it answers: a response model (described in the OpenAPI
schema) or an explicit response class with its documented content (downloads, 204s)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.routing import APIRoute

from tests.integration.web.test_authz_routes import _flat


def _api_routes(app: FastAPI) -> list[APIRoute]:
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before lazy included routers: app.routes is already flat
        return [r for r in app.routes if isinstance(r, APIRoute) and r.path.startswith("/api")]
    return [
        rc.original_route
        for rc in iter_route_contexts(app.routes)
        if isinstance(rc.original_route, APIRoute) and rc.path.startswith("/api")
    ]


def _declared(route: APIRoute) -> bool:
    if route.response_model is not None:  # a model, not a bare dict (which describes nothing)
        return getattr(route.response_model, "__origin__", route.response_model) is not dict
    explicit = isinstance(route.response_class, type) and issubclass(route.response_class, Response)
    documented = route.responses.get(route.status_code or 200, {})
    return explicit and bool(documented.get("description") or documented.get("content"))


def test_every_api_route_declares_its_response(app: FastAPI) -> None:
    routes = _api_routes(app)
    assert len(routes) == sum(1 for path, _, api in _flat(app) if api and path.startswith("/api"))
    undeclared = [f"{sorted(r.methods)} {r.path}" for r in routes if not _declared(r)]
    assert undeclared == []


def test_the_openapi_schema_builds_and_describes_each_answer(app: FastAPI) -> None:
    schema: dict[str, Any] = app.openapi()
    assert schema["paths"]
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            ok = {code: r for code, r in op["responses"].items() if code.startswith("2")}
            assert ok, (method, path)
            for code, answer in ok.items():
                if code == "204":
                    continue
                content = answer.get("content") or {}
                assert content, (method, path, code)
                json_schema = (content.get("application/json") or {}).get("schema")
                if json_schema is not None:  # a named schema, not "some object"
                    assert "$ref" in json.dumps(json_schema), f"{method} {path}: {json_schema}"
    names = set(schema["components"]["schemas"])
    assert {"JobOut", "Uploaded", "UserOut", "PatientSummary", "CurrentPlan"} <= names
    assert {"Progress", "SessionSummary", "ClinicOutcomesOut", "RateOut"} <= names  # typed results
