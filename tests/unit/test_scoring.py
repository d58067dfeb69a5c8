"""Questionnaire scoring: tables of cases, every boundary named in clinical-reference.md."""

from __future__ import annotations

import pytest

from lumbo.domain.intake import Bothersomeness as B  # noqa: N817
from lumbo.domain.intake import PsfsItem, Symptoms
from lumbo.domain.scoring import (
    score_fabq,
    score_nprs,
    score_odi,
    score_promis_pi,
    score_psfs,
    score_rmdq,
    score_start_back,
)
from lumbo.domain.scoring.odi import odi_band
from lumbo.domain.scoring.start_back import start_back_risk


@pytest.mark.parametrize(
    ("sections", "percent", "band", "answered"),
    [
        ([0] * 10, 0.0, "minimal", 10),
        ([1] * 10, 20.0, "minimal", 10),  # 20 is the top of "minimal"
        ([1] * 9 + [2], 22.0, "moderate", 10),
        ([2] * 10, 40.0, "moderate", 10),
        ([2] * 9 + [3], 42.0, "severe", 10),
        ([3] * 10, 60.0, "severe", 10),
        ([4] * 10, 80.0, "very severe", 10),
        ([4] * 9 + [5], 82.0, "extreme", 10),
        ([5] * 10, 100.0, "extreme", 10),
        ([1, 2, 1, 1, 2, 1, 2, 1, 0, 1], 24.0, "moderate", 10),  # the example intake
        # one missing section: denominator 45
        ([1] * 9 + [None], 20.0, "minimal", 9),
        ([2] * 8 + [1, None], 37.8, "moderate", 9),
        ([5] * 9 + [None], 100.0, "extreme", 9),
    ],
)
def test_odi(sections: list[int | None], percent: float, band: str, answered: int) -> None:
    s = score_odi(sections)
    assert (s.percent, s.band, s.answered) == (percent, band, answered)


@pytest.mark.parametrize("missing", [2, 3, 10])
def test_odi_more_than_one_missing_gives_no_score(missing: int) -> None:
    s = score_odi([3] * (10 - missing) + [None] * missing)
    assert s.percent is None and s.band is None
    assert s.reason is not None and f"{missing} sections unanswered" in s.reason


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (20.0, "minimal"),
        (20.1, "moderate"),
        (40.0, "moderate"),
        (40.1, "severe"),
        (60.0, "severe"),
        (60.1, "very severe"),
        (80.0, "very severe"),
        (80.1, "extreme"),
    ],
)
def test_odi_band_edges(percent: float, band: str) -> None:
    assert odi_band(percent) == band


@pytest.mark.parametrize(
    ("ticked", "score", "has_note"),
    [(0, 0, True), (3, 3, True), (4, 4, False), (20, 20, False), (21, 21, True), (24, 24, True)],
)
def test_rmdq(ticked: int, score: int, has_note: bool) -> None:
    s = score_rmdq([True] * ticked + [False] * (24 - ticked))
    assert s.score == score
    assert (s.note is not None) is has_note


@pytest.mark.parametrize(
    ("total", "psychosocial", "risk"),
    [
        (0, 0, "low"),
        (3, 3, "low"),
        (3, 0, "low"),
        (4, 3, "medium"),  # named boundary: total 4 with psychosocial 3 is medium
        (4, 0, "medium"),
        (8, 3, "medium"),
        (4, 4, "high"),
        (9, 5, "high"),
    ],
)
def test_start_back_risk_boundaries(total: int, psychosocial: int, risk: str) -> None:
    assert start_back_risk(total, psychosocial) == risk


@pytest.mark.parametrize(
    ("items", "total", "psychosocial", "risk"),
    [
        ([1, 0, 1, 0, 0, 1, 0, 0, B.moderately], 3, 1, "low"),  # the example intake
        ([1, 1, 1, 1, 0, 0, 0, 0, B.moderately], 4, 0, "medium"),
        ([1, 1, 1, 0, 1, 1, 1, 0, B.slightly], 6, 3, "medium"),
        ([1, 1, 1, 0, 1, 1, 1, 0, B.very_much], 7, 4, "high"),
        ([0, 0, 0, 0, 1, 1, 1, 0, B.extremely], 4, 4, "high"),
        ([0, 0, 0, 0, 0, 0, 0, 0, B.extremely], 1, 1, "low"),
        ([0, 0, 0, 0, 0, 0, 0, 0, B.not_at_all], 0, 0, "low"),
        ([1, 1, 1, 1, 1, 1, 1, 1, B.extremely], 9, 5, "high"),
    ],
)
def test_start_back(items: list[int | B], total: int, psychosocial: int, risk: str) -> None:
    s = score_start_back(items)
    assert (s.total, s.psychosocial, s.risk) == (total, psychosocial, risk)


