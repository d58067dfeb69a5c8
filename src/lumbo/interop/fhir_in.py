"""FHIR R4 in: QuestionnaireResponses for the instruments lumbo ships -> an intake's
``questionnaires`` section. Pure: a decoded JSON document in, a JSON-ready dict out.

Accepted: a ``Bundle`` (any type; resources other than QuestionnaireResponse are ignored), one
``QuestionnaireResponse``, or a JSON list of them. When the document holds answers of several
intakes (an export with reassessments), the most recent set is used: responses are grouped by their
intake identifier (else by ``authored``) and the group authored last is taken.

Every fault is collected as a :class:`Problem` whose path names the resource and the element,
e.g. ``Bundle.entry[3].resource(QuestionnaireResponse/abc).item[linkId=odi-2].answer[0]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lumbo.domain.errors import InvalidInput, Problem
from lumbo.domain.scoring.topics import ODI_SECTIONS
from lumbo.interop.codes import INSTRUMENTS, questionnaire_url
from lumbo.interop.questionnaires import BOTHERSOMENESS, PROMIS_ITEMS

_URLS = {questionnaire_url(i): i for i in INSTRUMENTS}
_DONE = ("completed", "amended")


@dataclass(frozen=True, slots=True)
class _Response:
    where: str
    instrument: str
    group: str
    authored: str
    answers: Any


def questionnaires_from_fhir(document: Any) -> dict[str, Any]:
    """The intake ``questionnaires`` section the document's responses fill; InvalidInput naming
    each fault (resource and element) otherwise."""
    problems: list[Problem] = []
    found = _responses(document, problems)
    if not problems and not found:
        problems.append(
            Problem(
                _kind(document),
                "holds no QuestionnaireResponse for an instrument lumbo ships; expected a "
                "questionnaire of " + ", ".join(sorted(_URLS)),
            )
        )
    if problems:
        raise InvalidInput(problems, "FHIR document")
    order = {r.group: i for i, r in enumerate(found)}  # ties: the later in the document
    latest = max(found, key=lambda r: (r.authored, order[r.group]))
    chosen = [r for r in found if r.group == latest.group]
    out: dict[str, Any] = {}
    for r in chosen:
        if r.instrument in out:
            raise InvalidInput(
                [Problem(r.where, f"a second response to {r.instrument} for the same intake")],
                "FHIR document",
            )
        out[r.instrument] = r.answers
    return out


def _kind(document: Any) -> str:
    if isinstance(document, dict):
        return str(document.get("resourceType", "(document)"))
    return "(document)"


def _responses(document: Any, problems: list[Problem]) -> list[_Response]:
    if isinstance(document, list):
        items = [(f"[{i}]", r) for i, r in enumerate(document)]
    elif isinstance(document, dict) and document.get("resourceType") == "Bundle":
        entries = document.get("entry")
        if not isinstance(entries, list):
            problems.append(Problem("Bundle.entry", "must be a list of entries", entries))
            return []
        items = []
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not isinstance(e.get("resource"), dict):
                problems.append(Problem(f"Bundle.entry[{i}].resource", "must be a resource", e))
                continue
            items.append((f"Bundle.entry[{i}].resource", e["resource"]))
    elif isinstance(document, dict) and document.get("resourceType") == "QuestionnaireResponse":
        items = [("", document)]
    else:
        problems.append(
            Problem(
                "resourceType",
                "must be Bundle or QuestionnaireResponse (or a list of QuestionnaireResponses)",
                document.get("resourceType")
                if isinstance(document, dict)
                else type(document).__name__,
            )
        )
        return []
    out = []
    for prefix, resource in items:
        if not isinstance(resource, dict):
            problems.append(Problem(prefix or "(document)", "must be a JSON object", resource))
            continue
        if resource.get("resourceType") != "QuestionnaireResponse":
            if not prefix.startswith("Bundle"):
                problems.append(
                    Problem(
                        f"{prefix}.resourceType".lstrip("."),
                        "must be QuestionnaireResponse",
                        resource.get("resourceType"),
                    )
                )
            continue
        found = _response(prefix, resource, problems)
        if found is not None:
            out.append(found)
    return out


def _response(prefix: str, qr: dict[str, Any], problems: list[Problem]) -> _Response | None:
    rid = qr.get("id")
    name = f"QuestionnaireResponse/{rid}" if isinstance(rid, str) else "QuestionnaireResponse"
    where = f"{prefix}({name})" if prefix else name
    before = len(problems)
    canonical = qr.get("questionnaire")
    instrument = _URLS.get(canonical.split("|")[0]) if isinstance(canonical, str) else None
    if instrument is None:
        problems.append(
            Problem(
                f"{where}.questionnaire",
                "must be the canonical URL of a questionnaire lumbo ships: "
                + ", ".join(sorted(_URLS)),
                canonical,
            )
        )
    if qr.get("status") not in _DONE:
        problems.append(
            Problem(f"{where}.status", "must be completed or amended", qr.get("status"))
        )
    authored = qr.get("authored")
    if authored is not None and not isinstance(authored, str):
        problems.append(Problem(f"{where}.authored", "must be a dateTime string", authored))
    items = qr.get("item", [])
    if not isinstance(items, list):
        problems.append(Problem(f"{where}.item", "must be a list", items))
        return None
    if instrument is None:
        return None
    answers = _answers(instrument, where, items, problems)
    if len(problems) > before:
        return None
    ident = qr.get("identifier")
    group = ident.get("value") if isinstance(ident, dict) else None
    when = authored if isinstance(authored, str) else ""
    return _Response(where, instrument, str(group or when), when, answers)


def _by_link(where: str, items: list[Any], problems: list[Problem]) -> dict[str, tuple[str, Any]]:
    found: dict[str, tuple[str, Any]] = {}
    for i, item in enumerate(items):
        link = item.get("linkId") if isinstance(item, dict) else None
        if not isinstance(link, str):
            problems.append(Problem(f"{where}.item[{i}].linkId", "must be a string", link))
            continue
        path = f"{where}.item[linkId={link}]"
        if link in found:
            problems.append(Problem(path, "appears twice"))
            continue
        found[link] = (path, item)
    return found


def _one_answer(path: str, item: dict[str, Any], key: str, problems: list[Problem]) -> Any:
    answers = item.get("answer")
    if not isinstance(answers, list) or len(answers) != 1 or not isinstance(answers[0], dict):
        problems.append(Problem(f"{path}.answer", "must hold exactly one answer", answers))
        return None
    if key not in answers[0]:
        got = ", ".join(k for k in answers[0] if k.startswith("value")) or "none"
        problems.append(Problem(f"{path}.answer[0]", f"must be a {key} (got {got})"))
        return None
    return answers[0][key]


def _integer(path: str, item: dict[str, Any], low: int, high: int, problems: list[Problem]) -> Any:
    value = _one_answer(path, item, "valueInteger", problems)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(
            Problem(f"{path}.answer[0].valueInteger", f"must be an integer {low}-{high}", value)
        )
        return None
    return value


def _boolean(path: str, item: dict[str, Any], problems: list[Problem]) -> Any:
    value = _one_answer(path, item, "valueBoolean", problems)
    if value is not None and not isinstance(value, bool):
        problems.append(Problem(f"{path}.answer[0].valueBoolean", "must be true or false", value))
        return None
    return value


def _unknown(
    where: str, links: dict[str, Any], expected: list[str], problems: list[Problem]
) -> None:
    for link in links:
        if link not in expected:
            problems.append(
                Problem(
                    f"{where}.item[linkId={link}]",
                    "is not an item of this questionnaire; expected " + ", ".join(expected),
                )
            )


def _needed(
    where: str, links: dict[str, Any], expected: list[str], problems: list[Problem]
) -> bool:
    missing = [link for link in expected if link not in links]
    for link in missing:
        problems.append(Problem(f"{where}.item[linkId={link}]", "is required and missing"))
    return not missing


def _answers(instrument: str, where: str, items: list[Any], problems: list[Problem]) -> Any:
    links = _by_link(where, items, problems)
    if instrument == "psfs":
        return _psfs(where, links, items, problems)
    if instrument == "odi":
        expected = [f"odi-{n}" for n in range(1, len(ODI_SECTIONS) + 1)]
        _unknown(where, links, expected, problems)
        return [
            _integer(*links[link], 0, 5, problems) if link in links else None for link in expected
        ]
    if instrument == "rmdq":
        expected = [f"rmdq-{n}" for n in range(1, 25)]
        _unknown(where, links, expected, problems)
        if not _needed(where, links, expected, problems):
            return None
        return [_boolean(*links[link], problems) for link in expected]
    if instrument == "start_back":
        expected = [f"start-back-{n}" for n in range(1, 10)]
        _unknown(where, links, expected, problems)
        if not _needed(where, links, expected, problems):
            return None
        bits = [_boolean(*links[link], problems) for link in expected[:8]]
        path, item = links["start-back-9"]
        coding = _one_answer(path, item, "valueCoding", problems)
        code = coding.get("code") if isinstance(coding, dict) else None
        answer = (
            code[len("answer-") :] if isinstance(code, str) and code.startswith("answer-") else None
        )
        if coding is not None and answer not in BOTHERSOMENESS:
            allowed = ", ".join(f"answer-{b}" for b in BOTHERSOMENESS)
            problems.append(
                Problem(f"{path}.answer[0].valueCoding.code", f"must be one of {allowed}", code)
            )
        return [None if b is None else int(b) for b in bits] + [answer]
    if instrument == "fabq":
        expected = [f"fabq-{n}" for n in range(1, 17)]
        _unknown(where, links, expected, problems)
        if not _needed(where, links, expected, problems):
            return None
        return [_integer(*links[link], 0, 6, problems) for link in expected]
    expected = list(PROMIS_ITEMS[instrument])
    _unknown(where, links, expected, problems)
    if not _needed(where, links, expected, problems):
        return None
    return {link: _integer(*links[link], 1, 5, problems) for link in expected}


def _psfs(
    where: str, links: dict[str, tuple[str, Any]], items: list[Any], problems: list[Problem]
) -> Any:
    groups = [
        (i, item)
        for i, item in enumerate(items)
        if isinstance(item, dict) and item.get("linkId") == "psfs-activity"
    ]
    for link in links:
        if link != "psfs-activity":
            problems.append(
                Problem(
                    f"{where}.item[linkId={link}]",
                    "is not an item of this questionnaire; expected psfs-activity",
                )
            )
    # the group repeats: _by_link reported the repeats as "appears twice"; they are allowed here
    problems[:] = [
        p
        for p in problems
        if not (p.path == f"{where}.item[linkId=psfs-activity]" and p.message == "appears twice")
    ]
    if not 1 <= len(groups) <= 5:
        problems.append(
            Problem(f"{where}.item[linkId=psfs-activity]", "must appear 1 to 5 times", len(groups))
        )
        return None
    out = []
    for n, (_, group) in enumerate(groups):
        path = f"{where}.item[linkId=psfs-activity][{n}]"
        inner = group.get("item")
        if not isinstance(inner, list):
            problems.append(
                Problem(
                    f"{path}.item", "must list psfs-activity-name and psfs-activity-score", inner
                )
            )
            continue
        sub = _by_link(path, inner, problems)
        expected = ["psfs-activity-name", "psfs-activity-score"]
        _unknown(path, sub, expected, problems)
        if not _needed(path, sub, expected, problems):
            continue
        name_path, name_item = sub["psfs-activity-name"]
        name = _one_answer(name_path, name_item, "valueString", problems)
        if name is not None and (not isinstance(name, str) or not 1 <= len(name.strip()) <= 200):
            problems.append(
                Problem(f"{name_path}.answer[0].valueString", "must be 1-200 characters", name)
            )
        score = _integer(*sub["psfs-activity-score"], 0, 10, problems)
        out.append({"activity": name, "score": score})
    return out
