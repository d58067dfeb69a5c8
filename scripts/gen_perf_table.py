"""Regenerate the README's service performance table from one ``bench/bench_service.py --json``
run: ``python scripts/gen_perf_table.py artifacts/bench_service.json`` (``make bench-service``
writes that file)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_doc import fill_blocks

README = Path(__file__).resolve().parents[1] / "README.md"


def rows(doc: dict[str, Any], machine: str = "other work running") -> list[str]:
    out = [
        f"One `make bench-service` run on {doc['date']}, {doc['cores']}-core machine "
        f"(client threads and server on the same cores; {machine}). Ratios are what "
        "the goals judge.",
        "",
        "| database | figure | this run | goal |",
        "|---|---|---|---|",
    ]
    for r in doc["results"]:
        db = r["database"]
        a = r["alone"]
        trivial = a["trivial"]["rate"]
        out.append(
            f"| {db} | alone, 8 clients: writes / patient list API / page / trivial (req/s) | "
            f"{a['write']['rate']:.0f} / {a['dashboard']['rate']:.0f} / {a['page']['rate']:.0f}"
            f" / {trivial:.0f} | |"
        )
        out.append(f"| {db} | writes / trivial | {a['write']['rate'] / trivial:.2f} | >= 0.5 |")
        out.append(
            f"| {db} | patient list / trivial (API, page) | "
            f"{a['dashboard']['rate'] / trivial:.2f}, {a['page']['rate'] / trivial:.2f} | >= 0.5 |"
        )
        if "scoped" in a:  # the floor: what any authenticated, database-backed request costs
            me, scoped = a["me"]["rate"], a["scoped"]["rate"]
            out.append(
                f"| {db} | floor, alone, 8 clients: session check only / patient scope with its "
                f"audit row (req/s; ratio to trivial) | {me:.0f} ({me / trivial:.2f}) / "
                f"{scoped:.0f} ({scoped / trivial:.2f}) | |"
            )
            out.append(
                f"| {db} | writes / floor, patient list / floor (floor: patient scope) | "
                f"{a['write']['rate'] / scoped:.2f}, {a['dashboard']['rate'] / scoped:.2f} | |"
            )
        for clients, goal in (("8", "< 100 ms"), ("50", "< 250 ms")):
            mixed = r[f"mixed_{clients}"]
            cells = ", ".join(f"{k} {f['p50']:.0f}/{f['p99']:.0f}" for k, f in mixed.items())
            failed = sum(int(f["failed"]) for f in mixed.values())
            out.append(
                f"| {db} | mixed, {clients} clients: p50/p99 ms per kind ({failed} failed) | "
                f"{cells} | p99 {goal} |"
            )
        c = r["curve"]
        keys = sorted(c, key=int)
        out.append(
            f"| {db} | in-process write at {'/'.join(keys)} stored logs (ms) | "
            + " / ".join(f"{c[k]:.1f}" for k in keys)
            + f"; ratio {c[keys[-1]] / c[keys[0]]:.2f} | <= 1.2 |"
        )
        if "scale_out" in r:
            out.append(
                f"| {db} | `--workers 2` / 1 worker, mixed, 8 clients | {r['scale_out']:.2f} | "
                ">= 1.6 |"
            )
        out.append(f"| {db} | lost / duplicated writes | {r['lost']} / {r['duplicated']} | 0 / 0 |")
    return out


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print('usage: gen_perf_table.py BENCH_JSON ["what else the machine was doing"]')
        return 2
    doc = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    machine = argv[1] if len(argv) > 1 else "other work running"
    text = README.read_text(encoding="utf-8")
    block = {"performance": rows(doc, machine)}
    README.write_text(fill_blocks(text, block, "README.md"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
