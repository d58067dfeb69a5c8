"""The errors services raise beyond the domain's, and the one table that maps every lumbo error
to its CLI exit code, HTTP status and page title (the edges read it; nobody writes it again).

    LumboError
    ├── InvalidInput        bad input, naming each field                       CLI 2   HTTP 422
    ├── ReferralRequired    a red flag withholds the plan                      CLI 3   HTTP 409
    │   └── PlanWithheld    a self-assessment's safety gate stops the plan
    ├── NotFound            an id that does not exist (or is not yours)        CLI 2   HTTP 404
    │   └── NoPersonYet     nothing enrolled yet
    ├── Conflict            a write that contradicts stored state              CLI 2   HTTP 409
    │   └── AlreadyEnrolled the intake's person is enrolled already
    ├── NotAuthenticated    no valid sign-in session                           CLI 2   HTTP 401
    ├── Forbidden           signed in, but the role may not do this            CLI 2   HTTP 403
    ├── TooLarge            a body, file or video above its limit              CLI 2   HTTP 413
    ├── RateLimited         too many attempts; ``retry_after_s``               CLI 2   HTTP 429
    │   └── TooManyUploads  too many uploads within the hour
    └── KnowledgeBaseError  a shipped data file is invalid (a packaging bug)   CLI 70  HTTP 500

Messages name what is wrong in the product's words; they carry no CLI command or HTTP wording
(the CLI adds its own hints, the web its own layout).
"""

from __future__ import annotations

from dataclasses import dataclass

from lumbo.domain.errors import (
    Conflict,
    InvalidInput,
    KnowledgeBaseError,
    LumboError,
    NotFound,
    ReferralRequired,
)
from lumbo.domain.self_assessment.gate import Gate


class AlreadyEnrolled(Conflict):
    """An intake for a person who is already enrolled (a new intake is a reassessment);
    ``person_id`` is the enrolled person's store id (the CLI names it in its hint)."""

    def __init__(self, message: str, person_id: str) -> None:
        self.person_id = person_id
        super().__init__(message)


class PlanWithheld(ReferralRequired):
    """A self-assessment that may not lead to a plan (issue 20): ``gate`` says why in the person's
    words (emergency, too young, see a clinician, or a safety question unanswered); the web shows
    the matching screen."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        super().__init__(gate.outcome.value, list(gate.reasons) or [gate.advice])


class NoPersonYet(NotFound):
    """The store holds no person yet (nothing was enrolled)."""


class NotAuthenticated(LumboError):
    """No valid session."""


class Forbidden(LumboError):
    """Signed in, but the role may not do this."""


class TooLarge(LumboError):
    """A request body, file or video above the configured limit."""


class RateLimited(LumboError):
    """Too many attempts; try again after ``retry_after_s`` seconds."""

    def __init__(self, retry_after_s: int, message: str | None = None) -> None:
        self.retry_after_s = max(1, retry_after_s)
        super().__init__(
            message or f"too many failed sign-ins; try again in {self.retry_after_s} seconds"
        )


class TooManyUploads(RateLimited):
    """More uploads within the hour than the account may make."""

    def __init__(self, retry_after_s: int, limit: int) -> None:
        wait = max(1, retry_after_s)
        super().__init__(
            wait, f"at most {limit} videos per hour; try again in {wait // 60 + 1} minutes"
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an edge reports an error: exit code, HTTP status, the title of an error page, and
    whether the refusal is audited."""

    exit_code: int
    status: int
    title: str
    audited: bool = False


EXIT_INPUT, EXIT_REFERRAL, EXIT_INTERNAL = 2, 3, 70
INTERNAL = Outcome(EXIT_INTERNAL, 500, "lumbo could not load this page")

#: Most specific first: the first class the error is an instance of decides.
OUTCOMES: tuple[tuple[type[LumboError], Outcome], ...] = (
    (InvalidInput, Outcome(EXIT_INPUT, 422, "Some values are not valid")),
    (ReferralRequired, Outcome(EXIT_REFERRAL, 409, "Plan withheld: referral required")),
    (NotFound, Outcome(EXIT_INPUT, 404, "Not found")),
    (Conflict, Outcome(EXIT_INPUT, 409, "This changed in the meantime")),
    (NotAuthenticated, Outcome(EXIT_INPUT, 401, "Not signed in")),
    (Forbidden, Outcome(EXIT_INPUT, 403, "Not allowed", audited=True)),
    (TooLarge, Outcome(EXIT_INPUT, 413, "Too large")),
    (TooManyUploads, Outcome(EXIT_INPUT, 429, "Too many uploads", audited=True)),
    (RateLimited, Outcome(EXIT_INPUT, 429, "Too many attempts", audited=True)),
    (KnowledgeBaseError, Outcome(EXIT_INTERNAL, 500, "lumbo could not load its knowledge base")),
)


def outcome_of(err: BaseException) -> Outcome:
    """The table's row for ``err`` (any other exception: an internal error)."""
    for cls, outcome in OUTCOMES:
        if isinstance(err, cls):
            return outcome
    return INTERNAL
