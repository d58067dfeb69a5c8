"""Findings from muscle length, neural and motor-control signs, hypermobility and psychosocial scores."""

from __future__ import annotations

from typing import Any

from lumbo.domain.assessment.model import SEVERITY_RANK as _RANK
from lumbo.domain.assessment.model import Finding, Scores, Severity
from lumbo.domain.findings.rom import SideName
from lumbo.domain.findings.rom import fmt as _fmt
from lumbo.domain.intake import Condition, Direction, Distribution, Intake, KneeReach, Sex
from lumbo.domain.thresholds import threshold


def _beyond(amount: float) -> Severity:
    t = threshold("muscle_length_severity")
    if amount > t["severe_beyond_deg"]:
        return Severity.severe
    if amount > t["moderate_beyond_deg"]:
        return Severity.moderate
    return Severity.mild


def _per_side(code: Any, region: str, items: dict[SideName, tuple[Severity, str]]) -> list[Finding]:
    if not items:
        return []
    if len(items) == 2:
        worst = max((v[0] for v in items.values()), key=lambda s: _RANK[s])
        return [
            Finding(
                code=code,
                side="both",
                severity=worst,
                region=region,
                evidence=tuple(v[1] for v in items.values()),
            )
        ]
    return [
        Finding(code=code, side=side, severity=sev, region=region, evidence=(text,))
        for side, (sev, text) in items.items()
    ]


def _hamstring_self_test(
    intake: Intake, measured: dict[SideName, tuple[Severity, str]]
) -> dict[SideName, tuple[Severity, str]]:
    """The person's own 90-90 test (issue 20), for a side with no measured knee extension: a knee
    judged clearly bent reads as tight at the 90-90 cut-off; judged by eye, so graded mild."""
    m = intake.measurements
    t90 = threshold("ake_90_90")
    out: dict[SideName, tuple[Severity, str]] = {}
    pairs = (
        ("left", m.ake_left_deg, m.hamstring_self_test_left),
        ("right", m.ake_right_deg, m.hamstring_self_test_right),
    )
    for side, deg, reach in pairs:
        if deg is None and reach is KneeReach.clearly_bent and side not in measured:
            out[side] = (  # type: ignore[index]
                Severity.mild,
                f"90-90 self-test {side}: the knee stayed clearly bent, judged by the person as "
                f"more than about {_fmt(float(t90['above']))} deg short of straight ({t90.cite}; "
                "not measured, so graded mild)",
            )
    return out


def muscle_length(intake: Intake, _: Scores) -> list[Finding]:
    m = intake.measurements
    sex = intake.person.sex
    out: list[Finding] = []

    ake = threshold("ake_tight")
    if sex is Sex.male:
        limit, basis = float(ake["male_above"]), f"men, {ake.cite}, {ake['note']}"
    elif sex is Sex.female:
        limit, basis = float(ake["female_above"]), f"women, {ake.cite}, {ake['note']}"
    else:
        t90 = threshold("ake_90_90")
        limit, basis = (
            float(t90["above"]),
            f"90-90 test, {t90.cite}; sex-specific cut-offs need sex",
        )
    hams: dict[SideName, tuple[Severity, str]] = {}
    for side, value in (("left", m.ake_left_deg), ("right", m.ake_right_deg)):
        if value is not None and value > limit:
            hams[side] = (  # type: ignore[index]
                _beyond(value - limit),
                f"active knee extension {side}: {_fmt(value)} deg short of full extension, above the "
                f"{_fmt(limit)} deg cut-off for tight hamstrings ({basis})",
            )
    hams.update(_hamstring_self_test(intake, hams))
    out += _per_side("HAMSTRING_LENGTH_RESTRICTION", "hamstring", hams)

    th = threshold("thomas_hip")
    hips: dict[SideName, tuple[Severity, str]] = {}
    for side, value in (("left", m.thomas_hip_left_deg), ("right", m.thomas_hip_right_deg)):
        if value is not None and value > th["above"]:
            hips[side] = (  # type: ignore[index]
                _beyond(value - th["above"]),
                f"modified Thomas test {side}: thigh {_fmt(value)} deg above horizontal (short one-joint "
                f"hip flexors above {_fmt(th['above'])} deg; {th.cite}; pelvic tilt must be controlled)",
            )
    out += _per_side("HIP_FLEXOR_RESTRICTION", "hip_flexor", hips)

    tk = threshold("thomas_knee")
    knees: dict[SideName, tuple[Severity, str]] = {}
    for side, value in (("left", m.thomas_knee_left_deg), ("right", m.thomas_knee_right_deg)):
        if value is not None and value < tk["below"]:
            knees[side] = (  # type: ignore[index]
                _beyond(tk["below"] - value),
                f"modified Thomas test {side}: knee flexion {_fmt(value)} deg, below {_fmt(tk['below'])} "
                f"deg (short two-joint hip flexors / rectus femoris; {tk.cite})",
            )
    out += _per_side("RECTUS_FEMORIS_RESTRICTION", "rectus_femoris", knees)
    return out


