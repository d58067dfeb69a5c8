"""`lumbo measure VIDEO`: trunk range of motion and movement quality from a recorded video.

Everything heavy (OpenCV, MediaPipe, SciPy) is imported inside the command, so `lumbo --help` and
the other commands work without the ``vision`` extra.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lumbo.cli._common import cli_settings, console, console_err, print_json
from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.movements import Movement

if TYPE_CHECKING:
    from lumbo.store.settings import StoreSettings


class View(StrEnum):
    side = "side"
    front = "front"


def _parse_stride(text: str) -> int | str:
    if text.strip().lower() == "auto":
        return "auto"
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(
            [Problem("stride", "must be auto or a positive integer", text)],
            "video measurement options",
        ) from None


def _check_output(path: Path | None, what: str, suffixes: tuple[str, ...]) -> None:
    if path is None:
        return
    if path.suffix.lower() not in suffixes:
        raise InvalidInput(
            [Problem(what, f"file name must end with {' or '.join(suffixes)}", str(path))], "output"
        )
    if not path.parent.exists():
        raise InvalidInput([Problem(what, "directory does not exist", str(path.parent))], "output")


def measure_cmd(
    video: Annotated[Path, typer.Argument(help="video file (mp4, mov, avi, ...)")],
    movement: Annotated[Movement, typer.Option("--movement", help="which movement was recorded")],
    view: Annotated[View, typer.Option("--view", help="camera view: side (sagittal) or front")],
    camera_tilt: Annotated[
        float | None,
        typer.Option(
            "--camera-tilt", help="camera roll in degrees, + = rolled clockwise (seen from behind)"
        ),
    ] = None,
    stride: Annotated[
        str,
        typer.Option(
            "--stride",
            help="analyse every Nth frame, or auto (full rate where the angle turns, ~10/s "
            "elsewhere; the default, as on the web)",
        ),
    ] = "auto",
    annotate: Annotated[
        Path | None, typer.Option("--annotate", help="write an annotated .mp4")
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="write the angle-over-time .png")
    ] = None,
    per_frame: Annotated[
        Path | None, typer.Option("--per-frame", help="write one CSV row per analysed frame")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the JSON result")] = False,
    record: Annotated[
        bool, typer.Option("--record", help="store the result for the person (for reassessment)")
    ] = False,
    person: Annotated[
        str | None,
        typer.Option(
            "--person",
            help="with --record: store id or intake person.id (default: the most recent)",
        ),
    ] = None,
) -> None:
    """Measure trunk range of motion and movement quality from a video (needs the vision extra)."""
    from lumbo.vision.pose import VisionUnavailable, require_vision

    try:
        require_vision()
    except VisionUnavailable as err:
        raise InvalidInput([Problem("vision", str(err))], "setup") from None
    from lumbo.vision.pipeline import default_options, measure_video

    options = default_options(
        movement.value, view.value, camera_tilt_deg=camera_tilt, stride=_parse_stride(stride)
    )
    options.validate()
    _check_output(annotate, "annotate", (".mp4",))
    _check_output(plot, "plot", (".png",))
    _check_output(per_frame, "per_frame", (".csv",))
    if person is not None and not record:
        raise InvalidInput([Problem("person", "only meaningful with --record", person)], "options")
    store_settings = (
        cli_settings(signs=False).store if record else None
    )  # the environment, read once
    # fail fast, before the long analysis
    person_id = _find_person(store_settings, person) if store_settings is not None else None

    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("[bold]measuring[/]"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} frames"),
        TimeRemainingColumn(),
        console=console_err,
        transient=True,
    ) as bar:
        task = bar.add_task("pose", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        from lumbo.vision.quiet import stderr_to_debug_log

        with stderr_to_debug_log():  # third-party log lines go to the debug log, not the terminal
            result = measure_video(video, options, progress=progress)
        if annotate is not None:
            from lumbo.vision.render import annotate_video

            bar.update(task, description="annotating")
            annotate_video(result, video, annotate)
    if plot is not None:
        from lumbo.vision.render import save_plot

        save_plot(result, plot)
    if per_frame is not None:
        result.write_csv(per_frame)
    data = result.to_json()
    if person_id is not None:
        assert store_settings is not None  # --record
        data["recorded"] = _record(store_settings, person_id, movement.value, data)
    if as_json:
        print_json(data)
    else:
        _print_human(data)


def _find_person(settings: StoreSettings, ref: str | None) -> str:
    from lumbo.services import journey
    from lumbo.store.db import open_store

    store = open_store(settings)
    try:
        return journey.find_person(store.uow(), ref).id
    finally:
        store.close()


def _record(
    settings: StoreSettings, person_id: str, movement: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Append the result to the person's video measurements (``LUMBO_DATABASE_URL``)."""
    import json

    from lumbo.services import journey
    from lumbo.store.db import open_store

    store = open_store(settings)
    try:
        rec = journey.record_video_measurement(
            store.uow(), person_id, movement, json.dumps(data, allow_nan=False)
        )
    finally:
        store.close()
    return {"id": rec.id, "person_id": rec.person_id, "movement": rec.movement}


def _print_human(data: dict[str, Any]) -> None:
    from rich.markup import escape

    s = data["summary"]
    verdict = data.get("verdict") or {}
    console.print(
        f"[bold]{data['movement']}[/] ({data['view']} view): {data['frames_with_person']}/"
        f"{data['frames_analysed']} analysed frames with the person, {data['fps']:.1f} frames/s"
    )
    if verdict.get("message"):
        style = "bold" if verdict.get("measured") and verdict.get("reliable") else "bold yellow"
        console.print(f"[{style}]{escape(verdict['message'])}[/]")
    for tip in verdict.get("advice", []):
        console.print(f"  what would help: {escape(tip)}")
    if verdict.get("measured", True):
        line = (
            f"peak {s['peak_deg']} deg, min {s['min_deg']} deg, range {s['range_deg']} deg "
            f"(+/- {s['uncertainty_deg']})"
        )
        if "peak_left_deg" in s:
            line += f"; left {s['peak_left_deg']} deg, right {s['peak_right_deg']} deg"
        console.print(line)
        console.print(f"reps: {len(data['reps'])}")
    m = data["measurements"]
    for name, value in m["fields"].items():
        if name != "method":
            console.print(
                f"  {name} = {value} +/- {m['uncertainty_deg'][name]} ({m['basis'][name]})"
            )
    for name, value in m.get("unreliable", {}).items():
        console.print(
            f"  [yellow]{name} = {value} +/- {m['uncertainty_deg'][name]}: too uncertain, "
            "not for the intake[/]"
        )
    for comp in data["compensations"]:
        console.print(f"[yellow]compensation[/] {comp['code']}: {escape(comp['message'])}")
    for warning in data["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if "recorded" in data:
        console.print(f"recorded as video measurement {data['recorded']['id']}")


def register(app: typer.Typer) -> None:
    app.command("measure")(measure_cmd)
