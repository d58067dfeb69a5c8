"""`lumbo reminders send`: e-mail today's reminders to the patients who chose them now. The worker
(`lumbo worker`, or `lumbo serve --with-worker`) already does this every few minutes; the command
is for a setup without a worker (cron, a systemd timer) or to send at once. Each patient gets at
most one a day, whoever sends it. Needs SMTP (``LUMBO_SMTP_*``): without it, exit 2 and say so."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from lumbo.cli._common import EXIT_INPUT, console, console_err


def send_cmd(
    url: str | None = typer.Option(
        None, "--url", help="the address patients open lumbo at (default: LUMBO_PUBLIC_URL)"
    ),
) -> None:
    """Send the e-mail reminders that are due now (each patient's own time zone)."""
    from lumbo.services import reminders
    from lumbo.services.mail import mailer_for
    from lumbo.settings import Settings
    from lumbo.store.db import open_store

    settings = Settings.from_env()
    mailer = mailer_for(settings.mail)
    if mailer is None:
        console_err.print("e-mail is not configured: set LUMBO_SMTP_HOST and LUMBO_SMTP_FROM")
        raise typer.Exit(EXIT_INPUT)
    store = open_store(settings.store)
    try:
        link = (url or settings.app_url).rstrip("/")
        sent = reminders.send_all_due(store.uow, mailer, datetime.now(UTC), link)
    finally:
        store.close()
    console.print(f"{len(sent)} reminder e-mail(s) sent")


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="E-mail reminders for patients.", no_args_is_help=True)
    group.command("send")(send_cmd)
    app.add_typer(group, name="reminders")
