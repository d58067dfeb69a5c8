"""Properties of build_plan over generated intakes (>= 500 examples each under the "ci" profile).

The safety rules of DESIGN.md are re-stated here from the technique attributes, independently of
``lumbo.domain.safety``, so a wrong rule table cannot pass by agreeing with itself.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lumbo.domain.adjust import adjust, apply_adjustment
from lumbo.domain.assessment import assess
from lumbo.domain.assessment_model import Assessment, Finding, Referral
from lumbo.domain.intake import Intake
from lumbo.domain.knowledge import Library, library
from lumbo.domain.knowledge.model import Technique
from lumbo.domain.progression import config, seconds
from lumbo.domain.protocol import build_plan
from lumbo.domain.protocol_model import STAGES, BlockLog, CheckIn, Plan, SessionLog
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
                    first_tensioner = first_tensioner or w.week
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
