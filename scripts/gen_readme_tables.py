"""Regenerate the generated sections of README.md (between the GENERATED markers)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_doc import fill_blocks, regenerate

from lumbo.domain.sources_table import markdown_rows, markdown_sources

README = Path(__file__).resolve().parents[1] / "README.md"


def render(text: str) -> str:
    blocks = {"thresholds": markdown_rows(), "sources": markdown_sources()}
    return fill_blocks(text, blocks, "README.md")


def main() -> int:
    return regenerate(
        README,
        render,
        "README.md generated tables are stale: run scripts/gen_readme_tables.py",
        sys.argv,
    )


if __name__ == "__main__":
    raise SystemExit(main())
