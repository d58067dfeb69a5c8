"""The installable app's icons: the manifest lists 192 and 512 px PNGs (Chrome's install
criteria), each committed PNG has its size and is what scripts/gen_app_icons.py renders from the
SVG (issue 16)."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from lumbo.web.pages.app_shell import MANIFEST
from lumbo.web.pages.common import STATIC_DIR

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gen_app_icons.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_app_icons", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("size", [192, 512])
def test_manifest_lists_a_png_icon_of_the_size_and_it_matches_the_svg(size: int) -> None:
    (entry,) = [i for i in MANIFEST["icons"] if i["sizes"] == f"{size}x{size}"]  # type: ignore[attr-defined]
    assert entry["type"] == "image/png" and "any" in entry["purpose"]
    path = STATIC_DIR / entry["src"].removeprefix("/static/")
    committed = Image.open(path)
    assert committed.format == "PNG" and committed.size == (size, size)
    rendered = Image.open(io.BytesIO(_script().render(size)))
    diff = ImageChops.difference(committed.convert("RGBA"), rendered.convert("RGBA"))
    assert diff.getbbox() is None, f"{path.name} is stale: run scripts/gen_app_icons.py"
