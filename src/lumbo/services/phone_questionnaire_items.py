"""The screens of the phone's questionnaire sets (issue 16): which instruments each set asks and
each item's words, the instrument's own wording only where its licence allows it
(``knowledge/questionnaire_licences.toml``), otherwise the item's topic in lumbo's words
(``domain/scoring/topics.py``) and the paper form the patient answers from.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from lumbo.domain.intake import PROMIS_4A, Bothersomeness
from lumbo.domain.knowledge import load_knowledge
from lumbo.domain.knowledge.files import Licence, LicencesFile
from lumbo.domain.knowledge.self_directed import self_tests
from lumbo.domain.scoring.topics import (
    FABQ_TOPICS,
    ODI_SECTIONS,
    PROMIS_PI_TOPICS,
    RMDQ_TOPICS,
    START_BACK_TOPICS,
)

Kind = Literal["intake", "reassessment"]


@cache
def licences() -> dict[str, Licence]:
    return load_knowledge("questionnaire_licences.toml", LicencesFile).root


FORM = "form your clinician gave you"
"""What every item whose wording lumbo may not show says instead of the wording."""


def _scale(
    id_: str, instrument: str, text: str, low: int, high: int, low_words: str, high_words: str
) -> dict[str, Any]:
    return {
        "id": id_,
        "instrument": instrument,
        "text": text,
        "low": low,
        "high": high,
        "low_words": low_words,
        "high_words": high_words,
    }


def _choices(id_: str, instrument: str, text: str, words: list[tuple[Any, str]]) -> dict[str, Any]:
    """An item answered by tapping one of ``words`` (value, what the patient reads)."""
    return {
        "id": id_,
        "instrument": instrument,
        "text": text,
        "choices": [{"value": v, "words": w} for v, w in words],
    }


def _odi_items() -> list[dict[str, Any]]:
    out = []
    for n, heading in enumerate(ODI_SECTIONS, 1):
        words = (
            f"Section {n} of 10: {heading.lower()}. Choose the number of the statement that fits "
            f"you best on the Oswestry {FORM}."
        )
        item = _scale(
            f"odi-{n}", "odi", words, 0, 5, "the first statement", "the last statement"
        )  # the statements themselves only if the licence allows
        out.append({**item, "optional": True})
    return out


def _rmdq_items() -> list[dict[str, Any]]:
    return [
        _choices(
            f"rmdq-{n}",
            "rmdq",
            f"Statement {n} of 24, about {topic}. Does the statement on the Roland-Morris "
            f"{FORM} describe you today?",
            [(0, "No"), (1, "Yes")],
        )
        for n, topic in enumerate(RMDQ_TOPICS, 1)
    ]


def _start_back_items() -> list[dict[str, Any]]:
    out = [
        _choices(
            f"start_back-{n}",
            "start_back",
            f"STarT Back question {n} of 9, about {topic}. Thinking of the last 2 weeks, do you "
            f"agree with the statement on the STarT Back {FORM}?",
            [(0, "Disagree"), (1, "Agree")],
        )
        for n, topic in enumerate(START_BACK_TOPICS[:8], 1)
    ]
    bother = [(b.value, b.value.replace("_", " ").capitalize()) for b in Bothersomeness]
    out.append(
        _choices(
            "start_back-9",
            "start_back",
            f"STarT Back question 9 of 9, about {START_BACK_TOPICS[8]} in the last 2 weeks. "
            f"Choose the answer that fits you on the STarT Back {FORM}.",
            bother,
        )
    )
    return out


def _fabq_items() -> list[dict[str, Any]]:
    return [
        _scale(
            f"fabq-{n}",
            "fabq",
            f"Fear-avoidance statement {n} of 16, about {topic}. How much do you agree with the "
            f"statement on the fear-avoidance {FORM}?",
            0,
            6,
            "you completely disagree",
            "you completely agree",
        )
        for n, topic in enumerate(FABQ_TOPICS, 1)
    ]


def _promis_items() -> list[dict[str, Any]]:
    return [
        {
            **_scale(
                f"promis_pi_4a-{n}",
                "promis_pi_4a",
                f"Pain question {n} of 4, about {PROMIS_PI_TOPICS[code]} in the past 7 days. "
                f"Choose the number of the answer on the PROMIS {FORM}.",
                1,
                5,
                "the first answer",
                "the last answer",
            ),
            "code": code,
        }
        for n, code in enumerate(PROMIS_4A, 1)
    ]


def _psfs_items(activities: list[str]) -> list[dict[str, Any]]:
    return [
        {
            **_scale(
                f"psfs-{n}",
                "psfs",
                f"How well can you do this today: {activity}?",
                0,
                10,
                "unable to do it",
                "as well as before your back problem",
            ),
            "activity": activity,
        }
        for n, activity in enumerate(activities, 1)
    ]


def _after_plan_tests() -> list[dict[str, Any]]:
    """The self-tests a self-assessment leaves until after the first plan (``after_plan`` in
    ``self_tests.toml``: the 30-second sit-to-stand), one screen each with the picture, the
    instructions, the "stop if" and a number to type; each may be left out."""
    return [
        {
            "id": t.id,
            "instrument": t.id,
            "kind": "number",
            "text": t.name,
            "label": t.record,
            "low": t.low,
            "high": t.high,
            "unit": t.unit,
            "picture": f"/illustrations/{t.picture}.svg",
            "steps": list(t.steps),
            "stop_if": t.stop_if,
            "optional": True,
        }
        for t in self_tests()
        if t.after_plan and t.kind == "number"
    ]


PSFS_MAX = 5  # the PSFS asks about 3 to 5 activities


def _psfs_naming_items() -> list[dict[str, Any]]:
    """Before the first visit, when nobody has named the patient's activities yet: up to five
    screens, each asking the patient to name one activity they find hard and rate it (the PSFS
    is built from the patient's own activities). Each may be left out; leaving one out ends the
    naming (``ends_group``)."""
    out = []
    for n in range(1, PSFS_MAX + 1):
        first = "Name an activity" if n == 1 else "Name another activity"
        item = _scale(
            f"psfs-name-{n}",
            "psfs",
            f"Activity {n} of up to {PSFS_MAX}. {first} that your back makes hard to do, "
            "then choose how well you can do it today.",
            0,
            10,
            "unable to do it",
            "as well as before your back problem",
        )
        out.append({**item, "names_activity": True, "optional": True, "ends_group": True})
    return out


def items(
    kind: Kind,
    psfs_activities: list[str],
    disability: str = "odi",
    *,
    name_activities: bool = True,
    later_baseline: bool = False,
) -> list[dict[str, Any]]:
    """The set's screens. Intake: pain, ODI, STarT Back, FABQ, PROMIS pain interference (4a) and
    the PSFS: its activities when known, otherwise (``name_activities``) up to five screens where
    the patient names and rates their own. Reassessment: what the outcomes compare, each score with an
    MCID (``knowledge/mcid.toml``): pain, the baseline's disability index (ODI, or RMDQ when the
    baseline used it), PROMIS pain interference (4a) and the PSFS. Wording only where the licence
    allows it; otherwise the item's topic and the paper form (see :data:`FORM`).
    ``later_baseline``: the baseline questionnaires a self-assessment leaves until after the first
    plan (pain, FABQ and PROMIS pain interference; the disability index, STarT Back and the
    activities were asked before the plan) and its self-test left until then (the 30-second
    sit-to-stand)."""
    lic = licences()
    items: list[dict[str, Any]] = [
        _scale(
            "nprs",
            "nprs",
            "How bad is your back pain right now?",
            0,
            10,
            "no pain",
            "the worst pain you can imagine",
        )
    ]
    if later_baseline:  # a self-assessment's first plan came before these: the rest, once
        items += _fabq_items() + _promis_items() + _after_plan_tests()
    elif kind == "intake":
        items += _odi_items() + _start_back_items() + _fabq_items() + _promis_items()
    else:
        items += (_rmdq_items() if disability == "rmdq" else _odi_items()) + _promis_items()
    if later_baseline:  # the activities were named and rated before the plan
        name_activities, psfs_activities = False, []
    if psfs_activities:
        items += _psfs_items(psfs_activities[:PSFS_MAX])
    elif kind == "intake" and name_activities:
        items += _psfs_naming_items()
    for it in items:
        if it.get("kind") == "number":  # a self-test: lumbo's own words
            it["statements_shown"] = True
            continue
        it["statements_shown"] = lic[
            "promis_pi" if it["instrument"].startswith("promis") else it["instrument"]
        ].wording
    return items
