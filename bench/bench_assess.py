"""Assessment throughput: validate + assess 10,000 generated intakes on one core (goal >= 2,000/s)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake_gen import generate_intakes

from lumbo.domain.assessment.assess import assess
from lumbo.domain.intake import parse_intake_json

N = 10_000
GOAL = 2_000.0


def main() -> None:
    texts = [json.dumps(doc) for doc in generate_intakes(N)]
    assess(parse_intake_json(texts[0]))  # warm the caches (knowledge files, schema)
    t0 = time.perf_counter()
    referrals = findings = 0
    for text in texts:
        a = assess(parse_intake_json(text))
        referrals += a.referral.required
        findings += len(a.findings)
    elapsed = time.perf_counter() - t0
    rate = N / elapsed
    print(f"assessed {N} intakes (JSON text -> validated intake -> assessment) in {elapsed:.2f} s")
    print(f"  intakes/s: {rate:,.0f}  (goal >= {GOAL:,.0f}; ratio to goal {rate / GOAL:.2f}x)")
    print(f"  referrals: {referrals}, findings: {findings} ({findings / N:.1f} per intake)")


if __name__ == "__main__":
    main()
