# long-module: the figure's kinematics, body outline and SVG animation share one joint model and
#   its constants (pure functions, no I/O)
"""Exercise illustrations drawn from pose data: forward kinematics, ground contact, SVG.

Pure functions, no I/O. A pose (:mod:`lumbo.domain.knowledge.illustration`) gives joint angles per
keyframe; :func:`solve` places a 3-D body (centimetres, y up) so its first declared contact rests
on its surface and its anchor stays put between keyframes; :func:`still_svg` draws the start and
end positions side by side (print), :func:`animated_svg` loops through the keyframes with SMIL and
shows a still frame instead when the reader asks for reduced motion.

The figure is a person, not a stick diagram: head with a nose (which way the face looks), neck, a
torso whose outline follows the spine's curve (lordosis, kyphosis, flexion and extension show in
the back's shape), tapered limbs, hands and feet. The limbs of the side that works are coloured.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape

from lumbo.domain.knowledge.illustration import Pose, Prop, Side, Surface, View, pose_library

__all__ = [
    "Body",
    "Scene",
    "animated_svg",
    "contact_gaps",
    "forward",
    "illustration_svg",
    "region_points",
    "solve",
    "still_svg",
]

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]  # columns: the frame's anterior, up and right axes in world space

# Body dimensions in cm for a 170 cm adult (segment ratios after Drillis & Contini, rounded).
HIP_HALF = 9.0
PELVIS_UP = 10.0
LUMBAR = (8.5, 8.5)
THORACIC = (13.5, 13.5)
NECK = 7.0
HEAD_UP = 9.0
HEAD_R = 10.5
SHOULDER_DOWN = 4.0
SHOULDER_HALF = 16.5
SHOULDER_FWD = 2.0
UPPER_ARM = 29.0
FOREARM = 25.0
HAND = 9.0
THIGH = 42.0
SHANK = 42.0
ANKLE_H = 7.0
HEEL_BACK = 5.0
TOE_FWD = 19.0
LORDOSIS = -18.0  # neutral lumbar curve (extension), added to lumbar_flex
KYPHOSIS = 16.0  # neutral thoracic curve (flexion), added to thoracic_flex

# Radii (cm) of the limb capsules, root to tip.
R_THIGH = (8.0, 5.5)
R_SHANK = (5.2, 3.6)
R_FOOT = (3.4, 2.6)
R_UPPER_ARM = (4.6, 3.6)
R_FOREARM = (3.5, 2.6)
R_HAND = (2.8, 2.4)
R_NECK = (4.6, 4.2)

MAT_H = 1.5
SURFACE_H = {
    Surface.floor: 0.0,
    Surface.chair: 41.0,
    Surface.bench: 45.0,
    Surface.step: 18.0,
    Surface.foam_roller: 15.0,
    Surface.towel: 5.0,
    Surface.pillow: 12.0,
}
BALL_D = 9.0

# Torso stations: (name, half depth in front, half depth behind, half width).
STATIONS = (
    ("seat", 7.0, 10.0, 15.0),
    ("root", 9.0, 12.0, 17.0),
    ("s1", 9.5, 9.5, 15.5),
    ("l3", 9.5, 8.0, 13.5),
    ("l1", 10.5, 8.5, 14.5),
    ("t7", 11.5, 8.0, 16.0),
    ("t2", 8.0, 7.0, 16.5),
    ("c7", 4.5, 4.5, 6.0),
)

# Colours (clothes-like blue body, skin head and hands; accent for the side that works).
TORSO = "#4f7896"
NEAR = "#3f6783"
FAR = "#93aec2"
ACCENT = "#c8641e"
ACCENT_FAR = "#e8a878"
SKIN = "#e9c3a0"
SKIN_FAR = "#f1d8c1"
PROP = "#b9b9b9"
PROP_DARK = "#7d7d7d"
MAT_FILL = "#9fc9a6"
MAT_EDGE = "#7fae87"
ARROW = "#b3261e"


# -- vector helpers -------------------------------------------------------------------------------


def _add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def _apply(m: Mat, v: Vec) -> Vec:
    x, y, z = v
    return (
        m[0][0] * x + m[1][0] * y + m[2][0] * z,
        m[0][1] * x + m[1][1] * y + m[2][1] * z,
        m[0][2] * x + m[1][2] * y + m[2][2] * z,
    )


def _compose(a: Mat, b: Mat) -> Mat:
    """a·b: b's columns expressed through a."""
    return (_apply(a, b[0]), _apply(a, b[1]), _apply(a, b[2]))


