"""Draw every technique's illustration (start and end side by side) into one contact sheet.

    .venv/bin/python scripts/gen_illustrations_sheet.py [docs/illustrations.png]

Needs CairoSVG (dev extra) to turn the SVG into PNG and Pillow to lay the sheet out.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import cairosvg
from PIL import Image, ImageDraw, ImageFont

from lumbo.domain.knowledge import library
from lumbo.reports.figure import illustration_svg

CELL_W, CELL_H, LABEL_H, COLS = 360, 165, 24, 5


def main(out: str = "docs/illustrations.png") -> None:
    techniques = library().techniques
    rows = (len(techniques) + COLS - 1) // COLS
    sheet = Image.new("RGB", (COLS * CELL_W, rows * (CELL_H + LABEL_H)), "white")
    draw = ImageDraw.Draw(sheet)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 14)
    except OSError:
        font = ImageFont.load_default()
    for i, t in enumerate(techniques):
        png = cairosvg.svg2png(
            bytestring=illustration_svg(t.id, t.name).encode(), output_width=CELL_W - 10
        )
        img = Image.open(io.BytesIO(png)).convert("RGBA")
        img.thumbnail((CELL_W - 10, CELL_H - 6))
        x, y = (i % COLS) * CELL_W, (i // COLS) * (CELL_H + LABEL_H)
        sheet.paste(
            img, (x + (CELL_W - img.width) // 2, y + LABEL_H + (CELL_H - img.height) // 2), img
        )
        draw.text((x + 8, y + 5), t.name[:44], fill="#222", font=font)
        draw.rectangle((x, y, x + CELL_W - 1, y + CELL_H + LABEL_H - 1), outline="#ddd")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    sheet.convert("P", palette=Image.Palette.ADAPTIVE, colors=48).save(out, optimize=True)
    print(f"{len(techniques)} illustrations -> {out}")
    one = Path(out).with_name("illustration-cat-camel.png")
    png = cairosvg.svg2png(
        bytestring=illustration_svg("cat-camel", "Cat-camel").encode(), output_width=720
    )
    # on white: the picture's background is transparent and its faint start copy is see-through
    # (dropping the alpha channel made the background black and the faint copy solid)
    picture = Image.open(io.BytesIO(png)).convert("RGBA")
    white = Image.new("RGBA", picture.size, "white")
    Image.alpha_composite(white, picture).convert("RGB").save(one, optimize=True)
    print(f"one illustration -> {one}")


if __name__ == "__main__":
    main(*sys.argv[1:])
