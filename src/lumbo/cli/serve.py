"""`lumbo serve [--host --port --workers --demo]` and `lumbo users add --role R --email E`.

Thin: settings from the environment (``lumbo.settings``), the app from ``create_app``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from dataclasses import replace
from typing import Annotated

import typer

from lumbo.cli._common import console
from lumbo.domain.errors import InvalidInput, Problem

ROLES = ("clinician", "patient", "admin")


def serve_cmd(
    host: Annotated[
        str | None, typer.Option("--host", help="default: LUMBO_HOST or 127.0.0.1")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="default: LUMBO_PORT or 8000")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64)] = 1,
    demo: Annotated[
        bool, typer.Option("--demo", help="create a demo clinician and patient on first run")
    ] = False,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--with-worker", help="also run one background-job worker (`lumbo worker`) alongside"
        ),
    ] = False,
) -> None:
    """Start the web service (pages, JSON API, OpenAPI docs at /docs)."""
    import uvicorn

    from lumbo.settings import Settings

    settings = Settings.from_env()
    settings = replace(settings, host=host or settings.host, port=port or settings.port)
    url = f"http://{settings.host}:{settings.port}"
    if workers > 1:  # each worker builds its own app from the environment
        console.print(f"lumbo serves on {url} ({workers} workers); API docs at {url}/docs")
        uvicorn.run(
            "lumbo.asgi:app_from_env",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            access_log=settings.access_log,
            proxy_headers=False,  # lumbo reads X-Forwarded-For itself, from trusted proxies only
        )
        return
    from lumbo.asgi import build_app

    app = build_app(settings)
    if demo:
        from lumbo.web.demo import ensure_demo

        accounts = ensure_demo(app.state.lumbo.store, settings)
        if accounts.created:  # passwords are shown once, never again in a later run's output
            console.print("Demo accounts created:")
            for email, password in (
                (accounts.clinician_email, accounts.clinician_password),
                (accounts.patient_email, accounts.patient_password),
            ):
                console.print(f"  {email}  password: {password}")
        else:
            console.print(
                f"Demo accounts: {accounts.clinician_email}, {accounts.patient_email} (passwords "
                f"shown on the first run; kept in {settings.data_dir / 'demo-accounts.json'}, "
                "readable by you only)"
            )
        console.print(
            f"Sign in at {url}/login in a browser, or POST {url}/api/auth/login with "
            '{"email": ..., "password": ...}.'
        )
    console.print(f"lumbo serves on {url}; API docs at {url}/docs (data: {settings.data_dir})")
    worker = _start_worker() if with_worker else None
    if worker is not None:
        # uvicorn shuts down on SIGTERM, then raises the signal again with the handler it found
        # installed: this one, so the worker is stopped too instead of outliving the server.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level="info",
            access_log=settings.access_log,
            proxy_headers=False,
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _start_worker() -> subprocess.Popen[bytes]:
    """One `lumbo worker` process with this process's environment (same database and queue)."""
    console.print("Starting a background-job worker (video analysis).")
    return subprocess.Popen([sys.executable, "-m", "lumbo", "worker"])


def users_add_cmd(
    role: Annotated[str, typer.Option("--role", help="clinician, patient or admin")],
    email: Annotated[str, typer.Option("--email")],
    person: Annotated[
        str | None, typer.Option("--person", help="patients: the person's store id")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Create an account (the password is prompted for, or read with --password-stdin)."""
    from lumbo.services.accounts import create_user
    from lumbo.settings import Settings
    from lumbo.store.db import open_store

    if role not in ROLES:
        raise InvalidInput([Problem("--role", f"must be one of {list(ROLES)}", role)], "options")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = Settings.from_env()
    store = open_store(settings.store)
    try:
        user = create_user(
            store,
            settings,
            email=email,
            password=password,
            role="clinician"
            if role == "clinician"
            else "patient"
            if role == "patient"
            else "admin",
            person_id=person,
        )
    finally:
        store.close()
    console.print(f"created {user.role} {user.email} (id {user.id})")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
    users = typer.Typer(help="Manage accounts of the web service.", no_args_is_help=True)
    users.command("add")(users_add_cmd)
    from lumbo.cli.accounts import register_users

    register_users(users)
    app.add_typer(users, name="users")