def _rx(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((1.0, 0.0, 0.0), (0.0, c, s), (0.0, -s, c))


def _ry(deg: float) -> Mat:
    """Turns the anterior axis toward the right axis for positive angles... of the world's z."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, 0.0, -s), (0.0, 1.0, 0.0), (s, 0.0, c))


def _rz(deg: float) -> Mat:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return ((c, s, 0.0), (-s, c, 0.0), (0.0, 0.0, 1.0))


def _rot(m: Mat, *rs: Mat) -> Mat:
    for r in rs:
        m = _compose(m, r)
    return m


IDENTITY: Mat = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


# -- forward kinematics ---------------------------------------------------------------------------


@dataclass
class Body:
    """World positions of the joints of one keyframe, plus the frames the renderer needs."""

    points: dict[str, Vec]
    frames: dict[str, Mat]
    spine: list[tuple[str, Vec, Mat]]

    def moved(self, d: Vec) -> Body:
        return Body(
            {k: _add(v, d) for k, v in self.points.items()},
            self.frames,
            [(n, _add(p, d), m) for n, p, m in self.spine],
        )


def _spine_joint(m: Mat, flex: float, bend: float, turn: float) -> Mat:
    return _rot(m, _ry(turn), _rx(bend), _rz(-flex))


def forward(a: dict[str, float], mirror: bool = False, view: View = View.side) -> Body:
    """Joint positions for one set of angles, the root (mid-hip) at the origin."""
    root = _rot(
        _ry(180.0) if mirror else IDENTITY,
        _rz(a["tilt"]),
        _ry(a["turn"]),
        _rx(a["roll"]),
    )
    pts: dict[str, Vec] = {}
    frames: dict[str, Mat] = {"root": root}
    o: Vec = (0.0, 0.0, 0.0)
    spine: list[tuple[str, Vec, Mat]] = []
    spine.append(("seat", _add(o, _apply(root, (0.0, -6.0, 0.0))), root))
    spine.append(("root", o, root))
    s1 = _add(o, _apply(root, (-3.0, PELVIS_UP, 0.0)))
    spine.append(("s1", s1, root))
    m = root
    p = s1
    names = ("l3", "l1")
    for name, length in zip(names, LUMBAR, strict=True):
        m = _spine_joint(
            m, (a["lumbar_flex"] + LORDOSIS) / 2, a["lumbar_bend"] / 2, a["lumbar_turn"] / 2
        )
        p = _add(p, _apply(m, (0.0, length, 0.0)))
        spine.append((name, p, m))
    for name, length in zip(("t7", "c7"), THORACIC, strict=True):
        m = _spine_joint(
            m, (a["thoracic_flex"] + KYPHOSIS) / 2, a["thoracic_bend"] / 2, a["thoracic_turn"] / 2
        )
        p = _add(p, _apply(m, (0.0, length, 0.0)))
        spine.append((name, p, m))
    # t2 sits between t7 and c7, a little below the shoulders
    t7 = spine[-2][1]
    c7 = p
    spine.insert(-1, ("t2", _add(_mul(t7, 0.3), _mul(c7, 0.7)), m))
    frames["chest"] = m
    pts["c7"] = c7
    pts["l3"] = spine[3][1]
    pts["pelvis"] = o
    neck = _spine_joint(m, a["neck_flex"] - 6.0, 0.0, a["neck_turn"])
    frames["head"] = neck
    neck_top = _add(c7, _apply(neck, (1.0, NECK, 0.0)))
    pts["neck"] = neck_top
    pts["head"] = _add(neck_top, _apply(neck, (1.5, HEAD_UP, 0.0)))

    for side, sign in (("l", -1.0), ("r", 1.0)):
        hip = _add(o, _apply(root, (0.0, 0.0, sign * HIP_HALF)))
        thigh = _rot(
            root,
            _rx(-sign * a[f"hip_abd_{side}"]),
            _rz(a[f"hip_flex_{side}"]),
            _ry(sign * a[f"hip_rot_{side}"]),
        )
        knee = _add(hip, _apply(thigh, (0.0, -THIGH, 0.0)))
        shank = _rot(thigh, _rz(-a[f"knee_flex_{side}"]))
        ankle = _add(knee, _apply(shank, (0.0, -SHANK, 0.0)))
        foot = _rot(shank, _rz(a[f"ankle_flex_{side}"]))
        heel = _add(ankle, _apply(foot, (-HEEL_BACK, -ANKLE_H + 2.5, 0.0)))
        toe = _add(ankle, _apply(foot, (TOE_FWD, -ANKLE_H + 2.5, 0.0)))
        pts.update(
            {f"hip_{side}": hip, f"knee_{side}": knee, f"ankle_{side}": ankle}
            | {f"heel_{side}": heel, f"toe_{side}": toe}
        )
        frames[f"thigh_{side}"] = thigh
        shoulder = _add(c7, _apply(m, (SHOULDER_FWD, -SHOULDER_DOWN, sign * SHOULDER_HALF)))
        arm = _rot(
            m,
            _ry(-sign * a[f"shoulder_hor_{side}"]),
            _rx(-sign * a[f"shoulder_abd_{side}"]),
            _rz(a[f"shoulder_flex_{side}"]),
        )
        elbow = _add(shoulder, _apply(arm, (0.0, -UPPER_ARM, 0.0)))
        fore = _rot(arm, _rz(a[f"elbow_flex_{side}"]))
        wrist = _add(elbow, _apply(fore, (0.0, -FOREARM, 0.0)))
        hand = _add(wrist, _apply(fore, (0.0, -HAND, 0.0)))
        pts.update(
            {f"shoulder_{side}": shoulder, f"elbow_{side}": elbow}
            | {f"wrist_{side}": wrist, f"hand_{side}": hand}
        )
    return Body(pts, frames, spine)


# -- body regions (surface points) ----------------------------------------------------------------


_STATION = {s[0]: s[1:] for s in STATIONS}
_RING = {
    n: [(math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)) for i in range(n)]
    for n in (12, 16)
}
_BALL = [
    (math.cos(t) * f, math.sin(t), math.cos(t) * (1 - f))
    for t in (i * math.pi / 4 for i in range(8))
    for f in (0.0, 1.0)
]


def _section(name: str, centre: Vec, m: Mat, n: int = 12) -> list[Vec]:
    """Points around the torso's cross-section at one station."""
    front, back, half = _STATION[name]
    (rx, ry, rz), (ax, ay, az) = m[2], m[0]
    cx, cy, cz = centre
    out = []
    for c, s in _RING[n]:
        w = half * c
        d = (front if s > 0 else back) * s
        out.append((cx + rx * w + ax * d, cy + ry * w + ay * d, cz + rz * w + az * d))
    return out


def _ball(centre: Vec, r: float) -> list[Vec]:
    cx, cy, cz = centre
    return [(cx + r * x, cy + r * y, cz + r * z) for x, y, z in _BALL]


def _torso(body: Body, names: Iterable[str]) -> list[Vec]:
    wanted = set(names)
    out: list[Vec] = []
    for name, centre, m in body.spine:
        if name in wanted:
            out += _section(name, centre, m)
    return out


def _region(body: Body, part: str) -> list[tuple[Vec, float]]:
    """A body part named by a pose contact as (point, radius) pairs: a radius > 0 is a ball of
    surface points around the point (sampled along the world's axes), 0 a point of the torso's
    surface."""
    p = body.points

    def balls(keys: Iterable[str], r: float) -> list[tuple[Vec, float]]:
        return [(p[k], r) for k in keys]

    if part in {"feet", "foot_l", "foot_r"}:
        sides = "lr" if part == "feet" else part[-1]
        return balls((f"{k}_{s}" for s in sides for k in ("heel", "toe")), 2.6)
    if part in {"heels", "heel_l", "heel_r"}:
        sides = "lr" if part == "heels" else part[-1]
        return balls((f"heel_{s}" for s in sides), 2.6)
    if part == "toes":
        return balls((f"toe_{s}" for s in "lr"), 2.6)
    if part in {"hands", "hand_l", "hand_r"}:
        sides = "lr" if part == "hands" else part[-1]
        return balls((f"{k}_{s}" for s in sides for k in ("wrist", "hand")), 2.6)
    if part in {"knees", "knee_l", "knee_r"}:
        sides = "lr" if part == "knees" else part[-1]
        return balls((f"knee_{s}" for s in sides), 5.0)
    if part in {"shins", "shin_l", "shin_r"}:
        sides = "lr" if part == "shins" else part[-1]
        out = []
        for s in sides:
            for f in (0.0, 0.5, 1.0):
                c = _add(_mul(p[f"knee_{s}"], 1 - f), _mul(p[f"ankle_{s}"], f))
                out.append((c, 5.0 - 1.5 * f))
        return out
    if part in {"elbows", "elbow_l", "elbow_r"}:
        sides = "lr" if part == "elbows" else part[-1]
        return balls((f"elbow_{s}" for s in sides), 3.8)
    if part in {"forearm_l", "forearm_r"}:
        s = part[-1]
        return [(p[f"elbow_{s}"], 3.8), (p[f"wrist_{s}"], 2.8)]
    if part in {"pelvis", "hip_l", "hip_r"}:
        stations: tuple[str, ...] = ("seat", "root", "s1")
    elif part == "waist":
        stations = ("s1", "l3", "l1")
    elif part == "upper_back":
        stations = ("t7", "t2")
    elif part in {"back", "front", "side_l", "side_r"}:
        stations = ("l3", "l1", "t7", "t2")
    elif part == "head":
        return [(p["head"], HEAD_R)]
    else:
        raise KeyError(part)
    return [(q, 0.0) for q in _torso(body, stations)]


def region_points(body: Body, part: str) -> list[Vec]:
    """Surface points of a body part named by a pose contact."""
    out: list[Vec] = []
    for q, r in _region(body, part):
        if r > 0:
            out += _ball(q, r)
        else:
            out.append(q)
    return out


def _split(part: str) -> list[str]:
    """A plural contact checks each side on its own."""
    pairs = {
        "feet": ["foot_l", "foot_r"],
        "hands": ["hand_l", "hand_r"],
        "knees": ["knee_l", "knee_r"],
        "elbows": ["elbow_l", "elbow_r"],
        "shins": ["shin_l", "shin_r"],
        "heels": ["heel_l", "heel_r"],
    }
    return pairs.get(part, [part])


# -- scene: solved keyframes with their props -----------------------------------------------------


@dataclass
class Scene:
    pose: Pose
    angles: list[dict[str, float]]
    bodies: list[Body]
    floor: float
    wall_x: float | None = None
    wall_side: float = 1.0
    props: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def mirror(self) -> bool:
        return _mirror(self.pose)


def _mirror(pose: Pose) -> bool:
    """In side view the right side faces the viewer; a left-side technique is drawn mirrored."""
    return pose.view is View.side and pose.side is Side.left


def _surface_height(pose: Pose, surface: Surface) -> float:
    h = SURFACE_H.get(surface, 0.0)
    if Prop.mat in pose.props and surface in {Surface.floor, Surface.foam_roller, Surface.towel}:
        h += MAT_H
    return h


def _place(pose: Pose, a: dict[str, float], anchor_x: float | None) -> Body:
    body = forward(a, _mirror(pose), pose.view)
    first = pose.contacts[0]
    pts = region_points(body, first.part)
    if first.surface is Surface.wall:
        # the first contact is a wall: stand the lowest foot on the floor instead
        feet = region_points(body, "feet")
        dy = _surface_height(pose, Surface.floor) - min(q[1] for q in feet)
    else:
        dy = _surface_height(pose, first.surface) - min(q[1] for q in pts)
    lowest = min(pts, key=lambda q: q[1])
    dx = 0.0 if anchor_x is None else anchor_x - lowest[0]
    return body.moved((dx, dy, 0.0))


def _anchor_x(pose: Pose, body: Body) -> float:
    pts = region_points(body, pose.contacts[0].part)
    return min(pts, key=lambda q: q[1])[0]


def _cost(pose: Pose, a: dict[str, float], frame: int) -> float:
    body = _place(pose, a, None)
    total = 0.0
    for c in pose.contacts[1:]:
        if c.surface is Surface.wall or not c.applies(frame):
            continue
        for part in _split(c.part):
            gap = min(q[1] for q in region_points(body, part)) - _surface_height(pose, c.surface)
            total += gap * gap * (4.0 if gap < 0 else 1.0)
    for part in _split(pose.contacts[0].part):
        gap = min(q[1] for q in region_points(body, part)) - _surface_height(
            pose, pose.contacts[0].surface
        )
        total += gap * gap
    sink = lowest_point(body) - _surface_height(pose, Surface.floor)
    if sink < 0:
        total += 4.0 * sink * sink
    return total


_Lows = list[tuple[float, float, float]]  # x, y, drop below the point (a ball's radius)


def _tilted_cost(pose: Pose, a: dict[str, float], frame: int) -> Callable[[float], float]:
    """:func:`_cost` of the angles ``a`` with the root tilt changed by ``d`` degrees, as a function
    of ``d`` (the leveling search below calls it about 30 times per keyframe). A change of root
    tilt turns the whole skeleton rigidly about the world's z axis through the root (the other way
    round when the figure is mirrored), so the body is computed once; only the heights of its
    joints and torso points are turned for each ``d``. A ball region is sampled along the world's
    axes, so its lowest point is its turned centre less its radius."""
    body = forward(a, _mirror(pose), pose.view)
    sign = -1.0 if _mirror(pose) else 1.0

    def region(part: str) -> _Lows:
        return [(q[0], q[1], r) for q, r in _region(body, part)]

    first = pose.contacts[0]
    if first.surface is Surface.wall:
        anchor, anchor_h = region("feet"), _surface_height(pose, Surface.floor)
    else:
        anchor, anchor_h = region(first.part), _surface_height(pose, first.surface)
    terms: list[tuple[_Lows, float, float]] = []  # (points, surface height, weight below it)
    for c in pose.contacts[1:]:
        if c.surface is Surface.wall or not c.applies(frame):
            continue
        terms += [(region(part), _surface_height(pose, c.surface), 4.0) for part in _split(c.part)]
    terms += [
        (region(part), _surface_height(pose, first.surface), 1.0) for part in _split(first.part)
    ]
    whole = [(q[0], q[1], r) for q, r in _lowest_candidates(body)]
    floor = _surface_height(pose, Surface.floor)

    def cost(d: float) -> float:
        t = math.radians(sign * d)
        s, c = math.sin(t), math.cos(t)

        def low(pts: _Lows) -> float:
            return min(s * x + c * y - r for x, y, r in pts)

        dy = anchor_h - low(anchor)
        total = 0.0
        for pts, h, below in terms:
            gap = low(pts) + dy - h
            total += gap * gap * (below if gap < 0 else 1.0)
        sink = low(whole) + dy - floor
        if sink < 0:
            total += 4.0 * sink * sink
        return total

    return cost


def _level(pose: Pose, a: dict[str, float], frame: int) -> dict[str, float]:
    """Tip the whole body (root tilt, within 30 degrees) so all its contacts rest together."""
    active = [c for c in pose.contacts if c.surface is not Surface.wall and c.applies(frame)]
    if len(active) + sum(len(_split(c.part)) - 1 for c in active) < 2:
        return a
    base = a["tilt"]
    cost = _tilted_cost(pose, a, frame)

    def f(d: float) -> float:
        # the data's own tilt is preferred: 10 degrees cost as much as a 2 cm gap
        return cost(d) + 0.05 * d * d

    lo, hi = -30.0, 30.0
    best = min((f(d), d) for d in (lo + i * 5.0 for i in range(13)))[1]
    lo, hi = best - 5.0, best + 5.0
    g = (math.sqrt(5) - 1) / 2
    c, d = hi - g * (hi - lo), lo + g * (hi - lo)
    fc, fd = f(c), f(d)
    for _ in range(14):
        if fc < fd:
            hi, d, fd = d, c, fc
            c = hi - g * (hi - lo)
            fc = f(c)
        else:
            lo, c, fc = c, d, fd
            d = lo + g * (hi - lo)
            fd = f(d)
    return {**a, "tilt": base + (lo + hi) / 2}


def solve(pose: Pose, angles: Sequence[dict[str, float]] | None = None) -> Scene:
    """Place every keyframe (see :func:`_solve`); a pose's own keyframes are solved once."""
    if angles is None:
        return _solve_cached(pose)
    return _solve(pose, angles)


@lru_cache(maxsize=256)
def _solve_cached(pose: Pose) -> Scene:
    return _solve(pose, None)


def _solve(pose: Pose, angles: Sequence[dict[str, float]] | None) -> Scene:
    """Place every keyframe: the body is tipped (root tilt only, never a joint) so its declared
    contacts rest together, its first contact on its surface, its anchor fixed across frames."""
    lib = pose_library()
    sets = list(angles) if angles is not None else pose.angles(lib.postures)
    sets = [_level(pose, a, i) for i, a in enumerate(sets)]
    bodies: list[Body] = []
    anchor: float | None = None
    for a in sets:
        body = _place(pose, a, anchor)
        if anchor is None:
            anchor = _anchor_x(pose, body)
        bodies.append(body)
    scene = Scene(pose, sets, bodies, floor=_surface_height(pose, Surface.floor))
    first = bodies[0]
    for c in pose.contacts:
        if c.surface is Surface.wall:
            pts = region_points(first, c.part)
            centre = first.points["pelvis"][0]
            xs = [q[0] for q in pts]
            mean = sum(xs) / len(xs)
            scene.wall_side = 1.0 if mean >= centre else -1.0
            edge = max(xs) if scene.wall_side > 0 else min(xs)
            if Prop.ball in pose.props:
                edge += scene.wall_side * BALL_D
            scene.wall_x = edge
    return scene


def contact_gaps(scene: Scene) -> list[tuple[int, str, float]]:
    """(keyframe, contact, gap in cm) for every declared contact: 0 means resting on its surface."""
    out: list[tuple[int, str, float]] = []
    for i, body in enumerate(scene.bodies):
        for c in scene.pose.contacts:
            if not c.applies(i):
                continue
            for part in _split(c.part):
                pts = region_points(body, part)
                if c.surface is Surface.wall:
                    assert scene.wall_x is not None
                    if scene.wall_side > 0:
                        gap = scene.wall_x - max(q[0] for q in pts)
                    else:
                        gap = min(q[0] for q in pts) - scene.wall_x
                    if Prop.ball in scene.pose.props:
                        gap -= BALL_D
                else:
                    gap = min(q[1] for q in pts) - _surface_height(scene.pose, c.surface)
                out.append((i, f"{part}@{c.surface.value}", gap))
    return out


def _lowest_candidates(body: Body) -> list[tuple[Vec, float]]:
    out = [(q, 0.0) for q in _torso(body, [s[0] for s in STATIONS])]
    for part in ("feet", "hands", "knees", "elbows", "head", "shins"):
        out += _region(body, part)
    return out


def lowest_point(body: Body) -> float:
    """The lowest point of the whole body's surface (for the no-sinking-into-the-floor check)."""
    return min(q[1] - r for q, r in _lowest_candidates(body))


def sinking(scene: Scene) -> list[tuple[int, float]]:
    """(keyframe, cm) where the body goes below the floor (or mat) by more than 1.5 cm."""
    floor = _surface_height(scene.pose, Surface.floor)
    out = []
    for i, body in enumerate(scene.bodies):
        low = lowest_point(body) - floor
        if low < -1.5:
            out.append((i, low))
    return out


# -- projection and drawing -----------------------------------------------------------------------


#: The two views from above ("top": from the floor on the body's front side, +z, in a side-view
#: posture; "front_above": in front of the body, +x) look down on the floor from this many degrees
#: above it. Straight down (90), a side-lying body's bent legs and arms read as a kneeling person's;
#: from this height the floor and the mat show as a plane the body lies on, and a movement toward
#: or away from the floor (the open book's arm, knees falling to one side) still shows.
ELEVATION = {View.top: 40.0, View.front_above: 25.0}
_SIN_COS = {v: (math.sin(math.radians(e)), math.cos(math.radians(e))) for v, e in ELEVATION.items()}
_ABOVE = set(ELEVATION)


def _project(v: Vec, view: View) -> tuple[float, float]:
    """World (cm, y up) to picture coordinates (cm, y down)."""
    if view is View.top:
        s, c = _SIN_COS[view]
        return (v[0], v[2] * s - v[1] * c)
    if view is View.front_above:
        s, c = _SIN_COS[view]
        return (-v[2], v[0] * s - v[1] * c)
    return (v[0], -v[1])


def _depth(v: Vec, view: View) -> float:
    """How near the viewer a point is (larger: nearer)."""
    if view is View.top:
        s, c = _SIN_COS[view]
        return v[1] * s + v[2] * c
    if view is View.front_above:
        s, c = _SIN_COS[view]
        return v[1] * s + v[0] * c
    return v[2]


def _f(x: float) -> str:
    s = f"{x:.1f}"
    return "0" if s in {"-0.0", "0.0"} else s.removesuffix(".0")


# Round ends and circles as cubic Béziers, not SVG arcs: the PDF renderer turns every arc into
# Béziers itself, through a rotation matrix per control point, which made arcs the dearest part of
# printing a handout. A half circle is one cubic with handles 4/3 of the radius long (the curve
# WeasyPrint drew for these arcs, so the print is unchanged); a whole circle is four quarter
# cubics with handles 0.5523 of the radius long (within 0.03 % of the radius).
_HALF = 4 / 3
_QUARTER = 4 / 3 * math.tan(math.pi / 8)


def _capsule(p: tuple[float, float], q: tuple[float, float], r1: float, r2: float) -> str:
    """A limb segment: round ends of radius ``r1`` at ``p`` and ``r2`` at ``q``, straight sides."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    n = math.hypot(dx, dy)
    ux, uy = (dx / n, dy / n) if n > 1e-6 else (1.0, 0.0)
    nx, ny = -uy, ux
    a1 = (p[0] + nx * r1, p[1] + ny * r1)
    a2 = (q[0] + nx * r2, q[1] + ny * r2)
    b2 = (q[0] - nx * r2, q[1] - ny * r2)
    b1 = (p[0] - nx * r1, p[1] - ny * r1)
    k2, k1 = _HALF * r2, _HALF * r1
    return (
        f"M{_f(a1[0])} {_f(a1[1])}L{_f(a2[0])} {_f(a2[1])}"
        f"C{_f(a2[0] + ux * k2)} {_f(a2[1] + uy * k2)} {_f(b2[0] + ux * k2)} {_f(b2[1] + uy * k2)} "
        f"{_f(b2[0])} {_f(b2[1])}"
        f"L{_f(b1[0])} {_f(b1[1])}"
        f"C{_f(b1[0] - ux * k1)} {_f(b1[1] - uy * k1)} {_f(a1[0] - ux * k1)} {_f(a1[1] - uy * k1)} "
        f"{_f(a1[0])} {_f(a1[1])}Z"
    )


def _circle(c: tuple[float, float], r: float) -> str:
    x, y = c
    k = _QUARTER * r
    return (
        f"M{_f(x - r)} {_f(y)}"
        f"C{_f(x - r)} {_f(y + k)} {_f(x - k)} {_f(y + r)} {_f(x)} {_f(y + r)}"
        f"C{_f(x + k)} {_f(y + r)} {_f(x + r)} {_f(y + k)} {_f(x + r)} {_f(y)}"
        f"C{_f(x + r)} {_f(y - k)} {_f(x + k)} {_f(y - r)} {_f(x)} {_f(y - r)}"
        f"C{_f(x - k)} {_f(y - r)} {_f(x - r)} {_f(y - k)} {_f(x - r)} {_f(y)}Z"
    )


def _poly(points: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{_f(x)} {_f(y)}" for x, y in points) + "Z"


def _smooth(points: Sequence[tuple[float, float]], closed: bool = True) -> str:
    """A closed Catmull-Rom curve through the points, as cubic Béziers."""
    n = len(points)
    out = f"M{_f(points[0][0])} {_f(points[0][1])}"
    for i in range(n if closed else n - 1):
        p0 = points[(i - 1) % n]
        p1 = points[i]
        p2 = points[(i + 1) % n]
        p3 = points[(i + 2) % n]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        out += f"C{_f(c1[0])} {_f(c1[1])} {_f(c2[0])} {_f(c2[1])} {_f(p2[0])} {_f(p2[1])}"
    return out + "Z"


def _torso_outline(body: Body, view: View) -> list[tuple[float, float]]:
    """Left and right edges of the torso in the picture, following the spine's curve."""
    centres = [_project(c, view) for _, c, _ in body.spine]
    left: list[tuple[float, float]] = []
    right: list[tuple[float, float]] = []
    n = len(body.spine)
    for i, (name, centre, m) in enumerate(body.spine):
        a = centres[max(i - 1, 0)]
        b = centres[min(i + 1, n - 1)]
        tx, ty = b[0] - a[0], b[1] - a[1]
        length = math.hypot(tx, ty) or 1.0
        nx, ny = -ty / length, tx / length
        c2 = centres[i]
        ring = [_project(q, view) for q in _section(name, centre, m, 16)]
        ds = [(q[0] - c2[0]) * nx + (q[1] - c2[1]) * ny for q in ring]
        hi, lo = max(ds), min(ds)
        left.append((c2[0] + nx * hi, c2[1] + ny * hi))
        right.append((c2[0] + nx * lo, c2[1] + ny * lo))
    return left + right[::-1]


@dataclass
class _Shape:
    d: str
    fill: str
    depth: float
    group: str
    side: str = ""


def _limb_motion(scene: Scene, limb: str, s: str) -> float:
    """How far (cm) a limb's end moves relative to the pelvis from the first to the last keyframe."""
    end = {"leg": "toe", "arm": "hand"}[limb]
    a, b = scene.bodies[0], scene.bodies[-1]
    pa = _add(a.points[f"{end}_{s}"], _mul(a.points["pelvis"], -1))
    pb = _add(b.points[f"{end}_{s}"], _mul(b.points["pelvis"], -1))
    return math.dist(pa, pb)


def working_limbs(scene: Scene) -> set[tuple[str, str]]:
    """(limb, side) pairs drawn in the accent colour: the working side's limbs that move, or its
    leg when none moves (a held position)."""
    side = scene.pose.side
    if side not in {Side.left, Side.right}:
        return set()
    s = side.value[0]
    moving = {(limb, s) for limb in ("leg", "arm") if _limb_motion(scene, limb, s) > 6.0}
    return moving or {("leg", s)}


def _body_shapes(
    scene: Scene, body: Body, shift: tuple[float, float] = (0.0, 0.0)
) -> list[list[_Shape]]:
    """Groups of shapes (one group per limb, torso, head), far to near; every point moved by
    ``shift`` (see :func:`_shifted`)."""
    view = scene.pose.view
    work = working_limbs(scene)

    def proj(v: Vec) -> tuple[float, float]:
        x, y = _project(v, view)
        return x + shift[0], y + shift[1]

    p = {k: proj(v) for k, v in body.points.items()}
    depth = {k: _depth(v, view) for k, v in body.points.items()}
    groups: list[tuple[float, list[_Shape]]] = []
    mid = (depth["hip_l"] + depth["hip_r"]) / 2
    for s in "lr":
        leg_work = ("leg", s) in work
        arm_work = ("arm", s) in work
        leg_depth = (depth[f"hip_{s}"] + depth[f"knee_{s}"] + depth[f"ankle_{s}"]) / 3
        arm_depth = (depth[f"shoulder_{s}"] + depth[f"elbow_{s}"] + depth[f"hand_{s}"]) / 3
        near_leg = depth[f"hip_{s}"] >= mid
        near_arm = depth[f"shoulder_{s}"] >= (depth["shoulder_l"] + depth["shoulder_r"]) / 2
        leg_fill = (ACCENT if near_leg else ACCENT_FAR) if leg_work else (NEAR if near_leg else FAR)
        arm_fill = (ACCENT if near_arm else ACCENT_FAR) if arm_work else (NEAR if near_arm else FAR)
        skin = SKIN if near_arm else SKIN_FAR
        name = "left" if s == "l" else "right"
        leg_tag = ("working-" if leg_work else "") + name
        arm_tag = ("working-" if arm_work else "") + name
        leg = [
            _Shape(
                _capsule(p[f"hip_{s}"], p[f"knee_{s}"], *R_THIGH),
                leg_fill,
                leg_depth,
                "leg",
                leg_tag,
            ),
            _Shape(
                _capsule(p[f"knee_{s}"], p[f"ankle_{s}"], *R_SHANK),
                leg_fill,
                leg_depth,
                "leg",
                leg_tag,
            ),
            _Shape(
                _capsule(p[f"heel_{s}"], p[f"toe_{s}"], *R_FOOT),
                leg_fill,
                leg_depth,
                "leg",
                leg_tag,
            ),
        ]
        arm = [
            _Shape(
                _capsule(p[f"shoulder_{s}"], p[f"elbow_{s}"], *R_UPPER_ARM),
                arm_fill,
                arm_depth,
                "arm",
                arm_tag,
            ),
            _Shape(
                _capsule(p[f"elbow_{s}"], p[f"wrist_{s}"], *R_FOREARM),
                arm_fill,
                arm_depth,
                "arm",
                arm_tag,
            ),
            _Shape(
                _capsule(p[f"wrist_{s}"], p[f"hand_{s}"], *R_HAND), skin, arm_depth, "arm", arm_tag
            ),
        ]
        groups.append((leg_depth, leg))
        groups.append((arm_depth + 0.01, arm))
    torso_depth = _depth(body.points["pelvis"], view)
    head = body.points["head"]
    hp = p["head"]
    hm = body.frames["head"]
    nose_dir = proj(_add(head, hm[0]))
    ndx, ndy = nose_dir[0] - hp[0], nose_dir[1] - hp[1]
    nose_len = math.hypot(ndx, ndy)
    torso = [
        _Shape(_capsule(p["c7"], p["neck"], *R_NECK), SKIN, torso_depth, "torso"),
        _Shape(
            _smooth([(x + shift[0], y + shift[1]) for x, y in _torso_outline(body, view)]),
            TORSO,
            torso_depth,
            "torso",
        ),
    ]
    head_shapes = [_Shape(_circle(hp, HEAD_R), SKIN, torso_depth, "head")]
    # nose: a small bump toward where the face looks (shrinks when the face turns to the viewer)
    k = nose_len  # 0..1 (unit vector projected)
    tip = (hp[0] + ndx * (HEAD_R + 2.6 * k), hp[1] + ndy * (HEAD_R + 2.6 * k))
    base_dir = (ndx / (nose_len or 1.0), ndy / (nose_len or 1.0))
    side_dir = (-base_dir[1], base_dir[0])
    b1 = (
        hp[0] + base_dir[0] * (HEAD_R - 2) + side_dir[0] * 3,
        hp[1] + base_dir[1] * (HEAD_R - 2) + side_dir[1] * 3,
    )
    b2 = (
        hp[0] + base_dir[0] * (HEAD_R - 2) - side_dir[0] * 3,
        hp[1] + base_dir[1] * (HEAD_R - 2) - side_dir[1] * 3,
    )
    head_shapes.append(_Shape(_poly([b1, tip, b2]), SKIN, torso_depth, "head"))
    # hair: a cap on the back of the head (away from the face and toward the crown)
    up = proj(_add(head, hm[1]))
    ux, uy = up[0] - hp[0], up[1] - hp[1]
    hx, hy = ux - ndx * 0.9, uy - ndy * 0.9
    hl = math.hypot(hx, hy) or 1.0
    hx, hy = hx / hl, hy / hl
    cap = []
    for i in range(9):
        t = math.radians(-75 + 150 * i / 8)
        ct, st = math.cos(t), math.sin(t)
        cap.append(
            (
                hp[0] + (hx * ct - hy * st) * (HEAD_R + 0.8),
                hp[1] + (hx * st + hy * ct) * (HEAD_R + 0.8),
            )
        )
    cap.append((hp[0] + hx * (HEAD_R * 0.35), hp[1] + hy * (HEAD_R * 0.35)))
    head_shapes.append(_Shape(_poly(cap), "#5a4633", torso_depth, "head"))
    groups.append((torso_depth, torso + head_shapes))
    groups.sort(key=lambda g: g[0])
    return [g for _, g in groups]


# -- props ----------------------------------------------------------------------------------------


def _extent(bodies: Sequence[Body], view: View) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for b in bodies:
        pts: list[Vec] = _torso(b, [s[0] for s in STATIONS])
        for part in ("feet", "hands", "knees", "head"):
            pts += region_points(b, part)
        for q in pts:
            x, y = _project(q, view)
            xs.append(x)
            ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def _top_mat(scene: Scene) -> tuple[float, float, float, float, float]:
    """The mat seen from above, in picture coordinates: left, far edge, right, near edge of its
    top, and the bottom of its near side."""
    every = [q for b in scene.bodies for q in _all_surface(b)]
    mx0, mx1 = min(q[0] for q in every) - 8, max(q[0] for q in every) + 8
    mz0, mz1 = min(q[2] for q in every) - 8, max(q[2] for q in every) + 8
    view = scene.pose.view
    corners = [_project((x, MAT_H, z), view) for x in (mx0, mx1) for z in (mz0, mz1)]
    near = (mx1, 0.0, mz1) if view is View.front_above else (mx0, 0.0, mz1)
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys), _project(near, view)[1]


