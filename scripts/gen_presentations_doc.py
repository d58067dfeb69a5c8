"""Regenerate the presentations table of docs/clinical-safety.md from the code: for each constructed
presentation (``lumbo.examples.presentations``), the referral, the classification and week 1.

Usage: ``python scripts/gen_presentations_doc.py`` rewrites the file; ``--check`` exits 1 when stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_doc import fill_blocks, regenerate

from lumbo.domain.assessment.assess import assess
from lumbo.domain.intake import parse_intake
from lumbo.domain.knowledge import library
from lumbo.domain.protocol.engine import build_plan
from lumbo.examples.presentations import PRESENTATIONS, Presentation

DOC = Path(__file__).resolve().parents[1] / "docs" / "clinical-safety.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def row(p: Presentation) -> str:
    intake = parse_intake(p.intake())
    a = assess(intake)
    plan = build_plan(intake, a)
    r = a.referral
    referral = (
        "none"
        if not r.required
        else f"**{r.urgency}**: " + "; ".join(reason.split(" — ")[0] for reason in r.reasons)
    )
    rules = []
    for key, label in (("flynn_manipulation", "Flynn"), ("hicks_stabilization", "Hicks")):
        rule = a.rules[key]
        state = (
            "not applicable"
            if not rule.applicable
            else ("positive" if rule.positive else "negative")
        )
        rules.append(f"{label} {state} ({rule.count}/{rule.of})")
    c = a.classification
    classification = (
        f"{c.approach.replace('_', ' ')}; category: {(c.tbc or 'none').replace('_', ' ')}; "
        f"psychosocial risk: {c.psychosocial_risk or 'not assessed'}; " + ", ".join(rules)
    )
    if plan.status != "ok":
        week1 = "no plan"
    else:
        lib = library()
        sessions = []
        for s in plan.weeks[0].sessions[:2]:
            names = ", ".join(lib.get(b.technique).name for b in s.blocks)
            sessions.append(f"S{s.index}: {names}")
        week1 = " / ".join(sessions)
    return f"| {_cell(p.title)} | {_cell(referral)} | {_cell(classification)} | {_cell(week1)} |"


def rows() -> list[str]:
    out = [
        "| presentation | referral | classification | week 1 (first two sessions) |",
        "|---|---|---|---|",
    ]
    return out + [row(p) for p in PRESENTATIONS]


def render(current: str) -> str:
    return fill_blocks(current, {"presentations": rows()}, "docs/clinical-safety.md")


if __name__ == "__main__":
    sys.exit(
        regenerate(
            DOC,
            render,
            "docs/clinical-safety.md is stale: run scripts/gen_presentations_doc.py",
            sys.argv,
        )
    )
