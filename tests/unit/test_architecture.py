"""Architecture rules that keep lumbo's layers honest, checked on the source itself.

Layers (docs/architecture.md): cli, web, jobs and the composition root (``lumbo.asgi``) are edges
that call ``services``; services reach the store only through the unit of work; ``domain`` is pure.
:func:`violations` checks a set of modules against the rules below; the tests run it on lumbo's
own source and on synthetic modules that break each rule, so the checker itself can fail.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
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


# --- layer rules (issue 13) -----------------------------------------------------------------

#: (package, packages it must never import)
LAYER_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("lumbo.services", ("lumbo.web", "lumbo.jobs", "lumbo.cli", "lumbo.asgi")),
    ("lumbo.store", ("lumbo.services", "lumbo.web", "lumbo.jobs", "lumbo.cli", "lumbo.asgi")),
    ("lumbo.jobs", ("lumbo.web", "lumbo.cli", "lumbo.asgi")),
    ("lumbo.web", ("lumbo.jobs", "lumbo.cli", "lumbo.asgi")),
    ("lumbo.settings", ("lumbo.services", "lumbo.web", "lumbo.jobs", "lumbo.cli")),
)
MAX_LINES = 400
#: Modules that may read lumbo's settings from the environment (``Settings.from_env``): the entry
#: points. Nothing else defines or calls a ``from_env``; parts get their section passed down.
ENTRY_POINTS = ("lumbo.cli", "lumbo.asgi")
#: Public service functions may not answer with an untyped JSON dict (issue 13: typed results).
#: The ones below still do, each with its reason; the list only shrinks.
UNTYPED_SERVICE_RESULTS: frozenset[str] = frozenset(
    {
        "lumbo.services.documents.handout",  # template context of the handout (HTML/PDF), no JSON
        "lumbo.services.documents.assessment_report",  # template context of the report
        "lumbo.services.documents.progress_report",  # template context of the report
        "lumbo.services.interop.read_fhir",  # an intake document (its own contract, DESIGN.md)
        "lumbo.services.interop.with_questionnaires",  # the same intake document
        "lumbo.services.uploads.check_framing",  # a framing check result (vision's contract)
    }
)
LONG_MODULE = re.compile(r"^# long-module: \S.{15,}")
LONG_MODULE_HEAD = 5  # the reason is the module's first line(s)


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _imported(tree: ast.AST, module: str) -> list[str]:
    """Every module ``module`` imports, relative imports resolved (``from lumbo import web`` counts
    as ``lumbo.web``)."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: -node.level]
                base = ".".join([*parent, base] if base else parent)
            names.append(base)
            names += [f"{base}.{a.name}" for a in node.names if base == "lumbo"]
    return names


def violations(modules: Mapping[str, str]) -> list[str]:
    """The rules each module (dotted name -> source) breaks, as readable lines."""
    found: list[str] = []
    for module, source in sorted(modules.items()):
        tree = ast.parse(source)
        imported = _imported(tree, module)
        for package, forbidden in LAYER_RULES:
            if not _inside(module, package):
                continue
            for name in imported:
                if any(_inside(name, f) for f in forbidden):
                    found.append(f"{module} imports {name} ({package} must not)")
        in_store = _inside(module, "lumbo.store")
        if not in_store:
            found += [
                f"{module} imports {name} (database access belongs in lumbo.store)"
                for name in imported
                if _inside(name, "sqlalchemy")
            ]
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in ("session", "_session"):
                    owner = node.value
                    if isinstance(owner, ast.Name) and "uow" in owner.id.lower():
                        found.append(f"{module} reaches {owner.id}.{node.attr} (use repositories)")
                if isinstance(node, ast.ClassDef):
                    for base in node.bases:
                        named = base.attr if isinstance(base, ast.Attribute) else None
                        named = base.id if isinstance(base, ast.Name) else named
                        if named and named.endswith("UnitOfWork"):
                            found.append(
                                f"{module} subclasses {named} (write in the unit of work instead)"
                            )
        found += _settings_rule(module, tree)
        found += _typed_results_rule(module, tree)
        lines = source.splitlines()
        if len(lines) > MAX_LINES and not any(
            LONG_MODULE.match(line) for line in lines[:LONG_MODULE_HEAD]
        ):
            found.append(
                f"{module} has {len(lines)} lines (over {MAX_LINES}) and no "
                "'# long-module: <reason>' at its top: split it or say why"
            )
    return found