def _prop_shapes(scene: Scene, body: Body) -> tuple[list[str], list[str]]:
    """SVG elements behind and in front of the figure (front: straps and bands)."""
    pose = scene.pose
    view = pose.view
    first = scene.bodies[0]
    back: list[str] = []
    front: list[str] = []
    x0, y0, x1, _ = _extent(scene.bodies, view)

    def on(surface: Surface) -> list[Vec]:
        pts: list[Vec] = []
        for c in pose.contacts:
            if c.surface is surface:
                pts += region_points(scene.bodies[c.frames[0] if c.frames else 0], c.part)
        return pts

    if view not in _ABOVE:
        back.append(
            f'<line x1="{_f(x0 - 30)}" y1="0" x2="{_f(x1 + 30)}" y2="0" stroke="{PROP_DARK}" '
            'stroke-width="1.2"/>'
        )
    if Prop.mat in pose.props:
        if view in _ABOVE:
            # the mat under the whole body, on the floor plane, with its near edge's thickness
            mx0, top0, mx1, top1, edge = _top_mat(scene)
            back.append(
                f'<rect x="{_f(mx0)}" y="{_f(top1)}" width="{_f(mx1 - mx0)}" '
                f'height="{_f(edge - top1 + 0.6)}" rx="1" fill="{MAT_EDGE}"/>'
                f'<rect x="{_f(mx0)}" y="{_f(top0)}" width="{_f(mx1 - mx0)}" '
                f'height="{_f(top1 - top0)}" rx="1" fill="{MAT_FILL}"/>'
            )
        else:
            low = [q for b in scene.bodies for q in _all_surface(b) if q[1] < 25]
            mx0 = min((q[0] for q in low), default=x0) - 10
            mx1 = max((q[0] for q in low), default=x1) + 10
            back.append(
                f'<rect x="{_f(mx0)}" y="{_f(-MAT_H)}" width="{_f(mx1 - mx0)}" height="{_f(MAT_H)}" '
                f'rx="0.7" fill="{MAT_FILL}"/>'
            )
    for surface, prop in ((Surface.chair, Prop.chair), (Surface.bench, Prop.bench)):
        pts = on(surface)
        if prop not in pose.props or not pts:
            continue
        h = SURFACE_H[surface]
        cx = min(pts, key=lambda q: q[1])[0]
        facing = first.frames["root"][0][0]
        direction = 1.0 if facing >= 0 else -1.0
        if view is View.front:
            sx0, sx1 = cx - 22, cx + 22
        elif prop is Prop.chair:
            sx0, sx1 = sorted((cx - 14 * direction, cx + 26 * direction))
        else:
            xs = [q[0] for q in pts]
            sx0, sx1 = min(xs) - 8, max(xs) + 4
            if any(c.surface is Surface.bench and c.part == "pelvis" for c in pose.contacts):
                # the Thomas stretch: the hip sits at the bench's end
                edge = cx + 10 * (1 if cx > sum(xs) / len(xs) else -1)
                sx0, sx1 = (min(xs) - 8, edge) if edge > cx else (edge, max(xs) + 8)
        back.append(
            f'<rect x="{_f(sx0)}" y="{_f(-h)}" width="{_f(sx1 - sx0)}" height="4" rx="1" '
            f'fill="{PROP_DARK}"/>'
        )
        for lx in (sx0 + 2, sx1 - 4):
            back.append(
                f'<rect x="{_f(lx)}" y="{_f(-h + 4)}" width="2.5" height="{_f(h - 4)}" fill="{PROP_DARK}"/>'
            )
        if prop is Prop.chair and view is View.side:
            bx = sx0 if direction > 0 else sx1 - 2.5
            back.append(
                f'<rect x="{_f(bx)}" y="{_f(-h - 42)}" width="2.5" height="42" rx="1" fill="{PROP_DARK}"/>'
            )
        if prop is Prop.chair and view is View.front:
            back.append(
                f'<rect x="{_f(sx0 + 2)}" y="{_f(-h - 40)}" width="{_f(sx1 - sx0 - 4)}" height="30" '
                f'rx="2" fill="{PROP}"/>'
            )
    if Prop.step in pose.props:
        pts = on(Surface.step)
        xs = [q[0] for q in pts] or [0.0]
        back.append(
            f'<rect x="{_f(min(xs) - 6)}" y="{_f(-SURFACE_H[Surface.step])}" '
            f'width="{_f(max(xs) - min(xs) + 12)}" height="{_f(SURFACE_H[Surface.step])}" fill="{PROP}"/>'
        )
    for surface, prop, r in (
        (Surface.foam_roller, Prop.foam_roller, 7.5),
        (Surface.towel, Prop.towel, 3.5),
        (Surface.pillow, Prop.pillow, 6.0),
    ):
        if prop not in pose.props:
            continue
        pts = [
            q for c in pose.contacts if c.surface is surface for q in region_points(body, c.part)
        ]
        if pts:
            under = min(pts, key=lambda q: q[1])
            base = scene.floor
            cx, cy = _project((under[0], base + SURFACE_H[surface] / 2, under[2]), view)
            if view not in _ABOVE:
                cy = -(base + SURFACE_H[surface] / 2)
            back.append(
                f'<ellipse cx="{_f(cx)}" cy="{_f(cy)}" '
                f'rx="{_f(max(r, SURFACE_H[surface] / 2) * (1.6 if prop is Prop.towel else 1))}" '
                f'ry="{_f(SURFACE_H[surface] / 2)}" fill="{PROP if prop is not Prop.towel else "#d7c7a8"}"/>'
            )
        elif prop is Prop.pillow:
            kl, kr = body.points["knee_l"], body.points["knee_r"]
            kc = _project(_mul(_add(kl, kr), 0.5), view)
            front.append(
                f'<ellipse cx="{_f(kc[0])}" cy="{_f(kc[1])}" rx="9" ry="5" fill="#e3e3e3"/>'
            )
    if scene.wall_x is not None and Prop.wall in pose.props:
        wx = scene.wall_x
        w0 = wx if scene.wall_side > 0 else wx - 6
        back.append(
            f'<rect x="{_f(w0)}" y="{_f(y0 - 10)}" width="6" height="{_f(-(y0 - 10))}" fill="{PROP}"/>'
        )
        if Prop.ball in pose.props:
            pts = region_points(
                body, next(c.part for c in pose.contacts if c.surface is Surface.wall)
            )
            touching = max(pts, key=lambda q: q[0] * scene.wall_side)
            e2 = _project(touching, view)
            front.append(
                f'<circle cx="{_f(wx - scene.wall_side * BALL_D / 2)}" cy="{_f(e2[1])}" '
                f'r="{_f(BALL_D / 2)}" fill="{ACCENT}" stroke="#fff" stroke-width="0.8"/>'
            )
    if Prop.band in pose.props:
        hand = _project(_mul(_add(body.points["hand_l"], body.points["hand_r"]), 0.5), view)
        h0 = _project(_mul(_add(first.points["hand_l"], first.points["hand_r"]), 0.5), view)
        facing = first.frames["root"][0][0]
        ax = h0[0] + (80 if facing >= -0.1 else -80)
        back.append(
            f'<rect x="{_f(ax - 2)}" y="{_f(y0 - 5)}" width="4" height="{_f(-(y0 - 5))}" fill="{PROP}"/>'
        )
        front.append(
            f'<line x1="{_f(ax)}" y1="{_f(h0[1])}" x2="{_f(hand[0])}" y2="{_f(hand[1])}" '
            f'stroke="{ACCENT}" stroke-width="1.6"/>'
        )
    if Prop.strap in pose.props:
        ws = pose.side.value[0] if pose.side in {Side.left, Side.right} else "r"
        foot = _project(body.points[f"toe_{ws}"], view)
        for hand_key in ("hand_l", "hand_r"):
            hp = _project(body.points[hand_key], view)
            front.append(
                f'<line x1="{_f(hp[0])}" y1="{_f(hp[1])}" x2="{_f(foot[0])}" y2="{_f(foot[1])}" '
                f'stroke="#6b4f2a" stroke-width="1.3"/>'
            )
    return back, front


