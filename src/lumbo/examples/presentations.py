"""Constructed presentations for the clinical-safety table: the example intake changed into the
cases a physiotherapist checks first. Used by ``scripts/gen_presentations_doc.py`` (the table in
``docs/clinical-safety.md``) and by the tests that state what a physiotherapist expects."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any


def example_intake() -> dict[str, Any]:
    """The shipped example intake (``examples/intake-seed-case.json``), as a dict."""
    text = resources.files("lumbo.examples").joinpath("intake-seed-case.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass(frozen=True, slots=True)
class Presentation:
    key: str
    title: str
    changes: dict[str, Any]  # dotted path -> value; None deletes the field

    def intake(self) -> dict[str, Any]:
        doc = copy.deepcopy(example_intake())
        for path, value in self.changes.items():
            *parents, last = path.split(".")
            node = doc
            for p in parents:
                node = node.setdefault(p, {})
            if value is None:
                node.pop(last, None)
            else:
                node[last] = value
        return doc


_RADICULAR = {
    "history.symptom_duration_days": 12,
    "symptoms.pain_now": 6,
    "symptoms.pain_worst": 8,
    "symptoms.distribution": "below_knee",
    "symptoms.numbness_or_tingling": True,
    "measurements.slr_left_deg": 40,
    "measurements.slr_reproduces_leg_symptoms": {"left": True, "right": False},
    "measurements.slump": {"left": "positive", "right": "negative"},
    "measurements.segmental_mobility": {
        "L1-L2": "normal", "L2-L3": "normal", "L3-L4": "normal", "L4-L5": "hypo", "L5-S1": "normal",
    },
    "measurements.prone_instability_test": "negative",
    "measurements.aberrant_movement": False,
    "measurements.neuro_screen": {
        "myotomes": {"left": "normal", "right": "normal"},
        "reflexes": {"left": "reduced", "right": "normal"},
        "dermatomes": {"left": "reduced", "right": "normal"},
        "motor_deficit_new": False,
    },
}  # fmt: skip

PRESENTATIONS: tuple[Presentation, ...] = (
    Presentation("example", "The example intake (43, chronic, back only)", {}),
    Presentation(
        "acute_radicular",
        "Acute radicular pain, no directional preference found",
        {**_RADICULAR, "measurements.directional_preference": "none"},
    ),
    Presentation(
        "dp_extension",
        "Directional preference for extension (buttock pain that centralizes)",
        {
            "symptoms.distribution": "buttock",
            "measurements.directional_preference": "extension",
            "measurements.segmental_mobility": {
                "L1-L2": "normal",
                "L2-L3": "normal",
                "L3-L4": "normal",
                "L4-L5": "hypo",
                "L5-S1": "hypo",
            },
            "measurements.prone_instability_test": "negative",
            "measurements.aberrant_movement": False,
        },
    ),
    Presentation(
        "high_fear_avoidance",
        "High fear-avoidance (STarT Back high risk, FABQ work 34)",
        {
            "questionnaires.start_back": [1, 1, 0, 1, 1, 1, 1, 1, "very_much"],
            "questionnaires.fabq": [3, 5, 5, 5, 5, 6, 6, 2, 5, 5, 5, 5, 1, 1, 2, 0],
        },
    ),
    Presentation(
        "recent_surgery",
        "Recent spinal surgery, no clearance recorded",
        {"history.conditions": ["recent_spinal_surgery"]},
    ),
    Presentation(
        "pregnancy_24",
        "Pregnancy at 24 weeks with obstetric clearance",
        {
            "person.sex": "female",
            "history.conditions": ["pregnancy"],
            "history.pregnancy_weeks": 24,
            "history.obstetric_clearance": True,
        },
    ),
    Presentation(
        "unscreened_cauda_equina",
        "Cauda-equina questions not answered",
        {
            "red_flags.saddle_anaesthesia": None,
            "red_flags.bladder_or_bowel_dysfunction": None,
        },
    ),
    Presentation(
        "hypermobile",
        "Generalized hypermobility (Beighton 7) with a positive prone instability test",
        {"person.age": 29, "measurements.beighton": 7},
    ),
)
