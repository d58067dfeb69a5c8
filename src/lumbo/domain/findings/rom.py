"""Findings from range of motion and the spring-test map (the movement "nodes of restriction")."""

from __future__ import annotations

from typing import Literal

from lumbo.domain.assessment.model import SEVERITY_RANK as _RANK
from lumbo.domain.assessment.model import Finding, Scores, Severity
from lumbo.domain.intake import SEGMENTS, Intake, Mobility
from lumbo.domain.norms import expected
from lumbo.domain.thresholds import threshold

SideName = Literal["left", "right"]


def fmt(x: float) -> str:
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
        f"{label} {fmt(value)} deg is {percent:g}% of the {fmt(exp.value_deg)} deg expected at age "
        f"{age} ({exp.source.short}{verified}: {exp.method}); restricted below "
        f"{t['restricted_below']}% ({t.cite})"
    )
    return percent, text


def sagittal(intake: Intake, _: Scores) -> list[Finding]:
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
                f"modified Schober increase {fmt(m.modified_schober_cm)} cm is below "
                f"{fmt(t['reduced_below_cm'])} cm ({t.cite}; no universal low-back-pain cut-off)"
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
                f"{label} left {fmt(left)} deg vs right {fmt(right)} deg: {fmt(diff)} deg "
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


def frontal_transverse(intake: Intake, _: Scores) -> list[Finding]:
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


def segments(intake: Intake, _: Scores) -> list[Finding]:
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