def _all_surface(body: Body) -> list[Vec]:
    pts: list[Vec] = _torso(body, [s[0] for s in STATIONS])
    for part in ("feet", "hands", "knees", "head", "elbows"):
        pts += region_points(body, part)
    return pts


# -- SVG documents --------------------------------------------------------------------------------


def _interpolate(a: dict[str, float], b: dict[str, float], t: float) -> dict[str, float]:
    e = (1 - math.cos(math.pi * t)) / 2
    return {k: a[k] + (b[k] - a[k]) * e for k in a}


def _arrow(
    scene: Scene, path: Sequence[tuple[float, float]], shift: tuple[float, float] = (0.0, 0.0)
) -> str:
    if len(path) < 2:
        return ""
    path = [(x + shift[0], y + shift[1]) for x, y in path]
    length = sum(math.dist(path[i], path[i + 1]) for i in range(len(path) - 1))
    if length < 4:
        return ""
    d = "M" + "L".join(f"{_f(x)} {_f(y)}" for x, y in path)
    (ax, ay), (bx, by) = path[-2], path[-1]
    n = math.hypot(bx - ax, by - ay) or 1.0
    ux, uy = (bx - ax) / n, (by - ay) / n
    head = [
        (bx + ux * 3, by + uy * 3),
        (bx - ux * 3 - uy * 3, by - uy * 3 + ux * 3),
        (bx - ux * 3 + uy * 3, by - uy * 3 - ux * 3),
    ]
    return (
        f'<path class="lm-arrow" d="{d}" fill="none" stroke="{ARROW}" stroke-width="1.6" '
        f'stroke-linecap="round" stroke-dasharray="3 2"/><path d="{_poly(head)}" fill="{ARROW}"/>'
    )


