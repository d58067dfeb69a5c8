"""What each item of the copyrighted questionnaires is about, in lumbo's own plain words (issue 16).

These are topics, not the instruments' statements: where the licence forbids reproducing the
wording (``knowledge/questionnaire_licences.toml``), the patient's phone names the item's topic and
the patient answers from the paper form their clinician gave them. Written by lumbo; they paraphrase
no statement and may be shown to anyone.
"""

from __future__ import annotations

from lumbo.domain.intake import PROMIS_8A

ODI_SECTIONS: tuple[str, ...] = (
    "Pain intensity",
    "Personal care",
    "Lifting",
    "Walking",
    "Sitting",
    "Standing",
    "Sleeping",
    "Sex life",
    "Social life",
    "Travelling",
)
"""Oswestry Disability Index: the 10 section headings, in order (Fairbank 2000)."""

RMDQ_TOPICS: tuple[str, ...] = (
    "staying at home",
    "changing position",
    "walking speed",
    "jobs around the house",
    "using a handrail on stairs",
    "lying down to rest",
    "getting out of an armchair with help from your hands",
    "asking other people to do things for you",
    "how fast you get dressed",
    "how long you can stand",
    "bending and kneeling",
    "getting up from a chair",
    "how often your back hurts",
    "turning over in bed",
    "your appetite",
    "putting on socks or tights",
    "how far you can walk",
    "your sleep",
    "help with getting dressed",
    "sitting for most of the day",
    "heavy jobs",
    "your temper",
    "climbing stairs",
    "staying in bed",
)
"""Roland-Morris: the 24 statements' topics, in order (Roland & Morris 1983)."""

START_BACK_TOPICS: tuple[str, ...] = (
    "pain spreading down your leg",
    "pain in your shoulder or neck",
    "how far you have walked",
    "how fast you get dressed",
    "whether being active is safe for you",
    "worrying thoughts",
    "whether your back pain will get better",
    "enjoying the things you used to enjoy",
    "how much your back pain has bothered you",
)
"""Keele STarT Back Screening Tool: the 9 items' topics, in order (Hill 2008)."""

FABQ_TOPICS: tuple[str, ...] = (
    "physical activity as the cause of your pain",
    "physical activity making your pain worse",
    "physical activity harming your back",
    "avoiding activities that make your pain worse",
    "being able to do activities that might make your pain worse",
    "your work or an accident at work as the cause of your pain",
    "your work having made your pain worse",
    "a compensation claim",
    "how heavy your work is",
    "your work making your pain worse",
    "your work harming your back",
    "whether you should do your usual work with your pain now",
    "whether you can do your usual work with your pain now",
    "doing your usual work before your pain is treated",
    "being back at your usual work within three months",
    "ever going back to your work",
)
"""Fear-Avoidance Beliefs Questionnaire: the 16 items' topics, in order (Waddell 1993)."""

PROMIS_PI_TOPICS: dict[str, str] = dict(
    zip(
        PROMIS_8A,
        (
            "pain getting in the way of your day-to-day activities",
            "pain getting in the way of work around the home",
            "pain getting in the way of taking part in social activities",
            "pain getting in the way of household chores",
            "pain getting in the way of things you do for fun",
            "pain getting in the way of enjoying time with other people",
            "pain getting in the way of enjoying life",
            "pain getting in the way of your family life",
        ),
        strict=True,
    )
)
"""PROMIS Pain Interference: each item's topic by item id, the 8a form's order (4a and 6a are
its first 4 and 6)."""
