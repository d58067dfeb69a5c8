"""What the adjustment rules remember about a history, so that a new log is judged without the rest.

The rules of :mod:`lumbo.domain.adjust.decide` decide each technique from two facts about its judged
history (the latest non-pending judgement and the length of the green run that ends it), and raise
alerts from the last ``gate.review_window`` sessions and the count of sessions with new numbness or
tingling. :class:`Settled` is that summary for the *settled* part of a history: every session log
performed before :attr:`Settled.before`, whose judgement can no longer change (a session performed
on a later day exists, so none of them is pending, and their check-ins are all dated on or before
``before``).

A write then judges only the logs performed on or after ``before`` (the *tail*) with the same
:func:`~lumbo.domain.adjust.decide.judge`, folds them into the summary with :func:`fold` and decides with
the same decision functions as a full recomputation; :func:`needs_full` names the writes that could
change a settled judgement (a log performed before ``before``, a check-in dated on or before it, or
one linked to a settled session), for which the caller recomputes from the whole history instead.
A full recomputation is the same fold started from :meth:`Settled.empty`, so both paths run the
same code. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Literal

Color = Literal["green", "yellow", "red", "pending"]
Order = tuple[str, int, int, str]  # (performed_on ISO date, week, session index, session id)


@dataclass(frozen=True, slots=True)
class Judged:
    """One logged block, judged."""

    technique: str
    order: Order
    color: Color
    reasons: tuple[str, ...]
    level: int
    tingling: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "technique": self.technique,
            "order": list(self.order),
            "color": self.color,
            "reasons": list(self.reasons),
            "level": self.level,
            "tingling": self.tingling,
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Judged:
        d, week, index, sid = doc["order"]
        return cls(
            technique=doc["technique"],
            order=(str(d), int(week), int(index), str(sid)),
            color=doc["color"],
            reasons=tuple(doc["reasons"]),
            level=int(doc["level"]),
            tingling=bool(doc["tingling"]),
        )


@dataclass(frozen=True, slots=True)
class Track:
    """A technique's judged history as the decision needs it: the latest non-pending judgement,
    the green run that ends the history, and how many non-pending judgements there were."""

    last: Judged | None = None
    run: int = 0
    judged: int = 0

    def add(self, j: Judged) -> Track:
        if j.color == "pending":
            return self
        return Track(j, self.run + 1 if j.color == "green" else 0, self.judged + 1)


@dataclass(frozen=True, slots=True)
class Settled:
    """The fold over every session log performed before ``before`` (see the module docs)."""

    before: date | None = None  # None: nothing settled yet
    plan_version: int | None = None  # the plan version the settled logs were judged against
    tracks: dict[str, Track] = field(default_factory=dict)
    recent: tuple[tuple[Order, bool], ...] = ()  # last sessions (order, any red), oldest first
    tingling: int = 0  # sessions with new numbness or tingling
    max_week: int = 0
    logs: int = 0
    stops: frozenset[str] = frozenset()  # warning signs reported in settled logs and check-ins

    @classmethod
    def empty(cls, plan_version: int | None = None) -> Settled:
        return cls(plan_version=plan_version)

    def to_json(self) -> dict[str, Any]:
        return {
            "before": None if self.before is None else self.before.isoformat(),
            "plan_version": self.plan_version,
            "tracks": {
                tid: {
                    "last": None if t.last is None else t.last.to_json(),
                    "run": t.run,
                    "judged": t.judged,
                }
                for tid, t in sorted(self.tracks.items())
            },
            "recent": [[list(order), red] for order, red in self.recent],
            "tingling": self.tingling,
            "max_week": self.max_week,
            "logs": self.logs,
            "stops": sorted(self.stops),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Settled:
        tracks = {
            tid: Track(
                None if t["last"] is None else Judged.from_json(t["last"]),
                int(t["run"]),
                int(t["judged"]),
            )
            for tid, t in doc["tracks"].items()
        }
        recent = tuple(
            ((str(o[0]), int(o[1]), int(o[2]), str(o[3])), bool(red)) for o, red in doc["recent"]
        )
        return cls(
            before=None if doc["before"] is None else date.fromisoformat(doc["before"]),
            plan_version=doc["plan_version"],
            tracks=tracks,
            recent=recent,
            tingling=int(doc["tingling"]),
            max_week=int(doc["max_week"]),
            logs=int(doc["logs"]),
            stops=frozenset(str(k) for k in doc.get("stops", ())),
        )


def fold(state: Settled, judged: list[Judged], window: int) -> Settled:
    """``state`` with the judged blocks of later sessions added, in the rules' order (by session,
    then technique). ``window``: how many recent sessions the alerts look at."""
    ordered = sorted(judged, key=lambda j: (j.order, j.technique))
    tracks = dict(state.tracks)
    sessions: dict[Order, list[Judged]] = {}
    for j in ordered:
        tracks[j.technique] = tracks.get(j.technique, Track()).add(j)
        sessions.setdefault(j.order, []).append(j)
    recent = list(state.recent)
    tingling = state.tingling
    for order in sorted(sessions):
        blocks = sessions[order]
        recent.append((order, any(j.color == "red" for j in blocks)))
        tingling += any(j.tingling for j in blocks)
    weeks = [order[1] for order in sessions]
    return replace(
        state,
        tracks=tracks,
        recent=tuple(recent[-window:]) if window > 0 else (),
        tingling=tingling,
        max_week=max([state.max_week, *weeks]),
        logs=state.logs + len(sessions),
    )


def settle_before(performed: list[date]) -> date | None:
    """Where the settled part of a history ends: the day before the latest session day (every
    earlier session has a later one, so none is pending; a check-in dated after this day cannot
    change any of them). None while fewer than two session days exist."""
    if not performed:
        return None
    return max(performed) - timedelta(days=1)


def needs_full(
    state: Settled,
    *,
    log_performed_on: date | None = None,
    checkin_on: date | None = None,
    checkin_linked_to: date | None = None,
) -> bool:
    """Could this write change the judgement of a settled session? (Then recompute in full.)

    ``checkin_linked_to``: the day the session named by the check-in's ``session_id`` was
    performed, when that session is stored."""
    before = state.before
    if before is None:
        return False
    if log_performed_on is not None and log_performed_on < before:
        return True
    if checkin_on is not None and checkin_on <= before:
        return True
    return checkin_linked_to is not None and checkin_linked_to < before
