# long-module: the interop code tables (every exported intake value, method, answer and score with
#   its code and display) are data; one table per kind keeps each mapping in one place
"""Code systems and the fixed vocabulary of lumbo's FHIR mapping. Pure data, no I/O.

LOINC is used only for the codes verified in public sources (see docs/interop.md, "Codes"); every
other concept lives in lumbo's own CodeSystem (:data:`LUMBO_SYSTEM`), which the export ships too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lumbo.domain.knowledge.model import FINDING_CODES

CANONICAL = "http://lumbo.invalid/fhir"
"""Base of lumbo's canonical URLs: a placeholder name reserved by RFC 2606 until lumbo has a
published home. Change it here only; nothing else spells it."""

LUMBO_SYSTEM = f"{CANONICAL}/CodeSystem/lumbo"
PERSON_ID_SYSTEM = f"{CANONICAL}/sid/person"
EXTERNAL_REF_SYSTEM = f"{CANONICAL}/sid/intake-person-id"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

EXERCISE_THERAPY = ("229065009", "Exercise therapy")  # SNOMED CT

# Verified LOINC codes (docs/interop.md says where): ODI panel and score, pain severity 0-10.
LOINC_ODI_PANEL = ("97908-8", "Oswestry Disability Index")
LOINC_ODI_SCORE = ("97909-6", "Oswestry disability index score ODI")
LOINC_PAIN_NRS = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")

Instrument = Literal[
    "odi", "rmdq", "start_back", "fabq", "promis_pi_4a", "promis_pi_6a", "promis_pi_8a", "psfs"
]
INSTRUMENTS: tuple[Instrument, ...] = (
    "odi",
    "rmdq",
    "start_back",
    "fabq",
    "promis_pi_4a",
    "promis_pi_6a",
    "promis_pi_8a",
    "psfs",
)
INSTRUMENT_TITLES: dict[str, str] = {
    "odi": "Oswestry Disability Index (ODI) v2.1a",
    "rmdq": "Roland-Morris Disability Questionnaire (RMDQ-24)",
    "start_back": "Keele STarT Back Screening Tool",
    "fabq": "Fear-Avoidance Beliefs Questionnaire (FABQ)",
    "promis_pi_4a": "PROMIS Pain Interference Short Form 4a",
    "promis_pi_6a": "PROMIS Pain Interference Short Form 6a",
    "promis_pi_8a": "PROMIS Pain Interference Short Form 8a",
    "psfs": "Patient-Specific Functional Scale (PSFS)",
}
QUESTIONNAIRE_VERSION = "1"


def questionnaire_url(instrument: str) -> str:
    return f"{CANONICAL}/Questionnaire/lumbo-{instrument.replace('_', '-')}"


@dataclass(frozen=True, slots=True)
class Measure:
    """One intake value exported as an Observation."""

    path: tuple[str, ...]  # where it sits in the intake document
    code: str
    display: str
    kind: Literal["quantity", "integer", "boolean", "code"]
    unit: str | None = None  # UCUM
    site: str | None = None  # body-site code in LUMBO_SYSTEM
    method: str | None = None  # None: the intake's measurements.method (range of motion)
    category: Literal["exam", "vital-signs", "social-history", "survey"] = "exam"


def _lr(field: str, code: str, display: str, site: str, **kw: object) -> tuple[Measure, ...]:
    return tuple(
        Measure(
            ("measurements", field.format(side=side)),
            f"{code}-{side}",
            f"{display}, {side}",
            site=f"{site.format(side=side)}",
            **kw,  # type: ignore[arg-type]
        )
        for side in ("left", "right")
    )


MEASURES: tuple[Measure, ...] = (
    Measure(
        ("person", "height_cm"),
        "body-height",
        "Body height",
        "quantity",
        "cm",
        None,
        "self-report",
        "vital-signs",
    ),
    Measure(
        ("person", "weight_kg"),
        "body-weight",
        "Body weight",
        "quantity",
        "kg",
        None,
        "self-report",
        "vital-signs",
    ),
    Measure(
        ("person", "sitting_hours_per_day"),
        "sitting-hours",
        "Hours sitting per day",
        "quantity",
        "h/d",
        None,
        "self-report",
        "social-history",
    ),
    Measure(
        ("measurements", "lumbar_flexion_deg"),
        "lumbar-flexion-rom",
        "Lumbar flexion range of motion",
        "quantity",
        "deg",
        "lumbar-spine",
    ),
    Measure(
        ("measurements", "lumbar_extension_deg"),
        "lumbar-extension-rom",
        "Lumbar extension range of motion",
        "quantity",
        "deg",
        "lumbar-spine",
    ),
    *_lr(
        "lateral_flexion_{side}_deg",
        "lumbar-lateral-flexion-rom",
        "Lumbar lateral flexion range of motion",
        "lumbar-spine-{side}",
        kind="quantity",
        unit="deg",
    ),
    *_lr(
        "rotation_{side}_deg",
        "trunk-rotation-rom",
        "Trunk rotation range of motion",
        "thoracolumbar-spine-{side}",
        kind="quantity",
        unit="deg",
    ),
    Measure(
        ("measurements", "modified_schober_cm"),
        "modified-schober",
        "Modified Schober test",
        "quantity",
        "cm",
        "lumbar-spine",
        "modified-schober-test",
    ),
    *_lr(
        "slr_{side}_deg",
        "straight-leg-raise",
        "Straight leg raise angle",
        "{side}-lower-limb",
        kind="quantity",
        unit="deg",
        method="straight-leg-raise-test",
    ),
    *_lr(
        "ake_{side}_deg",
        "active-knee-extension-deficit",
        "Active knee extension deficit",
        "{side}-hamstrings",
        kind="quantity",
        unit="deg",
        method="active-knee-extension-test",
    ),
    *_lr(
        "thomas_hip_{side}_deg",
        "thomas-hip-angle",
        "Modified Thomas test, hip angle",
        "{side}-hip-flexors",
        kind="quantity",
        unit="deg",
        method="modified-thomas-test",
    ),
    *_lr(
        "thomas_knee_{side}_deg",
        "thomas-knee-angle",
        "Modified Thomas test, knee angle",
        "{side}-rectus-femoris",
        kind="quantity",
        unit="deg",
        method="modified-thomas-test",
    ),
    *_lr(
        "hip_internal_rotation_{side}_deg",
        "hip-internal-rotation-rom",
        "Hip internal rotation range of motion",
        "{side}-hip",
        kind="quantity",
        unit="deg",
    ),
    Measure(
        ("measurements", "slr_reproduces_leg_symptoms", "left"),
        "slr-reproduces-symptoms-left",
        "Straight leg raise reproduces leg symptoms, left",
        "boolean",
        None,
        "left-lower-limb",
        "straight-leg-raise-test",
    ),
    Measure(
        ("measurements", "slr_reproduces_leg_symptoms", "right"),
        "slr-reproduces-symptoms-right",
        "Straight leg raise reproduces leg symptoms, right",
        "boolean",
        None,
        "right-lower-limb",
        "straight-leg-raise-test",
    ),
    Measure(
        ("measurements", "slump", "left"),
        "slump-test-left",
        "Slump test, left",
        "code",
        None,
        "left-lower-limb",
        "slump-test",
    ),
    Measure(
        ("measurements", "slump", "right"),
        "slump-test-right",
        "Slump test, right",
        "code",
        None,
        "right-lower-limb",
        "slump-test",
    ),
    Measure(
        ("measurements", "prone_instability_test"),
        "prone-instability-test",
        "Prone instability test",
        "code",
        None,
        "lumbar-spine",
        "prone-instability-test",
    ),
    Measure(
        ("measurements", "aberrant_movement"),
        "aberrant-movement",
        "Aberrant movement during flexion",
        "boolean",
        None,
        "lumbar-spine",
        "movement-observation",
    ),
    Measure(
        ("measurements", "beighton"),
        "beighton-score",
        "Beighton score (0-9)",
        "integer",
        None,
        None,
        "beighton-score",
    ),
    Measure(
        ("measurements", "fingertip_to_floor_cm"),
        "fingertip-to-floor",
        "Fingertip-to-floor distance",
        "quantity",
        "cm",
        "lumbar-spine",
        "fingertip-to-floor-test",
    ),
    Measure(
        ("measurements", "sit_to_stand_30s"),
        "sit-to-stand-30s",
        "30-second sit-to-stand, full stands",
        "integer",
        None,
        None,
        "sit-to-stand-30s-test",
    ),
    *_lr(
        "hamstring_self_test_{side}",
        "hamstring-90-90-self-test",
        "Hamstring 90-90 self-test",
        "{side}-hamstrings",
        kind="code",
        method="hamstring-90-90-self-test",
    ),
    Measure(
        ("measurements", "directional_preference"),
        "directional-preference",
        "Directional preference",
        "code",
        None,
        "lumbar-spine",
        "repeated-movement-testing",
    ),
    Measure(
        ("symptoms", "pain_best"),
        "pain-best",
        "Pain at its best, 0-10",
        "integer",
        None,
        None,
        "self-report",
        "survey",
    ),
    Measure(
        ("symptoms", "pain_worst"),
        "pain-worst",
        "Pain at its worst, 0-10",
        "integer",
        None,
        None,
        "self-report",
        "survey",
    ),
)
SEGMENT_MOBILITY = ("segmental-mobility", "Segmental mobility (spring test)", "spring-test")
SEGMENT_PAIN = ("segmental-pain", "Pain on segmental spring test", "spring-test")

SITES: dict[str, str] = {
    "lumbar-spine": "Lumbar spine",
    "thoracolumbar-spine-left": "Thoracolumbar spine, rotation to the left",
    "thoracolumbar-spine-right": "Thoracolumbar spine, rotation to the right",
    "lumbar-spine-left": "Lumbar spine, bending to the left",
    "lumbar-spine-right": "Lumbar spine, bending to the right",
    **{f"{s}-lower-limb": f"{s.title()} lower limb" for s in ("left", "right")},
    **{f"{s}-hamstrings": f"{s.title()} hamstrings" for s in ("left", "right")},
    **{f"{s}-hip-flexors": f"{s.title()} hip flexors" for s in ("left", "right")},
    **{f"{s}-rectus-femoris": f"{s.title()} rectus femoris" for s in ("left", "right")},
    **{f"{s}-hip": f"{s.title()} hip" for s in ("left", "right")},
    **{seg: f"Lumbar segment {seg}" for seg in ("L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1")},
}
METHODS: dict[str, str] = {
    "dual_inclinometer": "Dual inclinometer",
    "single_inclinometer": "Single inclinometer",
    "goniometer": "Goniometer",
    "tape": "Tape measure",
    "visual_estimate": "Visual estimate",
    "video": "Phone video, pose estimation",
    "self-report": "Reported by the person",
    "modified-schober-test": "Modified Schober test (tape)",
    "straight-leg-raise-test": "Straight leg raise test",
    "active-knee-extension-test": "Active knee extension test (hip at 90 degrees)",
    "modified-thomas-test": "Modified Thomas test",
    "slump-test": "Slump test",
    "prone-instability-test": "Prone instability test",
    "movement-observation": "Observation of active movement",
    "beighton-score": "Beighton score",
    "repeated-movement-testing": "Repeated movement testing",
    "spring-test": "Posterior-anterior spring test",
    "fingertip-to-floor-test": "Fingertip-to-floor test (tape, done by the person)",
    "sit-to-stand-30s-test": "30-second sit-to-stand test (counted by the person)",
    "hamstring-90-90-self-test": "90-90 hamstring test (judged by the person)",
}
ANSWERS: dict[str, str] = {
    "positive": "Positive",
    "negative": "Negative",
    "hypo": "Hypomobile",
    "normal": "Normal mobility",
    "hyper": "Hypermobile",
    "extension": "Extension",
    "flexion": "Flexion",
    "lateral": "Lateral",
    "none": "None",
    "near_straight": "Knee nearly straight",
    "clearly_bent": "Knee clearly bent",
    "not_at_all": "Not at all",
    "slightly": "Slightly",
    "moderately": "Moderately",
    "very_much": "Very much",
    "extremely": "Extremely",
    "low": "Low risk",
    "medium": "Medium risk",
    "high": "High risk",
    "mild": "Mild",
    "moderate": "Moderate",
    "severe": "Severe",
}
SCORES: dict[str, str] = {
    "odi-score": "ODI score (percent)",
    "rmdq-score": "RMDQ score (0-24)",
    "start-back-total": "STarT Back total score (0-9)",
    "start-back-psychosocial": "STarT Back psychosocial subscale (0-5)",
    "start-back-risk": "STarT Back risk group",
    "fabq": "FABQ subscales",
    "fabq-pa": "FABQ physical activity subscale (0-24)",
    "fabq-w": "FABQ work subscale (0-42)",
    "promis-pi-raw": "PROMIS Pain Interference raw score",
    "promis-pi-t-score": "PROMIS Pain Interference T-score",
    "psfs-mean": "PSFS mean score (0-10)",
    "pain-now": "Pain now, 0-10",
    "age": "Age at assessment",
    "adherence": "Planned sessions done (percent)",
    "adherence-planned-sessions": "Planned sessions",
    "adherence-completed-sessions": "Completed sessions",
    "adherence-sets": "Planned sets done (percent)",
}


def concepts(techniques: dict[str, str]) -> list[dict[str, str]]:
    """Every concept of lumbo's CodeSystem (``techniques``: id -> name), sorted by code."""
    table: dict[str, str] = {}
    table.update({c: c.replace("_", " ").capitalize() for c in FINDING_CODES})
    table.update({f"instrument-{i}": INSTRUMENT_TITLES[i] for i in INSTRUMENTS})
    table.update({m.code: m.display for m in MEASURES})
    table.update({SEGMENT_MOBILITY[0]: SEGMENT_MOBILITY[1], SEGMENT_PAIN[0]: SEGMENT_PAIN[1]})
    table.update({f"site-{k}": v for k, v in SITES.items()})
    table.update({f"method-{k}": v for k, v in METHODS.items()})
    table.update({f"answer-{k}": v for k, v in ANSWERS.items()})
    table.update(SCORES)
    table.update({f"technique-{k}": v for k, v in techniques.items()})
    return [{"code": k, "display": table[k]} for k in sorted(table)]
