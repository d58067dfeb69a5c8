"""Every technique has a picture drawn from its pose data, and the picture obeys the body.

Tolerances are drawing tolerances (lumbo policy): a contact counts when the body's surface is
within 4 cm of its support; the body may press into the mat or floor by up to 4 cm (soft tissue,
the mat's thickness) but not more.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from pydantic import ValidationError

from lumbo.domain.errors import KnowledgeBaseError
from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.illustration import (
    ANGLE_FIELDS,
    Contact,
    Pose,
    PoseLibrary,
    Prop,
    Side,
    View,
    joint_ranges,
    pose_library,
)
from lumbo.domain.knowledge.model import Position
from lumbo.reports.figure import (
    _cost,
    _tilted_cost,
    animated_svg,
    contact_gaps,
    illustration_svg,
    lowest_point,
    region_points,
    sinking,
    solve,
    still_svg,
    working_limbs,
)

TECHNIQUES = library().techniques
IDS = [t.id for t in TECHNIQUES]
CONTACT_TOL_CM = 4.0
SINK_TOL_CM = 4.0
LYING = {Position.supine, Position.prone, Position.side}


@pytest.fixture(scope="module")
def scenes() -> dict[str, object]:
    return {}


def _scene(technique_id: str, cache: dict[str, object]):  # type: ignore[no-untyped-def]
    if technique_id not in cache:
        cache[technique_id] = solve(pose_library().get(technique_id))
    return cache[technique_id]


@pytest.mark.parametrize("technique_id", IDS)
def test_every_technique_has_an_illustration(technique_id: str) -> None:
    assert technique_id in pose_library(), f"{technique_id} has no pose in poses/*.toml"


def test_no_pose_for_an_unknown_technique() -> None:
    assert {p.technique for p in pose_library().poses} == set(IDS)


@pytest.mark.parametrize("technique_id", IDS)
def test_declared_contacts_rest_on_their_support(
    technique_id: str, scenes: dict[str, object]
) -> None:
    scene = _scene(technique_id, scenes)
    off = [(i, c, round(g, 1)) for i, c, g in contact_gaps(scene) if abs(g) > CONTACT_TOL_CM]
    assert not off, f"contacts off their support (keyframe, contact, gap cm): {off}"


@pytest.mark.parametrize("technique_id", IDS)
def test_body_does_not_sink_into_the_floor(technique_id: str, scenes: dict[str, object]) -> None:
    scene = _scene(technique_id, scenes)
    deep = [(i, round(d, 1)) for i, d in sinking(scene) if d < -SINK_TOL_CM]
    assert not deep, f"body below the floor (keyframe, cm): {deep}"


def test_fast_leveling_cost_equals_placing_the_tilted_body() -> None:
    """The solver turns one computed body instead of recomputing it for each tilt it tries: its
    cost agrees with placing the body at that tilt (the reference), for every pose, keyframe and a
    spread of tilts, mirrored figures included."""
    lib = pose_library()
    for pose in lib.poses:
        for i, angles in enumerate(pose.angles(lib.postures)):
            fast = _tilted_cost(pose, angles, i)
            for d in (-30.0, -12.5, -3.0, 0.0, 7.5, 21.0):
                ref = _cost(pose, {**angles, "tilt": angles["tilt"] + d}, i)
                assert fast(d) == pytest.approx(ref, rel=1e-9, abs=1e-9), (pose.technique, i, d)


@pytest.mark.parametrize("technique_id", IDS)
def test_no_joint_beyond_its_range(technique_id: str) -> None:
    ranges = joint_ranges()
    lib = pose_library()
    for i, angles in enumerate(lib.get(technique_id).angles(lib.postures)):
        for name, value in angles.items():
            r = ranges[name]
            assert r.low <= value <= r.high, (
                f"keyframe {i}: {name}={value} outside {r.low}..{r.high}"
            )


def test_every_angle_has_a_range_with_a_source() -> None:
    ranges = joint_ranges()
    assert set(ranges) == set(ANGLE_FIELDS)
    assert all(r.source for r in ranges.values())


@pytest.mark.parametrize("technique_id", IDS)
def test_props_include_the_techniques_equipment(technique_id: str) -> None:
    pose = pose_library().get(technique_id)
    technique = library().get(technique_id)
    assert {e.value for e in technique.equipment} <= {p.value for p in pose.props}


@pytest.mark.parametrize("technique_id", IDS)
def test_a_lying_figure_lies_on_its_mat(technique_id: str, scenes: dict[str, object]) -> None:
    pose = pose_library().get(technique_id)
    technique = library().get(technique_id)
    only_lying = set(technique.positions) <= LYING
    assert pose.lying == only_lying, "lying flag disagrees with the technique's positions"
    if not pose.lying:
        return
    scene = _scene(technique_id, scenes)
    body = scene.bodies[0]
    pelvis, c7 = body.points["pelvis"], body.points["c7"]
    horizontal = math.hypot(c7[0] - pelvis[0], c7[2] - pelvis[2])
    tilt = math.degrees(math.atan2(abs(c7[1] - pelvis[1]), horizontal))
    assert tilt <= 40, f"trunk rises {tilt:.0f} degrees from the floor: not lying"
    support = Prop.bench if Prop.bench in pose.props else Prop.mat
    assert support in pose.props, "a lying figure needs a mat (or a bench)"
    torso = region_points(body, "back") + region_points(body, "pelvis")
    rest = min(q[1] for q in torso)
    assert abs(rest - (scene.floor if support is Prop.mat else 41.0)) <= 15.0, "torso off its mat"
    assert lowest_point(body) >= scene.floor - SINK_TOL_CM


@pytest.mark.parametrize("technique_id", IDS)
def test_side_matches_the_technique(technique_id: str, scenes: dict[str, object]) -> None:
    pose = pose_library().get(technique_id)
    technique = library().get(technique_id)
    one_side = pose.side in {Side.left, Side.right}
    assert one_side == technique.dose.per_side, "a per-side technique shows one side, others none"
    scene = _scene(technique_id, scenes)
    svg = still_svg(pose)
    if not one_side:
        assert "working-" not in svg
        return
    s = pose.side.value
    other = "left" if s == "right" else "right"
    assert working_limbs(scene), "a one-side technique colours its working limb"
    assert {side for _, side in working_limbs(scene)} == {s[0]}
    assert f'data-side="working-{s}"' in svg
    assert f'data-side="working-{other}"' not in svg
    assert f"shown for the {s} side" in svg
    if pose.view is View.side:
        body = scene.bodies[0]
        near = body.points[f"hip_{s[0]}"][2]
        far = body.points[f"hip_{other[0]}"][2]
        assert near > far, "in side view the working side faces the viewer"


@pytest.mark.parametrize("technique_id", IDS)
def test_svg_is_well_formed_still_and_animated(technique_id: str) -> None:
    still = ET.fromstring(illustration_svg(technique_id, "A name & more"))
    assert still.tag.endswith("svg")
    assert still.attrib["role"] == "img"
    title = next(t.text for t in still.iter() if t.tag.endswith("title"))
    assert title is not None and title.startswith("A name & more")
    texts = [t.text for t in still.iter() if t.tag.endswith("text")]
    assert texts[0].startswith("Start") and texts[1].startswith("End")
    animated = illustration_svg(technique_id, animated=True)
    root = ET.fromstring(animated)
    assert any(e.tag.endswith("animate") for e in root.iter())
    assert "prefers-reduced-motion: reduce" in animated
    assert 'class="lm-rest"' in animated


@pytest.mark.parametrize("technique_id", IDS)
def test_print_picture_is_cheap_to_lay_out(technique_id: str) -> None:
    """The still (handouts) draws no SVG arcs (the PDF renderer's dearest path command) and its
    faint start copy is one see-through nested <svg>, not a <g> it would measure path by path."""
    still = ET.fromstring(illustration_svg(technique_id))
    paths = [e.attrib["d"] for e in still.iter() if e.tag.endswith("path")]
    assert paths and not any(c in d for d in paths for c in "aA")
    nested = [e for e in still.iter() if e.tag.endswith("svg") and e is not still]
    assert [e.attrib.get("opacity") for e in nested] == ["0.22"]
    assert nested[0].attrib["overflow"] == "visible" and "viewBox" not in nested[0].attrib
    assert not any(e.attrib.get("opacity") for e in still.iter() if e.tag.endswith("}g"))
    # positive numbers: WeasyPrint's path parser pays a regex replacement per minus sign
    numbers = [n for d in paths for n in re.findall(r"-?[0-9.]+", d)]
    negative = [n for n in numbers if n.startswith("-")]
    assert len(negative) <= 0.01 * len(numbers), f"{len(negative)} of {len(numbers)} negative"


@pytest.mark.parametrize("technique_id", ["cat-camel", "hip-hinge-training", "open-book-rotation"])
@pytest.mark.parametrize("shift", [(68.0, 95.0), (0.0, 0.0), (1000.0, 3.0)])
def test_a_shifted_figure_is_the_same_figure(technique_id: str, shift: tuple[float, float]) -> None:
    """The still draws its figures and arrow shifted and moves them back with a group: every
    number of the shifted drawing is the plain one plus the shift, to the 0.1 rounding."""
    from lumbo.reports.figure import _arrow, _arrow_path, _figure

    scene = solve(pose_library().get(technique_id))

    def numbers(svg: str) -> list[tuple[float, float]]:
        ds = re.findall(r' d="([^"]*)"', svg)
        flat = [float(n) for d in ds for n in re.findall(r"-?[0-9.]+", d)]
        return list(zip(flat[::2], flat[1::2], strict=True))

    for plain, moved in (
        (_figure(scene, scene.bodies[-1]), _figure(scene, scene.bodies[-1], shift=shift)),
        (_arrow(scene, _arrow_path(scene)), _arrow(scene, _arrow_path(scene), shift)),
    ):
        a, b = numbers(plain), numbers(moved)
        assert len(a) == len(b) and re.sub(r"[-0-9.]+", "n", plain) == re.sub(
            r"[-0-9.]+", "n", moved
        )
        for (x, y), (u, v) in zip(a, b, strict=True):
            assert abs(u - shift[0] - x) <= 0.11 and abs(v - shift[1] - y) <= 0.11


def _cubic_points(d: str) -> list[tuple[float, float]]:
    """Points along every cubic of an absolute M/L/C/Z path (10 per curve)."""
    import re

    out: list[tuple[float, float]] = []
    here = (0.0, 0.0)
    for cmd, args in re.findall(r"([MLCZ])([^MLCZ]*)", d):
        nums = [float(x) for x in args.split()]
        if cmd == "C":
            (x1, y1, x2, y2, x3, y3) = nums
            x0, y0 = here
            for i in range(11):
                t = i / 10
                a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
                out.append((a * x0 + b * x1 + c * x2 + e * x3, a * y0 + b * y1 + c * y2 + e * y3))
        if nums and cmd != "Z":
            here = (nums[-2], nums[-1])
    return out


@pytest.mark.parametrize(("centre", "r"), [((0.0, 0.0), 10.5), ((-20.0, -160.6), 4.5), ((3, 7), 1)])
def test_bezier_circle_stays_on_its_circle(centre: tuple[float, float], r: float) -> None:
    from lumbo.reports.figure import _circle

    points = _cubic_points(_circle(centre, r))
    assert len(points) == 44
    for x, y in points:  # four quarter cubics: within rounding (0.05) and 0.03 % of the radius
        assert abs(math.dist((x, y), centre) - r) <= 0.05 * math.sqrt(2) + 0.0003 * r


@pytest.mark.parametrize(
    ("p", "q", "r1", "r2"),
    [((0.0, 0.0), (30.0, 0.0), 8.0, 5.5), ((-12.1, -139.5), (-5.1, -111.3), 4.6, 3.6)],
)
def test_capsule_ends_are_round_and_outward(
    p: tuple[float, float], q: tuple[float, float], r1: float, r2: float
) -> None:
    """Each end is a half circle around its joint (one cubic: within 2 % of the radius, the
    curve WeasyPrint drew for the arcs before) that bulges away from the other joint."""
    from lumbo.reports.figure import _capsule

    points = _cubic_points(_capsule(p, q, r1, r2))
    near_q, near_p = points[:11], points[11:]
    for ends, centre, other, r in ((near_q, q, p, r2), (near_p, p, q, r1)):
        for pt in ends:
            assert abs(math.dist(pt, centre) - r) <= 0.02 * r + 0.1
        tip = ends[5]
        assert math.dist(tip, other) > math.dist(centre, other) + 0.9 * r


def test_animation_moves_between_keyframes() -> None:
    svg = animated_svg(pose_library().get("cat-camel"))
    values = [e.attrib["values"] for e in ET.fromstring(svg).iter() if e.tag.endswith("animate")]
    assert any(len(set(v.split(";"))) > 2 for v in values)


def test_the_back_shape_follows_the_spine() -> None:
    """Rounding the back (cat) and letting it dip (camel) change the back's outline."""
    scene = solve(pose_library().get("cat-camel"))
    rounded, dipped = scene.bodies

    def mid_back_height(body):  # type: ignore[no-untyped-def]
        return max(q[1] for q in region_points(body, "waist"))

    assert mid_back_height(rounded) > mid_back_height(dipped) + 5


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"wings": 2}, "wings"),
        ({"contacts": ["tail"]}, "tail"),
        ({"contacts": ["feet@cloud"]}, "cloud"),
        ({"view": "isometric"}, "view"),
        ({"frames": [{"knee_flex_l": 10}]}, "frames"),
        ({"frames": [{"knee_flex_l": 10}, {"elbow_bend": 3}]}, "elbow_bend"),
        ({"contacts": ["feet", "hands#4"]}, "keyframe 4"),
        ({"contacts": ["feet#0"]}, "anchor"),
    ],
)
def test_pose_data_is_refused_when_wrong(raw: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "technique": "cat-camel",
        "view": "side",
        "posture": "quadruped",
        "contacts": ["knees"],
        "frames": [{}, {"lumbar_flex": 10}],
    }
    with pytest.raises((ValidationError, ValueError)) as err:
        Pose.model_validate(base | raw)
    assert message in str(err.value)