def neural(intake: Intake, _: Scores) -> list[Finding]:
    m = intake.measurements
    s = intake.symptoms
    out: list[Finding] = []
    sides: dict[SideName, tuple[Severity, str]] = {}
    side: SideName
    for side in ("left", "right"):
        texts: list[str] = []
        slump = getattr(m.slump, side) if m.slump else None
        if slump is not None and slump.value == "positive":
            texts.append(f"slump test {side} positive")
        slr_sym = (
            getattr(m.slr_reproduces_leg_symptoms, side) if m.slr_reproduces_leg_symptoms else None
        )
        if slr_sym:
            slr = getattr(m, f"slr_{side}_deg")
            at = f" at {_fmt(slr)} deg" if slr is not None else ""
            texts.append(f"straight-leg raise {side} reproduces leg symptoms{at}")
        if texts:
            severity = Severity.moderate if len(texts) == 2 else Severity.mild
            sides[side] = (
                severity,
                "; ".join(texts)
                + " (neural provocation; Fritz 2007 nerve-root signs; Coppieters & Butler 2008)",
            )
    out += _per_side("NEURAL_MECHANOSENSITIVITY", "sciatic_nerve", sides)

    radicular: list[str] = []
    if s.distribution is Distribution.below_knee:
        radicular.append("symptoms extend below the knee (Fritz 2007; Flynn 2002 criterion)")
    if s.numbness_or_tingling:
        radicular.append("reports numbness or tingling")
    if s.bilateral_leg_symptoms:
        radicular.append("bilateral leg symptoms")
    if radicular:
        severity = (
            Severity.severe
            if s.bilateral_leg_symptoms
            else (Severity.moderate if len(radicular) > 1 else Severity.mild)
        )
        out.append(
            Finding(
                code="RADICULAR_SYMPTOMS",
                side="both" if s.bilateral_leg_symptoms else None,
                severity=severity,
                region="sciatic_nerve",
                evidence=tuple(radicular),
            )
        )
    return out


def motor_control(intake: Intake, _: Scores) -> list[Finding]:
    m = intake.measurements
    src = threshold("hicks_rule").source.short
    evidence: list[str] = []
    if m.aberrant_movement:
        evidence.append(f"aberrant movement present during flexion/extension ({src})")
    if m.prone_instability_test is not None and m.prone_instability_test.value == "positive":
        evidence.append(f"prone instability test positive ({src})")
    if not evidence:
        return []
    severity = Severity.moderate if len(evidence) == 2 else Severity.mild
    return [
        Finding(
            code="MOTOR_CONTROL_DEFICIT",
            severity=severity,
            region="lumbar",
            evidence=tuple(evidence),
        )
    ]


def hypermobility(intake: Intake, _: Scores) -> list[Finding]:
    t = threshold("beighton")
    age = intake.person.age
    if age < t["child_age_below"]:
        cutoff, group = (
            t["child_min"],
            f"before puberty (under {t['child_age_below']}: {t['note']})",
        )
    elif age > 50:
        cutoff, group = t["over_50_min"], "over 50"
    else:
        cutoff, group = t["adult_min"], "adults"
    evidence: list[str] = []
    score = intake.measurements.beighton
    if score is not None and score >= cutoff:
        evidence.append(f"Beighton score {score}/9, positive from {cutoff} for {group} ({t.cite})")
    if Condition.hypermobility_syndrome in intake.history.conditions:
        evidence.append("diagnosed hypermobility syndrome (history)")
    if not evidence:
        return []
    severity = Severity.moderate if score is not None and score >= 7 else Severity.mild
    return [
        Finding(
            code="GENERALIZED_HYPERMOBILITY",
            side="both",
            severity=severity,
            region="whole_body",
            evidence=tuple(evidence),
        )
    ]


def psychosocial(intake: Intake, scores: Scores) -> list[Finding]:
    out: list[Finding] = []
    fabq = scores.fabq
    if fabq is not None and intake.person.working is False:
        # Not in work: the work subscale says little, so the physical activity subscale is used.
        pa_t = threshold("fabq_pa_elevated")
        pa = int(fabq.pa)
        if pa > pa_t["above"]:
            out.append(
                Finding(
                    code="ELEVATED_FEAR_AVOIDANCE",
                    severity=Severity.severe,
                    region="whole_body",
                    evidence=(
                        f"FABQ physical activity subscale {pa}/24 is above {pa_t['above']} "
                        f"(not in work, so the physical activity subscale is used; {pa_t.cite})",
                    ),
                )
            )
        fabq = None
    if fabq is not None:
        high, flynn = threshold("fabq_w_elevated"), threshold("fabq_w_flynn")
        w = int(fabq.w)
        if w > high["above"]:
            out.append(
                Finding(
                    code="ELEVATED_FEAR_AVOIDANCE",
                    severity=Severity.severe,
                    region="whole_body",
                    evidence=(
                        f"FABQ work subscale {w}/42 is above {high['above']}, linked to worse 6-month "
                        f"outcome ({high.cite})",
                    ),
                )
            )
        elif w >= flynn["below"]:
            out.append(
                Finding(
                    code="ELEVATED_FEAR_AVOIDANCE",
                    severity=Severity.mild,
                    region="whole_body",
                    evidence=(
                        f"FABQ work subscale {w}/42 is at or above {flynn['below']} (the {flynn.cite} "
                        f"prediction-rule cut-off) but not above {high['above']} ({high.cite})",
                    ),
                )
            )
    sb = scores.start_back
    if sb is not None and sb.risk == "high":
        t = threshold("start_back")
        out.append(
            Finding(
                code="HIGH_PSYCHOSOCIAL_RISK",
                severity=Severity.severe,
                region="whole_body",
                evidence=(
                    f"STarT Back psychosocial subscale {sb.psychosocial}/5 is at least "
                    f"{t['high_psychosocial_min']}: high risk ({t.cite})",
                ),
            )
        )
    return out


def directional(intake: Intake, _: Scores) -> list[Finding]:
    dp = intake.measurements.directional_preference
    if dp is None or dp is Direction.none:
        return []
    return [
        Finding(
            code="DIRECTIONAL_PREFERENCE",
            direction=dp.value,
            severity=Severity.mild,
            region="lumbar",
            evidence=(
                f"repeated {dp.value} movement gives immediate, lasting improvement (directional "
                "preference; Long 2004: matched exercise beat opposite or non-directional exercise)",
            ),
        )
    ]