def _arrow_point(body: Body, name: str) -> Vec:
    p = body.points
    if name in {"hands", "knees", "feet"}:
        key = {"hands": "hand", "knees": "knee", "feet": "toe"}[name]
        return _mul(_add(p[f"{key}_l"], p[f"{key}_r"]), 0.5)
    if name in {"foot_l", "foot_r"}:
        return p[f"toe_{name[-1]}"]
    return p[name]


def _arrow_path(scene: Scene, steps: int = 8) -> list[tuple[float, float]]:
    pose = scene.pose
    if not pose.arrow:
        return []
    view = pose.view
    out: list[tuple[float, float]] = []
    frames = scene.angles
    anchor = _anchor_x(pose, scene.bodies[0])
    centre = _project(scene.bodies[0].points["l3"], view)
    for i in range(len(frames) - 1):
        for k in range(steps + 1):
            if i > 0 and k == 0:
                continue
            a = _interpolate(frames[i], frames[i + 1], k / steps)
            body = _place(pose, a, anchor)
            out.append(_project(_arrow_point(body, pose.arrow), view))
    # push the path a little away from the body so it does not hide it
    shifted = []
    for x, y in out:
        dx, dy = x - centre[0], y - centre[1]
        n = math.hypot(dx, dy) or 1.0
        shifted.append((x + dx / n * 7, y + dy / n * 7))
    return shifted


