# long-module: the wizard form is one mapping (schema-derived fields, questionnaire item layouts, values to intake and back) whose halves must change together
"""The intake wizard's form: one step per intake section, fields derived from the intake's JSON
Schema (``intake_json_schema()``, so a new intake field shows up here), the questionnaires laid out
item by item, and the mapping both ways between form values and the intake document.

Validation stays in the domain: :func:`to_intake` only turns strings into numbers where they read
as numbers; whatever is wrong is reported by ``parse_intake`` and :func:`field_errors` puts each
message next to its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from lumbo.domain.errors import Problem
from lumbo.domain.intake import PROMIS_4A, PROMIS_6A, PROMIS_8A, intake_json_schema
from lumbo.domain.scoring.topics import (
    FABQ_TOPICS,
    PROMIS_PI_TOPICS,
    RMDQ_TOPICS,
    START_BACK_TOPICS,
)

Kind = Literal["int", "float", "text", "date", "select", "tristate", "multi"]
SECTIONS = ("person", "preferences", "history", "red_flags", "symptoms", "measurements")
ODI_SECTIONS = (
    "pain intensity", "personal care", "lifting", "walking", "sitting", "standing", "sleeping",
    "sex life", "social life", "travelling",
)  # fmt: skip
PROMIS_FORMS = {"4a": PROMIS_4A, "6a": PROMIS_6A, "8a": PROMIS_8A}
# Item topics in lumbo's own words (lumbo.domain.scoring.topics): the instruments' wording is under
# licence; the clinician reads it from the form they gave, these say which item a box is.
RED_FLAG_QUESTIONS = {
    "saddle_anaesthesia": "numbness between the legs or around the back passage?",
    "bladder_or_bowel_dysfunction": "a new problem passing or holding urine or stool?",
    "progressive_neurological_deficit": "weakness or numbness in the legs getting worse?",
}
CAUDA_EQUINA = tuple(RED_FLAG_QUESTIONS)
TITLES = {
    "person": "Person",
    "preferences": "Preferences",
    "history": "History",
    "red_flags": "Red flags",
    "symptoms": "Symptoms",
    "questionnaires": "Questionnaires",
    "measurements": "Measurements",
}
INTROS = {
    "red_flags": "Leave a flag at 'not screened' when it was not asked: lumbo reports it as a "
    "caution. Any 'yes' may withhold the plan until a clinician has seen the person.",
    "questionnaires": "Leave a questionnaire empty when it was not given (it is then 'not "
    "assessed'). One missing ODI section is allowed.",
    "measurements": "Leave a measurement empty when it was not taken: lumbo never guesses it.",
}
UNITS = {"deg": "degrees", "cm": "cm", "kg": "kg", "days": "days"}


@dataclass(frozen=True, slots=True)
class FormField:
    name: str  # dotted path into the intake, list items by index: "questionnaires.odi.3"
    label: str
    kind: Kind
    options: tuple[tuple[str, str], ...] = ()
    low: float | None = None
    high: float | None = None
    required: bool = False
    max_length: int | None = None

    @property
    def ident(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", self.name)

    @property
    def step(self) -> str:
        return "1" if self.kind == "int" else "any"


@dataclass(frozen=True, slots=True)
class Group:
    title: str
    fields: tuple[FormField, ...]
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    title: str
    groups: tuple[Group, ...]
    intro: str | None = None

    @property
    def names(self) -> list[str]:
        return [f.name for g in self.groups for f in g.fields]


def _label(name: str) -> str:
    parts = name.split("_")
    unit = UNITS.get(parts[-1])
    words = " ".join(parts[:-1] if unit else parts)
    words = re.sub(r"\b(slr|ake|iv)\b", lambda m: m.group(1).upper(), words)
    text = words[:1].upper() + words[1:]
    return f"{text} ({unit})" if unit else text


def _options(values: Sequence[Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(v), str(v).replace("_", " ")) for v in values)


def _fields(
    name: str, node: dict[str, Any], defs: dict[str, Any], required: bool
) -> list[FormField]:
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    alts = [a for a in node.get("anyOf", []) if a.get("type") != "null"]
    if alts:
        return _fields(name, alts[0], defs, required)
    label = _label(name.rsplit(".", 1)[-1])
    if "enum" in node:
        return [FormField(name, label, "select", _options(node["enum"]), required=required)]
    kind = node.get("type")
    if kind in ("integer", "number"):
        return [
            FormField(
                name,
                label,
                "int" if kind == "integer" else "float",
                low=node.get("minimum"),
                high=node.get("maximum"),
                required=required,
            )
        ]
    if kind == "boolean":
        return [FormField(name, label, "tristate", required=required)]
    if kind == "string":
        if node.get("format") == "date":
            return [FormField(name, label, "date", required=required)]
        return [FormField(name, label, "text", required=required, max_length=node.get("maxLength"))]
    if kind == "array":
        items = node["items"]
        items = defs[items["$ref"].rsplit("/", 1)[-1]] if "$ref" in items else items
        return [FormField(name, label, "multi", _options(items["enum"]))]
    if kind == "object" and "properties" in node:
        out: list[FormField] = []
        for sub, sub_node in node["properties"].items():
            for f in _fields(f"{name}.{sub}", sub_node, defs, False):
                out.append(FormField(**{**_as_dict(f), "label": f"{label}: {f.label.lower()}"}))
        return out
    if kind == "object" and "propertyNames" in node:
        value = node["additionalProperties"]
        out = []
        for key in node["propertyNames"]["enum"]:
            for f in _fields(f"{name}.{key}", value, defs, False):
                out.append(FormField(**{**_as_dict(f), "label": f"{label}: {key}"}))
        return out
    raise ValueError(f"the wizard cannot show the intake field {name!r} ({node})")


def _as_dict(f: FormField) -> dict[str, Any]:
    return {k: getattr(f, k) for k in FormField.__slots__}


def _questionnaires() -> Step:
    odi = tuple(
        FormField(f"questionnaires.odi.{i}", f"{i + 1}. {title}", "int", low=0, high=5)
        for i, title in enumerate(ODI_SECTIONS)
    )
    rmdq = tuple(
        FormField(f"questionnaires.rmdq.{i}", f"{i + 1}. {topic}", "tristate")
        for i, topic in enumerate(RMDQ_TOPICS)
    )
    agree = (("1", "agree"), ("0", "disagree"))
    bother = ("not_at_all", "slightly", "moderately", "very_much", "extremely")
    sbst = (
        *(
            FormField(f"questionnaires.start_back.{i}", f"{i + 1}. {topic}", "select", agree)
            for i, topic in enumerate(START_BACK_TOPICS[:8])
        ),
        FormField(
            "questionnaires.start_back.8", "9. how bothersome overall", "select", _options(bother)
        ),
    )
    fabq = tuple(
        FormField(f"questionnaires.fabq.{i}", f"{i + 1}. {topic}", "int", low=0, high=6)
        for i, topic in enumerate(FABQ_TOPICS)
    )
    promis = (
        FormField(
            "questionnaires.promis_form", "Short form given", "select", _options(list(PROMIS_FORMS))
        ),
        *(
            FormField(
                f"questionnaires.promis.{code}",
                f"{n}. {PROMIS_PI_TOPICS[code]}",
                "int",
                low=1,
                high=5,
            )
            for n, code in enumerate(PROMIS_8A, 1)
        ),
    )
    psfs = tuple(
        f
        for i in range(5)
        for f in (
            FormField(f"questionnaires.psfs.{i}.activity", f"Activity {i + 1}", "text", max_length=200),
            FormField(f"questionnaires.psfs.{i}.score", f"Activity {i + 1} score", "int", low=0, high=10),
        )
    )  # fmt: skip
    return Step(
        "questionnaires",
        TITLES["questionnaires"],
        (
            Group("Oswestry Disability Index (ODI): each section 0-5", odi),
            Group("Roland-Morris (RMDQ): 24 statements", rmdq),
            Group("STarT Back Screening Tool", sbst),
            Group("Fear-Avoidance Beliefs (FABQ): items 0-6", fabq),
            Group("PROMIS pain interference", promis, "Items beyond the chosen form are ignored."),
            Group("Patient-Specific Functional Scale (PSFS): 0-10", psfs),
        ),
        INTROS["questionnaires"],
    )


@cache
def steps() -> tuple[Step, ...]:
    """The wizard's steps, in intake order."""
    schema = intake_json_schema()
    defs = schema["$defs"]
    out: list[Step] = []
    for key in SECTIONS:
        node = defs[schema["properties"][key]["$ref"].rsplit("/", 1)[-1]]
        required = set(node.get("required", ()))
        fields = [
            f
            for name, sub in node["properties"].items()
            for f in _fields(f"{key}.{name}", sub, defs, name in required)
        ]
        fields = [_worded(f) for f in fields]
        out.append(Step(key, TITLES[key], (Group(TITLES[key], tuple(fields)),), INTROS.get(key)))
        if key == "symptoms":
            out.append(_questionnaires())
    return tuple(out)


