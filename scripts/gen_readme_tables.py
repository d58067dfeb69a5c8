"""Regenerate the generated sections of README.md (between the GENERATED markers)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from lumbo.domain.sources_table import markdown_rows, markdown_sources

README = Path(__file__).resolve().parents[1] / "README.md"


def render(text: str) -> str:
    blocks = {
        "thresholds": "\n".join(markdown_rows()),
        "sources": "\n".join(markdown_sources()),
    }
    for name, body in blocks.items():
        pattern = re.compile(
            rf"(<!-- GENERATED:{name} -->\n)(?:.*?\n)?(<!-- /GENERATED:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"README.md lacks the GENERATED:{name} markers")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main() -> int:
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in sys.argv:
        if fresh != current:
            print("README.md generated tables are stale: run scripts/gen_readme_tables.py")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
