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
#: A later track that starts within this long and this many torso lengths of where the subject's
#: track ended (with a similar size) is the subject again: the tracks are joined.
REJOIN_MAX_GAP_S = 3.0
REJOIN_TORSOS = 1.0


@dataclass(slots=True)
class Track:
    id: int
    positions: list[int] = field(default_factory=list)
    """Indices (into the analysed-frame sequence) assigned to this track."""
    times: list[float] = field(default_factory=list)
    score: float = 0.0
    first_hip: tuple[float, float] = (0.0, 0.0)
    first_torso: float = 0.0
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
            track = Track(id=len(self.tracks), first_hip=hip, first_torso=torso)
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
    """The most prominent track (the seed of the subject's group)."""
    joined: tuple[Track, ...]
    """Other tracks recognised as the same person (re-found where the subject was)."""
    others: tuple[Track, ...]
    warnings: tuple[str, ...]

    @property
    def positions(self) -> list[int]:
        """Analysed-frame indices attributed to the subject."""
        if self.subject is None:
            return []
        return sorted(p for tr in (self.subject, *self.joined) for p in tr.positions)


def _rejoins(before: Track, after: Track) -> bool:
    gap = after.start_s - before.end_s
    if gap < 0 or gap > REJOIN_MAX_GAP_S or before.last_torso <= 0:
        return False
    ratio = after.first_torso / before.last_torso
    if ratio > MAX_SCALE_RATIO or ratio < 1.0 / MAX_SCALE_RATIO:
        return False
    dx = after.first_hip[0] - before.last_hip[0]
    dy = after.first_hip[1] - before.last_hip[1]
    return float(np.hypot(dx, dy)) <= REJOIN_TORSOS * before.last_torso


def _group(seed: Track, tracks: list[Track]) -> list[Track]:
    """The seed plus every track that continues it (or that it continues), transitively."""
    group = [seed]
    changed = True
    while changed:
        changed = False
        for tr in tracks:
            if tr in group:
                continue
            prev = [g for g in group if g.end_s <= tr.start_s]
            nxt = [g for g in group if g.start_s >= tr.end_s]
            if (prev and _rejoins(max(prev, key=lambda g: g.end_s), tr)) or (
                nxt and _rejoins(tr, min(nxt, key=lambda g: g.start_s))
            ):
                group.append(tr)
                changed = True
    return group


def select_subject(tracks: list[Track]) -> Selection:
    """Pick the assessed person and explain, in warnings, what was excluded and why.

    The seed is the track with the largest size-weighted person-time; tracks that re-find a person
    where the seed's person was (same place, same size, within a few seconds) are joined to it.
    """
    if not tracks:
        return Selection(None, (), (), ())
    seed = max(tracks, key=lambda tr: tr.score)
    group = _group(seed, tracks)
    joined = tuple(tr for tr in group if tr is not seed)
    others = tuple(tr for tr in tracks if tr not in group)
    score = sum(tr.score for tr in group)
    start, end = min(tr.start_s for tr in group), max(tr.end_s for tr in group)
    warnings: list[str] = []
    rivals = [
        tr
        for tr in others
        if tr.score >= AMBIGUOUS_SCORE_RATIO * score
        or tr.end_s - tr.start_s >= AMBIGUOUS_DURATION_S
    ]
    if rivals:
        spans = ", ".join(f"{tr.start_s:.1f}-{tr.end_s:.1f} s" for tr in rivals)
        warnings.append(
            "person selection is ambiguous: "
            f"{len(others) + 1} people (or pose-model tracks) were seen; measured the most "
            f"prominent one ({start:.1f}-{end:.1f} s) and excluded the others ({spans}). "
            "Record the person alone in the frame for a reliable measurement."
        )
    elif others:
        n = sum(len(tr.positions) for tr in others)
        warnings.append(
            f"excluded {n} frame(s) in which the pose model followed someone else or lost "
            f"the person ({len(others)} short track(s))"
        )
    return Selection(seed, joined, others, tuple(warnings))