@pytest.mark.parametrize(
    ("items", "pa", "w"),
    [
        ([2, 3, 3, 3, 3, 4, 3, 2, 3, 3, 2, 2, 1, 1, 2, 0], 12, 19),  # the example intake
        ([0] * 16, 0, 0),
        ([6] * 16, 24, 42),
        # only items 2-5 count for PA, only 6,7,9,10,11,12,15 for W
        ([6, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 6, 6, 0, 6], 0, 0),
        ([0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 0, 0, 5, 0], 10, 26),
    ],
)
def test_fabq(items: list[int], pa: int, w: int) -> None:
    s = score_fabq(items)
    assert (s.pa, s.w) == (pa, w)


_4A = ("PAININ9", "PAININ22", "PAININ31", "PAININ34")
_6A = (*_4A, "PAININ12", "PAININ36")
_8A = (*_6A, "PAININ3", "PAININ13")


@pytest.mark.parametrize(
    ("form", "answer", "raw", "t", "verified"),
    [
        ("4a", 1, 4, 41.6, True),
        ("4a", 3, 12, 61.2, True),
        ("4a", 5, 20, 75.6, False),  # one copy of the table gives 75.8: flagged
        ("8a", 1, 8, 40.7, False),  # the 8a table comes from one unverified copy
        ("8a", 5, 40, 77.0, False),
        ("6a", 2, 12, None, None),  # no citable 6a table: raw only
    ],
)
def test_promis_pi(
    form: str, answer: int, raw: int, t: float | None, verified: bool | None
) -> None:
    items = {"4a": _4A, "6a": _6A, "8a": _8A}[form]
    answers = dict.fromkeys(items, answer)
    s = score_promis_pi(
        answers if form == "4a" else None,
        answers if form == "6a" else None,
        answers if form == "8a" else None,
    )
    assert s is not None
    assert (s.form, s.raw, s.t_score, s.t_score_verified) == (form, raw, t, verified)
    if t is None or not verified:
        assert s.reason


def test_promis_example_intake_value() -> None:
    s = score_promis_pi({"PAININ9": 2, "PAININ22": 3, "PAININ31": 2, "PAININ34": 3}, None, None)
    assert s is not None and (s.raw, s.t_score) == (10, 58.5)


def test_promis_longest_form_is_scored_and_none_when_absent() -> None:
    s = score_promis_pi(dict.fromkeys(_4A, 1), None, dict.fromkeys(_8A, 2))
    assert s is not None and s.form == "8a" and s.raw == 16
    assert score_promis_pi(None, None, None) is None


@pytest.mark.parametrize(
    ("scores", "mean"),
    [([4, 5, 3], 4.0), ([10], 10.0), ([0, 1], 0.5), ([1, 2, 2], 1.67), ([7, 8, 9, 10, 6], 8.0)],
)
def test_psfs(scores: list[int], mean: float) -> None:
    items = [PsfsItem(activity=f"activity {i}", score=s) for i, s in enumerate(scores)]
    assert score_psfs(items).mean == mean


@pytest.mark.parametrize(
    ("now", "best", "worst", "mean"),
    [
        (3, 1, 6, 3.3),
        (0, 0, 0, 0.0),
        (10, 10, 10, 10.0),
        (5, None, 8, None),
        (None, None, None, None),
    ],
)
def test_nprs(now: int | None, best: int | None, worst: int | None, mean: float | None) -> None:
    s = score_nprs(Symptoms(pain_now=now, pain_best=best, pain_worst=worst))
    assert s.mean == mean
    assert s.to_json()["now"] == now


@pytest.mark.parametrize("percent", [61.0, 80.0, 80.1, 100.0])
def test_odi_top_band_labels_are_never_shown(percent: float) -> None:
    shown = odi_band(percent)
    assert "crippled" not in shown and "bed" not in shown
