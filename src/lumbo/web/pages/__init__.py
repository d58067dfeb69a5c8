"""Server-rendered pages for clinicians and patients (Jinja2 templates, a little vanilla JS).

:func:`install` adds the page routers and ``/static`` to an app built by ``create_app``. The pages
call the same services as the JSON API and the CLI.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from lumbo.web.pages import (
    app_shell,
    clinic_day,
    clinician,
    data_admin,
    documents,
    password,
    patient,
    patient_account,
    reminders,
    self_assessment,
    self_check,
    sharing,
    signin,
    signup,
    videos,
    wizard,
)
from lumbo.web.pages.common import STATIC_DIR


def install(app: FastAPI) -> None:
    """Mount ``/static`` and include every page router (the wizard before ``/patients/{id}``)."""
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for module in (
        app_shell,
        signin,
        signup,
        wizard,
        clinic_day,
        clinician,
        password,
        patient,
        patient_account,
        reminders,
        videos,
        data_admin,
        documents,
        sharing,
        self_assessment,
        self_check,
    ):
        app.include_router(module.router)
