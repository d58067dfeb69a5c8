"""The canonical FHIR R4 Questionnaires lumbo ships, one per instrument it scores.

Item wording is not reproduced (several instruments are copyrighted): items carry their number or
their official item id (PROMIS) and the section headings only. :func:`build` makes a Questionnaire;
the packaged copies under ``questionnaires/`` are written by ``scripts/fhir_questionnaires.py`` and
a test keeps them equal to :func:`build`. :func:`packaged` reads a packaged copy.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from lumbo.domain.intake import PROMIS_4A, PROMIS_6A, PROMIS_8A
from lumbo.domain.scoring.topics import ODI_SECTIONS
from lumbo.interop.codes import (
    ANSWERS,
    INSTRUMENT_TITLES,
    INSTRUMENTS,
    LOINC,
    LOINC_ODI_PANEL,
    LUMBO_SYSTEM,
    QUESTIONNAIRE_VERSION,
    questionnaire_url,
)

MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"

BOTHERSOMENESS = ("not_at_all", "slightly", "moderately", "very_much", "extremely")
PROMIS_ITEMS = {"promis_pi_4a": PROMIS_4A, "promis_pi_6a": PROMIS_6A, "promis_pi_8a": PROMIS_8A}


def _int_item(
    link: str, text: str, low: int, high: int, *, required: bool = True
) -> dict[str, Any]:
    return {
        "extension": [
            {"url": MIN_VALUE, "valueInteger": low},
            {"url": MAX_VALUE, "valueInteger": high},
        ],
        "linkId": link,
        "text": text,
        "type": "integer",
        "required": required,
    }


def _items(instrument: str) -> list[dict[str, Any]]:
    if instrument == "odi":
        # a section may be left out (one missing section is still scored: Fairbank & Pynsent 2000)
        return [
            _int_item(f"odi-{n}", f"Section {n}: {name} (0-5)", 0, 5, required=False)
            for n, name in enumerate(ODI_SECTIONS, 1)
        ]
    if instrument == "rmdq":
        return [
            {
                "linkId": f"rmdq-{n}",
                "text": f"Statement {n} applies today",
                "type": "boolean",
                "required": True,
            }
            for n in range(1, 25)
        ]
    if instrument == "start_back":
        items: list[dict[str, Any]] = [
            {
                "linkId": f"start-back-{n}",
                "text": f"Item {n}: agree",
                "type": "boolean",
                "required": True,
            }
            for n in range(1, 9)
        ]
        items.append(
            {
                "linkId": "start-back-9",
                "text": "Item 9: bothersomeness",
                "type": "choice",
                "required": True,
                "answerOption": [
                    {
                        "valueCoding": {
                            "system": LUMBO_SYSTEM,
                            "code": f"answer-{b}",
                            "display": ANSWERS[b],
                        }
                    }
                    for b in BOTHERSOMENESS
                ],
            }
        )
        return items
    if instrument == "fabq":
        return [_int_item(f"fabq-{n}", f"Item {n} (0-6)", 0, 6) for n in range(1, 17)]
    if instrument in PROMIS_ITEMS:
        return [_int_item(i, f"PROMIS item {i} (1-5)", 1, 5) for i in PROMIS_ITEMS[instrument]]
    if instrument == "psfs":
        return [
            {
                "extension": [
                    {
                        "url": MAX_OCCURS,
                        "valueInteger": 5,
                    }
                ],
                "linkId": "psfs-activity",
                "text": "An activity you have difficulty with",
                "type": "group",
                "required": True,
                "repeats": True,
                "item": [
                    {
                        "linkId": "psfs-activity-name",
                        "text": "Activity",
                        "type": "string",
                        "required": True,
                        "maxLength": 200,
                    },
                    _int_item("psfs-activity-score", "Ability today, 0 (unable) to 10", 0, 10),
                ],
            }
        ]
    raise ValueError(f"unknown instrument {instrument!r}")


def build(instrument: str) -> dict[str, Any]:
    """The Questionnaire resource for ``instrument`` (one of ``INSTRUMENTS``)."""
    q: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": f"lumbo-{instrument.replace('_', '-')}",
        "url": questionnaire_url(instrument),
        "version": QUESTIONNAIRE_VERSION,
        "name": "Lumbo" + "".join(p.title() for p in instrument.split("_")),
        "title": INSTRUMENT_TITLES[instrument],
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": "lumbo",
        "description": (
            "Answers of the instrument as lumbo records them; item wording is not reproduced."
        ),
        "code": [
            {
                "system": LUMBO_SYSTEM,
                "code": f"instrument-{instrument}",
                "display": INSTRUMENT_TITLES[instrument],
            }
        ],
        "item": _items(instrument),
    }
    if instrument == "odi":
        q["code"].insert(
            0, {"system": LOINC, "code": LOINC_ODI_PANEL[0], "display": LOINC_ODI_PANEL[1]}
        )
    return q


def file_name(instrument: str) -> str:
    return f"{instrument}.json"


@cache
def packaged(instrument: str) -> dict[str, Any]:
    """The packaged copy of an instrument's Questionnaire."""
    if instrument not in INSTRUMENTS:
        raise ValueError(f"unknown instrument {instrument!r}")
    text = (
        resources.files("lumbo.interop")
        .joinpath("questionnaires", file_name(instrument))
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data
