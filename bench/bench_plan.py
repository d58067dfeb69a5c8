"""Plan throughput: build 12-week plans for 10,000 generated intakes on one core (goal >= 200/s).

Intakes come from ``intake_gen.generate_intakes`` (``random.Random(seed)``, deterministic). Two
figures: plans/s (``build_plan`` alone, on intakes already validated and assessed; by wall clock
and by this process's CPU time) and intakes/s (validate + assess + plan, end to end). One process,
no parallelism.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake_gen import generate_intakes

from lumbo.domain.assessment.assess import assess
from lumbo.domain.intake import parse_intake
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.engine import build_plan

N = 10_000
GOAL = 200.0


def main() -> None:
    docs = generate_intakes(N)
    lib = library()
    first = parse_intake(docs[0])
    build_plan(first, assess(first), lib)  # warm the caches (knowledge files, per-library index)

    t0 = time.perf_counter()
    pairs = []
    for doc in docs:
        intake = parse_intake(doc)
        pairs.append((intake, assess(intake)))
    assessed = time.perf_counter() - t0

    t1, c1 = time.perf_counter(), time.process_time()
    ok = referrals = sessions = blocks = 0
    for intake, assessment in pairs:
        plan = build_plan(intake, assessment, lib)
        if plan.status == "ok":
            ok += 1
            sessions += sum(len(w.sessions) for w in plan.weeks)
            blocks += sum(len(s.blocks) for w in plan.weeks for s in w.sessions)
        else:
            referrals += 1
    planned = time.perf_counter() - t1
    planned_cpu = time.process_time() - c1

    plans_per_s = N / planned
    intakes_per_s = N / (assessed + planned)
    print(f"library: {len(lib)} techniques; {N} generated intakes (seed fixed)")
    print(f"  plans/s:   {plans_per_s:,.0f}  (build_plan only; goal >= {GOAL:,.0f}, "
          f"ratio {plans_per_s / GOAL:.2f}x)")  # fmt: skip
    print(f"  plans/s by CPU time of this process: {N / planned_cpu:,.0f}  "
          "(what one core does when the machine is shared)")  # fmt: skip
    print(f"  intakes/s: {intakes_per_s:,.0f}  (validate + assess + plan, end to end)")
    print(f"  plans ok: {ok}, referral_required: {referrals}; "
          f"{sessions / max(ok, 1):.1f} sessions and {blocks / max(sessions, 1):.1f} blocks "
          "per session on average")  # fmt: skip


if __name__ == "__main__":
    main()