def _figure(
    scene: Scene, body: Body, ghost: bool = False, shift: tuple[float, float] = (0.0, 0.0)
) -> str:
    parts: list[str] = []
    for group in _body_shapes(scene, body, shift):
        side = next((s.side for s in group if s.side), "")
        attrs = f' data-part="{group[0].group}"' + (f' data-side="{side}"' if side else "")
        # one path for the white outline and one per run of a colour: few nodes, quick to print
        outline = "".join(shape.d for shape in group)
        runs: list[tuple[str, str]] = []
        for shape in group:
            if runs and runs[-1][0] == shape.fill:
                runs[-1] = (shape.fill, runs[-1][1] + shape.d)
            else:
                runs.append((shape.fill, shape.d))
        fills = "".join(f'<path d="{d}" fill="{fill}"/>' for fill, d in runs)
        parts.append(
            f'<g{attrs}><path d="{outline}" fill="#fff" stroke="#fff" stroke-width="2.2" '
            f'stroke-linejoin="round"/>{fills}</g>'
        )
    inner = "".join(parts)
    if ghost:
        return f'<g opacity="0.22">{inner}</g>'
    return inner


def _bounds(scene: Scene) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = _extent(scene.bodies, scene.pose.view)
    if scene.pose.view not in _ABOVE:
        y1 = max(y1, 0.0)
    elif Prop.mat in scene.pose.props:
        mx0, top0, mx1, _, edge = _top_mat(scene)
        x0, y0, x1, y1 = min(x0, mx0 + 6), min(y0, top0 + 6), max(x1, mx1 - 6), max(y1, edge - 6)
    if scene.wall_x is not None:
        x0, x1 = min(x0, scene.wall_x - 8), max(x1, scene.wall_x + 8)
    if Prop.band in scene.pose.props:
        h0 = _project(scene.bodies[0].points["hand_r"], scene.pose.view)
        x1 = max(x1, h0[0] + 86)
        x0 = min(x0, h0[0] - 86) if scene.bodies[0].frames["root"][0][0] < -0.1 else x0
    pad = 10.0
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _title(pose: Pose, name: str | None) -> str:
    what = escape(name or pose.technique.replace("-", " "))
    side = ""
    if pose.side in {Side.left, Side.right}:
        side = f", shown for the {pose.side.value} side"
    return f"<title>{what}{side}</title>"


