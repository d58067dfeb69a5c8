"""Clinical prediction rules: Flynn 2002 (manipulation) and Hicks 2005 (stabilization).

Each criterion is ``met``, ``not_met`` or ``unknown``. Missing data is ``unknown``: it is reported and never
counted as met, so a rule can only be positive on measured facts.
"""

from __future__ import annotations

from collections.abc import Callable

from lumbo.domain.assessment.model import Criterion, RuleResult, Scores, Status
from lumbo.domain.intake import SEGMENTS, Distribution, Intake, Mobility
from lumbo.domain.neuro import nerve_root_signs
from lumbo.domain.thresholds import threshold

_Check = Callable[[Intake, Scores], Criterion]


def _c(value: bool | None, detail: str) -> Criterion:
    status: Status = "unknown" if value is None else ("met" if value else "not_met")
    return Criterion(status=status, detail=detail)


def _unknown(what: str) -> Criterion:
    return Criterion(status="unknown", detail=f"{what} not assessed")


# --- Flynn 2002 -------------------------------------------------------------------------------------
def _flynn_duration(intake: Intake, _: Scores) -> Criterion:
    days = intake.history.symptom_duration_days
    limit = threshold("flynn_rule")["duration_below_days"]
    if days is None:
        return _unknown("symptom duration")
    return _c(days < limit, f"symptom duration {days} days (criterion: < {limit})")


def _flynn_no_distal(intake: Intake, _: Scores) -> Criterion:
    dist = intake.symptoms.distribution
    if dist is None:
        return _unknown("symptom distribution")
    return _c(
        dist is not Distribution.below_knee,
        f"symptoms: {dist.value} (criterion: none below the knee)",
    )


def _flynn_fabq(_: Intake, scores: Scores) -> Criterion:
    fabq = scores.fabq
    limit = threshold("fabq_w_flynn")["below"]
    if fabq is None:
        return _unknown("FABQ")
    return _c(fabq.w < limit, f"FABQ work subscale {fabq.w} (criterion: < {limit})")


def _flynn_hip_ir(intake: Intake, _: Scores) -> Criterion:
    m = intake.measurements
    limit = threshold("flynn_rule")["hip_ir_above_deg"]
    values = {"left": m.hip_internal_rotation_left_deg, "right": m.hip_internal_rotation_right_deg}
    shown = ", ".join(f"{k} {v:g} deg" for k, v in values.items() if v is not None)
    if any(v is not None and v > limit for v in values.values()):
        return _c(
            True, f"hip internal rotation {shown} (criterion: at least one hip > {limit} deg)"
        )
    if any(v is None for v in values.values()):
        detail = f"hip internal rotation {shown or 'not assessed'}; the other hip not assessed"
        return Criterion(status="unknown", detail=detail)
    return _c(False, f"hip internal rotation {shown} (criterion: at least one hip > {limit} deg)")


def _spring(intake: Intake, mobility: Mobility) -> tuple[list[str], list[str]] | None:
    """(segments found with ``mobility``, segments not tested), or None without any spring test."""
    seg = intake.measurements.segmental_mobility
    if not seg:
        return None
    found: list[str] = [s for s, v in sorted(seg.items()) if v is mobility]
    untested = [s for s in SEGMENTS if s not in seg]
    return found, untested


def _any_segment(intake: Intake, mobility: Mobility, word: str) -> Criterion:
    """ "At least one segment is ``word``": met when one is; not met only when every level was
    tested; ``unknown`` when none found but some levels were not tested (so its negation, "no
    ``word`` segment", is never met on a partial spring test either)."""
    spring = _spring(intake, mobility)
    if spring is None:
        return _unknown("spring testing")
    found, untested = spring
    if found:
        return _c(True, f"{word} segments: {', '.join(found)} (criterion: at least one)")
    if untested:
        return Criterion(
            status="unknown",
            detail=f"no {word} segment among the levels tested; not tested: {', '.join(untested)}",
        )
    return _c(False, f"{word} segments: none of the five lumbar levels (criterion: at least one)")


def _flynn_hypomobility(intake: Intake, _: Scores) -> Criterion:
    return _any_segment(intake, Mobility.hypo, "hypomobile")


def _any_hypermobility(intake: Intake, _: Scores) -> Criterion:
    return _any_segment(intake, Mobility.hyper, "hypermobile")


FLYNN: dict[str, _Check] = {
    "symptoms_under_16_days": _flynn_duration,
    "no_symptoms_distal_to_knee": _flynn_no_distal,
    "fabq_work_under_19": _flynn_fabq,
    "hip_internal_rotation_over_35": _flynn_hip_ir,
    "lumbar_hypomobility": _flynn_hypomobility,
}


# --- Hicks 2005 -------------------------------------------------------------------------------------
def _hicks_age(intake: Intake, _: Scores) -> Criterion:
    limit = threshold("hicks_rule")["age_below"]
    return _c(intake.person.age < limit, f"age {intake.person.age} (criterion: < {limit})")


def _hicks_slr(intake: Intake, _: Scores) -> Criterion:
    m = intake.measurements
    limit = threshold("hicks_rule")["avg_slr_above_deg"]
    if m.slr_left_deg is None or m.slr_right_deg is None:
        return _unknown("straight-leg raise on both sides")
    avg = (m.slr_left_deg + m.slr_right_deg) / 2
    return _c(avg > limit, f"average straight-leg raise {avg:g} deg (criterion: > {limit} deg)")