def _worded(f: FormField) -> FormField:
    """The cauda-equina questions asked as questions and required (an answer, yes or no, is
    needed before any plan); the patient reference explained."""
    field_name = f.name.rsplit(".", 1)[-1]
    if f.name.startswith("red_flags.") and field_name in RED_FLAG_QUESTIONS:
        label = f"{f.label} (cauda equina): {RED_FLAG_QUESTIONS[field_name]}"
        return FormField(**{**_as_dict(f), "label": label, "required": True})
    if f.name == "person.id":
        label = "Patient reference (your clinic's id: letters, digits, dots, dashes)"
        return FormField(**{**_as_dict(f), "label": label})
    return f


def all_fields() -> list[FormField]:
    return [f for s in steps() for g in s.groups for f in g.fields]


FormValues = Mapping[str, str | list[str]]


def _number(raw: str, kind: Kind) -> Any:
    try:
        value = float(raw)
    except ValueError:
        return raw  # the domain says what is wrong with it
    if kind == "int":
        return int(value) if value.is_integer() else raw
    return int(value) if value.is_integer() else value


def _value(f: FormField, raw: str | list[str]) -> Any:
    if f.kind == "multi":
        return list(raw) if isinstance(raw, list) else [raw] if raw else []
    text = (raw[0] if raw else "") if isinstance(raw, list) else raw
    text = text.strip()
    if text == "":
        return None
    if f.kind in ("int", "float"):
        return _number(text, f.kind)
    if f.kind == "tristate":
        return {"yes": True, "no": False}.get(text, text)
    if f.name.startswith("questionnaires.start_back.") and not f.name.endswith(".8"):
        return _number(text, "int")
    return text


