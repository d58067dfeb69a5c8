"""The clinic's working day on SQLite and PostgreSQL: clearing a referral, correcting an intake
(a new version, a diff, a rebuilt plan that waits for approval) and what approval means for the
plan the patient runs (the clinic's auto-approve setting)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from lumbo.domain.errors import Conflict, InvalidInput
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.model import BlockLog, SessionLog
from lumbo.services import (
    approval,
    intake_correction,
    journey,
    plan_blocks,
    plan_dose,
    plan_edit,
    plan_templates,
    referral_clearance,
)
from lumbo.store.db import Store
from tests.integration.store import samples

TODAY = date(2026, 11, 25)


def _doc(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = samples.intake_dict()
    for path, value in changes.items():
        section, field = path.split("__")
        doc[section] = {**doc[section], field: value}
    return doc


def _enrol(store: Store, doc: dict[str, Any]) -> str:
    return journey.init_person(store.uow(), json.dumps(doc), owner_id="clin").person.id


def _counts(store: Store, person: str) -> tuple[int, int, int]:
    with store.uow() as uow:
        r = uow.journeys
        return len(r.intakes(person)), len(r.assessments(person)), len(r.plan_versions(person))


def test_a_cleared_referral_builds_the_plan_and_keeps_who_when_why(store: Store) -> None:
    person = _enrol(store, _doc(history__conditions=["recent_spinal_surgery"]))
    assert _counts(store, person) == (1, 1, 0)
    with pytest.raises(InvalidInput) as bad:
        referral_clearance.clear_referral(
            store.uow(),
            person,
            cleared_by=" ",
            cleared_on=TODAY + timedelta(days=1),
            note="",
            actor_id="clin",
            today=TODAY,
        )
    assert [p.path for p in bad.value.problems] == ["cleared_by", "cleared_on", "note"]
    assert _counts(store, person) == (1, 1, 0)  # nothing written

    done = referral_clearance.clear_referral(
        store.uow(),
        person,
        cleared_by="Mr Patel, spinal surgeon",
        cleared_on=TODAY,
        note="Fusion healed; cleared for graded exercise.",
        actor_id="clin",
        today=TODAY,
    )
    assert done.plan_created and done.plan is not None and done.plan.version == 1
    assert _counts(store, person) == (2, 2, 1)
    assert journey.current_plan(store.uow(), person).version == 1
    (kept,) = referral_clearance.clearance_history(store.uow(), person)
    assert (kept.cleared_by, kept.cleared_on) == ("Mr Patel, spinal surgeon", TODAY)
    with pytest.raises(Conflict, match="no referral is pending"):
        referral_clearance.clear_referral(
            store.uow(), person, cleared_by="x", cleared_on=TODAY, note="y", actor_id=None,
            today=TODAY,
        )  # fmt: skip


def test_an_emergency_referral_cannot_be_cleared(store: Store) -> None:
    person = _enrol(store, _doc(red_flags__saddle_anaesthesia=True))
    with pytest.raises(Conflict, match="emergency referral cannot be cleared"):
        referral_clearance.clear_referral(
            store.uow(), person, cleared_by="Dr A", cleared_on=TODAY, note="seen",
            actor_id=None, today=TODAY,
        )  # fmt: skip
    assert _counts(store, person) == (1, 1, 0)


def test_a_corrected_intake_is_a_new_version_with_a_diff_and_a_plan_waiting(store: Store) -> None:
    person = _enrol(store, _doc())
    corrected = _doc(preferences__equipment=["mat", "band", "chair", "wall"])
    preview = intake_correction.preview_correction(store.uow(), person, json.dumps(corrected))
    assert [c.label for c in preview.fields] == ["preferences › equipment"]
    assert preview.fields[0].reason == "band, mat → band, chair, mat, wall"
    assert _counts(store, person) == (1, 1, 1)  # a preview writes nothing
    added = {c.label for c in preview.exercises if c.change == "added"}

    done = intake_correction.apply_correction(store.uow(), person, json.dumps(corrected), on=TODAY)
    assert done.plan is not None and done.plan.version == 2
    assert "corrected on 25 November 2026" in done.plan.reason
    assert _counts(store, person) == (2, 2, 2)
    with store.uow() as uow:  # history stays readable: the first intake is unchanged
        first, second = uow.journeys.intakes(person)
    assert first.intake.preferences.equipment != second.intake.preferences.equipment
    lib = library()
    now = {
        lib.get(b.technique).name
        for w in done.plan.plan.weeks
        for s in w.sessions
        for b in s.blocks
    }
    assert added <= now  # what the diff said is added is in the rebuilt plan

    # the patient keeps version 1 until the clinician approves version 2
    assert approval.patient_plan(store.uow(), person).version == 1
    assert journey.today(store.uow(), person, TODAY).plan_version == 1
    plan_edit.approve_plan(store.uow(), person, plan_version=2, actor_id=None)
    assert approval.patient_plan(store.uow(), person).version == 2
    with pytest.raises(Conflict, match="nothing was changed"):
        intake_correction.apply_correction(store.uow(), person, json.dumps(corrected), on=TODAY)


def _painful_session(store: Store, person: str, sid: str, on: date) -> bool:
    today = journey.today(store.uow(), person, on)
    assert today.session is not None
    blocks = tuple(
        BlockLog(
            technique=b.technique,
            completed_sets=b.dose.sets,
            intensity=5,
            pain_during=6,
            pain_after=6,
        )
        for b in today.session.blocks
    )
    log = SessionLog(
        session_id=sid,
        week=today.week,
        session_index=today.session.index,
        performed_on=on,
        plan_version=today.plan_version,
        blocks=blocks,
    )
    return journey.record_session(store.uow(), person, log).new_plan


@pytest.mark.parametrize("auto", [True, False])
def test_rule_made_versions_follow_the_clinic_setting(store: Store, auto: bool) -> None:
    assert approval.clinic_settings(store.uow()).auto_approve_adjustments  # default on
    approval.set_auto_approve(store.uow(), auto, "admin")
    person = _enrol(store, _doc())
    assert _painful_session(store, person, "pain-000001", TODAY)
    latest = journey.current_plan(store.uow(), person)
    assert latest.version == 2
    assert "session on 25 November 2026" in latest.reason and "pain-000001" not in latest.reason
    seen = approval.patient_plan(store.uow(), person).version
    assert seen == (2 if auto else 1)
    state = approval.approval_state(store.uow(), person)
    assert state.waiting is (not auto)


def test_a_dose_change_is_checked_and_a_refusal_names_its_rule(store: Store) -> None:
    person = _enrol(store, _doc())
    plan = journey.current_plan(store.uow(), person)
    block = plan.plan.weeks[0].sessions[0].blocks[-1]
    edited = plan_dose.change_dose(
        store.uow(),
        person,
        plan_version=1,
        change=plan_dose.DoseChange(block.technique, from_week=2, sets=block.dose.sets + 1),
        on=TODAY,
        actor_id="clinician-account",
    )
    assert edited.version == 2 and "clinician's edit" in edited.reason
    assert edited.changed_by == "clinician-account"  # who made the version is kept
    assert edited.plan.weeks[0] == plan.plan.weeks[0]  # week 1 untouched
    changed = [b for b in edited.plan.weeks[1].sessions[0].blocks if b.technique == block.technique]
    assert changed and changed[0].dose.sets == block.dose.sets + 1
    assert approval.patient_plan(store.uow(), person).version == 1  # waits for approval

    refused = None
    for b in edited.plan.weeks[1].sessions[0].blocks:  # ten sets of everything: too long
        try:
            plan_dose.change_dose(
                store.uow(), person, plan_version=journey.current_plan(store.uow(), person).version,
                change=plan_dose.DoseChange(b.technique, from_week=2, sets=10), on=TODAY,
            )  # fmt: skip
        except plan_dose.DoseRefused as exc:
            refused = exc
            break
    assert refused is not None
    assert refused.refusals[0].rule == "Session time budget"
    assert "minute session budget" in refused.refusals[0].why
    with pytest.raises(InvalidInput) as bad:
        plan_dose.change_dose(
            store.uow(), person, plan_version=journey.current_plan(store.uow(), person).version,
            change=plan_dose.DoseChange(block.technique, from_week=13, sets=0), on=TODAY,
        )  # fmt: skip
    assert [p.path for p in bad.value.problems] == ["from_week", "sets"]


def test_a_template_applies_only_where_its_exercises_are_safe(store: Store) -> None:
    chair = _enrol(
        store,
        _doc(person__id="with-chair", preferences__equipment=["mat", "band", "chair", "wall"]),
    )
    bare = _enrol(store, _doc(person__id="bare", preferences__equipment=[]))
    same = _enrol(
        store, _doc(person__id="same", preferences__equipment=["mat", "band", "chair", "wall"])
    )
    saved = plan_templates.save_template(store.uow(), chair, owner_id="clin", name="Chair set")
    assert [t.name for t in plan_templates.templates(store.uow(), "clin")] == ["Chair set"]
    assert plan_templates.templates(store.uow(), "someone else") == []

    with pytest.raises(plan_dose.DoseRefused) as refused:  # needs equipment the patient lacks
        plan_templates.apply_template(
            store.uow(), bare, owner_id="clin", template_id=saved.id, plan_version=1, on=TODAY
        )
    rules = {r.rule: r.why for r in refused.value.refusals}
    assert "equipment not available" in rules["Equipment the patient has"]
    assert _counts(store, bare) == (1, 1, 1)

    applied = plan_templates.apply_template(
        store.uow(), same, owner_id="clin", template_id=saved.id, plan_version=1, on=TODAY
    )
    assert applied.version == 2 and "Chair set" in applied.reason
    assert approval.patient_plan(store.uow(), same).version == 1  # waits for approval


def test_removing_a_stabilize_partner_is_refused_by_the_pairing_rule(store: Store) -> None:
    person = _enrol(store, _doc())
    plan = journey.current_plan(store.uow(), person).plan
    later = [s for w in plan.weeks[1:] for s in w.sessions]
    partners = {
        s.blocks[b.pairs_with].technique
        for s in later
        for b in s.blocks
        if b.pairs_with is not None
    }
    assert partners, "the example plan pairs a release with a stabilize exercise"
    with pytest.raises(plan_dose.DoseRefused) as refused:
        plan_dose.remove_exercise(
            store.uow(),
            person,
            plan_version=1,
            technique=sorted(partners)[0],
            from_week=2,
            on=TODAY,
        )
    assert "A release needs a stabilize partner" in {r.rule for r in refused.value.refusals}

    free = sorted(
        {b.technique for s in later for b in s.blocks if b.role.value != "release"} - partners
    )
    removed = plan_dose.remove_exercise(
        store.uow(), person, plan_version=1, technique=free[0], from_week=2, on=TODAY,
        actor_id="clinician-account",
    )  # fmt: skip
    assert removed.version == 2 and "Took" in removed.reason
    stored = journey.current_plan(store.uow(), person)
    assert stored.version == 2 and stored.changed_by == "clinician-account"
    assert all(
        b.technique != free[0] for w in removed.plan.weeks[1:] for s in w.sessions for b in s.blocks
    )
    assert removed.plan.weeks[0] == plan.weeks[0]  # week 1 untouched


def test_the_patient_logs_the_approved_version_while_a_newer_one_waits(store: Store) -> None:
    """A clinician's edit waits for approval; meanwhile the patient runs and logs version 1,
    including the exercise the edit takes out: the log is stored, nothing fails."""
    doc = _doc(preferences__start_date=TODAY.isoformat())
    person = _enrol(store, doc)
    plan = journey.current_plan(store.uow(), person).plan
    later = [s for w in plan.weeks for s in w.sessions]
    partners = {
        s.blocks[b.pairs_with].technique
        for s in later
        for b in s.blocks
        if b.pairs_with is not None
    }
    first = plan.weeks[0].sessions[0]
    gone = sorted({b.technique for b in first.blocks if b.role.value != "release"} - partners)[0]
    plan_dose.remove_exercise(
        store.uow(), person, plan_version=1, technique=gone, from_week=1, on=TODAY
    )
    for n in range(3):
        day = TODAY + timedelta(days=n)
        today = journey.today(store.uow(), person, day)
        assert today.plan_version == 1 and today.session is not None
        log = SessionLog(
            session_id=f"waiting-{n:04d}",
            week=today.week,
            session_index=today.session.index,
            performed_on=day,
            plan_version=1,
            blocks=tuple(
                BlockLog(technique=b.technique, completed_sets=b.dose.sets, intensity=3,
                         pain_during=1, pain_after=1)
                for b in today.session.blocks
            ),
        )  # fmt: skip
        assert journey.record_session(store.uow(), person, log).created
    with store.uow() as uow:
        stored = uow.journeys.session_logs(person)
    assert len(stored) == 3 and any(b.technique == gone for b in stored[0].log.blocks)


def test_adding_and_moving_an_exercise_go_through_the_plan_checks(store: Store) -> None:
    """Add a library exercise to a session for some weeks, move one to another session: each edit
    is a new version waiting for approval; a refusal names the rule broken and where."""
    person = _enrol(store, _doc())
    plan = journey.current_plan(store.uow(), person).plan
    first = plan.weeks[1].sessions[0]
    release = next(b for b in first.blocks if b.pairs_with is not None)
    partners = {
        s.blocks[b.pairs_with].technique
        for w in plan.weeks
        for s in w.sessions
        for b in s.blocks
        if b.pairs_with is not None
    }
    in_two = {b.technique for b in plan.weeks[1].sessions[1].blocks}
    room = max(
        (b for b in plan.weeks[1].sessions[1].blocks
         if b.role.value == "stabilize" and b.technique not in partners),
        key=lambda b: (b.estimated_minutes, b.technique),
    ).technique  # fmt: skip
    plan_dose.remove_exercise(  # makes room in session 2 of week 2
        store.uow(), person, plan_version=1, technique=room, from_week=2, on=TODAY
    )

    def add(technique: str, session: int, to_week: int | None = None) -> Any:
        return plan_blocks.add_exercise(
            store.uow(), person, plan_version=journey.current_plan(store.uow(), person).version,
            technique=technique, session=session, from_week=2, to_week=to_week, on=TODAY,
        )  # fmt: skip

    def rules(call: Any) -> dict[str, str]:
        with pytest.raises(plan_dose.DoseRefused) as refused:
            call()
        return {r.rule: r.why for r in refused.value.refusals}

    assert (
        "appears twice in one session"
        in rules(lambda: add(first.blocks[0].technique, 1))["One technique once per session"]
    )
    excluded = plan.excluded[0].technique
    assert "Left out for this patient" in rules(lambda: add(excluded, 2))
    short = next(
        b.technique
        for b in first.blocks
        if b.role.value == "education" and b.technique not in in_two
    )
    assert "minute session budget" in rules(lambda: add(short, 2))["Session time budget"]
    assert _counts(store, person) == (1, 1, 2)  # refusals store nothing

    added = add(short, 2, to_week=2)
    assert added.version == 3 and "Added" in added.reason and "in week 2" in added.reason
    assert short in {b.technique for b in added.plan.weeks[1].sessions[1].blocks}
    assert short not in {b.technique for b in added.plan.weeks[2].sessions[1].blocks}
    assert added.plan.weeks[0] == plan.weeks[0]
    assert approval.patient_plan(store.uow(), person).version == 1  # waits for approval

    def move(technique: str, to_week: int | None = None) -> Any:
        return plan_blocks.move_exercise(
            store.uow(), person, plan_version=journey.current_plan(store.uow(), person).version,
            technique=technique, from_session=1, to_session=2, from_week=3, to_week=to_week,
            on=TODAY,
        )  # fmt: skip

    assert (
        "stabilize partner"
        in rules(lambda: move(release.technique, to_week=3))["A release needs a stabilize partner"]
    )
    with pytest.raises(InvalidInput) as bad:
        plan_blocks.move_exercise(
            store.uow(), person, plan_version=3, technique=short, from_session=1, to_session=9,
            from_week=3, to_week=2, on=TODAY,
        )  # fmt: skip
    assert [p.path for p in bad.value.problems] == ["to_week"]
    moved = move(short, to_week=3)
    assert moved.version == 4 and "Moved" in moved.reason
    week3 = moved.plan.weeks[2]
    assert short not in {b.technique for b in week3.sessions[0].blocks}
    assert short in {b.technique for b in week3.sessions[1].blocks}
    assert moved.plan.weeks[3] == added.plan.weeks[3]  # after to_week untouched
    with pytest.raises(Conflict):
        plan_blocks.add_exercise(
            store.uow(), person, plan_version=3, technique=short, session=2, from_week=2,
            on=TODAY,
        )  # fmt: skip
