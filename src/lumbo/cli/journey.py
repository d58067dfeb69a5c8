# long-module: the nine journey commands share their options (--person, --on, --json) and the store
#   they open; each is a thin call to services.journey
"""`lumbo init | plan | adjust | today | session | log | checkin | reassess | progress`.

Thin: parse options, call :mod:`lumbo.services.journey`, render. The store comes from
``LUMBO_DATABASE_URL`` (default: an SQLite file in the user's data directory).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lumbo.cli import _journey_view as view
from lumbo.cli._common import console, console_err, print_json, read_text, web_store
from lumbo.cli._guide import (
    Clock,
    ConsolePrompter,
    InstantClock,
    Prompter,
    RealClock,
    ScriptedPrompter,
    guide,
    parse_answers,
)
from lumbo.domain.errors import InvalidInput, Problem, ReferralRequired
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.model import CheckIn, SessionLog
from lumbo.services.parsing import load_json, parse_list, parse_model

if TYPE_CHECKING:  # the store and services load only when a journey command runs
    from rich.console import Console

    from lumbo.services.journey import Recorded
    from lumbo.store.db import Store

PersonOpt = Annotated[
    str | None,
    typer.Option("--person", help="store id or intake person.id (default: the most recent)"),
]
OnOpt = Annotated[str | None, typer.Option("--on", help="date YYYY-MM-DD (default: today)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]


@contextmanager
def _store() -> Iterator[Store]:
    with web_store(signs=False) as (store, _settings):
        yield store


def _date(value: str | None, option: str = "--on") -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            [Problem(option, "must be a date YYYY-MM-DD", value)], "options"
        ) from None


def _referral(urgency: str, reasons: tuple[str, ...] | list[str]) -> ReferralRequired:
    return ReferralRequired(urgency, list(reasons))


def init_cmd(
    intake: Annotated[Path, typer.Argument(help="intake JSON file")],
    as_json: JsonOpt = False,
) -> None:
    """Enrol a person: validate and assess the intake, store it, build and store plan version 1."""
    from lumbo.services import journey

    text = read_text(intake, "intake")
    with _store() as store:
        enrolled = journey.init_person(store.uow(), text)
    referral = enrolled.assessment.referral
    if as_json:
        print_json(
            {
                "person_id": enrolled.person.id,
                "external_ref": enrolled.person.external_ref,
                "referral": referral.model_dump(mode="json"),
                "plan_version": None if enrolled.plan is None else enrolled.plan.version,
            }
        )
    else:
        console.print(
            f"Enrolled person {enrolled.person.external_ref or ''} (id {enrolled.person.id})"
        )
        if enrolled.plan is not None:
            console.print(view.plan_summary(enrolled.plan.plan, enrolled.plan.version))
            console.print("Next: `lumbo today`, then `lumbo session`.")
    if enrolled.plan is None:
        raise _referral(referral.urgency, referral.reasons)


def plan_cmd(
    intake: Annotated[Path, typer.Argument(help="intake JSON file")],
    as_json: JsonOpt = False,
    week: Annotated[int | None, typer.Option("--week", help="show one week (1-12)")] = None,
) -> None:
    """Assess an intake and print its 12-week plan (stateless: nothing is stored)."""
    from lumbo.domain.protocol.engine import build_plan
    from lumbo.services.assessment import assess_intake_text

    if week is not None and not 1 <= week <= 12:
        raise InvalidInput([Problem("--week", "must be between 1 and 12", week)], "options")
    assessed = assess_intake_text(read_text(intake, "intake"))
    plan = build_plan(assessed.intake, assessed.assessment)
    if week is not None and plan.status == "ok" and as_json:
        plan = plan.model_copy(update={"weeks": tuple(w for w in plan.weeks if w.week == week)})
    if as_json:
        print_json(plan.to_json())
    else:
        from lumbo.domain.plan_view import plan_lines

        for line in plan_lines(plan, library(), week):
            console.print(line, markup=False, soft_wrap=True)
    if plan.status != "ok":
        referral = assessed.assessment.referral
        if as_json:
            raise SystemExit(3)
        raise _referral(referral.urgency, referral.reasons)


def adjust_cmd(
    plan_file: Annotated[
        Path, typer.Argument(metavar="PLAN", help="plan JSON (lumbo plan --json)")
    ],
    logs_file: Annotated[
        Path,
        typer.Argument(metavar="LOGS", help='session logs JSON: [...] or {"logs", "checkins"}'),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Judge session logs against a plan: progress / hold / regress / swap (stateless, files).

    Give the next-morning check-ins too ({"logs": [...], "checkins": [...]}): a session is green
    only once its check-in shows that pain settled. The latest session without one is pending (its
    check-in may still come: it neither holds nor counts as green, but red on its own still
    regresses at once); an earlier session without one holds.
    """
    from lumbo.domain.adjust.decide import adjust
    from lumbo.domain.protocol.model import Plan

    plan = parse_model(Plan, load_json(read_text(plan_file, "plan"), "plan"), "plan")
    data = load_json(read_text(logs_file, "logs"), "logs")
    logs = parse_list(SessionLog, data, "logs", "logs")
    checkins = parse_list(CheckIn, data, "logs", "checkins") if isinstance(data, dict) else []
    adjustment = adjust(plan, logs, checkins)
    if as_json:
        print_json(adjustment.to_json())
    else:
        console.print(view.adjustment_view(adjustment, library()))