def test_unknown_posture_is_refused() -> None:
    pose = Pose.model_validate(
        {
            "technique": "x-y",
            "view": "side",
            "posture": "handstand",
            "contacts": ["hands"],
            "frames": [{}, {}],
        }
    )
    with pytest.raises(KnowledgeBaseError, match="handstand"):
        PoseLibrary([pose], pose_library().postures)


def test_missing_illustration_is_a_clear_error() -> None:
    with pytest.raises(KnowledgeBaseError, match="no illustration"):
        pose_library().get("not-a-technique")


def test_contact_text_round_trip() -> None:
    c = Contact.parse("pelvis@chair#0,2")
    assert (c.part, c.surface.value, c.frames) == ("pelvis", "chair", (0, 2))
    assert c.applies(2) and not c.applies(1)


def test_child_pose_sits_back_toward_the_heels() -> None:
    """The end of the child's pose: hips low and over the heels, head down near the floor."""
    scene = solve(pose_library().get("child-pose-stretch"))
    end = scene.bodies[-1]
    pelvis, ankle, head = end.points["pelvis"], end.points["ankle_l"], end.points["head"]
    assert pelvis[1] - scene.floor < 35, "hips sit high"
    assert abs(pelvis[0] - ankle[0]) < 15, "hips are not over the heels"
    assert head[1] < pelvis[1], "the head is not lower than the hips"


def test_knees_falling_to_one_side_show_in_the_picture() -> None:
    """The 90-90 switch is drawn from in front: the knees' sideways fall moves them across the
    picture (from the side it would only move them toward the viewer)."""
    pose = pose_library().get("hip-90-90-switches")
    assert pose.view is View.front_above
    scene = solve(pose)
    start, end = scene.bodies[0], scene.bodies[-1]
    for knee in ("knee_l", "knee_r"):
        assert abs(end.points[knee][2] - start.points[knee][2]) > 10, knee
    svg = still_svg(pose)
    assert "seen from in front" in svg
