"""Helpers for the self-assessment tests (issue 20): an account, answering every screen through
the service, and a finished video job."""

from __future__ import annotations

from typing import Any

from lumbo.domain.knowledge import library
from lumbo.domain.protocol.model import Plan
from lumbo.domain.protocol.self_directed import SPINE
from lumbo.domain.self_assessment import Kind
from lumbo.services import self_assessment as sa
from lumbo.store.accounts import User
from lumbo.store.jobs import VIDEO_ANALYSIS, Job
from lumbo.store.unit_of_work import AbstractUnitOfWork

SAFE: dict[str, Any] = {"age": 42, "back_surgery": "no"}


def new_account(uow: AbstractUnitOfWork, email: str = "self@example.org") -> str:
    user = User(email=email, role="patient", password_hash="not-a-real-hash")
    with uow:
        uow.accounts.add_user(user)
        uow.commit()
    return user.id


def safe_value(step: sa.StepView, overrides: dict[str, Any]) -> Any:
    """The answer a person without red flags gives (``overrides`` first)."""
    if step.id in overrides:
        return overrides[step.id]
    if step.id in SAFE:
        return SAFE[step.id]
    if step.kind is Kind.yes_no:
        return False
    if step.optional:
        return None
    if step.kind is Kind.choices:
        return ["mat", "chair"]
    if step.kind is Kind.activities:
        return [{"activity": "Walking to the shop", "score": 4}]
    if step.kind is Kind.choice:
        return step.choices[0].value
    assert step.low is not None
    return int(step.low)


def answer_all(
    uow: AbstractUnitOfWork, user_id: str, overrides: dict[str, Any] | None = None
) -> sa.Draft:
    """Answer screen after screen until none is left or the gate stops the flow."""
    draft = sa.start_or_resume(uow, user_id)
    seen = 0
    while draft.step is not None and not draft.gate.stops:
        draft = sa.answer(uow, user_id, draft.step.id, safe_value(draft.step, overrides or {}))
        seen += 1
        assert seen < 200, "the flow does not end"
    return draft


def fit_plan(uow: AbstractUnitOfWork, user_id: str, answers: dict[str, Any]) -> sa.Draft:
    """After the plan: answer the self-tests that fit it (``answers``; a test not in it skipped)."""
    draft = sa.start_or_resume(uow, user_id)
    seen = 0
    while draft.step is not None and draft.fitting:
        draft = sa.answer(uow, user_id, draft.step.id, answers.get(draft.step.id))
        seen += 1
        assert seen < 10, "the fitting does not end"
    return draft


def video_job(
    uow: AbstractUnitOfWork,
    person_id: str,
    flexion: float | None,
    *,
    measured: bool = True,
    status: str = "done",
) -> str:
    """A finished analysis of a forward bend (``flexion`` None: only an unreliable value)."""
    fields = {} if flexion is None else {"lumbar_flexion_deg": flexion}
    unreliable = {"lumbar_flexion_deg": 55.0} if flexion is None else {}
    result = {
        "verdict": {"measured": measured},
        "measurements": {
            "fields": {"method": "video", **fields},
            "unreliable": unreliable,
            "uncertainty_deg": {"lumbar_flexion_deg": 21.0 if flexion is None else 3.5},
        },
    }
    job = Job(
        kind=VIDEO_ANALYSIS,
        person_id=person_id,
        payload={"video_id": "v1", "movement": "trunk_flexion"},
        status="done" if status == "done" else "running",
        result=result if status == "done" else None,
    )
    with uow:
        uow.jobs.add_job(job)
        uow.commit()
    return job.id


def end_range_spine(plan: Plan) -> dict[str, set[str]]:
    """The plan's end-range spine techniques, each with the directions it moves in (neutral left
    out): what the stricter defaults allow only in a recorded directional preference."""
    lib = library()
    used = {b.technique for w in plan.weeks for s in w.sessions for b in s.blocks}
    return {
        t: {d.value for d in lib.get(t).directions} - {"neutral"}
        for t in used
        if lib.get(t).end_range and set(lib.get(t).regions) & SPINE
    }
