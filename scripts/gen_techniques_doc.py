"""Regenerate the generated sections of docs/techniques.md from the shipped technique library.

Usage: ``python scripts/gen_techniques_doc.py`` rewrites the file; ``--check`` exits 1 when stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

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
    for name, lines in blocks.items():
        pattern = re.compile(
            rf"(<!-- GENERATED:{name} -->\n)(?:.*?\n)?(<!-- /GENERATED:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"docs/techniques.md lacks the GENERATED:{name} markers")
        body = "\n".join(lines)

        def fill(m: re.Match[str], body: str = body) -> str:
            return m.group(1) + body + "\n" + m.group(2)

        text = pattern.sub(fill, text)
    return text


def main() -> int:
    current = DOC.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in sys.argv:
        if fresh != current:
            print("docs/techniques.md is stale: run scripts/gen_techniques_doc.py")
            return 1
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
