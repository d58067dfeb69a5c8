"""Shared by the doc generators: fill <!-- GENERATED:name --> blocks and the write / --check main."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path


def fill_blocks(text: str, blocks: Mapping[str, Sequence[str]], doc_label: str) -> str:
    """Replace the body of each GENERATED block; a missing marker pair is a SystemExit naming it."""
    for name, lines in blocks.items():
        pattern = re.compile(
            rf"(<!-- GENERATED:{name} -->\n)(?:.*?\n)?(<!-- /GENERATED:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"{doc_label} lacks the GENERATED:{name} markers")
        body = "\n".join(lines)

        def fill(m: re.Match[str], body: str = body) -> str:
            return m.group(1) + body + "\n" + m.group(2)

        text = pattern.sub(fill, text)
    return text


def regenerate(doc: Path, render: Callable[[str], str], stale_message: str, argv: list[str]) -> int:
    """Rewrite ``doc`` with ``render``; with ``--check`` exit 1 (printing the message) when stale."""
    current = doc.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh != current:
            print(stale_message)
            return 1
        return 0
    doc.write_text(fresh, encoding="utf-8")
    return 0