def _put(doc: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        doc = doc.setdefault(part, {})
    doc[path[-1]] = value


def to_intake(form: FormValues) -> dict[str, Any]:
    """The intake document the form describes; empty fields are left out ("not assessed")."""
    doc: dict[str, Any] = {"schema_version": 1, "red_flags": {}}
    lists: dict[str, dict[int, Any]] = {}
    promis: dict[str, Any] = {}
    for f in all_fields():
        value = _value(f, form.get(f.name, ""))
        parts = f.name.split(".")
        if f.name == "questionnaires.promis_form" or parts[1] == "promis":
            if value is not None:
                promis[parts[-1]] = value
            continue
        if parts[0] == "questionnaires":
            if value is not None:
                index = int(parts[2])
                slot = lists.setdefault(parts[1], {})
                if len(parts) == 4:
                    slot.setdefault(index, {})[parts[3]] = value
                else:
                    slot[index] = value
            continue
        if value is None or value == []:
            continue
        _put(doc, parts, value)
    q: dict[str, Any] = {}
    sizes = {"odi": 10, "rmdq": 24, "start_back": 9, "fabq": 16}
    for name, items in lists.items():
        if name == "psfs":
            q["psfs"] = [items[i] for i in sorted(items)]
        else:
            q[name] = [items.get(i) for i in range(sizes[name])]
    form_name = promis.pop("promis_form", None)
    if form_name is not None:
        codes = PROMIS_FORMS.get(form_name, PROMIS_8A)
        q[f"promis_pi_{form_name}"] = {c: promis[c] for c in codes if c in promis}
    if q:
        doc["questionnaires"] = q
    return doc


def form_values(intake: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """The form values that describe ``intake`` (a JSON document): prefills the wizard."""
    out: dict[str, str | list[str]] = {}

    def text(v: Any) -> str:
        if isinstance(v, bool):
            return "yes" if v else "no"
        return f"{v:g}" if isinstance(v, float) else str(v)

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif (
            isinstance(node, list)
            and prefix.count(".") == 1
            and prefix.startswith(("preferences.", "history."))
        ):
            out[prefix] = [str(v) for v in node]
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(f"{prefix}.{i}", v)
        elif node is not None:
            out[prefix] = text(node)

    for key, value in intake.items():
        if key == "questionnaires" and isinstance(value, dict):
            for qname, qvalue in value.items():
                if qname.startswith("promis_pi_") and isinstance(qvalue, dict):
                    out["questionnaires.promis_form"] = qname.removeprefix("promis_pi_")
                    for code, item in qvalue.items():
                        out[f"questionnaires.promis.{code}"] = text(item)
                else:
                    walk(f"questionnaires.{qname}", qvalue)
        elif key != "schema_version":
            walk(key, value)
    return out


@dataclass(frozen=True, slots=True)
class Errors:
    by_field: dict[str, str] = field(default_factory=dict)
    summary: list[tuple[str, str, str | None]] = field(default_factory=list)  # path, msg, ident
    first_step: str | None = None


def field_errors(problems: Sequence[Problem]) -> Errors:
    """Each problem placed on its field (or the nearest enclosing one), in document order."""
    fields = {f.name: f for f in all_fields()}
    by_field: dict[str, str] = {}
    summary: list[tuple[str, str, str | None]] = []
    first: str | None = None
    for p in problems:
        name = re.sub(r"\[(\d+)\]", r".\1", p.path)
        name = re.sub(r"^questionnaires\.promis_pi_(4a|6a|8a)", "questionnaires.promis", name)
        target = name
        while target and target not in fields:
            candidates = [n for n in fields if n.startswith(target + ".")]
            if candidates:
                target = candidates[0]
                break
            target = target.rpartition(".")[0]
        if target in fields:
            by_field.setdefault(target, p.message)
        summary.append((p.path, p.message, fields[target].ident if target in fields else None))
        section = name.split(".", 1)[0]
        if first is None:
            first = section if section in TITLES else None
    return Errors(by_field, summary, first)
