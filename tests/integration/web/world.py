"""A populated app for API tests: an admin, two clinicians each with one enrolled patient (the
example intake) who has a login, and a queued job per patient; signed-in clients for each."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from lumbo.services import journey
from lumbo.services.accounts import create_user
from lumbo.store.jobs import Job
from lumbo.store.tables import Base
from lumbo.web.deps import AppContext
from tests.helpers import example_intake_in_program

PASSWORD = "correct horse battery"


class Client(TestClient):
    """A TestClient that sends the CSRF token of its session with every request."""

    csrf: str | None = None

    def __init__(self, app: FastAPI) -> None:
        super().__init__(app, follow_redirects=False)

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if self.csrf is not None:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRF-Token", self.csrf)
            kwargs["headers"] = headers
        return super().request(method, url, **kwargs)


def signed_in(app: FastAPI, email: str, password: str = PASSWORD) -> Client:
    client = Client(app)
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    client.csrf = response.json()["csrf_token"]
    return client


@dataclass
class World:
    app: FastAPI
    ctx: AppContext
    person_a: str
    person_b: str
    job_a: str
    job_b: str
    admin: Client
    clinician_a: Client
    clinician_b: Client
    patient_a: Client
    patient_b: Client

    def anonymous(self) -> Client:
        return Client(self.app)

    def row_counts(self, *, skip: frozenset[str] = frozenset({"audit_log"})) -> dict[str, int]:
        """Rows per table (the audit log is skipped: it records every access, rejected or not)."""
        with self.ctx.store.uow() as uow:
            return {
                name: int(uow.session.scalar(select(func.count()).select_from(table)) or 0)
                for name, table in Base.metadata.tables.items()
                if name not in skip
            }


def _enrol(ctx: AppContext, clinician: str, patient: str) -> tuple[str, str]:
    owner = create_user(
        ctx.store, ctx.settings, email=clinician, password=PASSWORD, role="clinician"
    )
    # started two weeks ago at most, whatever the calendar says: reminders and today's session
    # are judged on the calendar's today
    intake = json.dumps(example_intake_in_program())
    person = journey.init_person(ctx.store.uow(), intake, owner_id=owner.id).person
    create_user(
        ctx.store,
        ctx.settings,
        email=patient,
        password=PASSWORD,
        role="patient",
        person_id=person.id,
    )
    job = Job(kind="video_analysis", person_id=person.id, payload={"video_id": None})
    with ctx.store.uow() as uow:
        uow.jobs.add_job(job)
        uow.commit()
    return person.id, job.id


def build_world(app: FastAPI) -> World:
    ctx: AppContext = app.state.lumbo
    create_user(ctx.store, ctx.settings, email="admin@x.test", password=PASSWORD, role="admin")
    person_a, job_a = _enrol(ctx, "a@x.test", "pa@x.test")
    person_b, job_b = _enrol(ctx, "b@x.test", "pb@x.test")
    return World(
        app=app,
        ctx=ctx,
        person_a=person_a,
        person_b=person_b,
        job_a=job_a,
        job_b=job_b,
        admin=signed_in(app, "admin@x.test"),
        clinician_a=signed_in(app, "a@x.test"),
        clinician_b=signed_in(app, "b@x.test"),
        patient_a=signed_in(app, "pa@x.test"),
        patient_b=signed_in(app, "pb@x.test"),
    )