def _hicks_aberrant(intake: Intake, _: Scores) -> Criterion:
    ab = intake.measurements.aberrant_movement
    if ab is None:
        return _unknown("aberrant movement")
    return _c(ab, "aberrant movement " + ("present" if ab else "absent"))


def _hicks_pit(intake: Intake, _: Scores) -> Criterion:
    pit = intake.measurements.prone_instability_test
    if pit is None:
        return _unknown("prone instability test")
    return _c(pit.value == "positive", f"prone instability test {pit.value}")


HICKS: dict[str, _Check] = {
    "age_under_40": _hicks_age,
    "average_slr_over_91": _hicks_slr,
    "aberrant_movement": _hicks_aberrant,
    "prone_instability_test_positive": _hicks_pit,
}


def _hicks_fail_fabq(_: Intake, scores: Scores) -> Criterion:
    fabq = scores.fabq
    limit = threshold("fabq_pa_hicks_failure")["at_most"]
    if fabq is None:
        return _unknown("FABQ")
    return _c(
        fabq.pa <= limit, f"FABQ physical activity subscale {fabq.pa} (criterion: <= {limit})"
    )


def _negate(check: _Check, detail: str) -> _Check:
    def run(intake: Intake, scores: Scores) -> Criterion:
        c = check(intake, scores)
        if c.status == "unknown":
            return c
        return Criterion(
            status="not_met" if c.status == "met" else "met", detail=f"{c.detail} ({detail})"
        )

    return run


HICKS_FAILURE: dict[str, _Check] = {
    "fabq_pa_8_or_less": _hicks_fail_fabq,
    "no_aberrant_movement": _negate(_hicks_aberrant, "failure criterion: absent"),
    "prone_instability_test_negative": _negate(_hicks_pit, "failure criterion: negative"),
    # Hicks 2005: the fourth failure criterion is the ABSENCE of lumbar hypermobility on spring
    # testing (an earlier reference copy said "hypomobility"; a hypermobile person must never score
    # success and failure at once on this item).
    "no_hypermobility_on_spring_testing": _negate(_any_hypermobility, "failure criterion: none"),
}


def _evaluate(
    checks: dict[str, _Check],
    intake: Intake,
    scores: Scores,
    need: int,
    source: str,
    note: str | None = None,
    caveat: str | None = None,
    not_applicable: str | None = None,
) -> RuleResult:
    """Count the criteria. A rule that is not applicable (``not_applicable`` gives the reason) is
    still counted, for the record, but is never positive."""
    criteria = {name: check(intake, scores) for name, check in checks.items()}
    count = sum(1 for c in criteria.values() if c.status == "met")
    unknown = sum(1 for c in criteria.values() if c.status == "unknown")
    return RuleResult(
        count=count,
        of=len(checks),
        positive=count >= need and not_applicable is None,
        threshold=need,
        unknown=unknown,
        criteria=criteria,
        source=source,
        note=note,
        applicable=not_applicable is None,
        not_applicable_reason=not_applicable,
        caveat=caveat,
    )


FLYNN_CAVEAT = (
    "validation caveat: in a trial in acute low back pain, Hancock 2008 found that the rule did not "
    "identify who benefits from manipulation; treat a positive result as a reason to discuss "
    "manipulation with a clinician, not as proof it will help"
)
HICKS_CAVEAT = (
    "validation caveat: Rabin 2014 could not validate the success rule; it is preliminary and "
    "guides emphasis only"
)


def not_applicable_reason(intake: Intake) -> str | None:
    """Why Flynn 2002 and Hicks 2005 do not apply to this person (None: they apply). Both rules were
    derived in non-radicular low back pain."""
    signs = nerve_root_signs(intake)
    if not signs:
        return None
    return (
        "not applicable: the rule was derived in low back pain without nerve-root signs, and this "
        "person has " + "; ".join(signs)
    )


def evaluate_rules(intake: Intake, scores: Scores) -> dict[str, RuleResult]:
    flynn, hicks = threshold("flynn_rule"), threshold("hicks_rule")
    na = not_applicable_reason(intake)
    return {
        "flynn_manipulation": _evaluate(
            FLYNN,
            intake,
            scores,
            int(flynn["positive_min"]),
            flynn.cite,
            note="positive (>= 4 of 5): LR+ 24.4 in the derivation study, 13.2 in validation (Childs 2004)",
            caveat=FLYNN_CAVEAT,
            not_applicable=na,
        ),
        "hicks_stabilization": _evaluate(
            HICKS,
            intake,
            scores,
            int(hicks["positive_min"]),
            hicks.cite,
            note="predicts success of stabilization exercise (>= 3 of 4: LR+ 4.0)",
            caveat=HICKS_CAVEAT,
            not_applicable=na,
        ),
        "hicks_stabilization_failure": _evaluate(
            HICKS_FAILURE,
            intake,
            scores,
            int(hicks["failure_positive_min"]),
            hicks.cite,
            note="predicts failure of stabilization exercise (>= 2 of 4)",
            caveat=HICKS_CAVEAT,
            not_applicable=na,
        ),
    }
