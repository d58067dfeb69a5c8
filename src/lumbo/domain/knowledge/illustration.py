"""Pose descriptions that illustrate the techniques (data in ``poses/*.toml``).

Each technique has one pose: a view (side, front, top or front_above), a named starting posture
(``poses/postures.toml``), two or more keyframes of joint angles that override the posture, the
props it needs, the body parts that rest on the floor or a prop, the point whose path is drawn as
the movement arrow, and the side that works. The renderer (``lumbo.reports.figure``) turns a pose
into SVG; the tests check every pose against the joint ranges in ``poses/joint_ranges.toml``.

Angles are in degrees. Spine and neck: ``*_flex`` positive is flexion (rounding forward), negative
extension; ``*_bend`` positive bends toward the right; ``*_turn`` positive turns toward the left.
Limbs (suffix ``_l``/``_r``): ``hip_flex``/``shoulder_flex`` move the thigh/arm forward,
``*_abd`` out to the side, ``shoulder_hor`` swings a raised arm out and back (horizontal
abduction), ``hip_rot`` positive is external rotation, ``knee_flex`` and
``elbow_flex`` bend, ``ankle_flex`` positive is dorsiflexion (toes up). The root angles place the
whole body: ``tilt`` turns it in the picture plane (90: head to the left), ``turn`` about the
vertical (-90: facing the viewer), ``roll`` about the screen's horizontal axis.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from lumbo.domain.errors import KnowledgeBaseError
from lumbo.domain.knowledge import parse_knowledge

__all__ = [
    "ANGLE_FIELDS",
    "Contact",
    "Frame",
    "JointRange",
    "Pose",
    "PoseLibrary",
    "Prop",
    "Side",
    "Surface",
    "View",
    "joint_ranges",
    "pose_library",
]


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class View(StrEnum):
    side = "side"
    front = "front"
    top = "top"  # from above, on the body's front side (+z) in a side-view posture
    front_above = "front_above"  # from above, in front of a side-view posture's body (+x)


class Prop(StrEnum):
    mat = "mat"
    chair = "chair"
    wall = "wall"
    band = "band"
    strap = "strap"
    ball = "ball"
    foam_roller = "foam_roller"
    bench = "bench"
    step = "step"
    towel = "towel"
    pillow = "pillow"


class Side(StrEnum):
    """The side that works in the picture: one side (per-side techniques) or both/none."""

    left = "left"
    right = "right"
    both = "both"
    none = "none"


class Surface(StrEnum):
    floor = "floor"
    chair = "chair"
    bench = "bench"
    step = "step"
    wall = "wall"
    foam_roller = "foam_roller"
    towel = "towel"
    pillow = "pillow"


# Body points a contact can name (the renderer knows where each sits on the body's surface).
CONTACT_POINTS = (
    "feet",
    "foot_l",
    "foot_r",
    "heels",
    "heel_l",
    "heel_r",
    "toes",
    "hands",
    "hand_l",
    "hand_r",
    "knees",
    "knee_l",
    "knee_r",
    "elbows",
    "elbow_l",
    "elbow_r",
    "forearm_l",
    "forearm_r",
    "pelvis",
    "back",
    "upper_back",
    "waist",
    "side_l",
    "side_r",
    "hip_l",
    "hip_r",
    "front",
    "head",
    "shins",
    "shin_l",
    "shin_r",
)

ANGLE_FIELDS = (
    "tilt",
    "turn",
    "roll",
    "lumbar_flex",
    "lumbar_bend",
    "lumbar_turn",
    "thoracic_flex",
    "thoracic_bend",
    "thoracic_turn",
    "neck_flex",
    "neck_turn",
    "hip_flex_l",
    "hip_flex_r",
    "hip_abd_l",
    "hip_abd_r",
    "hip_rot_l",
    "hip_rot_r",
    "knee_flex_l",
    "knee_flex_r",
    "ankle_flex_l",
    "ankle_flex_r",
    "shoulder_flex_l",
    "shoulder_flex_r",
    "shoulder_abd_l",
    "shoulder_abd_r",
    "shoulder_hor_l",
    "shoulder_hor_r",
    "elbow_flex_l",
    "elbow_flex_r",
)

Angle = Annotated[float, Field(ge=-360, le=360)]


class Frame(_Data):
    """Joint angles of one keyframe; a field left out keeps the posture's (or the previous
    keyframe's) value."""

    tilt: Angle | None = None
    turn: Angle | None = None
    roll: Angle | None = None
    lumbar_flex: Angle | None = None
    lumbar_bend: Angle | None = None
    lumbar_turn: Angle | None = None
    thoracic_flex: Angle | None = None
    thoracic_bend: Angle | None = None
    thoracic_turn: Angle | None = None
    neck_flex: Angle | None = None
    neck_turn: Angle | None = None
    hip_flex_l: Angle | None = None
    hip_flex_r: Angle | None = None
    hip_abd_l: Angle | None = None
    hip_abd_r: Angle | None = None
    hip_rot_l: Angle | None = None
    hip_rot_r: Angle | None = None
    knee_flex_l: Angle | None = None
    knee_flex_r: Angle | None = None
    ankle_flex_l: Angle | None = None
    ankle_flex_r: Angle | None = None
    shoulder_flex_l: Angle | None = None
    shoulder_flex_r: Angle | None = None
    shoulder_abd_l: Angle | None = None
    shoulder_abd_r: Angle | None = None
    shoulder_hor_l: Angle | None = None
    shoulder_hor_r: Angle | None = None
    elbow_flex_l: Angle | None = None
    elbow_flex_r: Angle | None = None


