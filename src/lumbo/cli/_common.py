"""Shared helpers for CLI commands: consoles, exit codes, reading input files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from lumbo.domain.errors import InvalidInput, LumboError, Problem
from lumbo.services.errors import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_REFERRAL,
    AlreadyEnrolled,
    NoPersonYet,
    outcome_of,
)

EXIT_OK = 0
__all__ = [
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_REFERRAL",
    "error_text",
    "exit_code_for",
]

console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)


def exit_code_for(err: LumboError) -> int:
    """The exit code of the one error table (:data:`lumbo.services.errors.OUTCOMES`)."""
    return outcome_of(err).exit_code


def cli_hint(err: LumboError) -> str | None:
    """What to type next, added by the CLI to a service's error (services carry no CLI wording)."""
    if isinstance(err, AlreadyEnrolled):
        return f"use `lumbo reassess INTAKE --person {err.person_id}` for a new intake"
    if isinstance(err, NoPersonYet):
        return "run `lumbo init INTAKE` first"
    return None


def error_text(err: LumboError) -> str:
    """The error's message, with the CLI's hint when one applies."""
    hint = cli_hint(err)
    return f"{err}" if hint is None else f"{err}\nhint: {hint}"


def read_text(path: Path, what: str) -> str:
    """Read a user-supplied file; a missing or unreadable file is bad input (exit 2)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput([Problem(what, "file not found", str(path))], what) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput([Problem(what, f"cannot read file: {err}", str(path))], what) from None


def print_json(data: Any) -> None:
    """Print JSON to stdout exactly (no Rich markup or wrapping)."""
    import sys

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


if TYPE_CHECKING:
    from lumbo.settings import Settings
    from lumbo.store.db import Store


def cli_settings(*, signs: bool = True) -> Settings:
    """lumbo's one settings model, from the environment: a command reads it once and passes its
    parts down (:mod:`lumbo.settings`). ``signs=False``: the command signs nothing (no secret
    key is created for it)."""
    from lumbo.settings import Settings

    return Settings.from_env(signs=signs)


@contextmanager
def web_store(*, signs: bool = True) -> Iterator[tuple[Store, Settings]]:
    """The store the web service uses (the one settings model, read once), closed afterwards."""
    from lumbo.store.db import open_store

    settings = cli_settings(signs=signs)
    store = open_store(settings.store)
    try:
        yield store, settings
    finally:
        store.close()
