"""The shipped technique library: coverage, chains, safety attributes, honesty of the text."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from lumbo.domain.knowledge import library
from lumbo.domain.knowledge.model import (
    FINDING_CODES,
    Load,
    Mode,
    MoveDirection,
    NeuralTension,
    Position,
    Region,
    Role,
    Technique,
)

LIB = library()
ALL = LIB.techniques
MIN_TECHNIQUES = 44
MIN_PER_ROLE = 3
RELEASE_LIKE = {Role.release, Role.mobilize}
PSYCHOSOCIAL = {"ELEVATED_FEAR_AVOIDANCE", "HIGH_PSYCHOSOCIAL_RISK"}
LUMBAR_REGIONS = {Region.lumbar, Region.thoracolumbar}
HYPERMOBILITY = {"hypermobility_syndrome", "GENERALIZED_HYPERMOBILITY", "SEGMENTAL_HYPERMOBILITY"}


def texts(t: Technique) -> Iterable[str]:
    yield from (t.name, t.summary, t.rationale, *t.steps, *t.cues, *t.cautions)
    yield t.evidence.source
    if t.evidence.note:
        yield t.evidence.note


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;!?])\s+", text) if s]


# --- the safety rules of DESIGN.md, as the plan engine applies them to technique attributes ---


def excluded(t: Technique, conditions: frozenset[str], equipment: frozenset[str] | None) -> bool:
    """True when a person with these conditions/findings and equipment must not get ``t``."""
    if conditions & set(t.contraindications):
        return True
    if (
        "spondylolisthesis" in conditions
        and t.end_range
        and MoveDirection.extension in t.directions
    ):
        return True
    if (
        "osteoporosis" in conditions
        and t.end_range
        and {MoveDirection.flexion, MoveDirection.rotation} & set(t.directions)
        and t.load is not Load.none
    ):
        return True
    if "pregnancy" in conditions and Position.prone in t.positions:
        return True
    if (
        conditions & HYPERMOBILITY
        and t.end_range
        and t.mode is Mode.passive
        and LUMBAR_REGIONS & set(t.regions)
    ):
        return True
    return equipment is not None and not set(t.equipment) <= equipment


SCENARIOS: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {
    "pregnancy": (frozenset({"pregnancy"}), None),
    "spondylolisthesis": (frozenset({"spondylolisthesis"}), None),
    "osteoporosis": (frozenset({"osteoporosis"}), None),
    "hypermobility_syndrome": (frozenset({"hypermobility_syndrome"}), None),
    "generalized_hypermobility_finding": (frozenset({"GENERALIZED_HYPERMOBILITY"}), None),
    "segmental_hypermobility_finding": (frozenset({"SEGMENTAL_HYPERMOBILITY"}), None),
    "no_equipment": (frozenset(), frozenset()),
    "chair_only": (frozenset(), frozenset({"chair"})),
    "pregnancy_no_equipment": (frozenset({"pregnancy"}), frozenset()),
    "osteoporosis_chair_only": (frozenset({"osteoporosis"}), frozenset({"chair"})),
    "spondylolisthesis_mat_only": (frozenset({"spondylolisthesis"}), frozenset({"mat"})),
    "hypermobility_mat_only": (frozenset({"hypermobility_syndrome"}), frozenset({"mat"})),
}


def allowed(name: str) -> list[Technique]:
    conditions, equipment = SCENARIOS[name]
    return [t for t in ALL if not excluded(t, conditions, equipment)]


# --- size and coverage ---


def test_library_loads_with_enough_techniques() -> None:
    assert len(LIB) >= MIN_TECHNIQUES
    assert len({t.id for t in ALL}) == len(ALL)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_several_techniques(role: Role) -> None:
    assert len(LIB.by_role(role)) >= MIN_PER_ROLE


@pytest.mark.parametrize("code", FINDING_CODES)
def test_every_finding_code_is_addressed_at_least_twice(code: str) -> None:
    assert len([t for t in ALL if code in t.addresses]) >= 2


@pytest.mark.parametrize("code", FINDING_CODES)
def test_every_finding_has_a_release_and_stabilize_sharing_a_region(code: str) -> None:
    if code in PSYCHOSOCIAL:
        # Addressed by education and graded activity, never by breathing or mobility drills.
        roles = {t.role for t in ALL if code in t.addresses}
        assert roles <= {Role.education, Role.integrate} and Role.education in roles
        return
    """Every finding has a release-like technique, and a stabilize technique shares a region with
    it (the partner need not address the finding itself: bracing does not address a nerve)."""
    addressing = [t for t in ALL if code in t.addresses]
    releases = [t for t in addressing if t.role in RELEASE_LIKE]
    stabilizers = [t for t in ALL if t.role is Role.stabilize]
    pairs = [(r.id, s.id) for r in releases for s in stabilizers if set(r.regions) & set(s.regions)]
    assert pairs, f"{code}: no release/mobilize + stabilize pair sharing a region"


SEED_TECHNIQUES = [
    "segmental-bridge",
    "paraspinal-glide-band",
    "contralateral-isometric-rotation-hold",
    "hamstring-pnf-contract-relax",
    "hip-flexor-pnf-contract-relax",
    "ql-pnf-contract-relax",
    "thoracolumbar-foam-roll",
    "multifidus-activation-side-lying",
    "integrated-mobility-circuit-floor",
]
STAPLES = [
    "prone-press-up",
    "repeated-flexion-in-lying",
    "side-glide-standing",
    "bird-dog",
    "dead-bug",
    "side-plank-short",
    "side-plank-full",
    "glute-bridge",
    "cat-camel",
    "mcgill-curl-up",
    "hip-hinge-training",
    "hip-flexor-stretch-thomas",
    "hip-flexor-stretch-half-kneeling",
    "couch-stretch",
    "hamstring-90-90-active",
    "walking-program",
    "pain-neuroscience-education",
    "graded-exposure-lifting",
    "diaphragmatic-breathing-supine",
    "sciatic-slider-supine",
    "sciatic-tensioner-supine",
    "segmental-quadruped-flexion-extension",
    "side-lying-lumbar-rotation",
]


@pytest.mark.parametrize("technique_id", SEED_TECHNIQUES + STAPLES)
def test_required_technique_is_present(technique_id: str) -> None:
    assert technique_id in LIB


@pytest.mark.parametrize("technique_id", SEED_TECHNIQUES)
def test_seed_techniques_are_flagged_and_say_so_in_their_evidence(technique_id: str) -> None:
    t = LIB.get(technique_id)
    assert t.seed_article
    assert "seed" in f"{t.evidence.source} {t.evidence.note or ''}".lower()


def test_segment_specific_techniques_declare_segments() -> None:
    wanted = (
        ("SEGMENTAL_HYPOMOBILITY", Role.mobilize),
        ("SEGMENTAL_HYPERMOBILITY", Role.stabilize),
    )
    for code, role in wanted:
        assert any(t.segments for t in ALL if code in t.addresses and t.role is role), code


# --- progression chains ---


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.id)
def test_progressions_and_regressions_resolve_without_two_way_cycles(t: Technique) -> None:
    for ref in (*t.progressions, *t.regressions):
        assert ref in LIB and ref != t.id
    for ref in t.progressions:
        assert t.id not in LIB.get(ref).progressions, f"{t.id} <-> {ref} progress to each other"
        assert ref not in t.regressions
    for ref in t.regressions:
        assert t.id not in LIB.get(ref).regressions, f"{t.id} <-> {ref} regress to each other"


@pytest.mark.parametrize("edge", ["progressions", "regressions"])
def test_chains_have_no_cycles(edge: str) -> None:
    def walk(tid: str, path: tuple[str, ...]) -> None:
        assert tid not in path, f"cycle: {' -> '.join((*path, tid))}"
        for nxt in getattr(LIB.get(tid), edge):
            walk(nxt, (*path, tid))

    for t in ALL:
        walk(t.id, ())


# --- doses ---


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.id)
def test_dose_respects_the_dosing_facts(t: Technique) -> None:
    dose = t.dose
    assert dose.intensity_target is None or dose.intensity_target <= 7
    if dose.kind == "contract_relax":  # Sharman 2006: ~3 s at <= 20% effort
        assert dose.contract_s is not None and dose.contract_s <= 6
        assert dose.contract_effort_pct is not None and dose.contract_effort_pct <= 20
    if t.role is Role.release and dose.kind == "hold":  # Bandy & Irion 1994
        assert dose.hold_s is not None and 30 <= dose.hold_s <= 60
        assert dose.intensity_target is not None
    if t.role is Role.education:
        assert dose.kind == "education"


# --- neural: sliders before tensioners ---

TENSIONERS = [t for t in ALL if t.neural_tension is NeuralTension.tensioner]


# Techniques that load the sciatic nerve (straight knee with hip flexion and ankle dorsiflexion or
# a strap): tagged tensioners so that the neural sequencing rule catches them.
SCIATIC_LOADING = [
    "hamstring-stretch-supine-strap",  # strap straight-leg raise
    "hamstring-stretch-standing",  # toes-up hinge
    "hamstring-pnf-contract-relax",  # strap PNF
]


@pytest.mark.parametrize("tid", SCIATIC_LOADING)
def test_sciatic_loading_techniques_are_tensioners(tid: str) -> None:
    assert LIB.get(tid).neural_tension is NeuralTension.tensioner


def test_there_are_sliders_and_tensioners() -> None:
    assert TENSIONERS
    assert [t for t in ALL if t.neural_tension is NeuralTension.slider]


@pytest.mark.parametrize("t", [t for t in TENSIONERS if t.role is Role.neural], ids=lambda t: t.id)
def test_tensioners_regress_to_a_slider(t: Technique) -> None:
    assert any(LIB.get(r).neural_tension is NeuralTension.slider for r in t.regressions)
    assert not any(t.id in LIB.get(r).regressions for r in t.regressions)


# --- attributes agree with the safety rules and say so explicitly ---


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.id)
def test_explicit_contraindications_match_the_attributes(t: Technique) -> None:
    contra = set(t.contraindications)
    if t.end_range and MoveDirection.extension in t.directions:
        assert {"spondylolisthesis", "spinal_stenosis"} <= contra
    loaded = t.load is not Load.none
    if (
        t.end_range
        and loaded
        and {MoveDirection.flexion, MoveDirection.rotation} & set(t.directions)
    ):
        assert "osteoporosis" in contra
    if Position.prone in t.positions:
        assert "pregnancy" in contra
    if t.end_range and t.mode is Mode.passive and LUMBAR_REGIONS & set(t.regions):
        assert contra >= HYPERMOBILITY


def test_the_exclusion_rules_do_exclude_known_techniques() -> None:
    """Guards the scenario tests below against a rule helper that excludes nothing."""
    assert "prone-press-up" not in {t.id for t in allowed("pregnancy")}
    assert "standing-back-extension" not in {t.id for t in allowed("spondylolisthesis")}
    assert "child-pose-stretch" not in {t.id for t in allowed("osteoporosis")}
    assert "side-lying-lumbar-rotation" not in {t.id for t in allowed("hypermobility_syndrome")}
    assert "bird-dog" not in {t.id for t in allowed("no_equipment")}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("role", list(Role))
def test_a_plan_stays_buildable_after_exclusions(scenario: str, role: Role) -> None:
    left = [t for t in allowed(scenario) if t.role is role]
    assert len(left) >= 2, f"{scenario}: only {[t.id for t in left]} left for {role}"


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_allowed_release_has_an_allowed_stabilize_partner(scenario: str) -> None:
    left = allowed(scenario)
    stabilizers = [t for t in left if t.role is Role.stabilize]
    assert any(t.neural_tension is NeuralTension.slider for t in left)
    for r in (t for t in left if t.role is Role.release):
        assert any(set(r.regions) & set(s.regions) for s in stabilizers), r.id


# --- text: plain, honest, complete ---


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.id)
def test_steps_cues_and_cautions_are_usable(t: Technique) -> None:
    assert 3 <= len(t.steps) <= 7
    assert 1 <= len(t.cues) <= 4
    for text in (*t.steps, *t.cues):
        assert (text[:1].isupper() or text[:1].isdigit()) and text[-1] in ".!?:", text
    if t.role is not Role.education:
        assert t.cautions, "movement techniques say when to stop"
        assert any(word in " ".join(t.cautions).lower() for word in ("stop", "light-headed"))


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.id)
def test_weak_evidence_levels_carry_a_note(t: Technique) -> None:
    if t.evidence.level.value in {"technique_description", "secondary_source"}:
        assert t.evidence.note, "say what the basis is and what is missing"


CONTESTED = re.compile(r"golgi|autogenic|reciprocal inhibition", re.IGNORECASE)
HEDGE = re.compile(r"\bproposed\b|\bcontested\b|\bmay\b|not established", re.IGNORECASE)


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.id)
def test_contested_mechanisms_are_always_hedged(t: Technique) -> None:
    for text in texts(t):
        for sentence in sentences(text):
            if CONTESTED.search(sentence):
                assert HEDGE.search(sentence), f"unhedged mechanism claim: {sentence!r}"


def test_contested_mechanism_check_would_catch_a_bare_claim() -> None:
    bare = "PNF works through autogenic inhibition of the Golgi tendon organ."
    assert CONTESTED.search(bare) and not HEDGE.search(bare)


SEED_NUMBERS = re.compile(r"\b(78|41|68|32)\s?%|1\.7[- ]fold", re.IGNORECASE)


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.id)
def test_no_seed_statistics_and_no_frenzel_technique(t: Technique) -> None:
    for text in texts(t):
        assert not SEED_NUMBERS.search(text), text
    for text in (t.name, t.summary, t.rationale, *t.steps, *t.cues):
        assert "frenzel" not in text.lower()
    note = (t.evidence.note or "").lower()
    assert "frenzel" not in note or "no established" in note


# --- a broken data file is a KnowledgeBaseError naming the file and the technique ---

GOOD_ENTRY = """
[[technique]]
id = "test-entry"
name = "Test entry"
role = "stabilize"
summary = "A technique used only by the loader tests."
rationale = "Exists to check the validation path."
steps = ["Do one thing.", "Do another thing.", "Rest."]
cues = ["Breathe."]
directions = ["neutral"]
end_range = false
load = "none"
neural_tension = "none"
mode = "isometric"
positions = ["supine"]
regions = ["lumbar"]
dose = { kind = "hold", hold_s = 30, intensity_target = INTENSITY }
evidence = { level = "technique_description", source = "loader test", note = "test" }
"""


def _parse(text: str) -> list[Technique]:
    import tomllib

    from lumbo.domain.knowledge import techniques_from

    return techniques_from("techniques/broken.toml", tomllib.loads(text))


def test_a_valid_entry_passes_the_validation_path() -> None:
    assert [t.id for t in _parse(GOOD_ENTRY.replace("INTENSITY", "6"))] == ["test-entry"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (GOOD_ENTRY.replace("INTENSITY", "9"), "intensity_target"),
        (GOOD_ENTRY.replace("INTENSITY", "6").replace('"neutral"', '"sideways"'), "directions"),
        (
            GOOD_ENTRY.replace("INTENSITY", "6").replace(
                'kind = "hold", hold_s = 30', 'kind = "hold"'
            ),
            "hold_s",
        ),
        (GOOD_ENTRY.replace("INTENSITY", "6") + 'mystery = "x"\n', "mystery"),
    ],
)
def test_a_broken_entry_names_the_file_the_technique_and_the_field(text: str, field: str) -> None:
    from lumbo.domain.errors import KnowledgeBaseError

    with pytest.raises(KnowledgeBaseError) as err:
        _parse(text)
    message = str(err.value)
    assert "techniques/broken.toml" in message
    assert "test-entry" in message
    assert field in message


def test_a_misspelt_table_name_is_an_error_not_a_silently_empty_file() -> None:
    from lumbo.domain.errors import KnowledgeBaseError

    with pytest.raises(KnowledgeBaseError, match=r"broken\.toml.*techniqe"):
        _parse(GOOD_ENTRY.replace("INTENSITY", "6").replace("[[technique]]", "[[techniqe]]"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"progressions": ("no-such-technique",)}, "unknown progression/regression"),
        ({"regressions": ("test-entry",)}, "refers to itself"),
    ],
)
def test_the_library_rejects_dangling_or_self_references(
    change: dict[str, object], message: str
) -> None:
    from lumbo.domain.errors import KnowledgeBaseError
    from lumbo.domain.knowledge import Library

    entry = _parse(GOOD_ENTRY.replace("INTENSITY", "6"))[0].model_copy(update=change)
    with pytest.raises(KnowledgeBaseError, match=message):
        Library([entry])


def test_the_library_rejects_duplicate_ids() -> None:
    from lumbo.domain.errors import KnowledgeBaseError
    from lumbo.domain.knowledge import Library

    entry = _parse(GOOD_ENTRY.replace("INTENSITY", "6"))[0]
    with pytest.raises(KnowledgeBaseError, match="duplicate technique ids: test-entry"):
        Library([entry, entry])


# --- technique evidence names a sources.toml entry (i11) ---------------------------------------


def _source_entries() -> dict[str, dict[str, object]]:
    import tomllib
    from importlib import resources

    text = resources.files("lumbo.domain.knowledge").joinpath("sources.toml").read_text()
    return tomllib.loads(text)


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.id)
def test_technique_evidence_names_a_source_entry(t: Technique) -> None:
    entries = _source_entries()
    text = t.evidence.source
    named = [
        key
        for key, e in entries.items()
        if str(e.get("short", key)) in text or any(str(m) in text for m in e.get("matches", ()))  # type: ignore[attr-defined]
    ]
    assert named, f"{t.id}: evidence {text!r} names no sources.toml entry"


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("norms.toml", {"published_norm", "secondary"}),
        ("mcid.toml", {"published_mcid", "secondary", "policy"}),
    ],
)
def test_norms_and_mcids_carry_a_kind(name: str, allowed: set[str]) -> None:
    import tomllib
    from importlib import resources

    rows = tomllib.loads(resources.files("lumbo.domain.knowledge").joinpath(name).read_text())
    for key, row in rows.items():
        assert row.get("kind") in allowed, (name, key)


def test_promis_tables_carry_a_kind() -> None:
    import tomllib
    from importlib import resources

    text = resources.files("lumbo.domain.knowledge").joinpath("promis_pi.toml").read_text()
    for form, row in tomllib.loads(text)["form"].items():
        assert row.get("kind") in {"published_table", "secondary", "unavailable"}, form
