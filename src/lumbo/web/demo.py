"""Demo accounts for ``lumbo serve --demo`` (``make run``): on first run, a clinician and a patient
enrolled from the bundled example intake, with random passwords kept in
``<data dir>/demo-accounts.json`` (mode 0600) so later runs can show them again. Idempotent.

The demo patient's plan starts on the day the demo is created (the example intake's own
``preferences.start_date`` is a fixed day, which would put a demo made weeks later in the middle
of its plan, or past its end)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import date
from importlib import resources

from lumbo.services import journey
from lumbo.services.accounts import create_user
from lumbo.settings import Settings
from lumbo.store.db import Store

CLINICIAN = "clinician@demo.lumbo.local"
PATIENT = "patient@demo.lumbo.local"


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    clinician_email: str
    clinician_password: str | None
    patient_email: str
    patient_password: str | None
    person_id: str | None
    created: bool


def demo_intake(start: date) -> str:
    """The bundled example intake, its plan starting on ``start``."""
    text = resources.files("lumbo").joinpath("examples/intake-seed-case.json").read_text("utf-8")
    data = json.loads(text)
    data.setdefault("preferences", {})["start_date"] = start.isoformat()
    return json.dumps(data)


def ensure_demo(store: Store, settings: Settings, today: date | None = None) -> DemoAccounts:
    path = settings.data_dir / "demo-accounts.json"
    with store.uow() as uow:
        existing = uow.accounts.user_by_email(CLINICIAN)
    if existing is not None:
        saved = json.loads(path.read_text("utf-8")) if path.exists() else {}
        return DemoAccounts(
            CLINICIAN,
            saved.get("clinician_password"),
            PATIENT,
            saved.get("patient_password"),
            saved.get("person_id"),
            created=False,
        )
    clinician_pw, patient_pw = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    clinician = create_user(
        store, settings, email=CLINICIAN, password=clinician_pw, role="clinician"
    )
    intake = demo_intake(today or date.today())
    enrolled = journey.init_person(store.uow(), intake, owner_id=clinician.id)
    create_user(
        store,
        settings,
        email=PATIENT,
        password=patient_pw,
        role="patient",
        person_id=enrolled.person.id,
    )
    accounts = DemoAccounts(
        CLINICIAN, clinician_pw, PATIENT, patient_pw, enrolled.person.id, created=True
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({k: v for k, v in asdict(accounts).items() if k != "created"}, out, indent=2)
    return accounts