class Contact(_Data):
    """A body point that rests on a surface: ``part@surface`` in the data, in every keyframe, or
    ``part@surface#0,2`` in the keyframes listed (counted from 0)."""

    part: str
    surface: Surface = Surface.floor
    frames: tuple[Annotated[int, Field(ge=0, le=5)], ...] = ()

    @model_validator(mode="after")
    def _known_part(self) -> Contact:
        if self.part not in CONTACT_POINTS:
            raise ValueError(
                f"contact part {self.part!r} is unknown; allowed: {', '.join(CONTACT_POINTS)}"
            )
        return self

    @classmethod
    def parse(cls, text: str) -> Contact:
        text, _, frames = text.partition("#")
        part, _, surface = text.partition("@")
        try:
            where = Surface(surface) if surface else Surface.floor
        except ValueError:
            raise ValueError(
                f"contact surface {surface!r} is unknown; allowed: {', '.join(Surface)}"
            ) from None
        keys = tuple(int(f) for f in frames.split(",")) if frames else ()
        return cls(part=part, surface=where, frames=keys)

    def applies(self, frame: int) -> bool:
        return not self.frames or frame in self.frames

    def __str__(self) -> str:
        return f"{self.part}@{self.surface.value}"


class Pose(_Data):
    technique: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    view: View
    posture: str
    props: tuple[Prop, ...] = ()
    side: Side = Side.none
    contacts: Annotated[tuple[Contact, ...], Field(min_length=1)]
    arrow: str | None = Field(
        default=None, description="the body point whose path between keyframes is drawn"
    )
    lying: bool = Field(default=False, description="the figure lies on the floor or mat")
    frames: Annotated[tuple[Frame, ...], Field(min_length=2, max_length=6)]

    @model_validator(mode="after")
    def _contact_frames_exist(self) -> Pose:
        for c in self.contacts:
            for f in c.frames:
                if f >= len(self.frames):
                    raise ValueError(
                        f"contact {c} names keyframe {f}; there are {len(self.frames)}"
                    )
        if self.contacts[0].frames:
            raise ValueError("the first contact (the anchor) must hold in every keyframe")
        return self

    @model_validator(mode="before")
    @classmethod
    def _contacts_from_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("contacts"), list):
            data = dict(data)
            data["contacts"] = [
                Contact.parse(c) if isinstance(c, str) else c for c in data["contacts"]
            ]
        return data

    def angles(self, postures: dict[str, dict[str, float]]) -> list[dict[str, float]]:
        """Full joint-angle sets for every keyframe: posture, then each frame's overrides."""
        if self.posture not in postures:
            raise KnowledgeBaseError(
                f"pose {self.technique}: posture {self.posture!r} is unknown; allowed: "
                + ", ".join(sorted(postures))
            )
        current = dict(postures[self.posture])
        out: list[dict[str, float]] = []
        for frame in self.frames:
            current.update(frame.model_dump(exclude_none=True))
            out.append(dict(current))
        return out


class JointRange(_Data):
    low: float
    high: float
    source: str


class PoseLibrary:
    """All poses by technique id, with the named postures they start from."""

    def __init__(self, poses: list[Pose], postures: dict[str, dict[str, float]]) -> None:
        self.postures = postures
        self._by_id: dict[str, Pose] = {}
        for pose in poses:
            if pose.technique in self._by_id:
                raise KnowledgeBaseError(f"two poses for technique {pose.technique!r}")
            pose.angles(postures)  # unknown posture fails at load
            self._by_id[pose.technique] = pose

    def __contains__(self, technique_id: object) -> bool:
        return technique_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, technique_id: str) -> Pose:
        try:
            return self._by_id[technique_id]
        except KeyError:
            raise KnowledgeBaseError(f"technique {technique_id!r} has no illustration") from None

    @property
    def poses(self) -> tuple[Pose, ...]:
        return tuple(self._by_id[k] for k in sorted(self._by_id))


def _read(name: str) -> dict[str, Any]:
    path = resources.files(__package__).joinpath("poses").joinpath(name)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KnowledgeBaseError(f"poses/{name}: {exc}") from exc


class PoseFile(_Data):
    """A ``poses/<role>.toml`` file: its ``[[pose]]`` tables."""

    pose: tuple[Pose, ...] = ()


class PosturesFile(RootModel[dict[str, Frame]]):
    """``poses/postures.toml``: the named starting postures."""


class JointRangesFile(RootModel[dict[str, JointRange]]):
    """``poses/joint_ranges.toml``: the physiological range of each angle."""


def _postures() -> dict[str, dict[str, float]]:
    raw = parse_knowledge("poses/postures.toml", _read("postures.toml"), PosturesFile).root
    out: dict[str, dict[str, float]] = {}
    for name, frame in raw.items():
        full = dict.fromkeys(ANGLE_FIELDS, 0.0)
        full.update(frame.model_dump(exclude_none=True))
        out[name] = full
    return out


@cache
def pose_library() -> PoseLibrary:
    """Every pose shipped in ``poses/*.toml`` (validated, unknown keys refused)."""
    folder = resources.files(__package__).joinpath("poses")
    poses: list[Pose] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml") or entry.name in {"postures.toml", "joint_ranges.toml"}:
            continue
        name = f"poses/{entry.name}"
        poses += parse_knowledge(name, _read(entry.name), PoseFile).pose
    return PoseLibrary(poses, _postures())


@cache
def joint_ranges() -> dict[str, JointRange]:
    """Physiological range per angle (the test table; see ``poses/joint_ranges.toml``)."""
    name = "poses/joint_ranges.toml"
    return parse_knowledge(name, _read("joint_ranges.toml"), JointRangesFile).root
