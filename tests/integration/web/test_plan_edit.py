"""Plan edits: a swap for a declared alternative, re-checked against every safety rule; approval.

The rule check (:func:`plan_violations`) is also exercised directly on the example plan with one
rule broken at a time, so a check that never fires cannot pass.
"""

from __future__ import annotations

from typing import Any

from lumbo.cli.demo import example_intake_text
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.engine import build_plan, person_of
from lumbo.domain.protocol.model import Plan
from lumbo.domain.protocol.validity import plan_violations
from lumbo.domain.safety import Person
from lumbo.services.assessment import assess_intake_text
from lumbo.services.plan_edit import declared_alternatives, plan_with_approval
from tests.integration.web.world import World


def _example() -> tuple[Plan, Person]:
    assessed = assess_intake_text(example_intake_text())
    return build_plan(assessed.intake, assessed.assessment), person_of(
        assessed.intake, assessed.assessment
    )


def _edit_block(plan: Plan, at: tuple[int, int, int], **changes: object) -> Plan:
    """``plan`` with block ``at`` = (week index, session index, block index) changed."""
    wi, si, bi = at
    w = plan.weeks[wi]
    sessions = list(w.sessions)
    blocks = list(sessions[si].blocks)
    blocks[bi] = blocks[bi].model_copy(update=changes)
    sessions[si] = sessions[si].model_copy(update={"blocks": tuple(blocks)})
    weeks = list(plan.weeks)
    weeks[wi] = w.model_copy(update={"sessions": tuple(sessions)})
    return plan.model_copy(update={"weeks": tuple(weeks)})


def _rules(plan: Plan, person: Person) -> set[str]:
    return {v.rule for v in plan_violations(plan, person, library())}


def test_the_engines_plan_keeps_every_rule_and_each_broken_rule_is_found() -> None:
    plan, person = _example()
    lib = library()
    assert plan_violations(plan, person, lib) == ()
    blocks = plan.weeks[0].sessions[0].blocks
    release = next(
        (wi, si, bi)
        for wi, w in enumerate(plan.weeks)
        for si, s in enumerate(w.sessions)
        for bi, b in enumerate(s.blocks)
        if b.role.value == "release"
    )
    unpaired = _edit_block(plan, release, pairs_with=None)
    assert _rules(unpaired, person) == {"release_without_stabilize_partner"}
    stretched = _edit_block(
        plan, (0, 0, 0), dose=blocks[0].dose.model_copy(update={"intensity_target": 9})
    )
    (too_high,) = plan_violations(stretched, person, lib)
    assert too_high.rule == "stretch_intensity_cap" and (too_high.week, too_high.session) == (1, 1)
    assert "intensity target 9/10 too high" in too_high.reason
    assert str(too_high).startswith(f"week 1 session 1: {blocks[0].technique}: stretch")
    twice = _edit_block(plan, (0, 0, 1), technique=blocks[0].technique)
    assert "technique_twice_in_session" in _rules(twice, person)
    slow = _edit_block(plan, (0, 0, 0), estimated_minutes=500.0)
    assert _rules(slow, person) == {"session_time_budget"}
    # The person changes (a contraindicating condition, no equipment) while the plan does not.
    planned = sorted({b.technique for w in plan.weeks for s in w.sessions for b in s.blocks})
    tid = next(t for t in planned if lib.get(t).contraindications)
    codes = {str(c) for c in lib.get(tid).contraindications}
    sicker = Person(person.conditions | codes, person.findings, person.equipment)
    found = plan_violations(plan, sicker, lib)
    assert any(
        v.rule == "technique_contraindication"
        and v.technique == tid
        and v.reason.startswith("contraindicated by")
        for v in found
    ), found[:3]
    assert any(lib.get(t).equipment for t in planned)
    bare = Person(person.conditions, person.findings, frozenset())
    assert "equipment_missing" in _rules(plan, bare)
    # A neural-sensitive person with a tensioner in week 1 breaks the sequencing rules by name.
    tensioner = next(t for t in lib.techniques if t.neural_tension.value == "tensioner")
    neural = Person(person.conditions, person.findings | {"RADICULAR_SYMPTOMS"}, person.equipment)
    early = _edit_block(plan, (0, 0, 0), technique=tensioner.id)
    assert {
        "neural_tensioner_before_slider",
        "neural_tensioner_too_early",
        "phase_neural_tension",
    } <= _rules(early, neural)


