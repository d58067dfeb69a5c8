"""The guided session: technique cards, a 3-2-1 countdown, hold timers with a progress bar, the
terminal bell, and the questions after each block (interactive, or scripted from an answers file).

Time is injected (:class:`Clock`): the real clock sleeps, :class:`InstantClock` only advances a
counter, so scripted runs and tests never wait.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.prompt import Confirm, IntPrompt
from rich.text import Text

from lumbo.domain.errors import InvalidInput, NotFound, Problem
from lumbo.domain.knowledge import Library
from lumbo.domain.plan_view import dose_words
from lumbo.domain.protocol.model import Block, BlockLog, Session
from lumbo.domain.safety import overstretched
from lumbo.domain.session_guide import OVERSTRETCH, timed_phases
from lumbo.services.parsing import parse_model


class Clock(Protocol):
    def now(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass
class InstantClock:
    """A clock whose ``sleep`` only moves time forward: nothing waits."""

    t: float = 0.0
    slept: list[float] = field(default_factory=list)

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


Score = Annotated[int, Field(strict=True, ge=0, le=10)]


class BlockAnswers(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    completed_sets: Annotated[int, Field(strict=True, ge=0, le=20)] | None = None
    intensity: Score | None = None
    pain_during: Score | None = None
    pain_after: Score | None = None
    sharp_pain: bool | None = None
    new_numbness_or_tingling: bool | None = None


class Answers(BaseModel):
    """``--answers FILE``: ``default`` answers every block; ``blocks`` overrides by technique id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: str | None = None
    performed_on: date | None = None
    default: BlockAnswers = BlockAnswers()
    blocks: dict[str, BlockAnswers] = {}


def parse_answers(data: Any, session: Session) -> Answers:
    answers = parse_model(Answers, data, "answers")
    allowed = [b.technique for b in session.blocks]
    problems = [
        Problem(f"blocks.{tid}", f"must be a technique of this session: {allowed}")
        for tid in answers.blocks
        if tid not in allowed
    ]
    for block in session.blocks:  # every answer the session will ask for must be given
        given = answers.blocks.get(block.technique, BlockAnswers())
        needed = ["pain_during", "pain_after"]
        if block.dose.kind != "education":
            needed.append("intensity")
        for name in needed:
            if getattr(given, name) is None and getattr(answers.default, name) is None:
                where = f"blocks.{block.technique}.{name}"
                problems.append(Problem(where, f"required (here or as default.{name}), 0 to 10"))
    if problems:
        raise InvalidInput(problems, "answers")
    return answers


class Prompter(Protocol):
    def start(self, block: Block) -> None: ...
    def ask_int(self, name: str, label: str, lo: int, hi: int, default: int | None) -> int: ...
    def ask_bool(self, name: str, label: str) -> bool: ...


class ConsolePrompter:
    def __init__(self, console: Console) -> None:
        self.console = console

    def start(self, block: Block) -> None:
        pass

    def ask_int(self, name: str, label: str, lo: int, hi: int, default: int | None) -> int:
        while True:
            if default is None:
                value = IntPrompt.ask(f"{label} ({lo}-{hi})", console=self.console)
            else:
                value = IntPrompt.ask(f"{label} ({lo}-{hi})", console=self.console, default=default)
            if lo <= value <= hi:
                return value
            self.console.print(f"[red]{name} must be between {lo} and {hi}[/]")

    def ask_bool(self, name: str, label: str) -> bool:
        return Confirm.ask(label, console=self.console, default=False)


class ScriptedPrompter:
    """Answers from an :class:`Answers` document, echoed so the transcript reads like a session."""

    def __init__(self, answers: Answers, console: Console) -> None:
        self.answers = answers
        self.console = console
        self._block: Block | None = None

    def start(self, block: Block) -> None:
        self._block = block

    def _value(self, name: str) -> Any:
        assert self._block is not None
        tid = self._block.technique
        override = self.answers.blocks.get(tid)
        value = getattr(override, name) if override is not None else None
        if value is None:
            value = getattr(self.answers.default, name)
        return value

    def ask_int(self, name: str, label: str, lo: int, hi: int, default: int | None) -> int:
        value = self._value(name)
        if value is None:
            value = default
        if value is None:
            assert self._block is not None
            where = f"blocks.{self._block.technique}.{name}"
            raise InvalidInput([Problem(where, f"required (or default.{name}), {lo} to {hi}")])
        self.console.print(f"{label} ({lo}-{hi}): {value}", markup=False)
        return int(value)

    def ask_bool(self, name: str, label: str) -> bool:
        value = bool(self._value(name) or False)
        self.console.print(f"{label} [y/n]: {'y' if value else 'n'}", markup=False)
        return value


