"""Render the installable app's PNG icons (192 and 512 px, which Chrome's install criteria ask
for) from src/lumbo/web/static/icon.svg, once; the PNGs are committed next to it.
tests/unit/test_app_icons.py renders them again and compares.
Run: .venv/bin/python scripts/gen_app_icons.py
"""

from __future__ import annotations

from pathlib import Path

import cairosvg

STATIC = Path(__file__).resolve().parents[1] / "src" / "lumbo" / "web" / "static"
SIZES = (192, 512)


def render(size: int) -> bytes:
    """The icon as a ``size`` x ``size`` PNG."""
    png: bytes = cairosvg.svg2png(
        bytestring=(STATIC / "icon.svg").read_bytes(), output_width=size, output_height=size
    )
    return png


def main() -> None:
    for size in SIZES:
        out = STATIC / f"icon-{size}.png"
        out.write_bytes(render(size))
        print(f"wrote {out.relative_to(STATIC.parents[3])}")


if __name__ == "__main__":
    main()