def test_declared_alternatives_keep_the_role() -> None:
    lib = library()
    for t in lib.techniques:
        for alt in declared_alternatives(lib, t.id):
            assert lib.get(alt).role is t.role
            assert alt in t.progressions + t.regressions or t.id in (
                lib.get(alt).progressions + lib.get(alt).regressions
            )


def _used(plan: dict[str, Any]) -> list[set[str]]:
    return [{b["technique"] for s in w["sessions"] for b in s["blocks"]} for w in plan["weeks"]]


def test_swap_and_approve_through_the_api(world: World) -> None:
    c, person = world.clinician_a, world.person_a
    url = f"/api/patients/{person}/plan"
    approved = c.post(f"{url}/approve", json={"plan_version": 1, "note": "looks right"})
    assert approved.status_code == 200 and approved.json()["version"] == 1
    assert c.post(f"{url}/approve", json={"plan_version": 1}).json() == approved.json()
    assert c.get(url).json()["approval"] == approved.json()

    # Every declared alternative of every technique planned from week 2 is tried: each answer is
    # a stored version that keeps every rule, or a 422 on `replacement` that writes nothing.
    lib = library()
    _, person_rules = _example()
    start = c.get(url).json()
    pairs = [
        (t, alt)
        for t in sorted(set().union(*_used(start["plan"])[1:]))
        for alt in declared_alternatives(lib, t)
    ]
    stored, refused = 0, 0
    for technique, replacement in pairs:
        current = c.get(url).json()
        body = {
            "plan_version": current["version"],
            "technique": technique,
            "replacement": replacement,
            "from_week": 2,
        }
        if technique not in set().union(*_used(current["plan"])[1:]):
            continue  # swapped away by an earlier pair
        before = world.row_counts()
        got = c.post(f"{url}/swap", json=body)
        if got.status_code == 201:
            stored += 1
            new = got.json()
            assert new["version"] == current["version"] + 1
            used = _used(new["plan"])
            assert technique not in set().union(*used[1:]) and replacement in set().union(*used[1:])
            assert used[0] == _used(current["plan"])[0]  # week 1 is not rewritten
            edited = Plan.model_validate(new["plan"])
            assert plan_violations(edited, person_rules, lib) == ()
            assert c.get(url).json()["approval"] is None  # a new version needs approval
        else:
            assert got.status_code == 422, got.text
            assert got.json()["detail"][0]["loc"] == ["body", "replacement"]
            refused += "breaks safety rules" in got.json()["detail"][0]["msg"]
            assert world.row_counts() == before
    assert stored >= 1 and refused >= 1, (stored, refused, pairs)

    # Who swapped is stored with the version and shown in the plan history.
    me = c.get("/api/auth/me").json()["id"]
    history = c.get(f"{url}/versions").json()
    assert [v["changed_by"] for v in history] == [None] + [me] * stored
    view = plan_with_approval(world.ctx.store.uow(), person)
    assert view.changed_by == "a@x.test"

    current = c.get(url).json()
    version = current["version"]
    planned = sorted(set().union(*_used(current["plan"])[1:]))
    before = world.row_counts()
    stale = {"plan_version": version - 1, "technique": planned[0], "replacement": planned[0]}
    assert c.post(f"{url}/swap", json=stale).status_code == 409
    assert c.post(f"{url}/approve", json={"plan_version": version - 1}).status_code == 409
    undeclared = next(
        t.id
        for t in lib.techniques
        if t.id not in declared_alternatives(lib, planned[0]) and t.id != planned[0]
    )
    not_declared = c.post(
        f"{url}/swap",
        json={"plan_version": version, "technique": planned[0], "replacement": undeclared},
    )
    assert not_declared.status_code == 422
    assert not_declared.json()["detail"][0]["loc"] == ["body", "replacement"]
    assert "declared alternative" in not_declared.json()["detail"][0]["msg"]
    unplanned = next(t.id for t in lib.techniques if t.id not in planned)
    absent = c.post(
        f"{url}/swap",
        json={
            "plan_version": version,
            "technique": unplanned,
            "replacement": planned[0],
            "from_week": 2,
        },
    )
    assert absent.status_code == 422 and absent.json()["detail"][0]["loc"] == ["body", "technique"]
    assert world.row_counts() == before
    patient_try = {"plan_version": version, "technique": planned[0], "replacement": planned[0]}
    assert world.patient_a.post(f"{url}/swap", json=patient_try).status_code == 403