def card(block: Block, number: int, total: int, library: Library) -> Panel:
    try:
        t = library.get(block.technique)
        name, steps, cues = t.name, t.steps, t.cues
    except NotFound:
        name, steps, cues = block.technique, (), ()
    body: list[Any] = [
        Text(f"{block.role.value} · {dose_words(block.dose)}", style="bold"),
        Text(block.why, style="italic"),
    ]
    if steps:
        body.append(Text("Steps", style="bold underline"))
        body.extend(Text(f"{i}. {s}") for i, s in enumerate(steps, 1))
    if cues:
        body.append(Text("Cues", style="bold underline"))
        body.extend(Text(f"• {c}") for c in cues)
    return Panel(Group(*body), title=f"[{number}/{total}] {name}", title_align="left")


def countdown(console: Console, clock: Clock) -> None:
    for n in (3, 2, 1):
        console.print(f"  {n}...")
        clock.sleep(1.0)


def timer(console: Console, clock: Clock, seconds: float, label: str) -> None:
    """A progress bar over ``seconds`` of ``clock`` time, then the terminal bell."""
    if seconds <= 0:
        return
    start = clock.now()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(label, total=seconds)
        while (elapsed := clock.now() - start) < seconds:
            bar.update(task, completed=elapsed)
            clock.sleep(min(0.25, seconds - elapsed))
        bar.update(task, completed=seconds)
    console.file.write("\a")
    console.file.flush()


def run_block(console: Console, clock: Clock, block: Block, timers: bool) -> None:
    d = block.dose
    phases = timed_phases(d)
    sides = ("left", "right") if d.per_side else ("",)
    if not phases:
        if d.kind == "reps":
            console.print(f"  Do {dose_words(d)} at your own pace.")
        return
    if not timers:
        console.print("  (timers off) " + dose_words(d))
        return
    for s in range(1, d.sets + 1):
        for side in sides:
            where = f" {side}" if side else ""
            console.print(f"  Set {s}/{d.sets}{where}: get ready")
            countdown(console, clock)
            for label, seconds in phases:
                timer(console, clock, seconds, f"  {label}{where}")
            if d.rest_s and s < d.sets:
                console.print(f"  rest {d.rest_s} s")
                clock.sleep(d.rest_s)


def ask_block(console: Console, prompter: Prompter, block: Block) -> BlockLog:
    prompter.start(block)
    d = block.dose
    warned = False

    def warn() -> None:
        nonlocal warned
        if not warned:
            console.print(Panel(OVERSTRETCH, style="bold red", title="stop and ease off"))
            warned = True

    sets = prompter.ask_int("completed_sets", "Sets completed", 0, 20, d.sets)
    intensity = None
    if d.kind != "education":
        intensity = prompter.ask_int("intensity", "Stretch intensity", 0, 10, None)
        if overstretched(intensity):
            warn()
    pain_during = prompter.ask_int("pain_during", "Pain during", 0, 10, None)
    pain_after = prompter.ask_int("pain_after", "Pain after", 0, 10, None)
    sharp = prompter.ask_bool("sharp_pain", "Sharp or shooting pain?")
    if sharp:
        warn()
    tingling = prompter.ask_bool("new_numbness_or_tingling", "New numbness or tingling?")
    if tingling:
        warn()
    return BlockLog(
        technique=block.technique,
        completed_sets=sets,
        completed_reps=d.reps if d.kind == "reps" and sets else None,
        hold_s=d.hold_s if d.kind in {"hold", "contract_relax"} and sets else None,
        intensity=intensity,
        pain_during=pain_during,
        pain_after=pain_after,
        sharp_pain=sharp,
        new_numbness_or_tingling=tingling,
    )


def guide(
    console: Console,
    session: Session,
    library: Library,
    prompter: Prompter,
    clock: Clock,
    *,
    timers: bool = True,
) -> list[BlockLog]:
    """Walk through every block of ``session``; return what the person reported."""
    logs = []
    total = len(session.blocks)
    for n, block in enumerate(session.blocks, 1):
        console.print(card(block, n, total, library))
        run_block(console, clock, block, timers)
        logs.append(ask_block(console, prompter, block))
    return logs
