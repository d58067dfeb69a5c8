"""One table from errors to exit codes, HTTP statuses and page titles (services.errors.OUTCOMES):
the CLI, the JSON API and the pages all read it, for every error class lumbo raises."""

from __future__ import annotations

import asyncio
import json

import pytest
from starlette.requests import Request

from lumbo.cli._common import error_text, exit_code_for
from lumbo.domain.errors import (
    Conflict,
    InvalidInput,
    KnowledgeBaseError,
    LumboError,
    NotFound,
    Problem,
    ReferralRequired,
)
from lumbo.services.errors import (
    AlreadyEnrolled,
    Forbidden,
    NoPersonYet,
    NotAuthenticated,
    RateLimited,
    TooLarge,
    TooManyUploads,
    outcome_of,
)
from lumbo.web import errors as api_errors
from lumbo.web.input_guard import TooManyFields
from lumbo.web.pages import common as page_errors


class _Store:
    def uow(self) -> object:
        raise RuntimeError("no store in this test")  # refusals are audited best-effort


class _State:
    lumbo = type("Ctx", (), {"store": _Store()})()


class _App:
    state = _State()


def _request() -> Request:
    scope = {"type": "http", "method": "POST", "path": "/x", "headers": [], "app": _App()}
    return Request(scope)


CASES: list[tuple[LumboError, int, int]] = [
    (InvalidInput([Problem("movement", "must be one of a, b", "c")], "upload"), 2, 422),
    (ReferralRequired("urgent", ["cauda equina signs"]), 3, 409),
    (NotFound("no patient with id 'x'"), 2, 404),
    (NoPersonYet("the store holds no person yet"), 2, 404),
    (Conflict("plan version 2 exists"), 2, 409),
    (AlreadyEnrolled("person 'p' is already enrolled", "id-1"), 2, 409),
    (NotAuthenticated("wrong e-mail or password"), 2, 401),
    (Forbidden("account administration is for admins"), 2, 403),
    (TooLarge("file: larger than 10 bytes"), 2, 413),
    (TooManyFields("at most 500 fields"), 2, 413),
    (RateLimited(30), 2, 429),
    (TooManyUploads(90, 20), 2, 429),
    (KnowledgeBaseError("techniques.toml is invalid"), 70, 500),
]


@pytest.mark.parametrize(("err", "exit_code", "status"), CASES, ids=lambda c: type(c).__name__)
def test_every_edge_reads_the_one_table(err: LumboError, exit_code: int, status: int) -> None:
    assert (outcome_of(err).exit_code, outcome_of(err).status) == (exit_code, status)
    assert exit_code_for(err) == exit_code
    api = asyncio.run(api_errors._lumbo_error(_request(), err))
    assert api.status_code == status
    assert "detail" in json.loads(bytes(api.body))
    page_status, title, lines = page_errors._explain(err)
    assert page_status == status  # before: TooLarge and TooManyUploads fell through to 500
    assert title == outcome_of(err).title and lines and all(isinstance(x, str) for x in lines)
    if isinstance(err, RateLimited):
        assert api.headers["retry-after"] == str(err.retry_after_s)


def test_service_messages_carry_no_cli_wording_the_cli_adds_its_hint() -> None:
    enrolled = AlreadyEnrolled(
        "person 'p' is already enrolled; a new intake is a reassessment", "id-1"
    )
    assert "lumbo" not in str(enrolled) and "id-1" not in str(enrolled)
    assert "`lumbo reassess INTAKE --person id-1`" in error_text(enrolled)
    assert "`lumbo init" in error_text(NoPersonYet("the store holds no person yet"))
    assert error_text(NotFound("no patient")) == "no patient"
