"""The questionnaire steps of the self-assessment (issue 20): the disability index (ODI), STarT
Back, the fear-avoidance beliefs (FABQ), PROMIS pain interference (4 items) and the person's own
activities (PSFS). The instruments' statements are shown only where the licence allows it
(``knowledge/questionnaire_licences.toml``: none of these four); otherwise each item names its
topic in lumbo's own words (``domain/scoring/topics.py``) and the person answers from the paper
form if they have it. Pure.
"""

from __future__ import annotations

from lumbo.domain.intake import PROMIS_4A, Bothersomeness
from lumbo.domain.scoring.topics import (
    FABQ_TOPICS,
    ODI_SECTIONS,
    PROMIS_PI_TOPICS,
    START_BACK_TOPICS,
)
from lumbo.domain.self_assessment.model import YES_NO, Choice, Kind, Section, Step

PAPER = (
    "lumbo may not show this questionnaire's own statements. If you have the paper form, answer "
    "from it; otherwise choose the answer closest to how you feel, or skip the question."
)


def _odi() -> tuple[Step, ...]:
    return tuple(
        Step(
            f"odi_{n}",
            Section.questionnaires,
            Kind.scale,
            f"Daily life question {n} of 10, about {heading.lower()}: how much of a problem is "
            "it for you today?",
            PAPER,
            low=0,
            high=5,
            low_words="no problem at all",
            high_words="the worst it can be",
            optional=True,
        )
        for n, heading in enumerate(ODI_SECTIONS, 1)
    )


def _start_back() -> tuple[Step, ...]:
    out = [
        Step(
            f"start_back_{n}",
            Section.questionnaires,
            Kind.choice,
            f"Back screening question {n} of 9, about {topic}: thinking of the last 2 weeks, "
            "does the statement apply to you?",
            PAPER,
            (Choice(0, "No, I disagree"), Choice(1, "Yes, I agree")),
            optional=True,
        )
        for n, topic in enumerate(START_BACK_TOPICS[:8], 1)
    ]
    bother = tuple(Choice(b.value, b.value.replace("_", " ").capitalize()) for b in Bothersomeness)
    out.append(
        Step(
            "start_back_9",
            Section.questionnaires,
            Kind.choice,
            f"Back screening question 9 of 9: overall, {START_BACK_TOPICS[8]} in the last 2 weeks?",
            PAPER,
            bother,
            optional=True,
        )
    )
    return tuple(out)


def _fabq() -> tuple[Step, ...]:
    return tuple(
        Step(
            f"fabq_{n}",
            Section.questionnaires,
            Kind.scale,
            f"Beliefs question {n} of 16, about {topic}: how much do you agree?",
            PAPER,
            low=0,
            high=6,
            low_words="completely disagree",
            high_words="completely agree",
            optional=True,
        )
        for n, topic in enumerate(FABQ_TOPICS, 1)
    )


def _promis() -> tuple[Step, ...]:
    return tuple(
        Step(
            f"promis_{n}",
            Section.questionnaires,
            Kind.scale,
            f"Pain question {n} of 4: in the past 7 days, how much was {PROMIS_PI_TOPICS[code]}?",
            PAPER,
            low=1,
            high=5,
            low_words="not at all",
            high_words="very much",
            optional=True,
        )
        for n, code in enumerate(PROMIS_4A, 1)
    )


QUESTIONNAIRES: tuple[Step, ...] = (
    Step(
        "working",
        Section.questionnaires,
        Kind.yes_no,
        "Are you in paid work at the moment?",
        choices=YES_NO,
    ),
    *_odi(),
    *_start_back(),
    *_fabq(),
    *_promis(),
    Step(
        "psfs",
        Section.questionnaires,
        Kind.activities,
        "Name up to 3 everyday activities your back makes hard, and score how well you can do "
        "each today.",
        "0 means you cannot do it at all; 10 means as well as before your back problem.",
        low=0,
        high=10,
        low_words="unable to do it",
        high_words="as well as before your back problem",
    ),
)