def _settings_rule(module: str, tree: ast.AST) -> list[str]:
    """One settings model, read once at each entry point: ``from_env`` is defined only in
    ``lumbo.settings`` and called only as ``Settings.from_env`` in an entry point."""
    if module == "lumbo.settings":
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "from_env":
            found.append(f"{module} defines from_env (settings are read in lumbo.settings only)")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr != "from_env":
                continue
            owner = node.func.value
            named = owner.id if isinstance(owner, ast.Name) else ast.unparse(owner)
            at_entry = any(_inside(module, e) for e in ENTRY_POINTS)
            if named != "Settings" or not at_entry:
                found.append(
                    f"{module} calls {named}.from_env (only entry points read the environment, "
                    "through Settings.from_env; pass the settings down)"
                )
    return found


def _typed_results_rule(module: str, tree: ast.AST) -> list[str]:
    """Public service functions return typed results, not ``dict[str, Any]``."""
    if not _inside(module, "lumbo.services") or not isinstance(tree, ast.Module):
        return []
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name[0] == "_":
            continue
        returns = ast.unparse(node.returns) if node.returns is not None else ""
        named = f"{module}.{node.name}"
        if returns.replace(" ", "") == "dict[str,Any]" and named not in UNTYPED_SERVICE_RESULTS:
            found.append(f"{named} returns dict[str, Any] (services return typed results)")
    return found


def _source_modules() -> dict[str, str]:
    modules = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path.read_text(encoding="utf-8")
    return modules


def test_lumbo_keeps_its_layers() -> None:
    modules = _source_modules()
    assert "lumbo.services.uploads" in modules and "lumbo.store.unit_of_work" in modules
    assert violations(modules) == []


BIG = "x = 1\n" * (MAX_LINES + 1)


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("lumbo.services.x", "from lumbo.web.deps import Ctx\n", "lumbo.services must not"),
        ("lumbo.services.x", "from lumbo import web\n", "imports lumbo.web"),
        ("lumbo.services.x", "import lumbo.jobs.queue\n", "lumbo.services must not"),
        ("lumbo.services.x", "from lumbo.cli._common import console\n", "must not"),
        ("lumbo.services.x", "from ..web import auth\n", "imports lumbo.web"),
        ("lumbo.store.x", "from lumbo.services import journey\n", "lumbo.store must not"),
        ("lumbo.jobs.x", "from lumbo.web.app import create_app\n", "lumbo.jobs must not"),
        ("lumbo.web.x", "from lumbo.jobs.queue import JobQueue\n", "lumbo.web must not"),
        ("lumbo.web.x", "from sqlalchemy import select\n", "belongs in lumbo.store"),
        ("lumbo.services.x", "def f(uow):\n    return uow.session\n", "use repositories"),
        (
            "lumbo.jobs.x",
            "from lumbo.store.unit_of_work import SqlAlchemyUnitOfWork\n"
            "class F(SqlAlchemyUnitOfWork):\n    pass\n",
            "subclasses SqlAlchemyUnitOfWork",
        ),
        ("lumbo.web.x", BIG, "split it or say why"),
        ("lumbo.web.x", "# long-module: ok\n" + BIG, "split it or say why"),  # no real reason
        ("lumbo.store.x", "class S:\n    def from_env(cls): ...\n", "defines from_env"),
        ("lumbo.cli.x", "s = StoreSettings.from_env()\n", "calls StoreSettings.from_env"),
        ("lumbo.web.x", "s = Settings.from_env()\n", "only entry points read the environment"),
        ("lumbo.jobs.x", "q = QueueSettings.from_env(env)\n", "calls QueueSettings.from_env"),
        (
            "lumbo.services.x",
            "from typing import Any\ndef progress(uow) -> dict[str, Any]: ...\n",
            "services return typed results",
        ),
    ],
)
def test_the_checker_catches_a_deliberate_violation(
    module: str, source: str, expected: str
) -> None:
    found = violations({module: source})
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("lumbo.web.x", "from lumbo.services import uploads\n"),
        ("lumbo.cli.x", "from lumbo.jobs.queue import JobQueue\nfrom lumbo.web import app\n"),
        ("lumbo.asgi", "from lumbo.jobs.queue import dispatcher_for\nfrom lumbo.web import app\n"),
        ("lumbo.store.x", "from sqlalchemy import select\ndef f(uow):\n    return uow.session\n"),
        ("lumbo.web.x", "# long-module: the reason this module is long, in words\n" + BIG),
        ("lumbo.cli.x", "settings = Settings.from_env()\n"),
        ("lumbo.asgi", "settings = Settings.from_env()\n"),
        ("lumbo.settings", "class Settings:\n    def from_env(cls): ...\n"),
        ("lumbo.services.x", "from typing import Any\ndef _helper() -> dict[str, Any]: ...\n"),
        ("lumbo.web.x", "from typing import Any\ndef page() -> dict[str, Any]: ...\n"),
    ],
)
def test_what_the_layers_allow(module: str, source: str) -> None:
    assert violations({module: source}) == []
