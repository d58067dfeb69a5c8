"""Plain-language explanations of an assessment ("what this means"). Pure text, no I/O."""

from __future__ import annotations

import re

from lumbo.domain.assessment.model import Assessment, Finding, Scores

_SNAKE = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")


def _said(m: re.Match[str]) -> str:
    name = m.group(0)
    return (name.lower() if name.isupper() else name).replace("_", " ")


def words(text: object) -> str:
    """Machine names inside a text said as words ("dual_inclinometer" -> "dual inclinometer",
    "SEGMENTAL_HYPERMOBILITY" -> "segmental hypermobility"): what pages and documents show."""
    return _SNAKE.sub(_said, str(text))


def finding_name(code: str) -> str:
    """A finding's name for the clinician ("SEGMENTAL_HYPERMOBILITY" -> "Segmental
    hypermobility"), never its code."""
    return words(code).capitalize()


REGION_TITLES: dict[str, str] = {
    "lumbar": "Lower back (lumbar spine)",
    "hamstring": "Back of the thigh (hamstrings)",
    "hip_flexor": "Front of the hip (hip flexors)",
    "rectus_femoris": "Front of the thigh (rectus femoris)",
    "sciatic_nerve": "Nerves to the leg",
    "whole_body": "Whole person",
}

_PLAIN: dict[str, str] = {
    "LUMBAR_FLEXION_HYPOMOBILITY": "your lower back bends forward less than expected for your age",
    "LUMBAR_EXTENSION_HYPOMOBILITY": "your lower back bends backward less than expected for your age",
    "LATERAL_FLEXION_RESTRICTION": "side-bending is limited",
    "ROTATION_RESTRICTION": "turning your trunk is limited",
    "ROTATION_ASYMMETRY": "you turn noticeably less to one side than the other",
    "SEGMENTAL_HYPOMOBILITY": "one or more lower-back levels felt stiffer than expected when tested",
    "SEGMENTAL_HYPERMOBILITY": "one or more lower-back levels felt more mobile than their neighbours when tested",
    "HAMSTRING_LENGTH_RESTRICTION": "the muscles at the back of your thighs are short",
    "HIP_FLEXOR_RESTRICTION": "the muscles at the front of your hips are short",
    "RECTUS_FEMORIS_RESTRICTION": "the muscle at the front of your thigh is short",
    "NEURAL_MECHANOSENSITIVITY": "the nerves to your leg are sensitive to being stretched",
    "RADICULAR_SYMPTOMS": "you have leg symptoms that may come from a nerve root",
    "MOTOR_CONTROL_DEFICIT": "the deep muscles do not yet control the movement of your lower back smoothly",
    "GENERALIZED_HYPERMOBILITY": "your joints are generally very flexible",
    "ELEVATED_FEAR_AVOIDANCE": "worry that activity will harm your back may be holding you back",
    "HIGH_PSYCHOSOCIAL_RISK": "how you feel about the pain raises the risk that it persists",
    "DIRECTIONAL_PREFERENCE": "moving in one direction repeatedly eases your symptoms",
}

_APPROACH: dict[str, str] = {
    "symptom_modulation": "Start by calming symptoms down: gentle movement, breathing and reassurance first.",
    "movement_control": "Rebuild control of movement: release what is stiff, then train the muscles that hold it.",
    "function_optimization": "Build capacity: strength, endurance and confidence for what you want to do.",
}


def where(f: Finding) -> str:
    """Side/segment/direction qualifiers of a finding, in words ("" when none)."""
    parts = []
    if f.segment:
        parts.append(f.segment)
    if f.side:
        parts.append("both sides" if f.side == "both" else f"{f.side} side")
    if f.direction:
        parts.append(f.direction)
    return ", ".join(parts)


def plain_finding(f: Finding) -> str:
    text = _PLAIN[f.code]
    qual = where(f)
    if f.percent_of_expected is not None:
        qual = (qual + ", " if qual else "") + f"{f.percent_of_expected:g}% of expected"
    return f"{text} ({qual})" if qual else text


def what_this_means(a: Assessment) -> list[str]:
    """Short plain-language paragraph lines for a person or their clinician."""
    lines: list[str] = []
    if a.referral.required:
        if a.referral.urgency == "emergency":
            lines.append(
                "Some answers need urgent medical attention today. lumbo will not build an exercise "
                "plan until a clinician has seen you."
            )
        else:
            lines.append(
                "Some answers need a clinician's check before you start exercising. This is screening, "
                "not a diagnosis: most people who are checked can go on to exercise."
            )
        return lines
    codes_seen: set[str] = set()
    main: list[str] = []
    for f in a.findings:
        if f.code in codes_seen:
            continue
        codes_seen.add(f.code)
        main.append(plain_finding(f))
    if main:
        lines.append("What stands out: " + "; ".join(main[:4]) + ".")
        if len(main) > 4:
            lines.append("Also: " + "; ".join(main[4:]) + ".")
    else:
        lines.append("Nothing measured stands out as restricted against the norms lumbo uses.")
    if "SEGMENTAL_HYPERMOBILITY" in codes_seen and "SEGMENTAL_HYPOMOBILITY" in codes_seen:
        lines.append(
            "Some levels felt stiff and others more mobile when tested: the plan works on movement at "
            "the stiff levels and control at the mobile ones, and pairs every release with "
            "stabilization."
        )
    lines.append(_APPROACH[a.classification.approach])
    lines.append(
        "These are screening results from the measurements given, not a diagnosis; a clinician can "
        "confirm them."
    )
    return lines


def score_rows(scores: Scores) -> list[tuple[str, str, str]]:
    """(measure, score, band or note) rows for showing the scores of an assessment."""
    rows: list[tuple[str, str, str]] = []
    if (odi := scores.odi) is not None:
        rows.append(("Oswestry (ODI)", f"{odi.percent:g}%", f"{odi.band} ({odi.source})"))
    if (rm := scores.rmdq) is not None:
        rows.append(("Roland-Morris", f"{rm.score}/24", rm.note or ""))
    if (sb := scores.start_back) is not None:
        rows.append(
            (
                "STarT Back",
                f"{sb.total}/9, psychosocial {sb.psychosocial}/5",
                f"{sb.risk} risk",
            )
        )
    if (fabq := scores.fabq) is not None:
        rows.append(("FABQ", f"PA {fabq.pa}/24, W {fabq.w}/42", ""))
    if (pi := scores.promis_pi) is not None:
        t = pi.t_score
        shown = f"T {t:g}" if t is not None else "T unavailable"
        note = pi.reason or ""
        rows.append((f"PROMIS PI {pi.form}", f"raw {pi.raw}, {shown}", note))
    if (psfs := scores.psfs) is not None:
        rows.append(("PSFS", f"mean {psfs.mean:g}/10", f"{len(psfs.activities)} activities"))
    nprs = scores.nprs
    if nprs.now is not None:
        parts = [f"now {nprs.now}"]
        if nprs.best is not None:
            parts.append(f"best {nprs.best}")
        if nprs.worst is not None:
            parts.append(f"worst {nprs.worst}")
        rows.append(("Pain (NPRS 0-10)", ", ".join(parts), ""))
    return rows
