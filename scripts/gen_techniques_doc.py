"""Regenerate the generated sections of docs/techniques.md from the shipped technique library.

Usage: ``python scripts/gen_techniques_doc.py`` rewrites the file; ``--check`` exits 1 when stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_doc import fill_blocks, regenerate

from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.describe import describe_dose
from lumbo.domain.knowledge.model import Role, Technique

DOC = Path(__file__).resolve().parents[1] / "docs" / "techniques.md"


def _cell(values: object) -> str:
    if isinstance(values, tuple):
        text = ", ".join(str(v) for v in values) if values else "-"
    else:
        text = str(values)
    return text.replace("|", "\\|")


def summary_rows() -> list[str]:
    lib = library()
    rows = ["| role | techniques |", "|---|---|"]
    rows += [f"| {role.value} | {len(lib.by_role(role))} |" for role in Role]
    rows.append(f"| **total** | **{len(lib)}** |")
    return rows


def _row(t: Technique) -> str:
    cells = (
        f"`{t.id}`",
        t.name,
        t.role.value,
        _cell(t.positions),
        _cell(t.equipment) if t.equipment else "none",
        _cell(t.directions),
        "yes" if t.end_range else "no",
        t.load.value,
        t.mode.value,
        t.neural_tension.value,
        _cell(t.regions),
        describe_dose(t.dose),
        t.evidence.level.value + (" (seed idea)" if t.seed_article else ""),
    )
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def table_rows() -> list[str]:
    header = (
        "| id | name | role | positions | equipment | directions | end range | load | mode "
        "| neural | regions | starting dose | evidence |"
    )
    rows = [header, "|" + "---|" * 13]
    for role in Role:
        rows += [_row(t) for t in library().by_role(role)]
    return rows


def render(text: str) -> str:
    blocks = {"technique-summary": summary_rows(), "technique-table": table_rows()}
    return fill_blocks(text, blocks, "docs/techniques.md")


def main() -> int:
    return regenerate(
        DOC, render, "docs/techniques.md is stale: run scripts/gen_techniques_doc.py", sys.argv
    )


if __name__ == "__main__":
    raise SystemExit(main())
