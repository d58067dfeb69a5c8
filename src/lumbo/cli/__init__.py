"""The ``lumbo`` command line: thin commands over the service functions.

Each command module exposes ``register(app)``; errors become exit codes only here, at the edge:
0 ok, 2 bad input / unknown id, 3 referral required, 70 internal knowledge-base fault.
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from lumbo.cli._common import EXIT_INPUT, console_err, error_text, exit_code_for

# One line per command module. Keep the order: it is the order of `lumbo --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "lumbo.cli.assess",
    "lumbo.cli.demo",
    "lumbo.cli.techniques",
    "lumbo.cli.measure",
    "lumbo.cli.form",
    "lumbo.cli.journey",
    "lumbo.cli.interop",
    "lumbo.cli.report",
    "lumbo.cli.serve",
    "lumbo.cli.worker",
    "lumbo.cli.audit",
    "lumbo.cli.reminders",
)


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="lumbo",
        help="Restore lower-back mobility with precision: assess, plan, guide, measure.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name in COMMAND_MODULES:
        import_module(name).register(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point.

    With ``argv`` given (tests, embedding) it returns the exit code; without, it exits the process.
    Usage errors (unknown option, bad choice) exit 2 through Typer; lumbo's own errors are mapped here.
    """
    from lumbo.domain.errors import LumboError

    app = build_app()
    try:
        app(args=argv, prog_name="lumbo")
        code = 0
    except LumboError as err:
        code = exit_code_for(err)
        console_err.print(f"error: {error_text(err)}", markup=False, highlight=False)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else EXIT_INPUT)
    except KeyboardInterrupt:
        console_err.print("interrupted")
        code = 130
    if argv is None:
        sys.exit(code)
    return code
