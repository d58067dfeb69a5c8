"""Property tests for the assessment: scores stay in range for any valid intake, and any invalid
intake is rejected (exit 2 on the CLI) with the faulty field named and nothing assessed."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumbo.cli import main
from lumbo.domain.assessment.assess import assess
from lumbo.domain.errors import InvalidInput
from lumbo.domain.intake import SEGMENTS, parse_intake
from tests.conftest import EXAMPLE_INTAKE

BASE: dict[str, Any] = json.loads(EXAMPLE_INTAKE.read_text())

maybe = st.one_of  # readability in the strategy below


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


side_test = st.sampled_from(["positive", "negative"])
angle = st.floats(min_value=0, max_value=60, allow_nan=False)

questionnaires = st.fixed_dictionaries(
    {},
    optional={
        "odi": st.lists(_opt(st.integers(0, 5)), min_size=10, max_size=10),
        "rmdq": st.lists(st.booleans(), min_size=24, max_size=24),
        "start_back": st.tuples(
            *[st.integers(0, 1)] * 8,
            st.sampled_from(["not_at_all", "slightly", "moderately", "very_much", "extremely"]),
        ).map(list),
        "fabq": st.lists(st.integers(0, 6), min_size=16, max_size=16),
        "promis_pi_4a": st.fixed_dictionaries(
            {k: st.integers(1, 5) for k in ("PAININ9", "PAININ22", "PAININ31", "PAININ34")}
        ),
        "promis_pi_8a": st.fixed_dictionaries(
            {
                k: st.integers(1, 5)
                for k in (
                    "PAININ9",
                    "PAININ22",
                    "PAININ31",
                    "PAININ34",
                    "PAININ12",
                    "PAININ36",
                    "PAININ3",
                    "PAININ13",
                )
            }
        ),
        "psfs": st.lists(
            st.fixed_dictionaries({"activity": st.just("walking"), "score": st.integers(0, 10)}),
            min_size=1,
            max_size=5,
        ),
    },
)

measurements = st.fixed_dictionaries(
    {},
    optional={
        "lumbar_flexion_deg": st.floats(0, 120),
        "lumbar_extension_deg": st.floats(0, 60),
        "lateral_flexion_left_deg": angle,
        "lateral_flexion_right_deg": angle,
        "rotation_left_deg": st.floats(0, 90),
        "rotation_right_deg": st.floats(0, 90),
        "modified_schober_cm": st.floats(0, 15),
        "slr_left_deg": st.floats(0, 130),
        "slr_right_deg": st.floats(0, 130),
        "ake_left_deg": st.floats(0, 90),
        "ake_right_deg": st.floats(0, 90),
        "thomas_hip_left_deg": st.floats(-45, 60),
        "thomas_knee_right_deg": st.floats(0, 160),
        "hip_internal_rotation_left_deg": st.floats(0, 90),
        "slump": st.fixed_dictionaries({}, optional={"left": side_test, "right": side_test}),
        "prone_instability_test": side_test,
        "aberrant_movement": st.booleans(),
        "segmental_mobility": st.dictionaries(
            st.sampled_from(SEGMENTS), st.sampled_from(["hypo", "normal", "hyper"])
        ),
        "beighton": st.integers(0, 9),
        "directional_preference": st.sampled_from(["extension", "flexion", "lateral", "none"]),
    },
)

intakes = st.builds(
    lambda age, sex, q, m, flags, days, pain: {
        **copy.deepcopy(BASE),
        "person": {"age": age, **({"sex": sex} if sex else {})},
        "questionnaires": q,
        "measurements": m,
        "red_flags": flags,
        "history": {"symptom_duration_days": days, "conditions": []},
        "symptoms": {"pain_now": pain, "distribution": "back_only"},
    },
    st.integers(10, 110),
    st.sampled_from([None, "male", "female", "other"]),
    questionnaires,
    measurements,
    st.dictionaries(st.sampled_from(list(BASE["red_flags"])), st.booleans()),
    st.integers(0, 36500),
    st.integers(0, 10),
)


@given(intakes)
def test_scores_stay_in_range(doc: dict[str, Any]) -> None:
    a = assess(parse_intake(doc))
    s = a.scores
    if s.odi is not None:
        assert 0 <= s.odi.percent <= 100
        assert s.odi.band in {
            "minimal",
            "moderate",
            "severe",
            "very severe",
            "extreme",
        }
    if s.rmdq is not None:
        assert 0 <= s.rmdq.score <= 24
    if s.start_back is not None:
        sb = s.start_back
        assert 0 <= sb.psychosocial <= 5 and sb.psychosocial <= sb.total <= 9
        assert sb.risk in {"low", "medium", "high"}
    if s.fabq is not None:
        assert 0 <= s.fabq.pa <= 24 and 0 <= s.fabq.w <= 42
    if s.promis_pi is not None:
        pi = s.promis_pi
        assert pi.raw_range[0] <= pi.raw <= pi.raw_range[1]
        assert pi.t_score is None or 40 <= pi.t_score <= 80
    if s.psfs is not None:
        assert 0 <= s.psfs.mean <= 10
    for rule in a.rules.values():
        assert 0 <= rule.count <= rule.of and rule.count + rule.unknown <= rule.of
        assert rule.positive == (rule.count >= rule.threshold)
    for f in a.findings:
        assert f.evidence
        assert f.percent_of_expected is None or f.percent_of_expected >= 0
    assert a.referral.required == (a.referral.urgency != "none")
    json.dumps(a.to_json())  # always serialisable


# Faults: (path, bad value). Each must be reported on exactly that path.
faults = st.one_of(
    st.tuples(
        st.just("person.age"), st.one_of(st.integers(max_value=9), st.integers(min_value=111))
    ),
    st.tuples(
        st.just("symptoms.pain_now"),
        st.one_of(st.integers(max_value=-1), st.integers(min_value=11)),
    ),
    st.tuples(
        st.sampled_from([f"questionnaires.odi[{i}]" for i in range(10)]),
        st.one_of(st.integers(min_value=6), st.integers(max_value=-1), st.text(max_size=3)),
    ),
    st.tuples(
        st.sampled_from([f"questionnaires.fabq[{i}]" for i in range(16)]),
        st.one_of(st.integers(min_value=7), st.booleans(), st.floats(allow_nan=False)),
    ),
    st.tuples(
        st.sampled_from(
            [
                "measurements.lumbar_flexion_deg",
                "measurements.ake_left_deg",
                "measurements.slr_right_deg",
            ]
        ),
        st.one_of(
            st.floats(min_value=131, allow_infinity=False),
            st.floats(max_value=-0.01, allow_infinity=False),
            st.text(max_size=4),
        ),
    ),
    st.tuples(
        st.sampled_from(
            ["symptoms.distribution", "measurements.prone_instability_test", "person.sex"]
        ),
        st.text(max_size=8).filter(
            lambda t: (
                t
                not in {
                    "back_only",
                    "buttock",
                    "thigh",
                    "below_knee",
                    "positive",
                    "negative",
                    "male",
                    "female",
                    "other",
                }
            )
        ),
    ),
    st.tuples(
        st.sampled_from([f"red_flags.{k}" for k in BASE["red_flags"]]),
        st.one_of(st.text(max_size=3), st.integers(2, 9)),
    ),
)


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    node: Any = doc
    parts = path.replace("[", ".").replace("]", "").split(".")
    for p in parts[:-1]:
        node = node[int(p)] if p.isdigit() else node[p]
    last = parts[-1]
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value


@given(faults)
def test_invalid_input_names_the_field(fault: tuple[str, Any]) -> None:
    path, value = fault
    doc = copy.deepcopy(BASE)
    _set(doc, path, value)
    with pytest.raises(InvalidInput) as info:
        parse_intake(doc)
    problems = info.value.problems
    assert path in {p.path for p in problems}, [str(p) for p in problems]


@given(faults)
def test_cli_exits_2_naming_the_field(tmp_path_factory: Any, fault: tuple[str, Any]) -> None:
    path, value = fault
    doc = copy.deepcopy(BASE)
    _set(doc, path, value)
    target: Path = tmp_path_factory.mktemp("intake") / "intake.json"
    target.write_text(json.dumps(doc))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["assess", str(target), "--json"])
    assert code == 2
    assert path in err.getvalue()
    assert out.getvalue() == ""  # nothing assessed, nothing printed
