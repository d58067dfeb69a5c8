"""Findings: the nodes of restriction and the signs that shape a plan.

Each rule is a pure function of the intake (and scores) returning findings whose ``evidence`` strings quote
the measured value, the threshold and its source. Absent measurements produce no finding: "not assessed"
is never read as "normal" or as "restricted".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from lumbo.domain.assessment_model import Finding, Severity
from lumbo.domain.intake import SEGMENTS, Condition, Direction, Distribution, Intake, Mobility, Sex
from lumbo.domain.norms import expected
from lumbo.domain.thresholds import threshold

SideName = Literal["left", "right"]
Rule = Callable[[Intake, dict[str, Any]], list[Finding]]


def _fmt(x: float) -> str:
    return f"{x:g}"


def _rom_severity(percent: float) -> Severity | None:
    t = threshold("rom_percent_of_expected")
    if percent >= t["restricted_below"]:
        return None
    if percent < t["severe_below"]:
        return Severity.severe
    if percent < t["moderate_below"]:
        return Severity.moderate
    return Severity.mild


def _rom_evidence(label: str, value: float, norm_measure: str, age: int) -> tuple[float, str]:
    exp = expected(norm_measure, age)
    percent = round(value / exp.value_deg * 100, 1)
    t = threshold("rom_percent_of_expected")
    verified = "" if exp.source.verified else ", secondary source, unverified"
    text = (
        f"{label} {_fmt(value)} deg is {percent:g}% of the {_fmt(exp.value_deg)} deg expected at age "
        f"{age} ({exp.source.short}{verified}: {exp.method}); restricted below "
        f"{t['restricted_below']}% ({t.cite})"
    )
    return percent, text


def _sagittal(intake: Intake, _: dict[str, Any]) -> list[Finding]:
    m = intake.measurements
    age = intake.person.age
    out: list[Finding] = []
    method = f" [{m.method.value}]" if m.method else ""
    # Flexion: ROM against the age norm, supported (or on its own produced) by the modified Schober.
    evidence: list[str] = []
    severity: Severity | None = None
    percent: float | None = None
    if m.lumbar_flexion_deg is not None:
        percent, text = _rom_evidence(
            "lumbar flexion", m.lumbar_flexion_deg, "lumbar_flexion_deg", age
        )
        severity = _rom_severity(percent)
        if severity is not None:
            evidence.append(text + method)
    if m.modified_schober_cm is not None:
        t = threshold("modified_schober")
        if m.modified_schober_cm < t["reduced_below_cm"]:
            evidence.append(
                f"modified Schober increase {_fmt(m.modified_schober_cm)} cm is below "
                f"{_fmt(t['reduced_below_cm'])} cm ({t.cite}; no universal low-back-pain cut-off)"
            )
            severity = severity or Severity.mild
    if severity is not None:
        out.append(
            Finding(
                code="LUMBAR_FLEXION_HYPOMOBILITY",
                severity=severity,
                region="lumbar",
                evidence=tuple(evidence),
                percent_of_expected=percent,
            )
        )
    if m.lumbar_extension_deg is not None:
        percent, text = _rom_evidence(
            "lumbar extension", m.lumbar_extension_deg, "lumbar_extension_deg", age
        )
        severity = _rom_severity(percent)
        if severity is not None:
            out.append(
                Finding(
                    code="LUMBAR_EXTENSION_HYPOMOBILITY",
                    severity=severity,
                    region="lumbar",
                    evidence=(text + method,),
                    percent_of_expected=percent,
                )
            )
    return out


def _paired(
    intake: Intake,
    *,
    code: Literal["LATERAL_FLEXION_RESTRICTION", "ROTATION_RESTRICTION"],
    asym_code: Literal["ROTATION_ASYMMETRY"] | None,
    label: str,
    norm: str,
    left: float | None,
    right: float | None,
    asym_threshold: str,
) -> list[Finding]:
    age = intake.person.age
    out: list[Finding] = []
    flagged: dict[SideName, tuple[Severity, float, str]] = {}
    for side, value in (("left", left), ("right", right)):
        if value is None:
            continue
        percent, text = _rom_evidence(f"{label} {side}", value, norm, age)
        severity = _rom_severity(percent)
        if severity is not None:
            flagged[side] = (severity, percent, text)  # type: ignore[index]
    if len(flagged) == 2:
        worst = max(flagged.values(), key=lambda v: (_RANK[v[0]], -v[1]))
        out.append(
            Finding(
                code=code,
                side="both",
                severity=worst[0],
                region="lumbar",
                evidence=tuple(v[2] for v in flagged.values()),
                percent_of_expected=min(v[1] for v in flagged.values()),
            )
        )
    else:
        for side, (severity, percent, text) in flagged.items():
            out.append(
                Finding(
                    code=code,
                    side=side,
                    severity=severity,
                    region="lumbar",
                    evidence=(text,),
                    percent_of_expected=percent,
                )
            )
    if left is not None and right is not None:
        t = threshold(asym_threshold)
        diff = abs(left - right)
        larger = max(left, right)
        ratio = diff / larger if larger > 0 else 0.0
        min_ratio = float(t.values.get("min_ratio_of_larger", 0.0))
        if diff >= t["min_difference_deg"] and ratio >= min_ratio:
            lesser: SideName = "left" if left < right else "right"
            severity = Severity.moderate if diff >= 2 * t["min_difference_deg"] else Severity.mild
            evidence = (
                f"{label} left {_fmt(left)} deg vs right {_fmt(right)} deg: {_fmt(diff)} deg "
                f"({ratio * 100:.0f}% of the larger side) less to the {lesser}; asymmetry from "
                f"{t['min_difference_deg']} deg"
                + (f" and {min_ratio * 100:.0f}%" if min_ratio else "")
                + f" ({t.cite})",
            )
            if asym_code is not None:
                out.append(
                    Finding(
                        code=asym_code,
                        side=lesser,
                        severity=severity,
                        region="lumbar",
                        evidence=evidence,
                    )
                )
            elif lesser not in flagged:
                out.append(
                    Finding(
                        code=code,
                        side=lesser,
                        severity=Severity.mild,
                        region="lumbar",
                        evidence=evidence,
                    )
                )
    return out


_RANK = {Severity.mild: 1, Severity.moderate: 2, Severity.severe: 3}


def _frontal_transverse(intake: Intake, _: dict[str, Any]) -> list[Finding]:
    m = intake.measurements
    return _paired(
        intake,
        code="LATERAL_FLEXION_RESTRICTION",
        asym_code=None,
        label="lateral flexion",
        norm="lateral_flexion_deg",
        left=m.lateral_flexion_left_deg,
        right=m.lateral_flexion_right_deg,
        asym_threshold="lateral_flexion_asymmetry",
    ) + _paired(
        intake,
        code="ROTATION_RESTRICTION",
        asym_code="ROTATION_ASYMMETRY",
        label="trunk rotation",
        norm="rotation_deg",
        left=m.rotation_left_deg,
        right=m.rotation_right_deg,
        asym_threshold="rotation_asymmetry",
    )


def _segments(intake: Intake, _: dict[str, Any]) -> list[Finding]:
    m = intake.measurements
    if not m.segmental_mobility:
        return []
    pain = m.segmental_pain or {}
    src = threshold("hicks_rule").source.short
    out: list[Finding] = []
    for segment in SEGMENTS:
        mobility = m.segmental_mobility.get(segment)  # type: ignore[call-overload]
        if mobility is None or mobility is Mobility.normal:
            continue
        painful = bool(pain.get(segment))  # type: ignore[call-overload]
        code: Literal["SEGMENTAL_HYPOMOBILITY", "SEGMENTAL_HYPERMOBILITY"] = (
            "SEGMENTAL_HYPOMOBILITY" if mobility is Mobility.hypo else "SEGMENTAL_HYPERMOBILITY"
        )
        evidence = [
            f"{segment} {mobility.value}mobile on the posterior-anterior spring test "
            f"(as used in {src} and Fritz 2007)"
        ]
        if painful:
            evidence.append(f"{segment} painful on spring testing")
        out.append(
            Finding(
                code=code,
                segment=segment,
                severity=Severity.moderate if painful else Severity.mild,
                region="lumbar",
                evidence=tuple(evidence),
            )
        )
    return out


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


def _muscle_length(intake: Intake, _: dict[str, Any]) -> list[Finding]:
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


def _neural(intake: Intake, _: dict[str, Any]) -> list[Finding]:
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


def _motor_control(intake: Intake, _: dict[str, Any]) -> list[Finding]:
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


def _hypermobility(intake: Intake, _: dict[str, Any]) -> list[Finding]:
    t = threshold("beighton")
    age = intake.person.age
    if age < t["child_age_below"]:
        cutoff, group = t["child_min"], f"before puberty (under {t['child_age_below']}: {t['note']})"
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


def _psychosocial(intake: Intake, scores: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    fabq = scores.get("fabq")
    if fabq is not None:
        high, flynn = threshold("fabq_w_elevated"), threshold("fabq_w_flynn")
        w = int(fabq["w"])
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
    sb = scores.get("start_back")
    if sb is not None and sb["risk"] == "high":
        t = threshold("start_back")
        out.append(
            Finding(
                code="HIGH_PSYCHOSOCIAL_RISK",
                severity=Severity.severe,
                region="whole_body",
                evidence=(
                    f"STarT Back psychosocial subscale {sb['psychosocial']}/5 is at least "
                    f"{t['high_psychosocial_min']}: high risk ({t.cite})",
                ),
            )
        )
    return out


def _directional(intake: Intake, _: dict[str, Any]) -> list[Finding]:
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


RULES: tuple[Rule, ...] = (
    _sagittal,
    _frontal_transverse,
    _segments,
    _muscle_length,
    _neural,
    _motor_control,
    _hypermobility,
    _psychosocial,
    _directional,
)


def find(intake: Intake, scores: dict[str, Any]) -> tuple[Finding, ...]:
    """Every finding the intake supports, most severe first, then in vocabulary order."""
    found = [f for rule in RULES for f in rule(intake, scores)]
    return tuple(
        sorted(found, key=lambda f: -_RANK[f.severity])
    )  # stable: rule order within a rank
