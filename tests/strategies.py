"""Reusable builders and hypothesis strategies: techniques, libraries, intakes, assessments.

- :func:`tech` builds one valid :class:`Technique` with sensible defaults (override any field).
- :func:`sample_library` is a small hand-made library exercising every safety rule.
- :data:`techniques` / :func:`libraries` generate random valid techniques and libraries.
- :func:`intake_docs` generates valid intake documents (dicts), :func:`intakes` parsed ones.
- :func:`assessments` generates hand-built assessments (findings without the assessment engine).
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

from lumbo.domain.assessment.model import (
    Assessment,
    Classification,
    Finding,
    NprsResult,
    Referral,
    Scores,
    Severity,
)
from lumbo.domain.intake import RED_FLAG_FIELDS, SEGMENTS, Condition, Equipment, Intake
from lumbo.domain.knowledge import Library
from lumbo.domain.knowledge.model import (
    FINDING_CODES,
    Load,
    Mode,
    MoveDirection,
    NeuralTension,
    Position,
    Region,
    Role,
    Technique,
)
from lumbo.domain.referral import MANDATORY

_DOSES: dict[str, dict[str, Any]] = {
    "hold": {"kind": "hold", "sets": 2, "hold_s": 20, "rest_s": 10, "intensity_target": 5},
    "reps": {"kind": "reps", "sets": 2, "reps": 8},
    "contract_relax": {
        "kind": "contract_relax",
        "sets": 2,
        "contract_s": 3,
        "contract_effort_pct": 20,
        "hold_s": 20,
        "intensity_target": 5,
    },
    "timed": {"kind": "timed", "sets": 1, "work_s": 60},
    "breaths": {"kind": "breaths", "sets": 1, "breaths": 6},
    "education": {"kind": "education", "minutes": 3},
}


def tech(tid: str, role: str, **over: Any) -> Technique:
    """A valid technique with defaults; ``dose`` may be a kind name or a full dose dict."""
    dose = over.pop("dose", "reps")
    data: dict[str, Any] = {
        "id": tid,
        "name": tid.replace("-", " ").title(),
        "role": role,
        "summary": f"Test technique {tid} for unit tests.",
        "rationale": "Chosen for tests. It has a second sentence.",
        "steps": ["start", "finish"],
        "cues": ["breathe"],
        "directions": ["neutral"],
        "end_range": False,
        "load": "none",
        "neural_tension": "none",
        "mode": "active",
        "positions": ["supine"],
        "equipment": [],
        "regions": ["lumbar"],
        "addresses": [],
        "dose": _DOSES[dose] if isinstance(dose, str) else dose,
        "evidence": {"level": "expert_consensus", "source": "test source"},
    }
    data.update(over)
    return Technique.model_validate(data)


def sample_library() -> Library:
    """A small library that exercises the roles, the pairing and every safety rule."""
    return Library(
        [
            tech("pelvic-tilt", "warmup", directions=["flexion", "extension"], dose="reps"),
            tech(
                "belly-breathing", "breath", dose="breaths", addresses=["ELEVATED_FEAR_AVOIDANCE"]
            ),
            tech("crocodile-breathing", "breath", positions=["prone"], dose="breaths"),
            tech(
                "hamstring-strap-stretch",
                "release",
                directions=["flexion"],
                end_range=True,
                mode="passive",
                equipment=["strap"],
                regions=["hamstring", "hip"],
                addresses=["HAMSTRING_LENGTH_RESTRICTION"],
                dose="hold",
            ),
            tech(
                "hamstring-pnf",
                "release",
                directions=["flexion"],
                end_range=True,
                regions=["hamstring"],
                addresses=["HAMSTRING_LENGTH_RESTRICTION"],
                dose="contract_relax",
            ),
            tech(
                "kneeling-hip-flexor-stretch",
                "release",
                directions=["extension"],
                end_range=True,
                positions=["kneeling"],
                regions=["hip_flexor", "hip", "pelvis"],
                addresses=["HIP_FLEXOR_RESTRICTION", "RECTUS_FEMORIS_RESTRICTION"],
                dose={**_DOSES["hold"], "per_side": True},
            ),
            tech(
                "prone-press-up",
                "mobilize",
                directions=["extension"],
                end_range=True,
                positions=["prone"],
                addresses=["LUMBAR_EXTENSION_HYPOMOBILITY", "DIRECTIONAL_PREFERENCE"],
            ),
            tech(
                "knees-to-chest",
                "release",
                directions=["flexion"],
                end_range=True,
                mode="passive",
                regions=["lumbar"],
                addresses=["LUMBAR_FLEXION_HYPOMOBILITY", "SEGMENTAL_HYPOMOBILITY"],
                dose="hold",
            ),
            tech(
                "supine-rotation-stretch",
                "release",
                directions=["rotation"],
                end_range=True,
                mode="passive",
                regions=["lumbar", "thoracolumbar"],
                addresses=["ROTATION_RESTRICTION", "ROTATION_ASYMMETRY"],
                dose={**_DOSES["hold"], "per_side": True},
            ),
            tech(
                "side-bend-reach",
                "mobilize",
                directions=["lateral"],
                positions=["standing"],
                addresses=["LATERAL_FLEXION_RESTRICTION"],
            ),
            tech(
                "quadruped-rock",
                "mobilize",
                directions=["flexion", "extension"],
                positions=["quadruped"],
                addresses=["SEGMENTAL_HYPOMOBILITY", "LUMBAR_FLEXION_HYPOMOBILITY"],
            ),
            tech(
                "sciatic-slider",
                "neural",
                neural_tension="slider",
                positions=["seated"],
                regions=["sciatic_nerve"],
                addresses=["NEURAL_MECHANOSENSITIVITY", "RADICULAR_SYMPTOMS"],
                progressions=["sciatic-tensioner"],
            ),
            tech(
                "sciatic-tensioner",
                "neural",
                neural_tension="tensioner",
                positions=["seated"],
                regions=["sciatic_nerve"],
                addresses=["NEURAL_MECHANOSENSITIVITY"],
                regressions=["sciatic-slider"],
            ),
            tech(
                "dead-bug",
                "stabilize",
                regions=["lumbar", "abdominal", "hip"],
                addresses=["MOTOR_CONTROL_DEFICIT", "SEGMENTAL_HYPERMOBILITY"],
                progressions=["pallof-press"],
            ),
            tech(
                "bird-dog",
                "stabilize",
                positions=["quadruped"],
                regions=["lumbar", "gluteal", "hamstring"],
                addresses=["MOTOR_CONTROL_DEFICIT", "GENERALIZED_HYPERMOBILITY"],
                regressions=["dead-bug"],
            ),
            tech(
                "glute-bridge",
                "stabilize",
                regions=["hip", "gluteal", "hip_flexor", "pelvis"],
                addresses=["MOTOR_CONTROL_DEFICIT"],
            ),
            tech(
                "pallof-press",
                "stabilize",
                load="resisted",
                positions=["standing"],
                equipment=["band"],
                regions=["lumbar", "abdominal"],
                addresses=["ROTATION_ASYMMETRY", "MOTOR_CONTROL_DEFICIT"],
            ),
            tech(
                "hip-hinge",
                "integrate",
                directions=["flexion"],
                positions=["standing"],
                regions=["hip", "hamstring", "lumbar"],
                addresses=["HAMSTRING_LENGTH_RESTRICTION", "MOTOR_CONTROL_DEFICIT"],
            ),
            tech(
                "loaded-good-morning",
                "integrate",
                directions=["flexion"],
                end_range=True,
                load="resisted",
                positions=["standing"],
                equipment=["band"],
                regions=["hamstring", "lumbar"],
                contraindications=["spinal_stenosis"],
            ),
            tech(
                "pain-education",
                "education",
                positions=["seated"],
                regions=["whole_body"],
                dose="education",
                addresses=["ELEVATED_FEAR_AVOIDANCE", "HIGH_PSYCHOSOCIAL_RISK"],
            ),
        ]
    )


# --- random techniques and libraries ------------------------------------------------------------

_SAMPLE = sample_library()

_ROLES = [r.value for r in Role]
_DIRS = [d.value for d in MoveDirection]
_POS = [p.value for p in Position]
_EQUIP = [e.value for e in Equipment]
_REGIONS = [r.value for r in Region]
_CONDITIONS = [c.value for c in Condition]


def _subset(
    values: list[str], min_size: int = 0, max_size: int = 3
) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=min_size, max_size=max_size, unique=True).map(
        sorted
    )


def _pick(rng: random.Random, values: list[str], lo: int, hi: int) -> list[str]:
    return sorted(rng.sample(values, rng.randint(lo, hi)))


def random_dose(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(sorted(_DOSES))
    dose = dict(_DOSES[kind])
    dose["sets"] = rng.randint(1, 4)
    if "hold_s" in dose:
        dose["hold_s"] = rng.randint(5, 60)
    if "reps" in dose:
        dose["reps"] = rng.randint(3, 15)
    if "work_s" in dose:
        dose["work_s"] = rng.randint(20, 120)
    if kind in {"hold", "contract_relax"}:
        dose["intensity_target"] = rng.randint(0, 7)
    dose["per_side"] = rng.random() < 0.5 if kind not in {"breaths", "education"} else False
    return dose


def random_technique(rng: random.Random, tid: str) -> Technique:
    """A random valid technique (every attribute drawn from ``rng``)."""
    return tech(
        tid,
        rng.choice(_ROLES),
        directions=_pick(rng, _DIRS, 1, 2),
        end_range=rng.random() < 0.5,
        load=rng.choice([x.value for x in Load]),
        neural_tension=rng.choice([x.value for x in NeuralTension]),
        mode=rng.choice([x.value for x in Mode]),
        positions=_pick(rng, _POS, 1, 2),
        equipment=_pick(rng, _EQUIP, 0, 1),
        regions=_pick(rng, _REGIONS, 1, 3),
        addresses=_pick(rng, list(FINDING_CODES), 0, 3),
        contraindications=_pick(rng, _CONDITIONS + list(FINDING_CODES), 0, 1),
        dose=random_dose(rng),
    )


def techniques(tid: str) -> st.SearchStrategy[Technique]:
    return st.randoms(use_true_random=False).map(lambda rng: random_technique(rng, tid))


@st.composite
def libraries(draw: st.DrawFn, min_size: int = 8, max_size: int = 30) -> Library:
    """A random valid library; the sample library's techniques are mixed in half of the time.
    Attributes come from a ``random.Random`` seeded by a drawn integer: reproducible (the seed is
    part of the example) and fast. (A hypothesis-controlled ``st.randoms()`` made every one of the
    ~450 random calls per library a hypothesis draw: 0.5 s per library, 90 s of the suite's
    property tests. What that bought: shrinking a failing library's attributes one call at a time
    and hypothesis's bias towards boundary values inside them; the size, the chains' presence and
    the sample mix are still drawn by hypothesis, and every library remains reachable.)"""
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(min_size, max_size))
    items = [random_technique(rng, f"t{i:02d}") for i in range(n)]
    for i in range(n):  # some progression/regression chains (a session holds one of each)
        if rng.random() < 0.3:
            j = rng.choice([k for k in range(n) if k != i])
            field = "progressions" if rng.random() < 0.5 else "regressions"
            items[i] = items[i].model_copy(update={field: (items[j].id,)})
    if draw(st.booleans()):
        items += list(_SAMPLE.techniques)
    return Library(items)


# --- intakes and assessments ---------------------------------------------------------------------


@st.composite
def intake_docs(draw: st.DrawFn, measurements: bool = True) -> dict[str, Any]:
    """A valid intake document without red flags. With ``measurements``, it may also meet a
    gate (unanswered cauda-equina question, surgery, pregnancy, age, bilateral symptoms, motor
    deficit) and then must get no plan."""
    doc: dict[str, Any] = {
        "schema_version": 1,
        "person": {"id": "p-gen", "age": draw(st.integers(18, 90))},
        "preferences": {
            "minutes_per_session": draw(st.integers(10, 90)),
            "sessions_per_week": draw(st.integers(1, 7)),
            "equipment": draw(_subset(_EQUIP, 0, len(_EQUIP))),
        },
        "history": {"conditions": draw(_subset(_CONDITIONS, 0, 3))},
        "red_flags": dict.fromkeys(RED_FLAG_FIELDS, False),
    }
    if measurements:
        # The gates (i11): clearances, pregnancy week, age under 16, bilateral symptoms and, rarely,
        # an unanswered cauda-equina question. Clearances are drawn mostly true so that most
        # intakes still get a plan whose rules are checked.
        history = doc["history"]
        history["clinician_clearance"] = draw(st.integers(0, 3)) > 0
        history["obstetric_clearance"] = draw(st.integers(0, 3)) > 0
        if draw(st.booleans()):
            history["pregnancy_weeks"] = draw(st.integers(4, 41))
        if draw(st.integers(0, 9)) == 0:
            doc["person"]["age"] = draw(st.integers(10, 15))
        if draw(st.integers(0, 9)) == 0:
            del doc["red_flags"][draw(st.sampled_from(sorted(MANDATORY)))]
        symptoms: dict[str, Any] = {}
        if draw(st.booleans()):
            symptoms["distribution"] = draw(
                st.sampled_from(["back_only", "buttock", "thigh", "below_knee"])
            )
        if draw(st.integers(0, 4)) == 0:
            symptoms["bilateral_leg_symptoms"] = True
        doc["symptoms"] = symptoms
        if draw(st.booleans()):
            doc["history"]["symptom_duration_days"] = draw(st.integers(0, 400))
        if draw(st.booleans()):
            doc["questionnaires"] = {
                "start_back": [*draw(st.lists(st.integers(0, 1), min_size=8, max_size=8)),
                               draw(st.sampled_from(["slightly", "very_much"]))],
                "fabq": draw(st.lists(st.integers(0, 6), min_size=16, max_size=16)),
            }  # fmt: skip
    if measurements:
        m: dict[str, Any] = {"method": "dual_inclinometer"}
        for name, hi in (
            ("lumbar_flexion_deg", 90),
            ("lumbar_extension_deg", 40),
            ("lateral_flexion_left_deg", 35),
            ("lateral_flexion_right_deg", 35),
            ("rotation_left_deg", 60),
            ("rotation_right_deg", 60),
            ("slr_left_deg", 110),
            ("slr_right_deg", 110),
            ("ake_left_deg", 60),
            ("ake_right_deg", 60),
            ("thomas_hip_left_deg", 30),
            ("thomas_hip_right_deg", 30),
        ):
            if draw(st.booleans()):
                m[name] = draw(st.integers(0, hi))
        if draw(st.booleans()):
            tested = draw(
                st.sampled_from([SEGMENTS, SEGMENTS[3:], SEGMENTS[:2]])
            )  # all five levels, or some untested
            m["segmental_mobility"] = {
                s: draw(st.sampled_from(["hypo", "normal", "hyper"])) for s in tested
            }
        if draw(st.booleans()):
            m["slr_reproduces_leg_symptoms"] = {"left": draw(st.booleans()), "right": False}
        if draw(st.integers(0, 2)) == 0:
            grades = st.sampled_from(["normal", "reduced", "absent"])
            m["neuro_screen"] = {
                "myotomes": {"left": draw(grades)},
                "reflexes": {"right": draw(grades)},
                "dermatomes": {"left": draw(grades), "right": draw(grades)},
                "motor_deficit_new": draw(st.booleans()),
            }
        if draw(st.booleans()):
            m["beighton"] = draw(st.integers(0, 9))
        if draw(st.booleans()):
            m["aberrant_movement"] = draw(st.booleans())
            m["prone_instability_test"] = draw(st.sampled_from(["positive", "negative"]))
        if draw(st.booleans()):
            m["slump"] = {
                "left": draw(st.sampled_from(["positive", "negative"])),
                "right": "negative",
            }
        if draw(st.booleans()):
            m["directional_preference"] = draw(
                st.sampled_from(["extension", "flexion", "lateral", "none"])
            )
        doc["measurements"] = m
    return doc


def intakes(measurements: bool = True) -> st.SearchStrategy[Intake]:
    return intake_docs(measurements).map(Intake.model_validate)


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    code = draw(st.sampled_from(list(FINDING_CODES)))
    segment = draw(st.sampled_from([None, *SEGMENTS])) if code.startswith("SEGMENTAL") else None
    direction = (
        draw(st.sampled_from(["extension", "flexion", "lateral"]))
        if code == "DIRECTIONAL_PREFERENCE"
        else None
    )
    return Finding(
        code=code,
        side=draw(st.sampled_from([None, "left", "right", "both"])),
        segment=segment,
        direction=direction,
        severity=draw(st.sampled_from(list(Severity))),
        region="lumbar",
        evidence=("generated",),
    )


def assessment_with(
    found: list[Finding] | tuple[Finding, ...], age: int = 40, approach: str = "movement_control"
) -> Assessment:
    return Assessment(
        person_id=None,
        age=age,
        referral=Referral(required=False, urgency="none"),
        scores=Scores(
            odi=None,
            rmdq=None,
            start_back=None,
            fabq=None,
            promis_pi=None,
            psfs=None,
            nprs=NprsResult(now=None, best=None, worst=None, mean=None),
        ),
        findings=tuple(found),
        rules={},
        classification=Classification(
            approach=approach,
            approach_reasons=(),
            tbc=None,
            tbc_reasons=(),
            psychosocial_risk=None,
        ),
    )


APPROACHES = ("symptom_modulation", "movement_control", "function_optimization")


@st.composite
def assessments(draw: st.DrawFn) -> Assessment:
    found = draw(st.lists(findings(), min_size=0, max_size=10))
    return assessment_with(found, approach=draw(st.sampled_from(APPROACHES)))


def chain_groups(lib: Library) -> dict[str, int]:
    """Technique id -> the number of its progression/regression chain, found by walking the links
    both ways (restated here independently of the engine's union-find)."""
    links: dict[str, set[str]] = {}
    for t in lib.techniques:
        for other in (*t.progressions, *t.regressions):
            links.setdefault(t.id, set()).add(other)
            links.setdefault(other, set()).add(t.id)
    group: dict[str, int] = {}
    for n, t in enumerate(lib.techniques):
        if t.id in group:
            continue
        todo = [t.id]
        while todo:
            x = todo.pop()
            if x not in group:
                group[x] = n
                todo += sorted(links.get(x, ()))
    return {t.id: group[t.id] for t in lib.techniques}
