"""Generate the sample FHIR bundle of the example intake and docs/interop.md's generated blocks.

    python scripts/gen_interop_doc.py          # write docs/interop-sample-bundle.json and the doc
    python scripts/gen_interop_doc.py --check  # exit 1 if either is stale

The sample is the export of the bundled example intake, enrolled at a fixed moment with a fixed
person id (so the file is reproducible), plan version 1, no sessions logged yet.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_doc import fill_blocks

from lumbo import __version__
from lumbo.domain.assessment.assess import assess
from lumbo.domain.intake import parse_intake_json
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.engine import build_plan
from lumbo.interop.fhir_out import IntakeEntry, PatientRecords, PlanEntry, patient_bundle

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "interop.md"
SAMPLE = ROOT / "docs" / "interop-sample-bundle.json"
EXAMPLE = ROOT / "src" / "lumbo" / "examples" / "intake-seed-case.json"
WHEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PERSON = "0c8f7a52-5d4e-4f57-9a43-6c756d626f01"


def sample_bundle() -> dict[str, Any]:
    intake = parse_intake_json(EXAMPLE.read_text(encoding="utf-8"))
    assessment = assess(intake)
    plan = build_plan(intake, assessment)
    records = PatientRecords(
        person_id=PERSON,
        external_ref=intake.person.id,
        intakes=[
            IntakeEntry(
                "a5d1c0de-0000-4000-8000-000000000001", "baseline", WHEN, intake, assessment
            )
        ],
        plans=[PlanEntry(1, "initial plan", WHEN, plan)],
        logs=[],
        technique_names={t.id: t.name for t in library().techniques},
    )
    return patient_bundle(records, version=__version__, generated_at=WHEN)


def _first(bundle: dict[str, Any], kind: str, pick: str | None = None) -> dict[str, Any]:
    for e in bundle["entry"]:
        r = e["resource"]
        if r["resourceType"] == kind and (pick is None or pick in json.dumps(r["code"])):
            return dict(e)
    raise SystemExit(f"the sample has no {kind} {pick or ''}")


def blocks(bundle: dict[str, Any]) -> dict[str, list[str]]:
    counts = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    table = ["| resource | in the sample |", "|---|---|"]
    table += [f"| {k} | {v} |" for k, v in sorted(counts.items())]
    examples: list[str] = []
    picks = [
        ("QuestionnaireResponse", None, "ODI answers"),
        ("Observation", "97909-6", "the ODI score, derived from those answers"),
        ("Observation", "lumbar-flexion-rom", "a range-of-motion measurement"),
        ("Condition", None, "a finding"),
        ("ServiceRequest", None, "one technique of the plan"),
    ]
    for kind, pick, what in picks:
        entry = _first(bundle, kind, pick)
        text = json.dumps(entry, indent=2, ensure_ascii=False)
        examples += [f"**{kind}**: {what}", "", "```json", text, "```", ""]
    return {"interop-counts": table, "interop-examples": examples[:-1]}


def render_doc(current: str, bundle: dict[str, Any]) -> str:
    return fill_blocks(current, blocks(bundle), "docs/interop.md")


def main(argv: list[str]) -> int:
    bundle = sample_bundle()
    sample = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    doc = DOC.read_text(encoding="utf-8")
    fresh = render_doc(doc, bundle)
    if "--check" in argv:
        stale = [
            p.name
            for p, new, old in (
                (SAMPLE, sample, SAMPLE.read_text(encoding="utf-8") if SAMPLE.exists() else ""),
                (DOC, fresh, doc),
            )
            if new != old
        ]
        if stale:
            print("stale: " + ", ".join(stale) + " (run scripts/gen_interop_doc.py)")
            return 1
        return 0
    SAMPLE.write_text(sample, encoding="utf-8")
    DOC.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
