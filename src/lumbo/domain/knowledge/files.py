"""Schemas of the knowledge data files: every TOML file loads through a pydantic model.

Unknown keys are refused everywhere (``extra="forbid"``), so a misspelt key is a
:class:`KnowledgeBaseError` naming the file and the key, never silently ignored (a misspelt
``intensity_cap`` used to leave the phase without one). The loaders turn the models into the
modules' own objects (:mod:`lumbo.domain.progression`, :mod:`lumbo.domain.thresholds`,
:mod:`lumbo.domain.norms`, :mod:`lumbo.domain.outcomes.reassessment`,
:mod:`lumbo.domain.scoring.promis`); techniques and poses have their models in
:mod:`lumbo.domain.knowledge.model` and :mod:`lumbo.domain.knowledge.illustration`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, RootModel, model_validator

from lumbo.domain.knowledge.model import Load, NeuralTension, Role
from lumbo.domain.knowledge.self_directed import SelfDirectedFile, SelfTestsFile


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sources.toml ---------------------------------------------------------------------------------
class SourceEntry(_Strict):
    short: str | None = None
    citation: str
    verified: bool = True
    kind: str | None = None
    matches: tuple[str, ...] = ()


class SourcesFile(RootModel[dict[str, SourceEntry]]):
    pass


# --- norms.toml -----------------------------------------------------------------------------------
class NormRow(_Strict):
    kind: str
    source: str
    age_from: float
    age_to: float
    value_from: float
    value_to: float


class NormsFile(_Strict):
    lumbar_flexion_deg: NormRow
    lumbar_extension_deg: NormRow
    lateral_flexion_deg: NormRow
    rotation_deg: NormRow


# --- thresholds.toml ------------------------------------------------------------------------------
ThresholdKind = Literal["published_cutoff", "published_norm", "secondary", "policy"]

THRESHOLD_VALUES: dict[str, frozenset[str]] = {
    "odi_bands": frozenset({"bands", "max_missing_sections"}),
    "start_back": frozenset({"high_psychosocial_min", "low_total_max"}),
    "fabq_w_flynn": frozenset({"below"}),
    "fabq_w_elevated": frozenset({"above"}),
    "fabq_pa_hicks_failure": frozenset({"at_most"}),
    "psfs_mdc90": frozenset({"mean_points", "single_activity_points"}),
    "rmdq_floor_ceiling": frozenset({"above", "below"}),
    "rom_percent_of_expected": frozenset({"moderate_below", "restricted_below", "severe_below"}),
    "modified_schober": frozenset({"reduced_below_cm"}),
    "rotation_asymmetry": frozenset({"min_difference_deg", "min_ratio_of_larger"}),
    "lateral_flexion_asymmetry": frozenset({"min_difference_deg"}),
    "ake_tight": frozenset({"female_above", "male_above"}),
    "ake_90_90": frozenset({"above"}),
    "thomas_hip": frozenset({"above"}),
    "thomas_knee": frozenset({"below"}),
    "muscle_length_severity": frozenset({"moderate_beyond_deg", "severe_beyond_deg"}),
    "beighton": frozenset({"adult_min", "child_age_below", "child_min", "over_50_min"}),
    "flynn_rule": frozenset({"duration_below_days", "hip_ir_above_deg", "positive_min"}),
    "hicks_rule": frozenset(
        {"age_below", "avg_slr_above_deg", "failure_positive_min", "positive_min"}
    ),
    "alrwaily_approach": frozenset(
        {
            "function_optimization_odi_max",
            "function_optimization_pain_max",
            "recent_episode_below_days",
            "symptom_modulation_odi_above",
            "symptom_modulation_pain_min",
        }
    ),
    "red_flag_age": frozenset({"above", "below"}),
    "self_directed_min_age": frozenset({"min_age"}),
    "odi_contact_clinician": frozenset({"above"}),
    "pregnancy_no_supine": frozenset({"from_week"}),
    "rom_mdc": frozenset({"mdc_deg"}),
    "fabq_pa_elevated": frozenset({"above"}),
}
"""The value keys of each named threshold (besides ``kind``, ``source`` and an optional
``note``): a threshold's values differ by name, so the schema of ``thresholds.toml`` is this table."""


class ThresholdRow(BaseModel):
    """``kind``, ``source`` and the threshold's own values with an optional ``note`` (checked by
    name against :data:`THRESHOLD_VALUES` in :class:`ThresholdsFile`)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    kind: ThresholdKind
    source: str

    def values(self) -> dict[str, Any]:
        """The threshold's values (and its note, when it has one), as written, in file order."""
        return dict(self.model_extra or {})


