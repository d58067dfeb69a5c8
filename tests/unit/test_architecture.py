"""Architecture rules that keep lumbo's layers honest, checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lumbo

SRC = Path(lumbo.__file__).resolve().parent
FORBIDDEN_IN_DOMAIN = (
    "lumbo.store",
    "lumbo.web",
    "lumbo.vision",
    "lumbo.jobs",
    "lumbo.cli",
    "lumbo.services",
)
ALLOWED_THIRD_PARTY_IN_DOMAIN = {"pydantic"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


DOMAIN_FILES = sorted((SRC / "domain").rglob("*.py"))


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_domain_is_pure(path: Path) -> None:
    import sys

    for name in _imports(path):
        assert not name.startswith(FORBIDDEN_IN_DOMAIN), f"{path.name} imports {name}"
        top = name.split(".")[0]
        if top in {"lumbo", "__future__"} or top in sys.stdlib_module_names:
            continue
        assert top in ALLOWED_THIRD_PARTY_IN_DOMAIN, f"{path.name} imports third-party {name}"


def test_public_api_is_explicit() -> None:
    exported = set(lumbo.__all__)
    assert exported == {
        "Conflict",
        "Intake",
        "InvalidInput",
        "KnowledgeBaseError",
        "LumboError",
        "NotFound",
        "Problem",
        "ReferralRequired",
        "__version__",
        "parse_intake",
        "parse_intake_json",
    }
    for name in exported:
        assert hasattr(lumbo, name)
    for cls in ("Conflict", "InvalidInput", "KnowledgeBaseError", "NotFound", "ReferralRequired"):
        assert issubclass(getattr(lumbo, cls), lumbo.LumboError)


NON_CLI_FILES = sorted(p for p in SRC.rglob("*.py") if "cli" not in p.relative_to(SRC).parts)


@pytest.mark.parametrize("path", NON_CLI_FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_only_the_cli_imports_the_cli(path: Path) -> None:
    if path.name == "__main__.py":
        return
    for name in _imports(path):
        assert not name.startswith("lumbo.cli"), f"{path.relative_to(SRC)} imports {name}"
