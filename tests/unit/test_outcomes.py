"""Outcomes: ROM vs baseline and age norm, PROMs vs MCIDs, responder status, adherence."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lumbo.domain.assessment.model import Assessment, Scores
from lumbo.domain.intake import RED_FLAG_FIELDS, Intake, parse_intake
from lumbo.domain.norms import expected
from lumbo.domain.outcomes.reassessment import MIN_DEFICIT_DEG, outcomes
from lumbo.domain.protocol.engine import build_plan
from lumbo.domain.protocol.model import BlockLog, Plan, SessionLog
from tests.strategies import assessment_with, sample_library


def intake(age: int = 16, method: str = "dual_inclinometer", **measures: float) -> Intake:
    return parse_intake(
        {
            "person": {"id": "o-1", "age": age},
            "preferences": {"minutes_per_session": 20, "sessions_per_week": 2},
            "red_flags": dict.fromkeys(RED_FLAG_FIELDS, False),
            "measurements": {"method": method, **measures},
        }
    )


# Complete score results; a case names only the values it is about.
FULL: dict[str, dict[str, Any]] = {
    "odi": {"percent": 0.0, "band": "minimal", "published_band": "minimal", "answered": 10, "source": "s"},
    "rmdq": {"score": 0, "of": 24, "note": None},
    "nprs": {"now": None, "best": None, "worst": None, "mean": None},
    "psfs": {"mean": 0.0, "activities": [], "source": "s"},
    "promis_pi": {
        "form": "4a", "raw": 4, "raw_range": [4, 20], "t_score": None, "t_score_verified": None,
        "reason": None, "source": "s",
    },
}  # fmt: skip


def scored(**scores: Any) -> Assessment:
    doc: dict[str, Any] = dict.fromkeys(Scores.model_fields) | {"nprs": FULL["nprs"]}
    for name, part in scores.items():
        doc[name] = None if part is None else {**FULL[name], **part}
    return assessment_with([]).model_copy(update={"scores": Scores.model_validate(doc)})


PLAN = build_plan(intake(), assessment_with([]), sample_library())
NONE = scored()


def rom(base: Intake, now: Intake, measure: str) -> Any:
    out = outcomes(base, NONE, now, NONE, [], PLAN)
    return next(r for r in out.rom if r.measure == measure)


def test_restored_share_of_the_deficit_to_the_age_norm() -> None:
    # At 16 the age-expected extension is the youngest-group value of Troke 2005.
    e = expected("lumbar_extension_deg", 16).value_deg
    r = rom(
        intake(lumbar_extension_deg=e - 20),
        intake(lumbar_extension_deg=e - 10),
        "lumbar_extension_deg",
    )
    assert (r.change_deg, r.deficit_deg, r.deficit_restored_pct) == (10, 20, 50)
    assert r.change_pct == round(10 / (e - 20) * 100, 1)
    assert "restored 50% of the lost range" in r.statement
    assert r.expected_source == "troke2005"


@pytest.mark.parametrize(
    ("baseline_gap", "now_gap", "restored", "words"),
    [
        (20, -5, 125, "restored all of the lost range"),
        (20, 25, -25, "no gain yet"),
        # A change inside the minimal detectable change (5 deg, lumbo policy) is not a result.
        (20, 20, None, "no detectable change"),
        (20, 16, None, "no detectable change"),
        (20, 15, 25, "restored 25% of the lost range"),
        (MIN_DEFICIT_DEG - 0.5, -10, None, "no deficit at baseline"),
        (-10, -22, None, "no deficit at baseline"),
    ],
)
def test_deficit_statements(
    baseline_gap: float, now_gap: float, restored: float | None, words: str
) -> None:
    e = expected("lumbar_flexion_deg", 16).value_deg
    r = rom(
        intake(lumbar_flexion_deg=e - baseline_gap),
        intake(lumbar_flexion_deg=e - now_gap),
        "lumbar_flexion_deg",
    )
    assert r.deficit_restored_pct == restored
    assert words in r.statement
    assert r.detectable is (abs(baseline_gap - now_gap) >= 5)
    if restored is None and r.detectable:
        assert r.deficit_deg is None


def test_missing_and_zero_baselines_never_divide() -> None:
    r = rom(intake(lumbar_extension_deg=0), intake(lumbar_extension_deg=5), "lumbar_extension_deg")
    assert (
        r.change_deg == 5
        and r.change_pct is None
        and r.deficit_restored_pct == round(100 * 5 / r.deficit_deg)
    )
    missing = rom(intake(lumbar_extension_deg=10), intake(), "lumbar_extension_deg")
    assert missing.change_deg is None and "not measured at follow-up" in missing.statement
    slr = rom(intake(slr_left_deg=60), intake(slr_left_deg=70), "slr_left_deg")
    assert slr.expected_deg is None and "no age norm" in slr.statement


def test_rotation_norm_is_marked_unverified_and_method_change_is_noted() -> None:
    out = outcomes(
        intake(rotation_left_deg=20),
        NONE,
        intake(method="video", rotation_left_deg=30),
        NONE,
        [],
        PLAN,
    )
    r = next(x for x in out.rom if x.measure == "rotation_left_deg")
    assert r.expected_source == "ama_guides (secondary source, unverified)"
    assert any("dual_inclinometer at baseline and video" in n for n in out.notes)


@pytest.mark.parametrize(
    ("scores0", "scores1", "measure", "status", "recovered"),
    [
        ({"odi": {"percent": 40.0}}, {"odi": {"percent": 28.0}}, "odi_percent", "responder", None),
        ({"odi": {"percent": 20.0}}, {"odi": {"percent": 14.0}}, "odi_percent", "responder", None),
        ({"odi": {"percent": 40.0}}, {"odi": {"percent": 35.0}}, "odi_percent", "no_important_change", None),
        ({"odi": {"percent": 30.0}}, {"odi": {"percent": 42.0}}, "odi_percent", "worse", None),
        ({"odi": {"percent": 30.0}}, {"odi": None}, "odi_percent", "not_measured", None),
        ({"rmdq": {"score": 10}}, {"rmdq": {"score": 2}}, "rmdq", "responder", True),
        ({"rmdq": {"score": 10}}, {"rmdq": {"score": 8}}, "rmdq", "no_important_change", False),
        ({"nprs": {"now": 6}}, {"nprs": {"now": 0}}, "nprs_now", "responder", True),
        ({"nprs": {"now": 6}}, {"nprs": {"now": 5}}, "nprs_now", "no_important_change", False),
        ({"nprs": {"now": None}}, {"nprs": {"now": 5}}, "nprs_now", "not_measured", None),
        ({"psfs": {"mean": 4.0}}, {"psfs": {"mean": 5.4}}, "psfs_mean", "responder", None),
        ({"psfs": {"mean": 4.0}}, {"psfs": {"mean": 5.0}}, "psfs_mean", "no_important_change", None),
        ({"psfs": {"mean": 6.0}}, {"psfs": {"mean": 4.0}}, "psfs_mean", "worse", None),
        ({"promis_pi": {"t_score": 60.0}}, {"promis_pi": {"t_score": 56.5}}, "promis_pi_t", "responder", None),
        ({"promis_pi": {"t_score": None}}, {"promis_pi": {"t_score": 50.0}}, "promis_pi_t", "not_measured", None),
    ],
)  # fmt: skip
def test_prom_changes_against_mcids(
    scores0: dict[str, Any],
    scores1: dict[str, Any],
    measure: str,
    status: str,
    recovered: bool | None,
) -> None:
    out = outcomes(intake(), scored(**scores0), intake(), scored(**scores1), [], PLAN)
    p = next(x for x in out.proms if x.measure == measure)
    assert (p.responder, p.recovered) == (status, recovered), p.statement
    assert p.mcid_source in {"ostelo2008", "maughan2010", "amtmann2016"}


def log(week: int, index: int, plan: Plan, sets: int | None = None, sid: str = "") -> SessionLog:
    s = plan.weeks[week - 1].sessions[index - 1]
    return SessionLog(
        session_id=sid or f"sess-{week:02d}-{index:02d}",
        week=week,
        session_index=index,
        performed_on=date(2026, 11, week * 7 + index),
        blocks=tuple(
            BlockLog(
                technique=b.technique,
                completed_sets=b.dose.sets if sets is None else sets,
                pain_during=1,
                pain_after=1,
            )
            for b in s.blocks
        ),
    )


def test_adherence_counts_planned_sessions_and_sets() -> None:
    logs = [
        log(1, 1, PLAN),
        log(1, 2, PLAN),
        log(2, 1, PLAN, sets=1),
        log(2, 1, PLAN, sets=0, sid="retry-0001"),
    ]
    out = outcomes(intake(), NONE, intake(), NONE, logs, PLAN)
    a = out.adherence
    assert (a.through_week, a.planned_sessions, a.completed_sessions, a.percent) == (2, 4, 3, 75.0)
    planned = sum(b.dose.sets for w in PLAN.weeks[:2] for s in w.sessions for b in s.blocks)
    done = sum(b.dose.sets for s in PLAN.weeks[0].sessions for b in s.blocks) + len(
        PLAN.weeks[1].sessions[0].blocks
    )
    assert (a.planned_sets, a.completed_sets) == (planned, done)
    later = outcomes(intake(), NONE, intake(), NONE, logs, PLAN, through_week=4).adherence
    assert (later.planned_sessions, later.completed_sessions, later.percent) == (8, 3, 37.5)
    empty = outcomes(intake(), NONE, intake(), NONE, [], PLAN).adherence
    assert empty.percent is None and empty.through_week == 0


@pytest.mark.parametrize(
    ("base", "now", "change", "word"),
    [
        ({"fingertip_to_floor_cm": 20.0}, {"fingertip_to_floor_cm": 12.5}, -7.5, "better"),
        ({"fingertip_to_floor_cm": 10.0}, {"fingertip_to_floor_cm": 14.0}, 4.0, "worse"),
        ({"sit_to_stand_30s": 10}, {"sit_to_stand_30s": 13}, 3.0, "better"),
        ({"sit_to_stand_30s": 10}, {"sit_to_stand_30s": 10}, 0.0, "no change"),
        ({"sit_to_stand_30s": 10}, {}, None, "not done"),
    ],
)
def test_self_tests_are_compared_with_the_persons_own_baseline(
    base: dict[str, float], now: dict[str, float], change: float | None, word: str
) -> None:
    """Issue 20: no norm for these two self-tests, so change against the person's own first result,
    said in the statement (lumbo policy), never a cut-off."""
    from lumbo.domain.intake import Intake
    from lumbo.domain.outcomes.self_tests import self_test_changes

    def intake(m: dict[str, float]) -> Intake:
        return Intake.model_validate(
            {
                "person": {"age": 40},
                "preferences": {"minutes_per_session": 20, "sessions_per_week": 3},
                "red_flags": {},
                "measurements": m,
            }
        )

    (found,) = self_test_changes(intake(base), intake(now))
    assert found.change == change and word in found.statement
    if change is not None:
        assert "own first result" in found.statement and "lumbo policy" in found.statement
    assert self_test_changes(intake({}), intake({})) == ()
