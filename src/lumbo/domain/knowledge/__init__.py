"""The knowledge base: techniques, norms, thresholds and sources, shipped as data files."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from lumbo.domain.errors import KnowledgeBaseError
from lumbo.domain.knowledge.model import Role, Technique
from lumbo.domain.validation import problems_from

__all__ = [
    "Library",
    "library",
    "load_knowledge",
    "load_toml",
    "parse_knowledge",
    "techniques_from",
]

M = TypeVar("M", bound=BaseModel)


def load_toml(name: str) -> dict[str, Any]:
    """Read one TOML data file shipped in this package."""
    try:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        return tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise KnowledgeBaseError(f"knowledge file {name}: {err}") from err


def parse_knowledge(name: str, data: dict[str, Any], model: type[M]) -> M:
    """Validate the parsed TOML file ``name`` with its schema ``model`` (unknown keys refused): a
    fault is a :class:`KnowledgeBaseError` naming the file and each key at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        faults = [
            p.message if p.path == "(document)" else str(p) for p in problems_from(err, model)
        ]
        raise KnowledgeBaseError(f"knowledge file {name}: {'; '.join(faults)}") from err


def load_knowledge(name: str, model: type[M]) -> M:
    """Read and validate one knowledge file shipped in this package."""
    return parse_knowledge(name, load_toml(name), model)


class Library:
    """The validated technique library, with its cross-references checked."""

    def __init__(self, techniques: list[Technique]) -> None:
        ordered = sorted(techniques, key=lambda t: t.id)
        self._by_id = {t.id: t for t in ordered}
        if len(self._by_id) != len(ordered):
            seen: set[str] = set()
            dups = sorted({t.id for t in ordered if t.id in seen or seen.add(t.id)})  # type: ignore[func-returns-value]
            raise KnowledgeBaseError(f"duplicate technique ids: {', '.join(dups)}")
        for t in ordered:
            for ref in (*t.progressions, *t.regressions):
                if ref not in self._by_id:
                    raise KnowledgeBaseError(
                        f"technique {t.id}: unknown progression/regression {ref!r}"
                    )
                if ref == t.id:
                    raise KnowledgeBaseError(f"technique {t.id}: refers to itself")

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, technique_id: object) -> bool:
        return technique_id in self._by_id

    @property
    def techniques(self) -> tuple[Technique, ...]:
        return tuple(self._by_id.values())

    def get(self, technique_id: str) -> Technique:
        try:
            return self._by_id[technique_id]
        except KeyError:
            from lumbo.domain.errors import NotFound

            raise NotFound(f"no technique with id {technique_id!r}") from None

    def by_role(self, role: Role) -> tuple[Technique, ...]:
        return tuple(t for t in self._by_id.values() if t.role is role)


def techniques_from(name: str, data: dict[str, Any]) -> list[Technique]:
    """Validate the ``[[technique]]`` tables of one parsed TOML file.

    Any fault raises :class:`KnowledgeBaseError` naming the file and the technique id
    (or its index when the entry has no id).
    """
    unknown = sorted(set(data) - {"technique"})
    if unknown:
        raise KnowledgeBaseError(f"{name}: unknown top-level key(s) {', '.join(unknown)}")
    entries = data.get("technique", [])
    if not isinstance(entries, list):
        raise KnowledgeBaseError(f"{name}: 'technique' must be an array of tables ([[technique]])")
    techniques: list[Technique] = []
    for i, raw in enumerate(entries):
        where = str(raw.get("id", f"#{i}")) if isinstance(raw, dict) else f"#{i}"
        try:
            techniques.append(Technique.model_validate(raw))
        except ValidationError as err:
            details = "; ".join(str(p) for p in problems_from(err))
            raise KnowledgeBaseError(f"{name} {where}: {details}") from err
    return techniques


@cache
def library() -> Library:
    """The shipped technique library (loaded once, validated, cross-checked)."""
    folder = resources.files(__package__).joinpath("techniques")
    techniques: list[Technique] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".toml"):
            continue
        name = f"techniques/{entry.name}"
        techniques.extend(techniques_from(name, load_toml(name)))
    return Library(techniques)
