"""`lumbo form VIDEO --exercise ID`: repetitions, each one's key angle and the cues broken, in
words, from a video of a library exercise (needs the vision extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lumbo.cli._common import console, print_json
from lumbo.domain.errors import InvalidInput, Problem


def form_cmd(
    video: Annotated[Path, typer.Argument(help="video file (mp4, mov, webm, ...)")],
    exercise: Annotated[
        str,
        typer.Option(
            "--exercise", help="library exercise: hip-hinge-training, bird-dog, sit-to-stand-brace"
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="print the JSON result")] = False,
) -> None:
    """Exercise form feedback from a side-view video: reps, key angle, broken cues with times."""
    from lumbo.vision.pose import VisionUnavailable, require_vision

    try:
        require_vision()
    except VisionUnavailable as err:
        raise InvalidInput([Problem("vision", str(err))], "setup") from None
    from lumbo.vision.form import form_video, load_rules

    rules = load_rules()
    rules.get(exercise)  # a wrong id fails before the video is read
    from lumbo.vision.quiet import stderr_to_debug_log

    with stderr_to_debug_log():  # third-party log lines go to the debug log, not the terminal
        result = form_video(video, exercise, rules)
    if as_json:
        print_json(result)
        return
    console.print(f"[bold]{result['name']}[/]: {result['summary']}")
    for rep in result["reps"]:
        key = rep["key_angle"]
        console.print(
            f"  repetition {rep['number']} ({rep['start_s']:.1f}-{rep['end_s']:.1f} s): "
            f"{key['label']} {key['deg']} degrees"
        )
    for line in result["feedback"]:
        console.print(f"  [yellow]{line}[/]")


def register(app: typer.Typer) -> None:
    app.command("form")(form_cmd)