class ThresholdsFile(RootModel[dict[str, ThresholdRow]]):
    @model_validator(mode="after")
    def _known_names_and_keys(self) -> ThresholdsFile:
        for name, row in self.root.items():
            if name not in THRESHOLD_VALUES:
                raise ValueError(
                    f"{name}: unknown threshold (known: {', '.join(sorted(THRESHOLD_VALUES))})"
                )
            given = set(row.model_extra or {}) - {"note"}
            unknown = sorted(given - THRESHOLD_VALUES[name])
            if unknown:
                raise ValueError(
                    f"{name}.{unknown[0]}: unknown field (check the spelling); {name} has "
                    f"{', '.join(['kind', 'source', 'note', *sorted(THRESHOLD_VALUES[name])])}"
                )
            missing = sorted(THRESHOLD_VALUES[name] - given)
            if missing:
                raise ValueError(f"{name}.{missing[0]}: required field is missing")
        return self


# --- mcid.toml ------------------------------------------------------------------------------------
class McidRow(_Strict):
    kind: str
    score: str
    key: str
    better: Literal["lower", "higher"]
    mcid: float
    source: str
    relative_pct: float | None = None
    recovered_at: float | None = None
    recovered_source: str | None = None
    label: str


class McidFile(RootModel[dict[str, McidRow]]):
    pass


# --- promis_pi.toml -------------------------------------------------------------------------------
class PromisForm(_Strict):
    kind: str
    items: tuple[str, ...]
    raw_min: int
    t_scores: tuple[float, ...]
    verified: bool
    unverified_raw: tuple[int, ...] = ()
    note: str


class PromisFile(_Strict):
    form: dict[str, PromisForm]


# --- phases.toml ----------------------------------------------------------------------------------
class PhaseRow(_Strict):
    key: str
    name: str
    weeks: tuple[int, int]
    intent: str
    emphasis: tuple[Role, ...]
    required_roles: tuple[Role, ...]
    neural_tension: tuple[NeuralTension, ...]
    load: tuple[Load, ...]
    intensity_cap: int
    max_variants: int
    rotate_roles: tuple[Role, ...] = ()
    release_when_restricted: bool = False
    symptom_modulation_emphasis: tuple[Role, ...] | None = None
    symptom_modulation_required_roles: tuple[Role, ...] | None = None


class TimingRow(_Strict):
    transition_s: int
    rep_s: int
    breath_s: int
    contract_relax_transition_s: int


class PhasesFile(_Strict):
    reassessment_weeks: tuple[int, ...]
    coverage_by_week: int
    max_blocks_per_session: int
    mobility_restrictions: tuple[str, ...]
    rotate_from_sessions_per_week: int
    rotate_variants: int
    fill_percent: int
    trim_order: tuple[Role, ...]
    timing: TimingRow
    phase: tuple[PhaseRow, ...]


# --- progression.toml -----------------------------------------------------------------------------
class GateRow(_Strict):
    green_sessions: int
    red_sessions_for_review: int
    review_window: int
    tingling_sessions_for_referral_signs: int


class PainRow(_Strict):
    green_max: int
    acceptable_max: int
    source: str


class StepRuleRow(_Strict):
    field: str
    operation: Literal["add", "multiply"]
    step: float
    min: int
    max: int
    source: str | None = None
    note: str | None = None


class KindRules(_Strict):
    rules: tuple[StepRuleRow, ...] = ()


class ProgressionFile(_Strict):
    gate: GateRow
    pain: PainRow
    kind: dict[str, KindRules]


# --- questionnaire_licences.toml -----------------------------------------------------------------
class Licence(_Strict):
    """Whether lumbo may show an instrument's item wording to the patient, and why."""

    wording: bool
    licence: str


class LicencesFile(RootModel[dict[str, Licence]]):
    pass


KNOWLEDGE_FILES: dict[str, type[BaseModel]] = {
    "questionnaire_licences.toml": LicencesFile,
    "sources.toml": SourcesFile,
    "norms.toml": NormsFile,
    "thresholds.toml": ThresholdsFile,
    "mcid.toml": McidFile,
    "promis_pi.toml": PromisFile,
    "phases.toml": PhasesFile,
    "progression.toml": ProgressionFile,
    "self_tests.toml": SelfTestsFile,
    "self_directed.toml": SelfDirectedFile,
}
"""The schema of each hand-written knowledge file (techniques and poses have their own loaders;
``patient_words.toml`` is :class:`lumbo.domain.knowledge.patient_words.PatientWords`)."""