def _shifted(markup: str, shift: tuple[float, float]) -> str:
    """Shapes drawn ``shift`` away from their place, moved back by a group.

    WeasyPrint's SVG path parser runs a regular-expression replacement for every minus sign in a
    path's data (3 % of a 12-week handout's work, where the picture's origin is at the floor, so
    every height is negative): the still's figures and arrow are drawn from the picture's
    top-left corner instead (whole units: the same numbers to their 0.1 rounding), so the
    numbers in their paths are positive."""
    if not markup:
        return ""
    return f'<g transform="translate({_f(-shift[0])} {_f(-shift[1])})">{markup}</g>'


def still_svg(pose: Pose, name: str | None = None, width: int = 360) -> str:
    """Start and end positions side by side, for print (no animation)."""
    scene = solve(pose)
    x0, y0, x1, y1 = _bounds(scene)
    w, h = x1 - x0, y1 - y0
    gap = 14.0
    total_w = 2 * w + gap
    label_h = 9.0
    height = width * (h + label_h) / total_w
    start, end = scene.bodies[0], scene.bodies[-1]
    shift = (float(math.ceil(-x0)), float(math.ceil(-y0)))
    panels = []
    for i, (body, label) in enumerate(((start, "Start"), (end, "End"))):
        back, front = _prop_shapes(scene, body)
        dx = i * (w + gap) - x0
        move = f'<g transform="translate({_f(dx)} {_f(-y0)})">'
        ghost = ""
        if i == 1:
            # The start position, faint behind the end. A see-through group needs its extent:
            # WeasyPrint measures a <g> by parsing every path in it again, but takes a nested
            # <svg> (same drawing: no viewBox, no clipping) as the whole picture, so the faint
            # copy costs one drawing, not two.
            ghost = (
                f'</g><svg width="100%" height="100%" overflow="visible" opacity="0.22">{move}'
                f"{_shifted(_figure(scene, start, shift=shift), shift)}</g></svg>{move}"
            )
        arrow = _shifted(_arrow(scene, _arrow_path(scene), shift), shift) if i == 1 else ""
        notes = {View.top: " (seen from above)", View.front_above: " (seen from in front)"}
        if view_note := notes.get(pose.view, ""):
            label = label + view_note
        panels.append(
            f"{move}{''.join(back)}{ghost}"
            f"{_shifted(_figure(scene, body, shift=shift), shift)}{''.join(front)}{arrow}</g>"
            f'<text x="{_f(i * (w + gap) + w / 2)}" y="{_f(h + label_h - 1.5)}" '
            f'text-anchor="middle" font-family="system-ui, sans-serif" font-size="7" '
            f'fill="#333">{label}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="lm-figure" '
        f'data-technique="{escape(pose.technique)}" width="{width}" height="{_f(height)}" '
        f'viewBox="0 0 {_f(total_w)} {_f(h + label_h)}">{_title(pose, name)}{"".join(panels)}</svg>'
    )


