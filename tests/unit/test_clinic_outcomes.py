"""Clinic outcomes: Wilson intervals, adherence bands, responder counting and the splits."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumbo.domain.outcomes.clinic import (
    ROM_MDC_DEG,
    PatientOutcome,
    adherence_band,
    summarize,
    wilson,
)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),  # the textbook example of the Wilson score interval
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (5, 10, 0.2366, 0.7634),
        (1, 1, 0.2065, 1.0),
    ],
)
def test_wilson_interval(k: int, n: int, low: float, high: float) -> None:
    found = wilson(k, n)
    assert found is not None
    assert found[0] == pytest.approx(low, abs=1e-4) and found[1] == pytest.approx(high, abs=1e-4)


def test_wilson_edges() -> None:
    assert wilson(0, 0) is None
    with pytest.raises(ValueError, match="k <= n"):
        wilson(3, 2)


@given(n=st.integers(1, 5000), data=st.data())
def test_wilson_holds_the_observed_share(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    found = wilson(k, n)
    assert found is not None
    low, high = found
    assert 0.0 <= low <= k / n + 1e-12 and k / n - 1e-12 <= high <= 1.0
    assert high - low <= 2 * 1.96 * math.sqrt(0.25 / n) + 1e-9 or n < 10


@pytest.mark.parametrize(
    ("pct", "band"),
    [
        (None, "not known"),
        (0.0, "under 50%"),
        (49.9, "under 50%"),
        (50.0, "50-79%"),
        (79.9, "50-79%"),
        (80.0, "80% or more"),
        (100.0, "80% or more"),
    ],
)
def test_adherence_bands(pct: float | None, band: str) -> None:
    assert adherence_band(pct) == band


def _patient(
    approach: str, odi: str, flexion_gain: float | None, adherence: float | None
) -> PatientOutcome:
    outcomes: dict[str, Any] = {
        "proms": [
            {"measure": "odi_percent", "responder": odi, "mcid": 10.0, "mcid_source": "ostelo2008"},
            {
                "measure": "rmdq",
                "responder": "not_measured",
                "mcid": 5.0,
                "mcid_source": "ostelo2008",
            },
        ],
        "rom": [{"measure": "lumbar_flexion_deg", "change_deg": flexion_gain}],
        "adherence": {"percent": adherence},
    }
    return PatientOutcome(approach, outcomes)


def test_summary_counts_and_splits() -> None:
    patients = [
        _patient("movement_control", "responder", ROM_MDC_DEG + 1, 90.0),
        _patient("movement_control", "no_important_change", ROM_MDC_DEG, 40.0),  # not beyond MDC
        _patient("symptom_modulation", "worse", None, None),
    ]
    s = summarize(patients)
    (odi,) = s.overall.proms  # RMDQ was never measured: no row
    assert (odi.label, odi.k, odi.n, odi.percent, odi.source) == ("ODI", 1, 3, 33.3, "Ostelo 2008")
    (flexion,) = s.overall.rom
    assert (flexion.k, flexion.n) == (1, 2)
    assert s.overall.adherence_median == 65.0 and s.overall.adherence_known == 2
    assert [g.name for g in s.by_classification] == ["movement control", "symptom modulation"]
    assert [(g.name, g.patients) for g in s.by_adherence] == [
        ("under 50%", 1),
        ("80% or more", 1),
        ("not known", 1),
    ]
    assert s.to_json()["overall"]["proms"][0]["ci95"] == [6.1, 79.2]
    assert summarize([]).overall.patients == 0


@pytest.mark.parametrize(
    "adherences",
    [[], [None], [100], [40.0, 90.0], [100, 80, None], [33.3, 66.7, 99.9]],
)
def test_the_apis_typed_answer_is_the_summary_json_byte_for_byte(
    adherences: list[float | None],
) -> None:
    """``GET /api/outcomes`` answers the typed ClinicOutcomesOut; its JSON is the contract's."""
    import json

    from lumbo.services.results import ClinicOutcomesOut

    patients = [
        _patient("movement control" if i % 2 else "symptom modulation", odi, 5.0, a)
        for i, (a, odi) in enumerate(
            zip(adherences, ["responder", "worse", "no_important_change"] * 3, strict=False)
        )
    ]
    document = summarize(patients).to_json()
    typed = ClinicOutcomesOut.model_validate(document)
    assert json.dumps(typed.to_json()) == json.dumps(document)
