"""Person selection and tracking: measure the person being assessed, not a bystander.

The pose model returns at most one person per frame and may jump to somebody else (when the
subject is occluded, leaves, or a more prominent person walks in). Every detection is assigned to a
*track*: it continues the current track when it is close to where the track was last seen (hip
midpoint within a torso length or so, scaled by the time elapsed) and of a similar size; otherwise
it starts a new track. The **subject** is the track with the largest person-time weighted by
apparent size (the assessed person is usually the one in front of the camera the whole time).
Frames of other tracks are excluded from every measurement and reported in ``warnings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lumbo.vision.landmarks import LEFT_HIP, RIGHT_HIP, Pose

#: A track ends after this long without a matching detection.
MAX_TRACK_GAP_S = 0.5
#: Allowed hip-midpoint displacement per frame interval, in torso lengths (plus a base allowance).
BASE_JUMP_TORSOS = 0.6
SPEED_TORSOS_PER_S = 3.0
#: Allowed change of apparent torso length between consecutive detections of one track.
MAX_SCALE_RATIO = 1.6
#: Another track this large relative to the subject's score makes the selection ambiguous.
AMBIGUOUS_SCORE_RATIO = 0.35
#: ... and so does another track followed for at least this long (a second person, not a glitch).
AMBIGUOUS_DURATION_S = 1.0


@dataclass(slots=True)
class Track:
    id: int
    positions: list[int] = field(default_factory=list)
    """Indices (into the analysed-frame sequence) assigned to this track."""
    times: list[float] = field(default_factory=list)
    score: float = 0.0
    last_hip: tuple[float, float] = (0.0, 0.0)
    last_torso: float = 0.0
    last_t: float = 0.0

    @property
    def start_s(self) -> float:
        return self.times[0]

    @property
    def end_s(self) -> float:
        return self.times[-1]


def _hip_mid(pose: Pose) -> tuple[float, float]:
    p = (pose.points[LEFT_HIP, :2] + pose.points[RIGHT_HIP, :2]) / 2.0
    return float(p[0]), float(p[1])


class Tracker:
    """Assigns each analysed frame's detection to a track, online and in O(1) per frame."""

    def __init__(self) -> None:
        self.tracks: list[Track] = []
        self._current: Track | None = None

    def update(self, position: int, t_s: float, pose: Pose | None) -> int | None:
        """Assign ``pose`` (seen at analysed position ``position``, time ``t_s``); returns the
        track id, or ``None`` when there is no detection."""
        if pose is None:
            return None
        hip = _hip_mid(pose)
        torso = max(pose.torso_length(), 1.0)
        cur = self._current
        if cur is not None and self._continues(cur, t_s, hip, torso):
            track = cur
        else:
            track = Track(id=len(self.tracks))
            self.tracks.append(track)
            self._current = track
        track.positions.append(position)
        track.times.append(t_s)
        track.score += pose.box().height * max(pose.confidence(), 0.0)
        track.last_hip = hip
        track.last_torso = torso
        track.last_t = t_s
        return track.id

    @staticmethod
    def _continues(track: Track, t_s: float, hip: tuple[float, float], torso: float) -> bool:
        dt = t_s - track.last_t
        if dt > MAX_TRACK_GAP_S:
            return False
        ratio = torso / track.last_torso if track.last_torso > 0 else 1.0
        if ratio > MAX_SCALE_RATIO or ratio < 1.0 / MAX_SCALE_RATIO:
            return False
        allowed = track.last_torso * (BASE_JUMP_TORSOS + SPEED_TORSOS_PER_S * dt)
        return float(np.hypot(hip[0] - track.last_hip[0], hip[1] - track.last_hip[1])) <= allowed


@dataclass(frozen=True, slots=True)
class Selection:
    subject: Track | None
    others: tuple[Track, ...]
    warnings: tuple[str, ...]


def select_subject(tracks: list[Track]) -> Selection:
    """Pick the assessed person's track and explain, in warnings, what was excluded and why."""
    if not tracks:
        return Selection(None, (), ())
    ranked = sorted(tracks, key=lambda tr: tr.score, reverse=True)
    subject, others = ranked[0], tuple(ranked[1:])
    warnings: list[str] = []
    rivals = [
        tr
        for tr in others
        if tr.score >= AMBIGUOUS_SCORE_RATIO * subject.score
        or tr.end_s - tr.start_s >= AMBIGUOUS_DURATION_S
    ]
    if rivals:
        spans = ", ".join(f"{tr.start_s:.1f}-{tr.end_s:.1f} s" for tr in rivals)
        warnings.append(
            "person selection is ambiguous: "
            f"{len(tracks)} separate people or tracks were seen; measured the most prominent one "
            f"({subject.start_s:.1f}-{subject.end_s:.1f} s) and excluded others ({spans}). "
            "Record the person alone in the frame for a reliable measurement."
        )
    elif others:
        n = sum(len(tr.positions) for tr in others)
        warnings.append(
            f"excluded {n} frame(s) in which the pose model followed someone else or lost "
            f"the person ({len(others)} short track(s))"
        )
    return Selection(subject, others, tuple(warnings))
