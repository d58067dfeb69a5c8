"""The SVG charts: well-formed, titled and described for screen readers, values placed right."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from lumbo.reports.svg import (
    NORM_BAND_LOW_PCT,
    Series,
    adherence_calendar,
    prom_chart,
    rom_chart,
    trend_chart,
)

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title, desc = root.find("s:title", NS), root.find("s:desc", NS)
    assert title is not None and title.text
    assert desc is not None and desc.text
    labelled = (root.get("aria-labelledby") or "").split()
    assert labelled == [title.get("id"), desc.get("id")]
    return root


def xs(root: ET.Element, cls: str, attr: str) -> list[float]:
    return [float(e.get(attr, "nan")) for e in root.iter() if e.get("class") == cls]


ROM = [
    {"measure": "lumbar_flexion_deg", "baseline_deg": 48.0, "now_deg": 55.0, "expected_deg": 54.1},
    {"measure": "lumbar_extension_deg", "baseline_deg": 9.0, "now_deg": None, "expected_deg": 20.6},
    {"measure": "slr_left_deg", "baseline_deg": None, "now_deg": None, "expected_deg": None},
]


def test_rom_bars_scale_with_values_and_the_band_ends_at_the_expected_value() -> None:
    root = parse(rom_chart(ROM))
    widths = xs(root, "bar-baseline", "width")
    assert len(widths) == 2  # the unmeasured SLR row is left out
    assert widths[0] / widths[1] == pytest.approx(48 / 9, rel=1e-3)
    assert len(xs(root, "bar-now", "width")) == 1  # extension not measured now
    band_x, band_w = xs(root, "norm-band", "x"), xs(root, "norm-band", "width")
    line_x = xs(root, "norm-line", "x1")
    assert band_x[0] + band_w[0] == pytest.approx(line_x[0], abs=0.02)
    left = 110
    assert (band_x[0] - left) / (line_x[0] - left) == pytest.approx(
        NORM_BAND_LOW_PCT / 100, abs=1e-3
    )
    desc = root.find("s:desc", NS)
    assert desc is not None and "Extension: baseline 9 deg, now not measured" in (desc.text or "")


def test_prom_mcid_line_sits_one_mcid_better_than_baseline() -> None:
    proms = [
        {
            "measure": "odi_percent",
            "baseline": 24.0,
            "now": 12.0,
            "mcid": 10.0,
            "better": "lower",
            "mcid_source": "ostelo2008",
        },
        {
            "measure": "psfs_mean",
            "baseline": 4.0,
            "now": 6.0,
            "mcid": 1.4,
            "better": "higher",
            "mcid_source": "maughan2010",
        },
        {"measure": "rmdq", "baseline": None, "now": None, "mcid": 5.0, "better": "lower"},
    ]
    root = parse(prom_chart(proms))
    assert xs(root, "mcid-line", "data-value") == [14.0, 5.4]
    assert xs(root, "dot-now", "data-value") == [12.0, 6.0]
    odi_base, odi_line = xs(root, "dot-baseline", "cx")[0], xs(root, "mcid-line", "x1")[0]
    assert odi_line < odi_base  # lower is better: the line is left of baseline
    psfs_base, psfs_line = xs(root, "dot-baseline", "cx")[1], xs(root, "mcid-line", "x1")[1]
    assert psfs_line > psfs_base


def test_adherence_calendar_marks_done_missed_due_and_upcoming() -> None:
    by_week = [
        {"week": 1, "planned": 4, "completed": 3},
        {"week": 2, "planned": 4, "completed": 1},
    ]
    root = parse(adherence_calendar(by_week))
    states = [e.get("class") for e in root.iter() if (e.get("class") or "").startswith("cell-")]
    assert states.count("cell-done") == 3 + 1
    assert states.count("cell-missed") == 1  # week 1's fourth session
    assert states.count("cell-due") == 3  # the current week is not over yet
    assert states.count("cell-upcoming") == 10 * 4
    weeks = [e.get("data-week") for e in root.iter() if e.get("class") == "cell-missed"]
    assert weeks == ["1"]
    desc = root.find("s:desc", NS)
    assert desc is not None and (desc.text or "").startswith("4 of 8 sessions done")


def test_trend_points_are_placed_by_value_and_limits_drawn() -> None:
    svg = trend_chart(
        ["22 Nov", "24 Nov", "26 Nov"],
        [Series("intensity", (5, None, 8), "#000"), Series("pain during", (2, 3, 1), "#333")],
        limits=[(7, "overstretch 7/10")],
    )
    root = parse(svg)
    pts = [e for e in root.iter() if e.get("class") == "pt"]
    assert [p.get("data-series") for p in pts].count("intensity") == 2  # the gap stays a gap
    by_value = {float(p.get("data-value", "0")): float(p.get("cy", "0")) for p in pts}
    assert by_value[8] < by_value[5] < by_value[1]  # higher values sit higher (smaller y)
    limit_y = xs(root, "limit", "y1")[0]
    assert by_value[8] < limit_y < by_value[5]


def test_text_is_escaped_and_empty_data_says_so() -> None:
    svg = trend_chart(["<b>&"], [Series("x<y", (1,), "#000")])
    parse(svg)
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
    for empty in (rom_chart([]), prom_chart([]), adherence_calendar([]), trend_chart([], [])):
        root = parse(empty)
        assert "yet" in "".join(root.itertext())
