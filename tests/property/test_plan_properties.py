"""Properties of build_plan over generated intakes (>= 500 examples each under the "ci" profile).

The safety rules of DESIGN.md are re-stated here from the technique attributes, independently of
``lumbo.domain.safety``, so a wrong rule table cannot pass by agreeing with itself; every plan must
also pass the one plan-validity function the engine and clinician edits use
(:func:`lumbo.domain.protocol.validity.plan_violations`).
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lumbo.domain.adjust.decide import adjust, apply_adjustment
from lumbo.domain.assessment.assess import assess
from lumbo.domain.assessment.model import Assessment, Finding, Referral
from lumbo.domain.intake import Intake
from lumbo.domain.knowledge import Library, library
from lumbo.domain.knowledge.model import Technique
from lumbo.domain.progression import config, seconds
from lumbo.domain.protocol.engine import (
    build_plan,
    high_psychosocial_risk,
    person_of,
    week_one_essentials,
)
from lumbo.domain.protocol.model import STAGES, BlockLog, CheckIn, Plan, SessionLog
from lumbo.domain.protocol.validity import plan_violations
from tests.strategies import assessments, chain_groups, intake_docs, libraries

STAGE_ROLES = {
    "warmup": {"warmup", "breath"},
    "release": {"release", "neural"},
    "mobilize": {"mobilize"},
    "stabilize": {"stabilize"},
    "integrate": {"integrate"},
    "cooldown": {"breath", "education"},
}


def violated_rules(t: Technique, intake: Intake, codes: set[str]) -> list[str]:
    """The DESIGN.md rules ``t`` breaks for this person, restated from the attributes."""
    conditions = {c.value for c in intake.history.conditions}
    dirs = {d.value for d in t.directions}
    out = []
    if "spondylolisthesis" in conditions and t.end_range and "extension" in dirs:
        out.append("spondylolisthesis")
    if (
        "osteoporosis" in conditions
        and t.end_range
        and t.load.value != "none"
        and dirs & {"flexion", "rotation"}
    ):
        out.append("osteoporosis")
    if "pregnancy" in conditions and "prone" in {p.value for p in t.positions}:
        out.append("pregnancy")
    hyper = codes & {"SEGMENTAL_HYPERMOBILITY", "GENERALIZED_HYPERMOBILITY"} or (
        "hypermobility_syndrome" in conditions
    )
    spine = {r.value for r in t.regions} & {"lumbar", "thoracolumbar"}
    if hyper and t.end_range and t.mode.value == "passive" and spine:
        out.append("hypermobility")
    m = intake.measurements
    dp = m.directional_preference.value if m.directional_preference else None
    dp = None if dp == "none" else dp
    dp_dirs = dirs & {"flexion", "extension", "lateral"}
    if t.end_range and t.role.value == "mobilize" and dp_dirs and spine and dp not in dp_dirs:
        out.append("repeated end-range only in the directional preference")
    if (
        dp
        and dp_dirs
        and dp not in dp_dirs
        and (t.end_range or "DIRECTIONAL_PREFERENCE" in t.addresses)
    ):
        out.append("against the directional preference")
    pit = m.prone_instability_test is not None and m.prone_instability_test.value == "positive"
    if (hyper or pit) and t.end_range and dirs & {"flexion", "extension"} and spine:
        out.append("instability: no end-range lumbar flexion or extension")
    if (
        ((days_known := intake.history.symptom_duration_days) is None or days_known < 42)
        and "RADICULAR_SYMPTOMS" in codes
        and dp is None
        and dp_dirs
        and ("DIRECTIONAL_PREFERENCE" in t.addresses)
    ):
        out.append("acute radicular without a directional preference: no directional exercise")
    weeks = intake.history.pregnancy_weeks
    if (
        "pregnancy" in conditions
        and (weeks is None or weeks >= 20)
        and "supine" in {p.value for p in t.positions}
    ):
        out.append("pregnancy from 20 weeks: no supine")
    days = intake.history.symptom_duration_days
    if (
        "disc_herniation" in conditions
        and (days is None or days < 42)
        and t.end_range
        and t.mode.value == "passive"
        and "flexion" in dirs
        and "supine" in {p.value for p in t.positions}
    ):
        out.append("acute disc herniation: no knees-to-chest")
    if {str(c) for c in t.contraindications} & (conditions | codes):
        out.append("contraindication")
    if not {e.value for e in t.equipment} <= {e.value for e in intake.preferences.equipment}:
        out.append("equipment")
    return out


def addresses(t: Technique, f: Finding) -> bool:
    if f.code not in t.addresses:
        return False
    if f.segment and t.segments and f.segment not in t.segments:
        return False
    if f.code == "DIRECTIONAL_PREFERENCE" and f.direction and f.direction != "none":
        return f.direction in {d.value for d in t.directions}
    return True


def check_plan(
    plan: Plan, intake: Intake, assessment: Assessment, lib: Library, coverage: bool = True
) -> None:
    prefs = intake.preferences
    codes = {f.code for f in assessment.findings}
    neural = bool(codes & {"NEURAL_MECHANOSENSITIVITY", "RADICULAR_SYMPTOMS"})
    assert plan.status == "ok"
    assert plan_violations(plan, person_of(intake, assessment), lib) == ()
    assert [w.week for w in plan.weeks] == list(range(1, 13))
    assert plan.reassessment_weeks == (4, 8, 12)
    excluded = {e.technique: e.reasons for e in plan.excluded}
    chain = chain_groups(lib)
    # Every technique breaking a rule is listed with at least one reason per broken rule.
    for t in lib.techniques:
        broken = violated_rules(t, intake, codes)
        if broken:
            assert t.id in excluded, (t.id, broken)
            assert len(excluded[t.id]) >= len(broken), (t.id, broken, excluded[t.id])
    first_slider = first_tensioner = None
    for w in plan.weeks:
        assert (w.week in (4, 8, 12)) == w.reassessment
        assert len(w.sessions) == prefs.sessions_per_week
        cap = config().phase_of(w.week).intensity_cap
        for s in w.sessions:
            ids = [b.technique for b in s.blocks]
            assert len(ids) == len(set(ids)), "a technique twice in one session"
            chains = [chain[t] for t in ids]
            assert len(chains) == len(set(chains)), ("two techniques of one chain", ids)
            # Budget, with block times recomputed from the doses.
            total = 0
            for b in s.blocks:
                tenths = -(-seconds(b.dose) // 6)
                assert round(b.estimated_minutes * 10) == tenths
                total += tenths
            assert total <= prefs.minutes_per_session * 10
            assert abs(s.estimated_minutes * 10 - total) < 1e-6
            # Order: stages never go backwards, and each stage holds its roles.
            stages = [STAGES.index(b.stage or "") for b in s.blocks]
            assert stages == sorted(stages)
            for i, b in enumerate(s.blocks):
                t = lib.get(b.technique)
                assert b.technique not in excluded
                assert not violated_rules(t, intake, codes), (b.technique, w.week)
                assert b.role.value in STAGE_ROLES[b.stage or ""]
                assert set(b.addresses) <= codes & set(t.addresses)
                target = b.dose.intensity_target
                assert target is None or target <= min(7, cap)
                assert t.load in config().phase_of(w.week).load
                if t.neural_tension.value == "tensioner":
                    assert w.week >= 4, "no tensioners in phase 1"
                    assert not neural or w.week >= 5, "sliders only in weeks 1-4 with neural signs"
                    first_tensioner = first_tensioner or w.week
                if "DIRECTIONAL_PREFERENCE" in b.addresses:
                    wanted = {
                        f.direction
                        for f in assessment.findings
                        if f.code == "DIRECTIONAL_PREFERENCE" and f.direction not in {None, "none"}
                    }
                    assert not wanted or wanted & {d.value for d in t.directions}, (
                        "labelled for a directional preference it does not match"
                    )
                for code in b.addresses:
                    sides = {f.side for f in assessment.findings if f.code == code}
                    if sides == {"left"} or sides == {"right"}:
                        assert b.side in sides | {"both"}, (b.technique, code, b.side)
                if t.neural_tension.value == "slider":
                    first_slider = first_slider or w.week
                if b.role.value == "release":
                    j = b.pairs_with
                    assert j is not None and j > i, "a release needs a later stabilize partner"
                    partner = s.blocks[j]
                    assert partner.role.value == "stabilize"
                    assert set(partner.regions) & set(b.regions)
    if neural and first_tensioner is not None:
        assert first_slider is not None and first_slider < first_tensioner
    # Phase requirements (e.g. integrate work in phases 3-4): in every session, or a note says why.
    gentle = assessment.classification.approach == "symptom_modulation"
    for w in plan.weeks:
        phase = config().phase_of(w.week)
        soft = gentle and phase.gentle_emphasis is not None
        for role in phase.required(soft):
            if not all(any(b.role is role for b in s.blocks) for s in w.sessions):
                assert any(n.startswith(phase.name) for n in plan.notes), (w.week, role)
    # Week 1 education: warning signs for everyone (psychosocial education with high risk), or
    # a note that says it did not fit.
    week1 = {b.technique for s in plan.weeks[0].sessions for b in s.blocks}
    essentials = week_one_essentials(assessment)
    if any(t in {x.id for x in lib.techniques} and t not in week1 for t in essentials):
        assert any(n.startswith("Week 1 should include") for n in plan.notes)
    if high_psychosocial_risk(assessment):
        assert any("psychologically informed" in n for n in plan.notes)
    # Coverage: every finding addressed by week 4, or a note names it.
    for f in assessment.findings if coverage else ():
        key = ":".join(p for p in (f.code, f.side, f.segment, f.direction) if p)
        first = plan.coverage[key]
        if first is None or first > 4:
            assert any(n.startswith(key + ":") for n in plan.notes), key
        weeks_hit = [
            w.week
            for w in plan.weeks
            if any(addresses(lib.get(b.technique), f) for s in w.sessions for b in s.blocks)
        ]
        assert first == (weeks_hit[0] if weeks_hit else None)


def rebuilt_json(intake: Intake, assessment: Assessment, lib: Library, seed: int) -> str:
    """The plan for the same input with findings and library order shuffled."""
    rng = random.Random(seed)
    found = list(assessment.findings)
    rng.shuffle(found)
    techs = list(lib.techniques)
    rng.shuffle(techs)
    shuffled = assessment.model_copy(update={"findings": tuple(found)})
    return json.dumps(build_plan(intake, shuffled, Library(techs)).to_json())


@settings(deadline=None)
@given(intake_docs(measurements=False), assessments(), libraries(), st.integers(0, 2**16))
def test_plans_from_generated_libraries_keep_every_rule(
    doc: dict[str, Any], assessment: Assessment, lib: Library, seed: int
) -> None:
    intake = Intake.model_validate(doc)
    plan = build_plan(intake, assessment, lib)
    check_plan(plan, intake, assessment, lib)
    assert json.dumps(plan.to_json()) == rebuilt_json(intake, assessment, lib, seed)


@settings(deadline=None)
@given(intake_docs(measurements=True), st.integers(0, 2**16))
def test_plans_from_the_shipped_library_keep_every_rule(doc: dict[str, Any], seed: int) -> None:
    intake = Intake.model_validate(doc)
    assessment = assess(intake)
    lib = library()
    plan = build_plan(intake, assessment, lib)
    if assessment.referral.required:
        assert plan.status == "referral_required" and plan.weeks == ()
        return
    check_plan(plan, intake, assessment, lib)
    assert json.dumps(plan.to_json()) == rebuilt_json(intake, assessment, lib, seed)


def expected_gate(intake: Intake, odi: float | None) -> bool:
    """Restated gates: is a plan withheld for this intake (which has no red flag set)?"""
    h = intake.history
    conditions = {c.value for c in h.conditions}
    unanswered = any(
        getattr(intake.red_flags, f) is None
        for f in ("saddle_anaesthesia", "bladder_or_bowel_dysfunction",
                  "progressive_neurological_deficit")
    )  # fmt: skip
    screen = intake.measurements.neuro_screen
    myo = screen.myotomes if screen is not None else None
    grades = {g.value for g in (myo.left, myo.right) if g is not None} if myo else set()
    motor = "absent" in grades or (
        bool(grades & {"reduced"}) and screen is not None and bool(screen.motor_deficit_new)
    )
    gated = (
        bool(intake.symptoms.bilateral_leg_symptoms)
        or bool(conditions & {"recent_spinal_surgery", "lumbar_fusion"})
        or intake.person.age < 16
        or (odi is not None and odi > 80)
        or motor
    )
    pregnant = "pregnancy" in conditions and not h.obstetric_clearance
    return unanswered or (gated and not h.clinician_clearance) or pregnant


@settings(deadline=None)
@given(intake_docs(measurements=True))
def test_gates_withhold_the_plan(doc: dict[str, Any]) -> None:
    intake = Intake.model_validate(doc)
    a = assess(intake)
    odi = a.scores.odi.percent if a.scores.odi else None
    assert a.referral.required is expected_gate(intake, odi)
    if a.referral.required:
        assert a.referral.urgency == "before_starting"
        assert build_plan(intake, a).weeks == ()


@settings(deadline=None)
@given(intake_docs(measurements=True))
def test_flynn_and_hicks_never_positive_with_nerve_root_signs(doc: dict[str, Any]) -> None:
    intake = Intake.model_validate(doc)
    a = assess(intake)
    m = intake.measurements
    below_knee = intake.symptoms.distribution is not None and (
        intake.symptoms.distribution.value == "below_knee"
    )
    neural_test = bool(m.slr_reproduces_leg_symptoms and m.slr_reproduces_leg_symptoms.left) or (
        m.slump is not None and m.slump.left is not None and m.slump.left.value == "positive"
    )
    screen = m.neuro_screen
    signs = screen is not None and any(
        g is not None and g.value != "normal"
        for part in (screen.myotomes, screen.reflexes, screen.dermatomes)
        if part is not None
        for g in (part.left, part.right)
    )
    if (below_knee and neural_test) or signs:
        for r in a.rules.values():
            assert not r.applicable and not r.positive and r.not_applicable_reason
        assert a.classification.tbc != "manipulation"
    # Unknown is never met, also through negation: a partial spring test decides nothing
    # unless it found the segment the criterion asks about.
    seg = m.segmental_mobility
    if seg is not None and len(seg) < 5:
        hyper = "hyper" in seg.values()
        hypo = "hypo" in seg.values()
        fail4 = a.rules["hicks_stabilization_failure"].criteria[
            "no_hypermobility_on_spring_testing"
        ]
        assert fail4.status == ("not_met" if hyper else "unknown")
        flynn5 = a.rules["flynn_manipulation"].criteria["lumbar_hypomobility"]
        assert flynn5.status == ("met" if hypo else "unknown")
    if m.directional_preference is None:
        assert a.classification.tbc != "traction"


@settings(deadline=None, max_examples=100)
@given(intake_docs(measurements=False), assessments())
def test_referral_withholds_every_week(doc: dict[str, Any], assessment: Assessment) -> None:
    referred = assessment.model_copy(
        update={"referral": Referral(required=True, urgency="emergency", reasons=("cauda equina",))}
    )
    plan = build_plan(Intake.model_validate(doc), referred, library())
    assert plan.status == "referral_required"
    assert plan.weeks == () and plan.referral_reasons == ("cauda equina",)


@st.composite
def logged(draw: st.DrawFn, plan: Plan) -> tuple[list[SessionLog], list[CheckIn]]:
    """Logs (and next-morning check-ins) for some sessions of the first weeks of ``plan``."""
    weeks = draw(st.integers(1, 11))
    logs, checkins = [], []
    day = date(2026, 1, 5)
    for w in plan.weeks[:weeks]:
        for s in w.sessions:
            day += timedelta(days=1)
            if not s.blocks or not draw(st.booleans()):
                continue
            sid = f"s-{w.week:02d}-{s.index}-log"
            blocks = tuple(
                BlockLog(
                    technique=b.technique,
                    completed_sets=draw(st.integers(0, b.dose.sets)),
                    intensity=draw(st.one_of(st.none(), st.integers(0, 10))),
                    pain_during=draw(st.integers(0, 10)),
                    pain_after=draw(st.integers(0, 10)),
                    sharp_pain=draw(st.booleans()),
                    new_numbness_or_tingling=draw(st.booleans()),
                )
                for b in s.blocks
            )
            logs.append(
                SessionLog(
                    session_id=sid, week=w.week, session_index=s.index, performed_on=day,
                    blocks=blocks,
                )
            )  # fmt: skip
            if draw(st.booleans()):
                pain = draw(st.integers(0, 10))
                checkins.append(
                    CheckIn(
                        checkin_id=sid + "-ck", on=day + timedelta(days=1), session_id=sid,
                        pain=pain, stiffness=pain,
                    )
                )  # fmt: skip
    return logs, checkins


@settings(deadline=None, max_examples=120)
@given(intake_docs(measurements=False), assessments(), libraries(), st.data())
def test_adjusted_plans_keep_every_rule(
    doc: dict[str, Any], assessment: Assessment, lib: Library, data: st.DataObject
) -> None:
    intake = Intake.model_validate(doc)
    plan = build_plan(intake, assessment, lib)
    logs, checkins = data.draw(logged(plan))
    adj = adjust(plan, logs, checkins, lib)
    assert adj == adjust(plan, list(reversed(logs)), list(reversed(checkins)), lib)
    logged_ids = {b.technique for log in logs for b in log.blocks}
    assert {d.technique for d in adj.decisions} == logged_ids
    for d in adj.decisions:
        assert d.reason
        if d.response == "red":
            assert d.action in {"regress", "swap"}
        if d.action == "progress":
            assert d.response == "green"
    new = apply_adjustment(plan, adj, lib)
    assert new.version == plan.version + 1
    check_plan(new, intake, assessment, lib, coverage=False)
    if adj.from_week is not None:
        assert new.weeks[: adj.from_week - 1] == plan.weeks[: adj.from_week - 1]


def strengthening_progresses(plan: Plan, lib: Library) -> bool:
    """The main strengthening work (stabilize and integrate blocks) of week 12 against week 1:
    progresses when a technique of both weeks reaches a higher level (dose level), when week 12
    uses a harder member of a week-1 technique's chain (reachable through its progressions), or
    when it takes more minutes per session (larger volume)."""
    by_id = {t.id: t for t in lib.techniques}

    def main(week: int) -> list[Any]:
        w = plan.weeks[week - 1]
        return [b for s in w.sessions for b in s.blocks if b.role.value in MAIN_ROLES]

    first, last = main(1), main(12)
    levels: dict[str, int] = {}
    for b in first:
        levels[b.technique] = max(levels.get(b.technique, b.level), b.level)
    if any(b.technique in levels and b.level > levels[b.technique] for b in last):
        return True
    harder: set[str] = set()
    todo = [p for t in levels for p in by_id[t].progressions]
    while todo:
        tid = todo.pop()
        if tid not in harder and tid in by_id:
            harder.add(tid)
            todo.extend(by_id[tid].progressions)
    if any(b.technique in harder for b in last):
        return True
    per_session = [
        sum(b.estimated_minutes for b in blocks) / len(plan.weeks[w - 1].sessions)
        for w, blocks in ((1, first), (12, last))
    ]
    return per_session[1] > per_session[0]


MAIN_ROLES = {"stabilize", "integrate"}
NOT_PROGRESSING = "strengthening work does not get harder from week 1 to week 12"


def check_strengthening(plan: Plan, lib: Library) -> None:
    if plan.status != "ok":
        return

    def has_stabilize(week: int) -> bool:
        w = plan.weeks[week - 1]
        return any(b.role.value == "stabilize" for s in w.sessions for b in s.blocks)

    if not (has_stabilize(1) and has_stabilize(12)):
        return
    noted = any(NOT_PROGRESSING in n for n in plan.notes)
    assert strengthening_progresses(plan, lib) != noted, plan.notes


@settings(deadline=None)
@given(intake_docs(measurements=False), assessments(), libraries())
def test_main_strengthening_progresses_or_the_plan_says_why_not(
    doc: dict[str, Any], assessment: Assessment, lib: Library
) -> None:
    check_strengthening(build_plan(Intake.model_validate(doc), assessment, lib), lib)


@settings(deadline=None)
@given(intake_docs(measurements=True))
def test_main_strengthening_progresses_with_the_shipped_library(doc: dict[str, Any]) -> None:
    intake = Intake.model_validate(doc)
    check_strengthening(build_plan(intake, assess(intake)), library())
