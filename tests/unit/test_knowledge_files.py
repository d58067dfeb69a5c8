"""Every TOML data file loads through a pydantic model that refuses unknown keys: one case per
file, with a misspelt key slipped into its first table, refused with a message naming the file and
the key (a misspelt key used to be ignored silently in the hand-parsed files)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import lumbo
from lumbo.domain.errors import KnowledgeBaseError
from lumbo.domain.knowledge import parse_knowledge, techniques_from
from lumbo.domain.knowledge.files import KNOWLEDGE_FILES
from lumbo.domain.knowledge.illustration import JointRangesFile, PoseFile, PosturesFile
from lumbo.domain.knowledge.patient_words import PatientWords
from lumbo.vision.form import FormRules

SRC = Path(lumbo.__file__).resolve().parent
KNOWLEDGE = SRC / "domain" / "knowledge"
TOML_FILES = sorted(SRC.rglob("*.toml"))
MISSPELT = "intensty_cap"


def _loader(path: Path) -> tuple[str, Callable[[dict[str, Any]], object]]:
    """The name a fault message uses for ``path`` and the loader the application uses for it."""
    rel = path.relative_to(KNOWLEDGE).as_posix() if path.is_relative_to(KNOWLEDGE) else path.name
    if rel == "patient_words.toml":
        return rel, lambda data: parse_knowledge(rel, data, PatientWords)
    if rel in KNOWLEDGE_FILES:
        return rel, lambda data: parse_knowledge(rel, data, KNOWLEDGE_FILES[rel])
    if rel.startswith("techniques/"):
        return rel, lambda data: techniques_from(rel, data)
    if rel == "poses/postures.toml":
        return rel, lambda data: parse_knowledge(rel, data, PosturesFile)
    if rel == "poses/joint_ranges.toml":
        return rel, lambda data: parse_knowledge(rel, data, JointRangesFile)
    if rel.startswith("poses/"):
        return rel, lambda data: parse_knowledge(rel, data, PoseFile)
    if rel == "form_rules.toml":
        return rel, lambda data: parse_knowledge(rel, data, FormRules)
    raise AssertionError(f"{path}: a TOML file without a schema; add its loader here")


def _misspelt(text: str) -> str:
    """``text`` with ``MISSPELT = 1`` as the first key of its first table (or of the document)."""
    header = re.search(r"^\[\[?[^\]]+\]\]?[ \t]*$", text, flags=re.M)
    at = 0 if header is None else header.end() + 1
    return text[:at] + f"{MISSPELT} = 1\n" + text[at:]


@pytest.mark.parametrize("path", TOML_FILES, ids=lambda p: p.relative_to(SRC).as_posix())
def test_a_misspelt_key_is_refused_naming_the_file_and_key(path: Path) -> None:
    name, load = _loader(path)
    text = path.read_text(encoding="utf-8")
    load(tomllib.loads(text))  # the shipped file loads
    with pytest.raises(KnowledgeBaseError) as err:
        load(tomllib.loads(_misspelt(text)))
    message = str(err.value)
    assert name in message and MISSPELT in message, message


def test_every_knowledge_file_has_a_schema() -> None:
    top = {p.name for p in KNOWLEDGE.glob("*.toml")}
    assert top == set(KNOWLEDGE_FILES) | {"patient_words.toml"}
    assert len(TOML_FILES) >= len(KNOWLEDGE_FILES) + 8 + 10 + 1  # + techniques, poses, form rules


def test_a_threshold_missing_a_value_or_unknown_is_refused() -> None:
    text = (KNOWLEDGE / "thresholds.toml").read_text(encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"thresholds\.toml.*fabq_w_flynn\.below.*missing"):
        parse_knowledge(
            "thresholds.toml",
            tomllib.loads(text.replace("below = 19\n", "", 1)),
            KNOWLEDGE_FILES["thresholds.toml"],
        )
    with pytest.raises(KnowledgeBaseError, match=r"thresholds\.toml.*odi_bandz: unknown threshold"):
        parse_knowledge(
            "thresholds.toml",
            tomllib.loads(text.replace("[odi_bands]", "[odi_bandz]", 1)),
            KNOWLEDGE_FILES["thresholds.toml"],
        )
