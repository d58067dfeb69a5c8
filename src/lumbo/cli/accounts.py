"""`lumbo users list|disable|enable|reset|role|delete`: account administration from the terminal
(the same functions as the admin pages and API; each change is audited with actor role ``cli``).
ACCOUNT is an account id or e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from lumbo.cli._common import console, print_json, web_store

if TYPE_CHECKING:
    pass

AccountArg = Annotated[str, typer.Argument(help="account id or e-mail")]


def list_cmd(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Every account with its role and status."""
    from rich.table import Table

    from lumbo.services.accounts import list_accounts

    with web_store() as (store, _):
        users = list_accounts(store)
    if as_json:
        print_json([u.public() for u in users])
        return
    table = Table("e-mail", "role", "status", "id", "created")
    for u in users:
        status = "active" if u.active else "disabled"
        table.add_row(u.email, u.role, status, u.id, u.created_at.date().isoformat())
    console.print(table)


def _act(ref: str, what: str) -> None:
    from lumbo.services import accounts

    with web_store() as (store, settings):
        user = accounts.find_account(store, ref)
        actor = accounts.Actor(None)
        if what in ("disable", "enable"):
            accounts.set_active(store, actor, user.id, what == "enable")
            console.print(f"{user.email}: {what}d")
        elif what == "reset":
            token = accounts.force_reset(store, settings, actor, user.id)
            console.print(f"{user.email}: password retired; one-time link (valid 24 h):")
            print(f"http://{settings.host}:{settings.port}/reset/{token}")
        elif what == "delete":
            accounts.delete_account(store, actor, user.id)
            console.print(f"{user.email}: deleted")


def disable_cmd(account: AccountArg) -> None:
    """Disable an account and end its sessions (never the last active admin)."""
    _act(account, "disable")


def enable_cmd(account: AccountArg) -> None:
    """Re-enable a disabled account."""
    _act(account, "enable")


def reset_cmd(account: AccountArg) -> None:
    """Force a password reset: print a one-time link for the account holder."""
    _act(account, "reset")


def delete_cmd(account: AccountArg) -> None:
    """Delete a staff account that owns no patients (never the last active admin)."""
    _act(account, "delete")


def role_cmd(
    account: AccountArg, role: Annotated[str, typer.Argument(help="clinician or admin")]
) -> None:
    """Change a staff account's role (never demote the last active admin)."""
    from lumbo.services import accounts

    with web_store() as (store, _):
        user = accounts.find_account(store, account)
        accounts.change_role(store, accounts.Actor(None), user.id, role)
    console.print(f"{user.email}: now {role}")


def register_users(users: typer.Typer) -> None:
    users.command("list")(list_cmd)
    users.command("disable")(disable_cmd)
    users.command("enable")(enable_cmd)
    users.command("reset")(reset_cmd)
    users.command("role")(role_cmd)
    users.command("delete")(delete_cmd)
