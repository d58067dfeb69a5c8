"""Shared helpers for CLI commands: consoles, exit codes, reading input files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from lumbo.domain.errors import (
    Conflict,
    InvalidInput,
    KnowledgeBaseError,
    LumboError,
    NotFound,
    Problem,
    ReferralRequired,
)

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_REFERRAL = 3
EXIT_INTERNAL = 70

console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)


def exit_code_for(err: LumboError) -> int:
    if isinstance(err, ReferralRequired):
        return EXIT_REFERRAL
    if isinstance(err, InvalidInput | NotFound | Conflict):
        return EXIT_INPUT
    if isinstance(err, KnowledgeBaseError):
        return EXIT_INTERNAL
    return EXIT_INTERNAL


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
    from lumbo.store.db import Store
    from lumbo.web.settings import WebSettings


@contextmanager
def web_store() -> Iterator[tuple[Store, WebSettings]]:
    """The store the web service uses (its settings, from the environment), closed afterwards."""
    from lumbo.store.db import open_store
    from lumbo.web.settings import WebSettings

    settings = WebSettings.from_env()
    store = open_store(settings.store)
    try:
        yield store, settings
    finally:
        store.close()
