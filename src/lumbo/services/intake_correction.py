"""Correcting an intake: any field of the latest intake can be changed. Nothing is overwritten:
the corrected intake is stored as a new intake version with its own assessment, and the plan is
rebuilt from it as a new plan version that waits for the clinician's approval
(``lumbo.services.approval``). Before storing, :func:`preview_correction` shows what the change
does: fields changed, findings and exercises added or removed (with the reasons a technique is
left out), and whether a referral appears or goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lumbo.domain.assessment.assess import assess
from lumbo.domain.assessment.model import Assessment
from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.domain.explain import plain_finding
from lumbo.domain.intake import Intake, parse_intake_json
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.engine import build_plan
from lumbo.domain.protocol.model import Plan
from lumbo.services._shared import latest_assessment, need_person
from lumbo.services.journey import _add_assessed, _add_first_plan, _add_rebuilt_plan
from lumbo.store.records import PlanVersion
from lumbo.store.unit_of_work import AbstractUnitOfWork

__all__ = ["Change", "Corrected", "Preview", "apply_correction", "preview_correction"]


@dataclass(frozen=True, slots=True)
class Change:
    what: str  # "finding" | "exercise" | "referral" | "field"
    change: str  # "added" | "removed" | "changed"
    label: str  # in words
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Preview:
    fields: tuple[Change, ...]
    findings: tuple[Change, ...]
    exercises: tuple[Change, ...]
    referral: Change | None
    intake: Intake
    assessment: Assessment
    plan: Plan | None

    @property
    def empty(self) -> bool:
        return not self.fields


@dataclass(frozen=True, slots=True)
class Corrected:
    preview: Preview
    plan: PlanVersion | None  # the rebuilt version (waits for approval); None: referral required


def _flat(doc: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(doc, dict):
        out: dict[str, Any] = {}
        for k, v in doc.items():
            out |= _flat(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    return {prefix: doc}


def _words(path: str) -> str:
    return " › ".join(p.replace("_", " ") for p in path.split("."))


def _value(v: Any) -> str:
    if v is None:
        return "not recorded"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return ", ".join(str(x).replace("_", " ") for x in v) or "none"
    return str(v).replace("_", " ")


def _fields(before: Intake, after: Intake) -> tuple[Change, ...]:
    a = _flat(before.model_dump(mode="json", exclude_none=True))
    b = _flat(after.model_dump(mode="json", exclude_none=True))
    out = []
    for path in sorted(set(a) | set(b)):
        if a.get(path) != b.get(path):
            out.append(
                Change(
                    "field",
                    "changed",
                    _words(path),
                    f"{_value(a.get(path))} → {_value(b.get(path))}",
                )
            )
    return tuple(out)


def _findings(before: Assessment, after: Assessment) -> tuple[Change, ...]:
    old = {f.key: f for f in before.findings}
    new = {f.key: f for f in after.findings}
    out = [
        Change("finding", "added", plain_finding(f), "; ".join(f.evidence))
        for k, f in new.items()
        if k not in old
    ]
    out += [
        Change("finding", "removed", plain_finding(f), "no longer found on the corrected intake")
        for k, f in old.items()
        if k not in new
    ]
    return tuple(out)


def _used(plan: Plan | None) -> set[str]:
    if plan is None:
        return set()
    return {b.technique for w in plan.weeks for s in w.sessions for b in s.blocks}


def _exercises(before: Plan | None, after: Plan | None) -> tuple[Change, ...]:
    lib = library()

    def name(tid: str) -> str:
        return lib.get(tid).name if tid in lib else tid.replace("_", " ")

    left_out = {e.technique: "; ".join(e.reasons) for e in (after.excluded if after else ())}
    why: dict[str, str] = {}
    for w in after.weeks if after else ():
        for s in w.sessions:
            for b in s.blocks:
                why.setdefault(b.technique, b.why)
    was, now = _used(before), _used(after)
    not_chosen = (
        "not chosen by the rebuilt plan (others fit the findings, equipment and session time)"
    )
    out = [
        Change("exercise", "added", name(t), why.get(t) or "chosen by the rebuilt plan")
        for t in sorted(now - was)
    ]
    out += [
        Change("exercise", "removed", name(t), left_out.get(t, not_chosen))
        for t in sorted(was - now)
    ]
    return tuple(out)


def _referral(before: Assessment, after: Assessment) -> Change | None:
    if before.referral.required == after.referral.required:
        return None
    if after.referral.required:
        return Change("referral", "added", "Referral required", "; ".join(after.referral.reasons))
    return Change("referral", "removed", "Referral no longer required")


def _preview(
    before_intake: Intake, before: Assessment, current: Plan | None, corrected: Intake
) -> Preview:
    assessment = assess(corrected)
    plan = None
    if not assessment.referral.required:
        built = build_plan(corrected, assessment)
        plan = built if built.status == "ok" else None
    return Preview(
        fields=_fields(before_intake, corrected),
        findings=_findings(before, assessment),
        exercises=_exercises(current, plan),
        referral=_referral(before, assessment),
        intake=corrected,
        assessment=assessment,
        plan=plan,
    )


def _parse(intake_json: str | bytes, external_ref: str | None) -> Intake:
    corrected = parse_intake_json(intake_json)
    if external_ref and corrected.person.id not in (None, external_ref):
        problem = Problem("person.id", f"must stay {external_ref!r} (the patient corrected)")
        raise InvalidInput([problem], "intake")
    return corrected


def preview_correction(
    uow: AbstractUnitOfWork, person_id: str, intake_json: str | bytes
) -> Preview:
    """What the correction would change; nothing is written."""
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        corrected = _parse(intake_json, person.external_ref)
        latest = repo.intakes(person_id)[-1]
        before = latest_assessment(repo, person_id).assessment
        plan = repo.latest_plan(person_id)
    return _preview(latest.intake, before, None if plan is None else plan.plan, corrected)


def apply_correction(
    uow: AbstractUnitOfWork, person_id: str, intake_json: str | bytes, *, on: date
) -> Corrected:
    """Store the corrected intake as a new version, its assessment, and the rebuilt plan as a new
    plan version (unapproved: the patient keeps the last approved one until the clinician
    approves it)."""
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        corrected = _parse(intake_json, person.external_ref)
        latest = repo.intakes(person_id)[-1]
        before = latest_assessment(repo, person_id).assessment
        current = repo.latest_plan(person_id)
        preview = _preview(
            latest.intake, before, None if current is None else current.plan, corrected
        )
        if preview.empty:
            raise Conflict("nothing was changed: the corrected intake equals the latest one")
        _, assessment_rec = _add_assessed(
            repo, person_id, latest.kind, corrected, preview.assessment
        )
        stored: PlanVersion | None = None
        if preview.plan is not None:
            if current is None:
                stored = _add_first_plan(repo, person_id, preview.plan, assessment_rec)
            else:
                reason = f"Rebuilt after the intake was corrected on {on.day} {on:%B %Y}."
                stored = _add_rebuilt_plan(repo, current, preview.plan, reason, assessment_rec)
        uow.commit()
    return Corrected(preview, stored)
