"""build_plan, the safety table, dose progression and the plan view, on small in-test libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from lumbo.domain.assessment.assess import assess
from lumbo.domain.assessment.model import Finding, Referral, Severity
from lumbo.domain.intake import RED_FLAG_FIELDS, Intake, parse_intake
from lumbo.domain.knowledge import Library, library
from lumbo.domain.knowledge.model import DoseTemplate
from lumbo.domain.plan_view import dose_words, plan_lines
from lumbo.domain.progression import config, dose_at, max_level, min_level, tempo_seconds
from lumbo.domain.protocol.engine import SlotSpec, build_plan, fit_session
from lumbo.domain.protocol.model import Plan
from lumbo.domain.protocol.selection import chains, index
from tests.strategies import assessment_with, chain_groups, sample_library, tech


def make_intake(
    minutes: int = 30,
    per_week: int = 3,
    equipment: tuple[str, ...] = ("mat", "band", "strap", "chair"),
    conditions: tuple[str, ...] = (),
    measurements: dict[str, Any] | None = None,
) -> Intake:
    return parse_intake(
        {
            "person": {"id": "unit", "age": 45},
            "preferences": {
                "minutes_per_session": minutes,
                "sessions_per_week": per_week,
                "equipment": list(equipment),
            },
            "history": {"conditions": list(conditions)},
            "red_flags": dict.fromkeys(RED_FLAG_FIELDS, False),
            "measurements": measurements or {},
        }
    )


DP_ONLY = "repeated end-range movement is used only in the direction of a recorded directional"


def finding(code: str, severity: str = "moderate", **kw: Any) -> Finding:
    return Finding(
        code=code, severity=Severity(severity), region="lumbar", evidence=("unit",), **kw
    )


def used(plan: Plan, weeks: range | None = None) -> set[str]:
    return {
        b.technique
        for w in plan.weeks
        if weeks is None or w.week in weeks
        for s in w.sessions
        for b in s.blocks
    }


def reasons(plan: Plan, tid: str) -> tuple[str, ...]:
    return next((e.reasons for e in plan.excluded if e.technique == tid), ())


EVERYTHING = [
    finding("HAMSTRING_LENGTH_RESTRICTION", "severe", side="both"),
    finding("HIP_FLEXOR_RESTRICTION"),
    finding("LUMBAR_EXTENSION_HYPOMOBILITY"),
    finding("MOTOR_CONTROL_DEFICIT"),
]


@pytest.mark.parametrize(
    ("condition", "technique", "reason"),
    [
        ("pregnancy", "crocodile-breathing", "pregnancy: no prone positions"),
        ("pregnancy", "prone-press-up", "pregnancy: no prone positions"),
        ("spondylolisthesis", "prone-press-up", "spondylolisthesis: no end-range extension"),
        (
            "spondylolisthesis",
            "kneeling-hip-flexor-stretch",
            "spondylolisthesis: no end-range extension",
        ),
        ("osteoporosis", "loaded-good-morning", "osteoporosis: no loaded end-range flexion"),
        ("spinal_stenosis", "loaded-good-morning", "contraindicated by spinal_stenosis"),
        ("hypermobility_syndrome", "knees-to-chest", "hypermobility"),
        ("hypermobility_syndrome", "supine-rotation-stretch", "hypermobility"),
    ],
)
def test_conditions_exclude_techniques_with_reasons(
    condition: str, technique: str, reason: str
) -> None:
    plan = build_plan(
        make_intake(conditions=(condition,)), assessment_with(EVERYTHING), sample_library()
    )
    assert any(r.startswith(reason) for r in reasons(plan, technique)), reasons(plan, technique)
    assert technique not in used(plan)


def test_rules_leave_alone_what_they_do_not_cover() -> None:
    plain = build_plan(make_intake(), assessment_with(EVERYTHING), sample_library())
    assert [r[: len(DP_ONLY)] for r in reasons(plain, "prone-press-up")] == [DP_ONLY]
    extension = build_plan(
        make_intake(measurements={"directional_preference": "extension"}),
        assessment_with(EVERYTHING),
        sample_library(),
    )
    assert reasons(extension, "prone-press-up") == ()
    osteo = build_plan(
        make_intake(conditions=("osteoporosis",)), assessment_with(EVERYTHING), sample_library()
    )
    # Unloaded end-range flexion stays allowed with osteoporosis.
    assert reasons(osteo, "knees-to-chest") == ()
    hyper = build_plan(
        make_intake(),
        assessment_with([*EVERYTHING, finding("GENERALIZED_HYPERMOBILITY")]),
        sample_library(),
    )
    # Passive end-range work away from the lumbar spine is not a hypermobility exclusion.
    assert reasons(hyper, "hamstring-strap-stretch") == ()
    assert reasons(hyper, "knees-to-chest")


def test_every_reason_is_listed_and_equipment_counts() -> None:
    plan = build_plan(
        make_intake(equipment=(), conditions=("pregnancy", "spondylolisthesis")),
        assessment_with(EVERYTHING),
        sample_library(),
    )
    assert set(reasons(plan, "prone-press-up")) >= {
        "pregnancy: no prone positions",
        "spondylolisthesis: no end-range extension",
    }
    assert "needs equipment not available: strap" in reasons(plan, "hamstring-strap-stretch")
    assert reasons(plan, "pallof-press") == ("needs equipment not available: band",)


def test_finding_contraindication_of_an_entry_excludes_it() -> None:
    lib = Library(
        [
            *sample_library().techniques,
            tech("risky-twist", "mobilize", contraindications=["RADICULAR_SYMPTOMS"]),
        ]
    )
    plan = build_plan(make_intake(), assessment_with([finding("RADICULAR_SYMPTOMS")]), lib)
    assert reasons(plan, "risky-twist") == (
        "contraindicated by RADICULAR_SYMPTOMS (technique entry)",
    )


def test_neural_sensitivity_sliders_first_and_no_tensioners_in_phase_1() -> None:
    a = assessment_with([finding("NEURAL_MECHANOSENSITIVITY", "severe")])
    plan = build_plan(make_intake(), a, sample_library())
    phase1 = used(plan, range(1, 4))
    assert "sciatic-slider" in phase1
    assert "sciatic-tensioner" not in phase1
    assert any("sliders come before tensioners" in n for n in plan.notes)


def test_tensioner_waits_for_a_slider_when_no_slider_is_possible() -> None:
    lib = Library(
        [
            t.model_copy(update={"regressions": ()}) if t.id == "sciatic-tensioner" else t
            for t in sample_library().techniques
            if t.id != "sciatic-slider"
        ]
    )
    plan = build_plan(make_intake(), assessment_with([finding("NEURAL_MECHANOSENSITIVITY")]), lib)
    assert "sciatic-tensioner" not in used(plan)
    assert plan.coverage["NEURAL_MECHANOSENSITIVITY"] is None
    assert any(n.startswith("NEURAL_MECHANOSENSITIVITY:") for n in plan.notes)


def test_every_release_is_followed_by_a_stabilize_sharing_a_region() -> None:
    plan = build_plan(make_intake(minutes=60), assessment_with(EVERYTHING), sample_library())
    releases = 0
    for w in plan.weeks:
        for s in w.sessions:
            for i, b in enumerate(s.blocks):
                if b.role.value == "release":
                    releases += 1
                    assert b.pairs_with is not None and b.pairs_with > i
                    partner = s.blocks[b.pairs_with]
                    assert partner.role.value == "stabilize"
                    assert set(partner.regions) & set(b.regions)
    assert releases > 0


def test_a_release_without_any_stabilize_partner_is_never_used() -> None:
    lib = Library(
        [
            tech("hamstring-hold", "release", regions=["hamstring"], dose="hold",
                 addresses=["HAMSTRING_LENGTH_RESTRICTION"]),
            tech("core-brace", "stabilize", regions=["abdominal"]),
        ]
    )  # fmt: skip
    plan = build_plan(make_intake(), assessment_with(EVERYTHING[:1]), lib)
    assert used(plan) == {"core-brace"}
    assert plan.coverage["HAMSTRING_LENGTH_RESTRICTION:both"] is None
    assert any("hamstring-hold" in n for n in plan.notes)


def test_unaddressable_finding_gets_a_note() -> None:
    plan = build_plan(
        make_intake(),
        assessment_with([finding("HIGH_PSYCHOSOCIAL_RISK")]),
        Library([tech("brace", "stabilize")]),
    )
    assert plan.coverage == {"HIGH_PSYCHOSOCIAL_RISK": None}
    assert (
        "HIGH_PSYCHOSOCIAL_RISK: not addressed: no technique in the library addresses it."
        in plan.notes
    )


@pytest.mark.parametrize("minutes", [10, 15, 25, 45, 90])
@pytest.mark.parametrize("per_week", [1, 3, 7])
def test_sessions_fit_the_budget_and_cover_by_week_4(minutes: int, per_week: int) -> None:
    # The sample library's only extension exercise is a repeated end-range one: it needs a recorded
    # extension preference (without one the finding is not addressed and the plan says why).
    extension = {"directional_preference": "extension"}
    plan = build_plan(
        make_intake(minutes, per_week, measurements=extension),
        assessment_with(EVERYTHING),
        sample_library(),
    )
    assert all(len(w.sessions) == per_week for w in plan.weeks)
    for w in plan.weeks:
        for s in w.sessions:
            assert sum(b.estimated_minutes for b in s.blocks) <= minutes + 1e-9
    if minutes >= 25:
        assert all(v is not None and v <= 4 for v in plan.coverage.values()), plan.coverage


def test_phases_reassessment_and_intensity_caps() -> None:
    plan = build_plan(make_intake(), assessment_with(EVERYTHING), sample_library())
    assert [w.phase for w in plan.weeks] == (
        ["desensitize_control"] * 3
        + ["restore_mobility"] * 3
        + ["integrate_load"] * 3
        + ["function_resilience"] * 3
    )
    assert [w.week for w in plan.weeks if w.reassessment] == [4, 8, 12]
    for w in plan.weeks:
        cap = config().phase_of(w.week).intensity_cap
        for s in w.sessions:
            for b in s.blocks:
                assert b.dose.intensity_target is None or b.dose.intensity_target <= cap <= 7
    assert config().phase_of(1).intensity_cap == 5


def test_doses_progress_week_over_week() -> None:
    # dead-bug, the easiest member of its chain (bird-dog regresses to it), starts phase 1.
    plan = build_plan(
        make_intake(minutes=60, per_week=3), assessment_with(EVERYTHING), sample_library()
    )
    levels = [
        next(b.level for s in w.sessions for b in s.blocks if b.technique == "dead-bug")
        for w in plan.weeks[:3]
    ]
    assert levels == [0, 1, 2]
    reps = [
        next(b.dose.reps for s in w.sessions for b in s.blocks if b.technique == "dead-bug")
        for w in plan.weeks[:3]
    ]
    assert reps == [8, 10, 12]


def test_one_session_a_week_progresses_only_after_two_sessions() -> None:
    plan = build_plan(
        make_intake(minutes=60, per_week=1), assessment_with(EVERYTHING), sample_library()
    )
    levels = [
        next((b.level for s in w.sessions for b in s.blocks if b.technique == "dead-bug"), None)
        for w in plan.weeks[:3]
    ]
    assert levels == [0, 0, 1]


def test_same_input_same_bytes_and_referral_has_no_weeks() -> None:
    a = assessment_with(EVERYTHING)
    one = json.dumps(build_plan(make_intake(), a, sample_library()).to_json())
    two = json.dumps(build_plan(make_intake(), a, sample_library()).to_json())
    assert one == two
    referred = a.model_copy(
        update={"referral": Referral(required=True, urgency="emergency", reasons=("saddle",))}
    )
    plan = build_plan(make_intake(), referred, sample_library())
    assert plan.status == "referral_required" and plan.weeks == ()
    assert plan.to_json()["status"] == "referral_required"


def test_seed_case_with_the_shipped_library(example_intake: dict[str, Any]) -> None:
    intake = parse_intake(example_intake)
    plan = build_plan(intake, assess(intake))
    assert plan.status == "ok" and len(plan.weeks) == 12
    assert all(v is not None and v <= 4 for v in plan.coverage.values()), plan.notes
    # The seed case has hypermobile upper lumbar segments: no end-range passive lumbar work.
    hyper = [e for e in plan.excluded if any(r.startswith("hypermobility") for r in e.reasons)]
    assert hyper


HOLD = DoseTemplate(kind="hold", sets=2, hold_s=20, rest_s=10, intensity_target=6)
TIMED = DoseTemplate(kind="timed", sets=1, work_s=60)


@pytest.mark.parametrize(
    ("template", "level", "expected"),
    [
        (HOLD, 0, {"sets": 2, "hold_s": 20}),
        (HOLD, 1, {"sets": 2, "hold_s": 25}),
        (HOLD, 2, {"sets": 2, "hold_s": 30}),
        (HOLD, 3, {"sets": 3, "hold_s": 30}),
        (HOLD, 4, {"sets": 4, "hold_s": 30}),
        (HOLD, 9, {"sets": 4, "hold_s": 30}),
        (HOLD, -1, {"sets": 1, "hold_s": 20}),
        (HOLD, -2, {"sets": 1, "hold_s": 15}),
        (HOLD, -9, {"sets": 1, "hold_s": 10}),
        (TIMED, 1, {"sets": 1, "work_s": 75}),
        (TIMED, 2, {"sets": 1, "work_s": 94}),
        (TIMED, 4, {"sets": 1, "work_s": 120}),
        (TIMED, 5, {"sets": 2, "work_s": 120}),
    ],
)
def test_progression_rules_table(
    template: DoseTemplate, level: int, expected: dict[str, int]
) -> None:
    dose = dose_at(template, level)
    assert {k: getattr(dose, k) for k in expected} == expected


def test_levels_bounds_and_the_intensity_cap() -> None:
    assert max_level(HOLD) == 4 and min_level(HOLD) == -3
    assert dose_at(HOLD, 0, 5).intensity_target == 5
    assert dose_at(HOLD, 0, 7).intensity_target == 6
    long_hold = DoseTemplate(kind="hold", sets=5, hold_s=45)
    assert max_level(long_hold) == 0  # above the rule's bounds: never pushed, never cut


@pytest.mark.parametrize(
    ("tempo", "seconds"),
    [("about 2 s each way", 4), ("about 4 s in, 6-8 s out", 12), ("slow", None), (None, None)],
)
def test_tempo_seconds(tempo: str | None, seconds: int | None) -> None:
    assert tempo_seconds(tempo) == seconds


def test_plan_view_shows_dose_in_words_and_why() -> None:
    lib = sample_library()
    plan = build_plan(make_intake(conditions=("pregnancy",)), assessment_with(EVERYTHING), lib)
    lines = plan_lines(plan, lib, week=1)
    text = "\n".join(lines)
    assert "Week 1 - Desensitize and control" in text
    assert "why this exercise: " in text
    assert "Crocodile Breathing: pregnancy: no prone positions" in text
    assert "Week 2" not in text
    block = plan.weeks[0].sessions[0].blocks[0]
    assert dose_words(block.dose) in text
    referral = plan.model_copy(update={"status": "referral_required", "weeks": ()})
    assert plan_lines(referral, lib)[0].startswith("No plan")


def test_caution_flags_are_carried_into_the_plan() -> None:
    a = assessment_with(EVERYTHING)
    cautious = a.model_copy(
        update={
            "referral": Referral(
                required=False, urgency="none", cautions=("night pain not screened",)
            )
        }
    )
    plan = build_plan(make_intake(), cautious, sample_library())
    assert plan.status == "ok"
    assert plan.notes[0] == "Caution: night pain not screened"


def test_same_bytes_across_processes_with_different_hash_seeds(
    example_intake: dict[str, Any],
) -> None:
    """String hashing differs per process; the plan must not depend on set or dict order."""
    script = (
        "import hashlib, json, sys\n"
        "from lumbo.domain.assessment.assess import assess\n"
        "from lumbo.domain.intake import parse_intake\n"
        "from lumbo.domain.protocol.engine import build_plan\n"
        "i = parse_intake(json.loads(sys.stdin.read()))\n"
        "text = json.dumps(build_plan(i, assess(i)).to_json())\n"
        "print(hashlib.sha256(text.encode()).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(example_intake),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1


# --- one technique per progression/regression chain in a session ---------------------------------


def seed_plan(example_intake: dict[str, Any], approach: str | None = None, **prefs: Any) -> Plan:
    example_intake["preferences"].update(prefs)
    intake = parse_intake(example_intake)
    a = assess(intake)
    if approach is not None:
        a = a.model_copy(
            update={"classification": a.classification.model_copy(update={"approach": approach})}
        )
    return build_plan(intake, a)


def test_chains_join_progressions_and_regressions_transitively() -> None:
    lib = Library(
        [
            tech("a-easy", "stabilize", progressions=["b-mid"]),
            tech("b-mid", "stabilize"),
            tech("c-hard", "stabilize", regressions=["b-mid"]),
            tech("d-alone", "stabilize"),
            tech("e-breath", "breath", progressions=["f-breath"]),
            tech("f-breath", "breath"),
        ]
    )
    assert chains(lib.techniques) == {
        "a-easy": "a-easy", "b-mid": "a-easy", "c-hard": "a-easy", "d-alone": "d-alone",
        "e-breath": "e-breath", "f-breath": "e-breath",
    }  # fmt: skip


def test_a_session_never_holds_two_techniques_of_one_chain() -> None:
    # Three stabilizers of one chain all address the finding; only one may be in a session.
    lib = Library(
        [
            tech("brace", "stabilize", addresses=["MOTOR_CONTROL_DEFICIT"],
                 progressions=["brace-march"]),
            tech("brace-march", "stabilize", addresses=["MOTOR_CONTROL_DEFICIT"]),
            tech("plank", "stabilize", addresses=["MOTOR_CONTROL_DEFICIT"],
                 regressions=["brace-march"]),
            tech("side-hold", "stabilize", addresses=["MOTOR_CONTROL_DEFICIT"]),
        ]
    )  # fmt: skip
    plan = build_plan(
        make_intake(minutes=60), assessment_with([finding("MOTOR_CONTROL_DEFICIT")]), lib
    )
    for w in plan.weeks:
        for s in w.sessions:
            ids = [b.technique for b in s.blocks]
            assert len(set(ids) & {"brace", "brace-march", "plank"}) == 1, (w.week, ids)
            assert "side-hold" in ids and len(ids) == len(set(ids))


def test_seed_case_sessions_hold_one_technique_per_chain(example_intake: dict[str, Any]) -> None:
    plan = seed_plan(example_intake)
    chain = chain_groups(library())
    first = [b.technique for b in plan.weeks[0].sessions[0].blocks]
    assert not {"cat-camel", "standing-cat-camel"} <= set(first)
    assert not {"glute-bridge", "single-leg-bridge"} <= set(first)
    for w in plan.weeks:
        for s in w.sessions:
            groups = [chain[b.technique] for b in s.blocks]
            assert len(groups) == len(set(groups)), (w.week, s.index)


# --- phase 1: a gentle release with its stabilize partner for mobility restrictions ---------------


def phase1_releases(plan: Plan) -> list[list[str]]:
    """Per phase-1 session: its release blocks, each checked for gentleness and pairing."""
    out = []
    for w in plan.weeks[:3]:
        for s in w.sessions:
            found = []
            for i, b in enumerate(s.blocks):
                if b.role.value == "release":
                    assert b.dose.intensity_target is None or b.dose.intensity_target <= 5
                    assert b.pairs_with is not None and b.pairs_with > i
                    partner = s.blocks[b.pairs_with]
                    assert partner.role.value == "stabilize"
                    assert set(partner.regions) & set(b.regions)
                    found.append(b.technique)
            assert s.estimated_minutes <= plan.minutes_per_session  # type: ignore[operator]
            out.append(found)
    return out


@pytest.mark.parametrize(
    ("approach", "minutes", "release_every_session"),
    [
        ("movement_control", 25, True),
        ("function_optimization", 25, True),
        ("movement_control", 12, True),
        ("symptom_modulation", 25, False),
    ],
)
def test_phase_1_release_for_the_seed_case(
    example_intake: dict[str, Any], approach: str, minutes: int, release_every_session: bool
) -> None:
    plan = seed_plan(example_intake, approach, minutes_per_session=minutes)
    releases = phase1_releases(plan)
    if release_every_session:
        assert all(releases), releases
    else:  # symptom modulation stays gentle: breathing first, education, no release yet
        assert not any(releases), releases
        for w in plan.weeks[:3]:
            for s in w.sessions:
                assert s.blocks[0].role.value == "breath"
                assert any(b.role.value == "education" for b in s.blocks)
    assert all(v is not None and v <= 4 for v in plan.coverage.values()), plan.notes


@pytest.mark.parametrize(
    ("found", "approach", "release_every_session"),
    [
        (EVERYTHING, "movement_control", True),
        ([finding("LUMBAR_FLEXION_HYPOMOBILITY", "mild")], "movement_control", True),
        ([finding("MOTOR_CONTROL_DEFICIT")], "movement_control", False),  # no restriction
        ([finding("LUMBAR_FLEXION_HYPOMOBILITY")], "symptom_modulation", False),
        # Symptom modulation uses a release only where nothing gentler addresses the finding.
        ([finding("ROTATION_RESTRICTION")], "symptom_modulation", True),
    ],
)
def test_phase_1_release_table(
    found: list[Finding], approach: str, release_every_session: bool
) -> None:
    plan = build_plan(
        make_intake(minutes=20, per_week=3), assessment_with(found, approach=approach),
        sample_library(),
    )  # fmt: skip
    releases = phase1_releases(plan)
    assert all(releases) if release_every_session else not any(releases), releases


# --- variety within a week ------------------------------------------------------------------------


@pytest.mark.parametrize("per_week", [3, 4, 5, 6])
def test_weeks_rotate_sessions_when_the_library_allows(
    example_intake: dict[str, Any], per_week: int
) -> None:
    plan = seed_plan(example_intake, sessions_per_week=per_week)
    for w in plan.weeks:
        distinct = {tuple(b.technique for b in s.blocks) for s in w.sessions}
        assert len(distinct) >= 2, (w.week, distinct)
    # Rotation alternates the release targets by region in phase 1.
    week1 = [set(r) for r in phase1_releases(plan)[:2]]
    regions = [
        {x for s in plan.weeks[0].sessions[:2] for b in s.blocks for x in b.regions
         if b.role.value == "release" and b.technique in week1[k]}
        for k in range(2)
    ]  # fmt: skip
    assert week1[0] != week1[1]
    assert regions[0] != regions[1]


@pytest.mark.parametrize("per_week", [1, 2])
def test_one_or_two_sessions_a_week_keep_one_session(
    example_intake: dict[str, Any], per_week: int
) -> None:
    plan = seed_plan(example_intake, sessions_per_week=per_week)
    assert len(plan.weeks[0].sessions) == per_week


def test_hicks_failure_rule_gives_less_stabilization(example_intake: dict[str, Any]) -> None:
    example_intake["questionnaires"]["fabq"] = [0] * 16  # FABQ-PA 0 (<= 8)
    example_intake["measurements"]["aberrant_movement"] = False
    example_intake["measurements"]["prone_instability_test"] = "negative"
    intake = parse_intake(example_intake)
    a = assess(intake)
    assert a.rules["hicks_stabilization_failure"].positive
    rules = dict(a.rules)
    rules["hicks_stabilization_failure"] = rules["hicks_stabilization_failure"].model_copy(
        update={"positive": False}
    )
    without = build_plan(intake, a.model_copy(update={"rules": rules}))
    with_failure = build_plan(intake, a)

    def stabilize_blocks(plan: Plan) -> int:
        return sum(
            b.role.value == "stabilize" for w in plan.weeks for s in w.sessions for b in s.blocks
        )

    assert stabilize_blocks(with_failure) < stabilize_blocks(without)
    assert any("less likely to help" in n for n in with_failure.notes)
    for w in with_failure.weeks:  # still at least the stabilization every session needs
        for s in w.sessions:
            assert any(b.role.value == "stabilize" for b in s.blocks)


# --- the main strengthening progresses over the 12 weeks within the time budget --------------------


def main_levels(plan: Plan, week: int) -> dict[str, int]:
    """Technique -> highest level of its stabilize or integrate blocks in ``week``."""
    out: dict[str, int] = {}
    for s in plan.weeks[week - 1].sessions:
        for b in s.blocks:
            if b.role.value in {"stabilize", "integrate"}:
                out[b.technique] = max(out.get(b.technique, b.level), b.level)
    return out


@pytest.mark.parametrize(
    ("minutes", "per_week"),
    [(None, None), (None, 3), (15, None), (15, 3), (20, 4), (30, 3)],
)
def test_main_strengthening_progresses_over_12_weeks(
    example_intake: dict[str, Any], minutes: int | None, per_week: int | None
) -> None:
    prefs = {
        k: v
        for k, v in {"minutes_per_session": minutes, "sessions_per_week": per_week}.items()
        if v is not None
    }
    plan = seed_plan(example_intake, **prefs)
    first, last = main_levels(plan, 1), main_levels(plan, 12)
    # A strengthening technique of week 1 is still practised in week 12, at a higher level.
    assert any(last[t] > first[t] for t in first.keys() & last.keys()), (first, last)
    for w in plan.weeks:  # stabilization every week, and every session within the time budget
        assert any(b.role.value == "stabilize" for s in w.sessions for b in s.blocks)
        for s in w.sessions:
            assert s.estimated_minutes <= plan.minutes_per_session
    assert not any("strengthening work does not get harder" in n for n in plan.notes)


def trim_library() -> Library:
    return Library(
        [
            tech("warm-a", "warmup", dose="reps"),
            tech("warm-b", "warmup", dose="reps"),
            tech("mob", "mobilize", dose="reps", addresses=["LUMBAR_FLEXION_HYPOMOBILITY"]),
            tech("stab", "stabilize", dose="reps", addresses=["LUMBAR_FLEXION_HYPOMOBILITY"]),
        ]
    )


@pytest.mark.parametrize(
    ("levels", "budget_over", "findings", "expect"),
    [
        # Over budget by a little: the warm-ups give back before the stabilize block.
        ({"warm-a": 2, "warm-b": 2, "mob": 2, "stab": 2}, 0, None, {"stab": 2}),
        # No finding list (plan adjustment): nothing is left out, the stabilize may give back.
        ({"warm-a": 0, "warm-b": 0, "mob": 0, "stab": 3}, -1, None, {"stab": 2}),
        # With the findings: an extra warm-up (or redundant mobility) is left out first.
        (
            {"warm-a": 0, "warm-b": 0, "mob": 0, "stab": 3},
            -1,
            (finding("LUMBAR_FLEXION_HYPOMOBILITY"),),
            {"stab": 3},
        ),
    ],
)
def test_the_main_strengthening_gives_back_last(
    levels: dict[str, int], budget_over: int, findings: Any, expect: dict[str, int]
) -> None:
    idx = index(trim_library())
    specs = [SlotSpec(tid, 0, lv, None) for tid, lv in levels.items()]
    level0 = sum(idx.dose(s.tid, 0, 7)[1] for s in specs)
    full = sum(idx.dose(s.tid, s.level, 7)[1] for s in specs)
    # budget: the planned stabilize level fits only when the others are at level 0 (first case),
    # or a tenth short of the level-0 session plus the stabilize step (other cases).
    stab_step = idx.dose("stab", levels["stab"], 7)[1] - idx.dose("stab", 0, 7)[1]
    budget = level0 + stab_step + budget_over
    assert budget < full
    s = fit_session(idx, specs, budget, 7, frozenset(), {}, 1, findings=findings)
    got = {b.technique: b.level for b in s.blocks}
    for tid, lv in expect.items():
        assert got[tid] == lv, got
    assert s.estimated_minutes * 10 <= budget + 1e-9
    assert any(b.role.value == "warmup" for b in s.blocks)