def today_cmd(person: PersonOpt = None, on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """The session due today for this person."""
    from lumbo.services import journey

    day = _date(on)
    with _store() as store:
        who = journey.find_person(store.uow(), person)
        t = journey.today(store.uow(), who.id, day)
    if as_json:
        print_json(t.to_json())
    else:
        console.print(view.today_view(t, library()))


def session_cmd(
    person: PersonOpt = None,
    on: OnOpt = None,
    answers: Annotated[
        Path | None, typer.Option("--answers", help="JSON answers for a scripted run (no waiting)")
    ] = None,
    no_timer: Annotated[bool, typer.Option("--no-timer", help="skip the timers")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Guided session: technique cards, countdown, hold timers, bell; then questions per block."""
    from lumbo.services import journey

    out = console_err if as_json else console
    with _store() as store:
        who = journey.find_person(store.uow(), person)
        scripted = None
        if answers is not None:
            scripted = load_json(read_text(answers, "answers"), "answers")
        day = _date(on)
        if isinstance(scripted, dict) and scripted.get("performed_on") and on is None:
            day = _date(str(scripted["performed_on"]), "answers.performed_on")
        t = journey.today(store.uow(), who.id, day)
        if t.session is None:
            out.print(view.today_view(t, library()))
            return
        prompter: Prompter
        clock: Clock
        if scripted is not None:
            parsed = parse_answers(scripted, t.session)
            prompter, clock, session_id = (
                ScriptedPrompter(parsed, out),
                InstantClock(),
                parsed.session_id,
            )
        else:
            prompter, clock, session_id = ConsolePrompter(out), RealClock(), None
        out.print(view.today_view(t, library()))
        blocks = guide(out, t.session, library(), prompter, clock, timers=not no_timer)
        log = parse_model(
            SessionLog,
            {
                "session_id": session_id or uuid.uuid4().hex,
                "plan_version": t.plan_version,
                "week": t.week,
                "session_index": t.session.index,
                "performed_on": day.isoformat(),
                "blocks": [b.model_dump(mode="json") for b in blocks],
            },
            "session log",
        )
        recorded = journey.record_session(store.uow(), who.id, log)
    _show_recorded(recorded, out, as_json, blocks_table=True)


def log_cmd(
    file: Annotated[Path, typer.Argument(help="session log JSON (one object or a list)")],
    person: PersonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record session logs from a file; replaying the same session_id is a no-op."""
    from lumbo.services import journey

    data = load_json(read_text(file, "log"), "session log")
    logs = parse_list(SessionLog, data if isinstance(data, list) else [data], "session log", "logs")
    results = []
    with _store() as store:
        who = journey.find_person(store.uow(), person)
        for log in logs:
            recorded = journey.record_session(store.uow(), who.id, log)
            results.append(recorded)
            _show_recorded(recorded, console_err if as_json else console, False)
    if as_json:
        print_json([_recorded_json(r) for r in results])


def checkin_cmd(
    person: PersonOpt = None,
    pain: Annotated[
        int | None, typer.Option("--pain", min=0, max=10, help="pain now, 0-10")
    ] = None,
    stiffness: Annotated[
        int | None, typer.Option("--stiffness", min=0, max=10, help="stiffness now, 0-10")
    ] = None,
    session_id: Annotated[
        str | None, typer.Option("--session", help="session id (default: the latest session)")
    ] = None,
    checkin_id: Annotated[
        str | None, typer.Option("--id", help="check-in id (for retries)")
    ] = None,
    warning_sign: Annotated[
        list[str] | None,
        typer.Option(
            "--warning-sign",
            help=(
                "report a warning sign (repeatable): new_weakness, saddle_numbness, "
                "bladder_or_bowel_change, symptoms_spread_down_leg; any one stops the plan"
            ),
        ),
    ] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Next-morning check-in: pain and stiffness 0-10 (asked when not given), and any warning
    sign (new weakness, saddle numbness, bladder or bowel change, symptoms spreading down the
    leg), which stops the plan at once."""
    from rich.prompt import IntPrompt

    from lumbo.services import journey

    day = _date(on)
    if pain is None:
        pain = IntPrompt.ask("Pain this morning (0-10)", console=console)
    if stiffness is None:
        stiffness = IntPrompt.ask("Stiffness this morning (0-10)", console=console)
    with _store() as store:
        who = journey.find_person(store.uow(), person)
        if session_id is None:
            latest = journey.progress(store.uow(), who.id, day).sessions
            session_id = latest[-1].session_id if latest else None
        raw: dict[str, Any] = {
            "checkin_id": checkin_id or uuid.uuid4().hex,
            "on": day.isoformat(),
            "session_id": session_id,
            "pain": pain,
            "stiffness": stiffness,
            "warning_signs": list(warning_sign or ()),
        }
        recorded = journey.record_checkin(
            store.uow(), who.id, parse_model(CheckIn, raw, "check-in")
        )
    _show_recorded(recorded, console_err if as_json else console, as_json)


def reassess_cmd(
    intake: Annotated[Path, typer.Argument(help="follow-up intake JSON file")],
    person: PersonOpt = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Reassess: store a follow-up intake and its assessment, with outcomes against baseline."""
    from lumbo.services import journey

    text = read_text(intake, "intake")
    with _store() as store:
        who = journey.find_person(store.uow(), person)
        result = journey.reassess(store.uow(), who.id, text, on=_date(on))
    if as_json:
        print_json(
            {
                "person_id": result.person_id,
                "week": result.week,
                "referral": result.assessment.referral.model_dump(mode="json"),
                "plan_version": None if result.plan is None else result.plan.version,
                "plan_created": result.plan_created,
                "outcomes": result.outcomes,
            }
        )
    else:
        console.print(f"Reassessed (week {result.week}); see `lumbo progress`.")
    if result.referral_required:
        referral = result.assessment.referral
        raise _referral(referral.urgency, referral.reasons)


def progress_cmd(
    person: PersonOpt = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="write a PNG figure here")] = None,
) -> None:
    """Progress: adherence, range of motion vs age norms, questionnaires vs MCID."""
    from lumbo.services import journey

    with _store() as store:
        who = journey.find_person(store.uow(), person)
        data = journey.progress(store.uow(), who.id, _date(on)).to_json()
    if plot is not None:
        from lumbo.services.progress_figure import progress_figure

        try:
            progress_figure(data).savefig(plot, dpi=120)
        except OSError as err:
            raise InvalidInput([Problem("--plot", f"cannot write: {err}", str(plot))]) from None
    if as_json:
        print_json(data)
    else:
        console.print(view.progress_view(data))
        if plot is not None:
            console.print(f"Figure written to {plot}")


def _recorded_json(r: Recorded) -> dict[str, Any]:
    return {
        "created": r.created,
        "session_id": None if r.log is None else r.log.log.session_id,
        "checkin_id": None if r.checkin is None else r.checkin.checkin.checkin_id,
        "plan_version": r.plan.version,
        "new_plan": r.new_plan,
        "adjustment": None if r.adjustment is None else r.adjustment.to_json(),
    }


def _show_recorded(r: Recorded, out: Console, as_json: bool, *, blocks_table: bool = False) -> None:
    if as_json:
        print_json(_recorded_json(r))
        return
    lib = library()
    if blocks_table and r.log is not None:
        out.print(view.block_logs(r.log.log.blocks, lib))
    what = "session " + r.log.log.session_id if r.log else "check-in"
    if not r.created:
        out.print(f"Already recorded ({what}): nothing changed.")
        return
    out.print(f"Recorded {what}.")
    if r.adjustment is not None:
        out.print(view.adjustment_view(r.adjustment, lib))
    if r.new_plan:
        out.print(f"New plan version {r.plan.version}: {r.plan.reason}")


def register(app: typer.Typer) -> None:
    app.command("init")(init_cmd)
    app.command("plan")(plan_cmd)
    app.command("adjust")(adjust_cmd)
    app.command("today")(today_cmd)
    app.command("session")(session_cmd)
    app.command("log")(log_cmd)
    app.command("checkin")(checkin_cmd)
    app.command("reassess")(reassess_cmd)
    app.command("progress")(progress_cmd)
