"""`lumbo audit verify`: recompute the audit log's hash chain (exit 0 intact, 1 broken)."""

from __future__ import annotations

import typer

from lumbo.cli._common import console, console_err

EXIT_BROKEN = 1


def verify_cmd() -> None:
    """Check that no audit entry was changed, removed or inserted since it was written."""
    from lumbo.services.access import verify_audit
    from lumbo.settings import Settings
    from lumbo.store.db import open_store

    settings = Settings.from_env()
    store = open_store(settings.store)
    try:
        report = verify_audit(store.uow())
    finally:
        store.close()
    before = f"; {report.unchained} older entries predate the chain" if report.unchained else ""
    if report.ok:
        console.print(f"audit log intact: {report.chained} chained entries{before}")
        return
    console_err.print(
        f"audit log BROKEN at entry {report.broken_at}: {report.reason} "
        f"({report.chained} entries before it are intact{before})"
    )
    raise typer.Exit(EXIT_BROKEN)


def register(app: typer.Typer) -> None:
    audit = typer.Typer(help="The audit log of the web service.", no_args_is_help=True)
    audit.command("verify")(verify_cmd)
    app.add_typer(audit, name="audit")
