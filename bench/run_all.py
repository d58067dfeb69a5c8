"""Run every benchmark under bench/ (files named bench_*.py) in one process each, in name order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    failures = 0
    for script in sorted(here.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        done = subprocess.run([sys.executable, str(script)], check=False)
        failures += done.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
