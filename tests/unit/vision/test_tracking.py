"""Person selection: the assessed person is measured, bystanders are excluded and reported."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from lumbo.vision.synthetic import synthetic_pose
from lumbo.vision.tracking import Tracker, select_subject

FPS = 30.0


def feed(
    tracker: Tracker, script: Sequence[tuple[float, float] | None], scale: float = 1.0
) -> list[int | None]:
    """Each entry is the subject's centre (x, y) in that frame, or None for no detection."""
    out = []
    for k, centre in enumerate(script):
        pose = None if centre is None else synthetic_pose(center=centre, scale=scale)
        out.append(tracker.update(k, k / FPS, pose))
    return out


def test_one_person_moving_smoothly_is_one_track() -> None:
    tr = Tracker()
    ids = feed(tr, [(300.0 + 2 * k, 400.0) for k in range(90)])
    assert set(ids) == {0}
    sel = select_subject(tr.tracks)
    assert sel.subject is not None and len(sel.subject.positions) == 90
    assert sel.warnings == ()


def test_short_dropouts_do_not_split_a_track() -> None:
    tr = Tracker()
    script: list[tuple[float, float] | None] = (
        [(300.0, 400.0)] * 30 + [None] * 10 + [(305.0, 400.0)] * 30
    )
    ids = feed(tr, script)
    assert {i for i in ids if i is not None} == {0}


@pytest.mark.parametrize(
    ("jump_px", "new_track"),
    [(40.0, False), (150.0, True), (600.0, True)],
)
def test_a_jump_to_somewhere_else_starts_a_new_track(jump_px: float, new_track: bool) -> None:
    tr = Tracker()
    ids = feed(tr, [(300.0, 400.0)] * 20 + [(300.0 + jump_px, 400.0)] * 5)
    assert (ids[-1] != ids[0]) is new_track


def test_subject_is_the_most_prominent_track_and_bystander_is_reported() -> None:
    tr = Tracker()
    # Subject for 3 s, the model jumps to a bystander for 1.5 s, then back to the subject.
    script = [(300.0, 400.0)] * 90 + [(1000.0, 420.0)] * 45 + [(302.0, 400.0)] * 60
    ids = feed(tr, script)
    sel = select_subject(tr.tracks)
    assert sel.subject is not None
    assert sel.subject.id == ids[0]
    # The subject, re-found where they stood after the bystander, is joined back.
    assert [tr.id for tr in sel.joined] == [ids[-1]]
    assert [tr.id for tr in sel.others] == [ids[90]]
    assert sel.positions == list(range(90)) + list(range(135, 195))
    assert any("ambiguous" in w for w in sel.warnings)


def test_a_person_appearing_elsewhere_later_is_not_joined() -> None:
    tr = Tracker()
    feed(tr, [(300.0, 400.0)] * 90 + [None] * 20 + [(900.0, 400.0)] * 40)
    sel = select_subject(tr.tracks)
    assert sel.joined == ()
    assert sel.positions == list(range(90))


def test_a_much_smaller_person_at_the_same_place_is_not_the_same_track() -> None:
    tr = Tracker()
    ids = feed(tr, [(300.0, 400.0)] * 10)
    pose = synthetic_pose(center=(300.0, 400.0), scale=0.4)
    assert tr.update(10, 10 / FPS, pose) != ids[0]


def test_brief_glitch_is_excluded_without_claiming_ambiguity() -> None:
    tr = Tracker()
    feed(tr, [(300.0, 400.0)] * 120 + [(900.0, 300.0)] * 3)
    sel = select_subject(tr.tracks)
    assert len(sel.others) == 1
    assert sel.warnings and "excluded 3 frame(s)" in sel.warnings[0]
    assert "ambiguous" not in sel.warnings[0]


def test_no_detections_no_subject() -> None:
    tr = Tracker()
    feed(tr, [None] * 10)
    assert select_subject(tr.tracks).subject is None