def animated_svg(pose: Pose, name: str | None = None, width: int = 320, steps: int = 8) -> str:
    """The movement looped on screen (SMIL); with reduced motion, the end position stands still."""
    scene = solve(pose)
    x0, y0, x1, y1 = _bounds(scene)
    w, h = x1 - x0, y1 - y0
    anchor = _anchor_x(pose, scene.bodies[0])
    frames = [*scene.angles, scene.angles[0]]
    bodies: list[Body] = []
    for i in range(len(frames) - 1):
        for k in range(steps):
            bodies.append(_place(pose, _interpolate(frames[i], frames[i + 1], k / steps), anchor))
    bodies.append(bodies[0])
    per_key = 2.2
    dur = per_key * (len(frames) - 1)
    shapes_per_frame = [_body_shapes(scene, b) for b in bodies]
    order = shapes_per_frame[0]

    # keep the drawing order of the first frame; match groups by (part, side) across frames
    def key(g: list[_Shape]) -> tuple[str, str, int]:
        return (g[0].group, g[0].side, len(g))

    moving: list[str] = []
    for group in order:
        k0 = key(group)
        per_frame = [next(g for g in frames_ if key(g) == k0) for frames_ in shapes_per_frame]
        side = group[0].side
        attrs = f' data-part="{group[0].group}"' + (f' data-side="{side}"' if side else "")
        outline = []
        fills = []
        for j, shape in enumerate(group):
            values = ";".join(g[j].d for g in per_frame)
            anim = f'<animate attributeName="d" dur="{dur:g}s" repeatCount="indefinite" values="{values}"/>'
            outline.append(f'<path d="{shape.d}">{anim}</path>')
            fills.append(f'<path d="{shape.d}" fill="{shape.fill}">{anim}</path>')
        moving.append(
            f'<g{attrs}><g fill="#fff" stroke="#fff" stroke-width="2.2" stroke-linejoin="round">'
            f"{''.join(outline)}</g>{''.join(fills)}</g>"
        )
    back, front = _prop_shapes(scene, scene.bodies[0])
    end_back, end_front = _prop_shapes(scene, scene.bodies[-1])
    arrow = _arrow(scene, _arrow_path(scene))
    style = (
        "<style>@media (prefers-reduced-motion: reduce){.lm-motion{display:none}}"
        "@media (prefers-reduced-motion: no-preference){.lm-rest{display:none}}</style>"
    )
    height = width * h / w
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="lm-figure lm-animated" '
        f'data-technique="{escape(pose.technique)}" width="{width}" height="{_f(height)}" '
        f'viewBox="{_f(x0)} {_f(y0)} {_f(w)} {_f(h)}">{_title(pose, name)}{style}'
        f'<g class="lm-motion">{"".join(back)}{"".join(moving)}{"".join(front)}{arrow}</g>'
        f'<g class="lm-rest">{"".join(end_back)}{_figure(scene, scene.bodies[0], ghost=True)}'
        f"{_figure(scene, scene.bodies[-1])}{''.join(end_front)}{arrow}</g></svg>"
    )


@lru_cache(maxsize=512)
def illustration_svg(technique_id: str, name: str | None = None, animated: bool = False) -> str:
    """The picture of a technique by id (KnowledgeBaseError when it has none). Pictures depend
    only on the shipped pose data, so each is drawn once per process."""
    pose = pose_library().get(technique_id)
    return animated_svg(pose, name) if animated else still_svg(pose, name)
