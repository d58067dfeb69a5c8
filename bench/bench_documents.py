"""Pictures and documents: draw every technique's illustration (still and animated), then one
12-week home-exercise handout as PDF (goal: under 2 s).

One process, cold: the pose solver's and picture caches start empty and WeasyPrint is not yet
imported, so the first handout pays for its pictures and for loading the PDF library (printed apart
as well). Figures are wall clock and this process's CPU time (the machine may be shared:
CPU time is the steadier figure). The handout is the example patient's, every different session of
the 12 weeks (``lumbo report handout --whole-plan``), in a temporary SQLite store.
"""

from __future__ import annotations

import io
import tempfile
import time
from datetime import date
from pathlib import Path

from lumbo.domain.knowledge import library
from lumbo.reports.documents import render_html, to_pdf
from lumbo.reports.figure import illustration_svg
from lumbo.services import documents, journey
from lumbo.store.db import open_store
from lumbo.store.settings import StoreSettings

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 2.0


class Timer:
    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def main() -> None:
    ids = [t.id for t in library().techniques]
    with Timer() as still:
        for tid in ids:
            illustration_svg(tid)
    with Timer() as moving:
        for tid in ids:
            illustration_svg(tid, animated=True)
    print(f"illustrations: {len(ids)} techniques")
    print(f"  still (start and end):  wall {still.wall:.2f} s  cpu {still.cpu:.2f} s  "
          f"({1000 * still.wall / len(ids):.0f} ms each)")  # fmt: skip
    print(f"  animated (SMIL):        wall {moving.wall:.2f} s  cpu {moving.cpu:.2f} s")

    illustration_svg.cache_clear()  # the handout below starts cold, pictures included
    from lumbo.reports.figure import _solve_cached

    _solve_cached.cache_clear()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(StoreSettings(f"sqlite:///{Path(tmp) / 'bench.db'}"))
        try:
            example = (ROOT / "examples" / "intake-seed-case.json").read_text(encoding="utf-8")
            pid = journey.init_person(store.uow(), example).person.id
            on = date.today()
            runs = []
            with Timer() as t_import:  # part of the cold pdf figure: to_pdf imports it on first use
                import weasyprint  # noqa: F401
            for _ in range(2):
                with Timer() as t_data:
                    data = documents.handout(
                        store.uow, pid, on, app_url="http://127.0.0.1:8000/", whole_plan=True
                    )
                with Timer() as t_html:
                    html = render_html(data)
                with Timer() as t_pdf:
                    pdf = to_pdf(html)
                if not runs:
                    t_pdf.wall += t_import.wall
                    t_pdf.cpu += t_import.cpu
                runs.append((t_data, t_html, t_pdf))
            with Timer() as t_week:
                week_pdf = to_pdf(
                    render_html(documents.handout(store.uow, pid, on, app_url="http://x/"))
                )
        finally:
            store.close()
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    exercises = sum(len(s["exercises"]) for s in data["sessions"])
    print(f"12-week handout: {len(data['sessions'])} sessions, {exercises} exercises, "
          f"{pages} pages, {len(pdf) // 1024} KiB")  # fmt: skip
    for label, (d, h, p) in zip(("cold", "warm"), runs, strict=True):
        wall = d.wall + h.wall + p.wall
        cpu = d.cpu + h.cpu + p.cpu
        print(f"  {label}: data {d.wall:.2f} s + html {h.wall:.2f} s + pdf {p.wall:.2f} s = "
              f"wall {wall:.2f} s, cpu {cpu:.2f} s")  # fmt: skip
    print(f"    (cold pdf includes importing WeasyPrint: wall {t_import.wall:.2f} s, "
          f"cpu {t_import.cpu:.2f} s)")  # fmt: skip
    week_pages = len(PdfReader(io.BytesIO(week_pdf)).pages)
    print(f"this week's handout (the default of the web and `lumbo report handout`): "
          f"{week_pages} pages, wall {t_week.wall:.2f} s, cpu {t_week.cpu:.2f} s")  # fmt: skip
    d, h, p = runs[0]
    cpu = d.cpu + h.cpu + p.cpu
    wall = d.wall + h.wall + p.wall
    verdict = "met" if cpu < GOAL_S else "NOT met"
    print(
        f"  goal: a handout in under {GOAL_S:g} s: {verdict} by CPU time ({cpu:.2f} s; "
        f"wall {wall:.2f} s on this machine, ratio wall/cpu {wall / cpu:.1f})"
    )


if __name__ == "__main__":
    main()
