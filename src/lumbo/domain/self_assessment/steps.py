"""The guided self-assessment as a table of steps: one question or task per screen, in the order of
issue 20 (safety first, then where it hurts, the questionnaires, the self-tests, and the plan's
practical choices). Every word here is for the person: second person, no codes or sources.

A step's ``id`` is the stable key of its answer (stored in the draft, never shown). ``applies``
says whether the step is asked given the answers so far (for example the question about a fall
is asked only of someone with thin bones). :func:`validate` checks one answer and raises
:class:`~lumbo.domain.errors.InvalidInput` naming the step and the allowed values.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

from lumbo.domain.intake import Equipment
from lumbo.domain.knowledge.patient_words import patient_words
from lumbo.domain.knowledge.self_directed import SelfTest, self_tests
from lumbo.domain.self_assessment.model import (
    SECTION_WORDS,
    YES_NO,
    Answers,
    Choice,
    Kind,
    Section,
    Step,
)
from lumbo.domain.self_assessment.questionnaire_steps import QUESTIONNAIRES

__all__ = ["SECTION_WORDS", "Answers", "Choice", "Kind", "Section", "Step"]

_RF = patient_words().red_flags


def _yes_no(id_: str, words: str, help_: str = "", **kw: Any) -> Step:
    return Step(id_, Section.safety, Kind.yes_no, words, help_, YES_NO, safety=True, **kw)


def _osteoporosis(a: Answers) -> bool:
    return a.get("osteoporosis") is True


def _leg(a: Answers) -> bool:
    return a.get("distribution") not in (None, "back_only")


# The three emergency questions come first: whatever else stops the flow (an age under 16, a
# "see a clinician" answer), a person with a cauda-equina sign has been asked about it and is told
# to get emergency care.
SAFETY: tuple[Step, ...] = (
    _yes_no(
        "saddle_anaesthesia",
        "Do you have numbness between your legs or around your back passage?",
        "For example when you wipe after the toilet, or when you sit on a bicycle saddle.",
    ),
    _yes_no(
        "bladder_or_bowel_dysfunction",
        "Have you had any new problem passing or holding urine or stool since your back pain "
        "started?",
    ),
    _yes_no(
        "progressive_neurological_deficit",
        "Is weakness or numbness in your legs getting worse?",
        "For example your foot catches or slaps, or a leg gives way more than it did.",
    ),
    Step(
        "age",
        Section.safety,
        Kind.number,
        "How old are you?",
        "In years.",
        low=1,
        high=110,
        unit="years",
        safety=True,
    ),
    _yes_no(
        "bilateral_leg_symptoms",
        "Do you have pain, numbness, tingling or weakness in both legs?",
    ),
    _yes_no("history_of_cancer", "Have you ever had cancer?"),
    _yes_no("unexplained_weight_loss", "Have you lost weight recently without trying?"),
    _yes_no("fever_or_chills", "Have you had a fever, chills or night sweats recently?"),
    _yes_no(
        "recent_bacterial_infection",
        "Have you had an infection treated with antibiotics in the last few weeks?",
        "For example a urine or chest infection.",
    ),
    _yes_no("iv_drug_use", "Have you ever injected drugs that a doctor did not prescribe?"),
    _yes_no(
        "immunosuppression",
        "Is your immune system weakened by an illness or by medicines?",
        "For example after a transplant, during chemotherapy, or with HIV.",
    ),
    _yes_no(
        "major_trauma",
        "Did your back pain start after a serious fall, a car accident or another major injury?",
    ),
    _yes_no("osteoporosis", "Have you been told you have thin bones (osteoporosis)?"),
    _yes_no(
        "minor_trauma_with_osteoporosis",
        "Did your back pain start after a small fall, a knock or lifting something?",
        applies=_osteoporosis,
    ),
    _yes_no(
        "prolonged_corticosteroids",
        "Have you taken steroid tablets (such as prednisolone) for more than three months?",
    ),
    _yes_no(
        "severe_night_pain",
        "Is your back pain severe at night, so that it wakes you and does not ease when you "
        "change position?",
    ),
    _yes_no("pain_worse_lying_down", "Is your back pain worse when you lie down?"),
    Step(
        "back_surgery",
        Section.safety,
        Kind.choice,
        "Have you had an operation on your back?",
        choices=(
            Choice("no", "No"),
            Choice("recent", "Yes, in the last 12 months"),
            Choice("fusion", "Yes, a fusion (the bones were joined)"),
            Choice("earlier", "Yes, more than 12 months ago, and not a fusion"),
        ),
        safety=True,
    ),
    _yes_no(
        "pregnant",
        "Are you pregnant, or could you be?",
        "If you are pregnant, your midwife or obstetric doctor should check you before you start "
        "an exercise plan.",
    ),
)

SYMPTOMS: tuple[Step, ...] = (
    Step(
        "distribution",
        Section.symptoms,
        Kind.choice,
        "How far does your pain, numbness or tingling go?",
        choices=(
            Choice("back_only", "It stays in my back"),
            Choice("buttock", "Into my buttock"),
            Choice("thigh", "Down into my thigh, not below the knee"),
            Choice("below_knee", "Below my knee"),
        ),
    ),
    Step(
        "leg_side",
        Section.symptoms,
        Kind.choice,
        "Which of your legs does it go down?",
        choices=(Choice("left", "Left"), Choice("right", "Right"), Choice("both", "Both sides")),
        applies=_leg,
    ),
    Step(
        "duration_weeks",
        Section.symptoms,
        Kind.number,
        "How many weeks have you had this back pain?",
        "Count from when this episode started. Type 0 if it started this week.",
        low=0,
        high=520,
        unit="weeks",
    ),
    Step(
        "pain_now",
        Section.symptoms,
        Kind.scale,
        "How bad is your back pain right now?",
        low=0,
        high=10,
        low_words="no pain",
        high_words="the worst pain you can imagine",
    ),
    Step(
        "pain_best",
        Section.symptoms,
        Kind.scale,
        "In the last week, how bad was your pain at its best?",
        low=0,
        high=10,
        low_words="no pain",
        high_words="the worst pain you can imagine",
    ),
    Step(
        "pain_worst",
        Section.symptoms,
        Kind.scale,
        "In the last week, how bad was your pain at its worst?",
        low=0,
        high=10,
        low_words="no pain",
        high_words="the worst pain you can imagine",
    ),
    Step(
        "numbness_or_tingling",
        Section.symptoms,
        Kind.yes_no,
        "Do you have numbness or tingling in your buttock or leg?",
        choices=YES_NO,
    ),
)


def _test_steps(t: SelfTest) -> tuple[Step, ...]:
    kind = {"video": Kind.video, "number": Kind.number, "choice": Kind.choice}[t.kind]
    choices = tuple(Choice(c.value, c.words) for c in t.choice)
    common: dict[str, Any] = {
        "help": f"{t.purpose} {t.record}",
        "choices": choices,
        "low": t.low,
        "high": t.high,
        "unit": t.unit or "",
        "integer": t.integer,
        "optional": True,
        "picture": t.picture,
        "stop_if": t.stop_if,
        "steps": t.steps,
        "test": t.id,
        "fits_plan": t.fits_plan,
    }
    if not t.sides:
        return (Step(t.id, Section.self_tests, kind, t.name, after_plan=t.after_plan, **common),)
    left = Step(f"{t.id}_left", Section.self_tests, kind, f"{t.name}: your left leg", **common)
    # The right leg repeats the left one's test just read: "the same" and the stop-if, not the
    # whole instructions again (the picture and the record line stay).
    right = replace(
        left,
        id=f"{t.id}_right",
        words=f"{t.name}: your right leg",
        help=t.record,
        steps=t.steps_other_side or t.steps,
    )
    return (left, right)


def _film_failed(a: Answers) -> bool:
    return not isinstance(a.get("trunk_flexion_video"), dict)


def self_test_steps() -> tuple[Step, ...]:
    out: list[Step] = []
    for t in self_tests():
        for s in _test_steps(t):
            # The tape is the other way of measuring the forward bend: asked when no video.
            out.append(s if s.id != "fingertip_to_floor" else _with(s, applies=_film_failed))
    return tuple(out)


def _with(step: Step, **changes: Any) -> Step:
    return replace(step, **changes)


CLINICIAN_ONLY = (
    "Some tests need a clinician's hands and training: pressing on each level of your spine "
    "(spring test), the prone instability test, checking your nerves (strength, reflexes and "
    "feeling in your legs), and the straight-leg raise and slump tests as a clinician does them. "
    "lumbo marks these as not tested. A clinician could add them, and your plan would then take "
    "them into account."
)
"""What only a clinician can test, in plain words (shown at the end of the self-tests)."""

ASKED_AFTER_PLAN = (
    "Two sets of questions are not asked yet: 16 about your beliefs on activity and work, and 4 "
    "about how much pain gets in the way of your day. Your first plan does not depend on them. "
    "lumbo asks them on your phone after you have your plan, before your second session, and "
    "they become part of the starting point your progress is compared with."
)
"""The questionnaires asked after the first plan (``Step.after_plan``), in plain words."""

PLAN: tuple[Step, ...] = (
    Step(
        "minutes_per_session",
        Section.plan,
        Kind.choice,
        "How long can each of your exercise sessions be?",
        choices=tuple(Choice(m, f"{m} minutes") for m in (15, 20, 30, 45)),
    ),
    Step(
        "sessions_per_week",
        Section.plan,
        Kind.choice,
        "How many sessions a week can you do?",
        choices=tuple(Choice(n, f"{n} a week") for n in (2, 3, 4, 5)),
    ),
    Step(
        "equipment",
        Section.plan,
        Kind.choices,
        "Which of these do you have at home? Choose all that apply, or none.",
        choices=tuple(
            Choice(e.value, patient_words().equipment[e.value].capitalize()) for e in Equipment
        ),
    ),
)


@cache
def steps() -> tuple[Step, ...]:
    """Every step, in order (the table is data; asking follows ``applies``)."""
    return (*SAFETY, *SYMPTOMS, *QUESTIONNAIRES, *self_test_steps(), *PLAN)


@cache
def _by_id() -> dict[str, Step]:
    return {s.id: s for s in steps()}


def step(step_id: str) -> Step | None:
    return _by_id().get(step_id)


def red_flag_words(key: str) -> str:
    """A red flag in the person's words (``patient_words.toml``)."""
    return _RF[key]
