"""Deterministic generator of varied, valid intake documents for benchmarks (no hypothesis needed)."""

from __future__ import annotations

import random
from typing import Any

from lumbo.domain.intake import RED_FLAG_FIELDS, SEGMENTS, Condition, Equipment

CONDITIONS = tuple(
    c.value
    for c in Condition
    if c not in {Condition.hip_replacement, Condition.recent_spinal_surgery}
)
EQUIPMENT = tuple(e.value for e in Equipment)


def generate_intake(rng: random.Random, i: int) -> dict[str, Any]:
    """One valid intake; about 5% carry a red flag, most have some measurements missing."""
    flags = dict.fromkeys(RED_FLAG_FIELDS, False)
    if rng.random() < 0.05:
        flags[rng.choice(RED_FLAG_FIELDS)] = True
    best = rng.randint(0, 5)
    worst = rng.randint(best, 10)

    def maybe(value: Any, p: float = 0.85) -> Any:
        return value if rng.random() < p else None

    m: dict[str, Any] = {
        "method": "dual_inclinometer",
        "lumbar_flexion_deg": maybe(round(rng.uniform(20, 80), 1)),
        "lumbar_extension_deg": maybe(round(rng.uniform(3, 35), 1)),
        "lateral_flexion_left_deg": maybe(round(rng.uniform(8, 35), 1)),
        "lateral_flexion_right_deg": maybe(round(rng.uniform(8, 35), 1)),
        "rotation_left_deg": maybe(round(rng.uniform(15, 55), 1)),
        "rotation_right_deg": maybe(round(rng.uniform(15, 55), 1)),
        "modified_schober_cm": maybe(round(rng.uniform(2, 8), 1)),
        "slr_left_deg": maybe(rng.randint(40, 100)),
        "slr_right_deg": maybe(rng.randint(40, 100)),
        "slr_reproduces_leg_symptoms": {"left": rng.random() < 0.1, "right": rng.random() < 0.1},
        "slump": {"left": rng.choice(["positive", "negative"]), "right": "negative"},
        "ake_left_deg": maybe(rng.randint(0, 50)),
        "ake_right_deg": maybe(rng.randint(0, 50)),
        "thomas_hip_left_deg": maybe(rng.randint(-15, 20)),
        "thomas_hip_right_deg": maybe(rng.randint(-15, 20)),
        "thomas_knee_left_deg": maybe(rng.randint(45, 95)),
        "thomas_knee_right_deg": maybe(rng.randint(45, 95)),
        "hip_internal_rotation_left_deg": maybe(rng.randint(15, 50)),
        "hip_internal_rotation_right_deg": maybe(rng.randint(15, 50)),
        "prone_instability_test": rng.choice(["positive", "negative"]),
        "aberrant_movement": rng.random() < 0.4,
        "segmental_mobility": {
            s: rng.choice(["hypo", "normal", "normal", "hyper"]) for s in SEGMENTS
        },
        "segmental_pain": {s: True for s in SEGMENTS if rng.random() < 0.15},
        "beighton": rng.randint(0, 9),
        "directional_preference": rng.choice(["extension", "flexion", "lateral", "none", "none"]),
    }
    doc: dict[str, Any] = {
        "schema_version": 1,
        "person": {
            "id": f"bench-{i}",
            "age": rng.randint(18, 85),
            "sex": rng.choice(["male", "female", "other"]),
        },
        "preferences": {
            "minutes_per_session": rng.choice([15, 20, 25, 30, 40, 45, 60]),
            "sessions_per_week": rng.randint(2, 6),
            "equipment": sorted(rng.sample(EQUIPMENT, rng.randint(0, 4))),
            "start_date": "2026-11-23",
        },
        "history": {
            "symptom_duration_days": rng.randint(1, 2000),
            "episodes_last_year": rng.randint(0, 6),
            "conditions": sorted(rng.sample(CONDITIONS, 1)) if rng.random() < 0.2 else [],
            "clinician_clearance": rng.random() < 0.3,
        },
        "red_flags": flags,
        "symptoms": {
            "pain_now": rng.randint(best, worst),
            "pain_best": best,
            "pain_worst": worst,
            "distribution": rng.choice(
                ["back_only", "back_only", "buttock", "thigh", "below_knee"]
            ),
            "numbness_or_tingling": rng.random() < 0.15,
            "bilateral_leg_symptoms": rng.random() < 0.03,
        },
        "questionnaires": {
            "odi": [rng.randint(0, 5) for _ in range(10)],
            "start_back": [rng.randint(0, 1) for _ in range(8)]
            + [rng.choice(["not_at_all", "slightly", "moderately", "very_much", "extremely"])],
            "fabq": [rng.randint(0, 6) for _ in range(16)],
            "promis_pi_4a": {
                k: rng.randint(1, 5) for k in ("PAININ9", "PAININ22", "PAININ31", "PAININ34")
            },
            "psfs": [{"activity": "walking", "score": rng.randint(0, 10)}],
        },
        "measurements": {k: v for k, v in m.items() if v is not None},
    }
    return doc


def generate_intakes(n: int, seed: int = 20261122) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [generate_intake(rng, i) for i in range(n)]
