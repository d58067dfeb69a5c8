# long-module: one mapping per FHIR resource type, in the order docs/interop.md describes them;
#   each is short and all share the id and coding helpers
"""A person's records as one FHIR R4 Bundle (type ``collection``): a pure function of the records.

:func:`patient_bundle` reads nothing and writes nothing: the caller passes the stored records,
the technique names, lumbo's version and the time of the export. The same input gives the same
bundle (resource ids are UUID-5 values derived from the person id and the record they map).
docs/interop.md describes the mapping resource by resource.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lumbo.domain.assessment.model import Assessment, Finding
from lumbo.domain.intake import Intake
from lumbo.domain.outcomes.reassessment import adherence
from lumbo.domain.plan_view import dose_words
from lumbo.domain.protocol.model import Block, Plan, SessionLog
from lumbo.interop import codes as c
from lumbo.interop.questionnaires import PROMIS_ITEMS, build

_NS = uuid.UUID("5b0e6c0e-7f1a-4d0b-9a55-6c756d626f00")  # lumbo's UUID-5 namespace


@dataclass(frozen=True, slots=True)
class IntakeEntry:
    id: str
    kind: str  # baseline | reassessment
    created_at: datetime
    intake: Intake
    assessment: Assessment | None


@dataclass(frozen=True, slots=True)
class PlanEntry:
    version: int
    reason: str
    created_at: datetime
    plan: Plan


@dataclass(frozen=True, slots=True)
class PatientRecords:
    """What the mapping needs, as the store returns it (oldest first)."""

    person_id: str
    external_ref: str | None
    intakes: Sequence[IntakeEntry]
    plans: Sequence[PlanEntry] = ()
    logs: Sequence[SessionLog] = ()
    technique_names: Mapping[str, str] = field(default_factory=dict)


# helpers ---------------------------------------------------------------------------------------


def _uid(person_id: str, key: str) -> str:
    return str(uuid.uuid5(_NS, f"{person_id}/{key}"))


def _ref(rid: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{rid}"}


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _lumbo(code: str, display: str | None = None) -> dict[str, str]:
    coding = {"system": c.LUMBO_SYSTEM, "code": code}
    if display is not None:
        coding["display"] = display
    return coding


def _cc(code: str, display: str) -> dict[str, Any]:
    return {"coding": [_lumbo(code, display)], "text": display}


def _loinc(pair: tuple[str, str]) -> dict[str, str]:
    return {"system": c.LOINC, "code": pair[0], "display": pair[1]}


def _qty(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": c.UCUM, "code": unit}


def _category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": c.OBS_CATEGORY, "code": code}]}]


class _Builder:
    def __init__(self, records: PatientRecords) -> None:
        self.r = records
        self.pid = records.person_id
        self.entries: list[dict[str, Any]] = []
        self.patient_ref = _ref(self.pid)

    def add(self, resource: dict[str, Any], full_url: str | None = None) -> str:
        url = full_url or f"urn:uuid:{resource['id']}"
        self.entries.append({"fullUrl": url, "resource": resource})
        return url

    def obs(
        self,
        key: str,
        coding: list[dict[str, str]],
        display: str,
        category: str,
        when: datetime,
        **rest: Any,
    ) -> str:
        rid = _uid(self.pid, key)
        self.add(
            {
                "resourceType": "Observation",
                "id": rid,
                "status": "final",
                "category": _category(category),
                "code": {"coding": coding, "text": display},
                "subject": self.patient_ref,
                "effectiveDateTime": _when(when),
                **rest,
            }
        )
        return rid


# questionnaires --------------------------------------------------------------------------------


def _answers(instrument: str, intake: Intake) -> list[dict[str, Any]] | None:
    """QuestionnaireResponse items for one instrument, or None when it was not answered."""
    q = intake.questionnaires
    if instrument == "odi" and q.odi is not None:
        return [
            {"linkId": f"odi-{n}", "answer": [{"valueInteger": v}]}
            for n, v in enumerate(q.odi, 1)
            if v is not None
        ]
    if instrument == "rmdq" and q.rmdq is not None:
        return [
            {"linkId": f"rmdq-{n}", "answer": [{"valueBoolean": v}]}
            for n, v in enumerate(q.rmdq, 1)
        ]
    if instrument == "start_back" and q.start_back is not None:
        items: list[dict[str, Any]] = [
            {"linkId": f"start-back-{n}", "answer": [{"valueBoolean": v == 1}]}
            for n, v in enumerate(q.start_back[:8], 1)
        ]
        b = q.start_back[8].value
        coding = _lumbo(f"answer-{b}", c.ANSWERS[b])
        items.append({"linkId": "start-back-9", "answer": [{"valueCoding": coding}]})
        return items
    if instrument == "fabq" and q.fabq is not None:
        return [
            {"linkId": f"fabq-{n}", "answer": [{"valueInteger": v}]}
            for n, v in enumerate(q.fabq, 1)
        ]
    if instrument in PROMIS_ITEMS:
        given: dict[str, int] | None = getattr(q, instrument)
        if given is None:
            return None
        return [
            {"linkId": i, "answer": [{"valueInteger": given[i]}]} for i in PROMIS_ITEMS[instrument]
        ]
    if instrument == "psfs" and q.psfs is not None:
        return [
            {
                "linkId": "psfs-activity",
                "item": [
                    {"linkId": "psfs-activity-name", "answer": [{"valueString": a.activity}]},
                    {"linkId": "psfs-activity-score", "answer": [{"valueInteger": a.score}]},
                ],
            }
            for a in q.psfs
        ]
    return None


def _responses(b: _Builder, entry: IntakeEntry) -> dict[str, str]:
    """One QuestionnaireResponse per answered instrument; instrument -> resource id."""
    made: dict[str, str] = {}
    for instrument in c.INSTRUMENTS:
        items = _answers(instrument, entry.intake)
        if items is None:
            continue
        rid = _uid(b.pid, f"intake/{entry.id}/qr/{instrument}")
        b.add(
            {
                "resourceType": "QuestionnaireResponse",
                "id": rid,
                "identifier": {"system": f"{c.CANONICAL}/sid/intake", "value": entry.id},
                "questionnaire": f"{c.questionnaire_url(instrument)}|{c.QUESTIONNAIRE_VERSION}",
                "status": "completed",
                "subject": b.patient_ref,
                "authored": _when(entry.created_at),
                "item": items,
            }
        )
        made[instrument] = rid
    return made


def _scores(b: _Builder, entry: IntakeEntry, qr: dict[str, str]) -> None:
    a = entry.assessment
    if a is None:
        return
    s = a.scores
    key = f"intake/{entry.id}/score"
    when = entry.created_at

    def derived(instrument: str) -> dict[str, Any]:
        return {"derivedFrom": [_ref(qr[instrument])]} if instrument in qr else {}

    odi = s.odi
    if odi is not None:
        b.obs(
            f"{key}/odi",
            [_loinc(c.LOINC_ODI_SCORE), _lumbo("odi-score", c.SCORES["odi-score"])],
            "ODI score",
            "survey",
            when,
            valueQuantity=_qty(float(odi.percent), "%"),
            interpretation=[{"text": f"{odi.band} disability"}],
            **derived("odi"),
        )
    rmdq = s.rmdq
    if rmdq:
        b.obs(
            f"{key}/rmdq",
            [_lumbo("rmdq-score", c.SCORES["rmdq-score"])],
            "RMDQ score",
            "survey",
            when,
            valueInteger=int(rmdq.score),
            **derived("rmdq"),
        )
    sb = s.start_back
    if sb:
        risk = str(sb.risk)
        b.obs(
            f"{key}/start-back",
            [_lumbo("start-back-total", c.SCORES["start-back-total"])],
            "STarT Back total score",
            "survey",
            when,
            valueInteger=int(sb.total),
            component=[
                {
                    "code": _cc("start-back-psychosocial", c.SCORES["start-back-psychosocial"]),
                    "valueInteger": int(sb.psychosocial),
                },
                {
                    "code": _cc("start-back-risk", c.SCORES["start-back-risk"]),
                    "valueCodeableConcept": _cc(f"answer-{risk}", c.ANSWERS[risk]),
                },
            ],
            **derived("start_back"),
        )
    fabq = s.fabq
    if fabq:
        b.obs(
            f"{key}/fabq",
            [_lumbo("fabq", c.SCORES["fabq"])],
            "FABQ subscales",
            "survey",
            when,
            component=[
                {"code": _cc("fabq-pa", c.SCORES["fabq-pa"]), "valueInteger": int(fabq.pa)},
                {"code": _cc("fabq-w", c.SCORES["fabq-w"]), "valueInteger": int(fabq.w)},
            ],
            **derived("fabq"),
        )
    promis = s.promis_pi
    if promis:
        form = f"promis_pi_{promis.form}"
        b.obs(
            f"{key}/promis-raw",
            [_lumbo("promis-pi-raw", c.SCORES["promis-pi-raw"])],
            f"PROMIS Pain Interference {promis.form} raw score",
            "survey",
            when,
            valueInteger=int(promis.raw),
            **derived(form),
        )
        if promis.t_score is not None:
            b.obs(
                f"{key}/promis-t",
                [_lumbo("promis-pi-t-score", c.SCORES["promis-pi-t-score"])],
                f"PROMIS Pain Interference {promis.form} T-score",
                "survey",
                when,
                valueQuantity=_qty(float(promis.t_score), "{score}"),
                **derived(form),
            )
    psfs = s.psfs
    if psfs:
        b.obs(
            f"{key}/psfs",
            [_lumbo("psfs-mean", c.SCORES["psfs-mean"])],
            "PSFS mean score",
            "survey",
            when,
            valueQuantity=_qty(float(psfs.mean), "{score}"),
            **derived("psfs"),
        )


# measurements ----------------------------------------------------------------------------------


def _at(doc: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = doc
    for part in path:
        if not isinstance(value, Mapping) or value.get(part) is None:
            return None
        value = value[part]
    return value


def _method(code: str) -> dict[str, Any]:
    return _cc(f"method-{code}", c.METHODS[code])


def _site(code: str) -> dict[str, Any]:
    return _cc(f"site-{code}", c.SITES[code])


def _measurements(b: _Builder, entry: IntakeEntry) -> None:
    doc = entry.intake.model_dump(mode="json")
    when = entry.created_at
    key = f"intake/{entry.id}/measure"
    rom_method = doc["measurements"].get("method")
    b.obs(
        f"{key}/age",
        [_lumbo("age", c.SCORES["age"])],
        "Age at assessment",
        "social-history",
        when,
        valueQuantity=_qty(entry.intake.person.age, "a"),
    )
    pain_now = entry.intake.symptoms.pain_now
    if pain_now is not None:
        b.obs(
            f"{key}/pain-now",
            [_loinc(c.LOINC_PAIN_NRS), _lumbo("pain-now", c.SCORES["pain-now"])],
            "Pain now, 0-10",
            "survey",
            when,
            valueInteger=pain_now,
        )
    for m in c.MEASURES:
        value = _at(doc, m.path)
        if value is None:
            continue
        extra: dict[str, Any] = {}
        if m.kind == "quantity":
            extra["valueQuantity"] = _qty(float(value), m.unit or "1")
        elif m.kind == "integer":
            extra["valueInteger"] = int(value)
        elif m.kind == "boolean":
            extra["valueBoolean"] = bool(value)
        else:
            extra["valueCodeableConcept"] = _cc(f"answer-{value}", c.ANSWERS[str(value)])
        method = m.method or rom_method
        if method is not None:
            extra["method"] = _method(method)
        if m.site is not None:
            extra["bodySite"] = _site(m.site)
        b.obs(f"{key}/{m.code}", [_lumbo(m.code, m.display)], m.display, m.category, when, **extra)
    seg_code, seg_display, seg_method = c.SEGMENT_MOBILITY
    for segment, mobility in sorted((doc["measurements"].get("segmental_mobility") or {}).items()):
        b.obs(
            f"{key}/{seg_code}/{segment}",
            [_lumbo(seg_code, seg_display)],
            f"{seg_display}, {segment}",
            "exam",
            when,
            valueCodeableConcept=_cc(f"answer-{mobility}", c.ANSWERS[mobility]),
            method=_method(seg_method),
            bodySite=_site(segment),
        )
    pain_code, pain_display, pain_method = c.SEGMENT_PAIN
    for segment, painful in sorted((doc["measurements"].get("segmental_pain") or {}).items()):
        b.obs(
            f"{key}/{pain_code}/{segment}",
            [_lumbo(pain_code, pain_display)],
            f"{pain_display}, {segment}",
            "exam",
            when,
            valueBoolean=bool(painful),
            method=_method(pain_method),
            bodySite=_site(segment),
        )


# findings --------------------------------------------------------------------------------------


def _finding_key(f: Finding) -> str:
    return "/".join(str(p) for p in (f.code, f.side, f.segment, f.direction))


def _conditions(b: _Builder) -> dict[str, str]:
    """One Condition per distinct finding across the assessments; finding key -> resource id."""
    assessed = [e for e in b.r.intakes if e.assessment is not None]
    first: dict[str, datetime] = {}
    last: dict[str, tuple[int, Finding]] = {}
    for i, e in enumerate(assessed):
        assert e.assessment is not None
        for f in e.assessment.findings:
            k = _finding_key(f)
            first.setdefault(k, e.created_at)
            last[k] = (i, f)
    made: dict[str, str] = {}
    for k, (i, f) in last.items():
        rid = _uid(b.pid, f"finding/{k}")
        active = i == len(assessed) - 1
        display = f.code.replace("_", " ").capitalize()
        words = [display.lower()]
        words += [f"{f.side} side"] if f.side else []
        words += [f"segment {f.segment}"] if f.segment else []
        words += [f"direction {f.direction}"] if f.direction else []
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "id": rid,
            "clinicalStatus": {
                "coding": [
                    {"system": c.CONDITION_CLINICAL, "code": "active" if active else "resolved"}
                ]
            },
            "category": [
                {"coding": [{"system": c.CONDITION_CATEGORY, "code": "problem-list-item"}]}
            ],
            "severity": _cc(f"answer-{f.severity.value}", c.ANSWERS[f.severity.value]),
            "code": {"coding": [_lumbo(f.code, display)], "text": ", ".join(words)},
            "subject": b.patient_ref,
            "onsetDateTime": _when(first[k]),
            "recordedDate": _when(assessed[i].created_at),
            "note": [{"text": ev} for ev in f.evidence],
        }
        if f.segment in c.SITES:
            resource["bodySite"] = [_site(f.segment)]
        if not active:
            resource["abatementDateTime"] = _when(assessed[i + 1].created_at)
        b.add(resource)
        made[k] = rid
    return made


# plan ------------------------------------------------------------------------------------------


def _plan_start(p: PlanEntry) -> date:
    return p.plan.start_date or p.created_at.date()


def _technique_blocks(plan: Plan) -> dict[str, list[tuple[int, int, Block]]]:
    """technique -> [(week, session index, block)] in plan order."""
    found: dict[str, list[tuple[int, int, Block]]] = {}
    for w in plan.weeks:
        for s in w.sessions:
            for blk in s.blocks:
                found.setdefault(blk.technique, []).append((w.week, s.index, blk))
    return found


def _care_plans(b: _Builder, conditions: dict[str, str]) -> list[str]:
    plan_ids: list[str] = []
    by_code: dict[str, list[str]] = {}
    for k, rid in conditions.items():
        by_code.setdefault(k.split("/")[0], []).append(rid)
    latest = max((p.version for p in b.r.plans), default=None)
    for p in b.r.plans:
        current = p.version == latest
        start = _plan_start(p)
        cp_id = _uid(b.pid, f"plan/{p.version}")
        activities: list[dict[str, Any]] = []
        addressed: list[str] = []
        for tid, uses in _technique_blocks(p.plan).items():
            name = b.r.technique_names.get(tid, tid)
            weeks = sorted({w for w, _, _ in uses})
            first_week = weeks[0]
            per_week = sum(1 for w, _, _ in uses if w == first_week)
            block = uses[0][2]
            reasons = [rid for code in block.addresses for rid in by_code.get(code, [])]
            addressed += [r for r in reasons if r not in addressed]
            sr_id = _uid(b.pid, f"plan/{p.version}/technique/{tid}")
            dose = dose_words(block.dose)
            text = (
                f"{name}: {dose}; weeks {weeks[0]}-{weeks[-1]}, "
                f"{per_week} session{'s' if per_week != 1 else ''} a week at first"
            )
            sr: dict[str, Any] = {
                "resourceType": "ServiceRequest",
                "id": sr_id,
                "status": "active" if current else "revoked",
                "intent": "plan",
                "code": {
                    "coding": [
                        {
                            "system": c.SNOMED,
                            "code": c.EXERCISE_THERAPY[0],
                            "display": c.EXERCISE_THERAPY[1],
                        }
                    ],
                    "text": name,
                },
                "orderDetail": [_cc(f"technique-{tid}", name)],
                "subject": b.patient_ref,
                "occurrenceTiming": {
                    "repeat": {
                        "boundsPeriod": {
                            "start": (start + timedelta(weeks=weeks[0] - 1)).isoformat(),
                            "end": (start + timedelta(weeks=weeks[-1], days=-1)).isoformat(),
                        },
                        "frequency": per_week,
                        "period": 1,
                        "periodUnit": "wk",
                        "duration": block.estimated_minutes,
                        "durationUnit": "min",
                    }
                },
                "authoredOn": _when(p.created_at),
                "patientInstruction": text,
                "note": [{"text": block.why}],
            }
            if reasons:
                sr["reasonReference"] = [_ref(r) for r in reasons]
            b.add(sr)
            activities.append({"reference": _ref(sr_id)})
        cp: dict[str, Any] = {
            "resourceType": "CarePlan",
            "id": cp_id,
            "identifier": [{"system": f"{c.CANONICAL}/sid/plan-version", "value": str(p.version)}],
            "status": "active" if current else "revoked",
            "intent": "plan",
            "title": f"12-week exercise plan, version {p.version}",
            "description": p.reason,
            "subject": b.patient_ref,
            "period": {
                "start": start.isoformat(),
                "end": (start + timedelta(weeks=12, days=-1)).isoformat(),
            },
            "created": _when(p.created_at),
        }
        if p.version > 1 and any(q.version == p.version - 1 for q in b.r.plans):
            cp["replaces"] = [_ref(_uid(b.pid, f"plan/{p.version - 1}"))]
        if addressed:
            cp["addresses"] = [_ref(r) for r in addressed]
        if activities:
            cp["activity"] = activities
        if p.plan.notes:
            cp["note"] = [{"text": n} for n in p.plan.notes]
        b.add(cp)
        plan_ids.append(cp_id)
    return plan_ids


def _adherence(b: _Builder, plan_ids: list[str]) -> None:
    if not b.r.plans:
        return
    latest = b.r.plans[-1]
    a = adherence(latest.plan, list(b.r.logs))
    when = max((lg.performed_on for lg in b.r.logs), default=latest.created_at.date())
    value: dict[str, Any] = (
        {"valueQuantity": _qty(a.percent, "%")}
        if a.percent is not None
        else {
            "dataAbsentReason": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                        "code": "not-applicable",
                    }
                ],
                "text": "no session was due yet",
            }
        }
    )
    components = [
        {
            "code": _cc("adherence-planned-sessions", c.SCORES["adherence-planned-sessions"]),
            "valueInteger": a.planned_sessions,
        },
        {
            "code": _cc("adherence-completed-sessions", c.SCORES["adherence-completed-sessions"]),
            "valueInteger": a.completed_sessions,
        },
    ]
    if a.sets_percent is not None:
        components.append(
            {
                "code": _cc("adherence-sets", c.SCORES["adherence-sets"]),
                "valueQuantity": _qty(a.sets_percent, "%"),
            }
        )
    b.obs(
        "adherence",
        [_lumbo("adherence", c.SCORES["adherence"])],
        f"Session adherence through week {a.through_week}",
        "activity",
        datetime(when.year, when.month, when.day, tzinfo=UTC),
        basedOn=[_ref(plan_ids[-1])],
        component=components,
        **value,
    )


# the bundle ------------------------------------------------------------------------------------


def code_system(technique_names: Mapping[str, str], version: str) -> dict[str, Any]:
    found = c.concepts(dict(technique_names))
    return {
        "resourceType": "CodeSystem",
        "id": "lumbo",
        "url": c.LUMBO_SYSTEM,
        "version": version,
        "name": "Lumbo",
        "title": "lumbo codes: findings, instruments, scores, measures, techniques",
        "status": "active",
        "publisher": "lumbo",
        "description": "Concepts lumbo records for which no verified LOINC or SNOMED CT code is used.",
        "caseSensitive": True,
        "content": "complete",
        "count": len(found),
        "concept": found,
    }


def patient_bundle(
    records: PatientRecords, *, version: str, generated_at: datetime
) -> dict[str, Any]:
    """The person's records as one FHIR R4 Bundle (a plain JSON-ready dict)."""
    b = _Builder(records)
    latest = records.intakes[-1].intake if records.intakes else None
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": b.pid,
        "identifier": [{"system": c.PERSON_ID_SYSTEM, "value": b.pid}],
    }
    if records.external_ref:
        patient["identifier"].append(
            {"system": c.EXTERNAL_REF_SYSTEM, "value": records.external_ref}
        )
    if latest is not None and latest.person.sex is not None:
        patient["gender"] = latest.person.sex.value
    b.add(patient)
    b.add(code_system(records.technique_names, version), c.LUMBO_SYSTEM)
    used = [
        i for i in c.INSTRUMENTS if any(_answers(i, e.intake) is not None for e in records.intakes)
    ]
    for instrument in used:
        b.add(build(instrument), c.questionnaire_url(instrument))
    for entry in records.intakes:
        qr = _responses(b, entry)
        _scores(b, entry, qr)
        _measurements(b, entry)
    conditions = _conditions(b)
    plan_ids = _care_plans(b, conditions)
    _adherence(b, plan_ids)
    device_id = _uid("lumbo", f"device/{version}")
    b.add(
        {
            "resourceType": "Device",
            "id": device_id,
            "deviceName": [{"name": "lumbo", "type": "manufacturer-name"}],
            "version": [{"value": version}],
        }
    )
    targets = [
        {"reference": e["fullUrl"]}
        for e in b.entries
        if e["resource"]["resourceType"] not in ("CodeSystem", "Questionnaire", "Device")
    ]
    b.add(
        {
            "resourceType": "Provenance",
            "id": _uid(b.pid, f"provenance/{_when(generated_at)}"),
            "target": targets,
            "recorded": _when(generated_at),
            "agent": [
                {
                    "type": {"coding": [{"system": c.PROVENANCE_AGENT, "code": "assembler"}]},
                    "who": {**_ref(device_id), "display": f"lumbo {version}"},
                }
            ],
        }
    )
    return {
        "resourceType": "Bundle",
        "id": _uid(b.pid, f"bundle/{_when(generated_at)}"),
        "meta": {"lastUpdated": _when(generated_at)},
        "type": "collection",
        "timestamp": _when(generated_at),
        "entry": fhir_strings(b.entries),
    }


# FHIR's string type (pattern ``^[ \r\n\t\S]+$``, a JavaScript regex) allows no whitespace but
# space, CR, LF and tab: a no-break space or a line separator typed into free text (a PSFS
# activity) would make the bundle invalid. These are the other characters JavaScript's \s matches.
_OTHER_SPACES = dict.fromkeys(
    map(ord, "\v\f\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"), " "
) | dict.fromkeys(range(0x2000, 0x200B), " ")


def fhir_strings(value: Any) -> Any:
    """``value`` with every string's other whitespace (see ``_OTHER_SPACES``) made a space."""
    if isinstance(value, str):
        return value.translate(_OTHER_SPACES)
    if isinstance(value, list):
        return [fhir_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: fhir_strings(v) for k, v in value.items()}
    return value
