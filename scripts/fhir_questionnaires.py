"""Write the packaged FHIR Questionnaires (src/lumbo/interop/questionnaires/*.json).

python scripts/fhir_questionnaires.py          # write
python scripts/fhir_questionnaires.py --check  # exit 1 if a packaged copy differs
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lumbo.interop.codes import INSTRUMENTS
from lumbo.interop.questionnaires import build, file_name

OUT = Path(__file__).resolve().parents[1] / "src" / "lumbo" / "interop" / "questionnaires"


def render(instrument: str) -> str:
    return json.dumps(build(instrument), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    OUT.mkdir(parents=True, exist_ok=True)
    for instrument in INSTRUMENTS:
        path = OUT / file_name(instrument)
        text = render(instrument)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("stale: " + ", ".join(stale) + " (run scripts/fhir_questionnaires.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
