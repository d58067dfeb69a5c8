"""Questionnaires on the patient's phone (issue 16): which set is due (intake before the plan
starts, reassessment in the plan's reassessment weeks 4, 8 and 12), its items one per screen (with
the instrument's wording only where its licence allows, ``knowledge/questionnaire_licences.toml``),
and recording the answers once (the client's response id makes a re-send harmless). Scores use the
domain's scoring functions; the clinician's progress page shows them against the baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.domain.intake import PROMIS_4A, Bothersomeness, PsfsItem
from lumbo.domain.scoring.fabq import score_fabq
from lumbo.domain.scoring.odi import score_odi
from lumbo.domain.scoring.promis import score_form
from lumbo.domain.scoring.psfs import score_psfs
from lumbo.domain.scoring.rmdq import score_rmdq
from lumbo.domain.scoring.start_back import score_start_back
from lumbo.services import later_baseline as later
from lumbo.services._shared import need_person, week_on
from lumbo.services.parsing import parse_model
from lumbo.services.phone_questionnaire_items import Kind, items
from lumbo.store.records import QuestionnaireResponse
from lumbo.store.unit_of_work import AbstractUnitOfWork


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


Bit = Literal[0, 1]
BotherWord = Literal["not_at_all", "slightly", "moderately", "very_much", "extremely"]


class PsfsAnswer(_M):
    activity: Annotated[str, Field(min_length=1, max_length=200)]
    score: Annotated[int, Field(ge=0, le=10)]

    @field_validator("activity")
    @classmethod
    def _named(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must name the activity")
        return v.strip()


class Answers(_M):
    nprs: Annotated[int, Field(ge=0, le=10)] | None = None
    odi: (
        Annotated[
            list[Annotated[int, Field(ge=0, le=5)] | None], Field(min_length=10, max_length=10)
        ]
        | None
    ) = None
    psfs: Annotated[list[PsfsAnswer], Field(min_length=1, max_length=5)] | None = None
    rmdq: Annotated[list[Bit], Field(min_length=24, max_length=24)] | None = None
    start_back: Annotated[list[Bit | BotherWord], Field(min_length=9, max_length=9)] | None = (
        None  # items 1-8 agree 1 / disagree 0, item 9 how bothersome
    )
    fabq: (
        Annotated[list[Annotated[int, Field(ge=0, le=6)]], Field(min_length=16, max_length=16)]
        | None
    ) = None
    promis_pi_4a: dict[str, Annotated[int, Field(ge=1, le=5)]] | None = None
    sit_to_stand_30s: Annotated[int, Field(ge=0, le=60)] | None = None  # after a first plan

    @field_validator("promis_pi_4a")
    @classmethod
    def _promis_items(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        if v is not None and sorted(v) != sorted(PROMIS_4A):
            raise ValueError("items must be exactly " + ", ".join(PROMIS_4A))
        return v

    @field_validator("start_back")
    @classmethod
    def _start_back_items(cls, v: list[int | str] | None) -> list[int | str] | None:
        if v is not None and (
            any(not isinstance(x, int) for x in v[:8]) or not isinstance(v[8], str)
        ):
            raise ValueError(
                "items 1-8 must be 0 or 1 and item 9 one of "
                + ", ".join(b.value for b in Bothersomeness)
            )
        return v


class Submission(_M):
    response_id: Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    kind: Kind
    week: Annotated[int, Field(ge=1, le=12)] | None = None
    answers: Answers


@dataclass(frozen=True, slots=True)
class Due:
    kind: Kind
    week: int | None
    items: list[dict[str, Any]]  # one screen each: {id, instrument, text, low, high, ...}
    after_first_plan: bool = False  # a self-assessment's FABQ and PROMIS, asked after the plan


def due(uow: AbstractUnitOfWork, person_id: str, on: date) -> Due | None:
    """The questionnaire set due on ``on``: intake before a plan exists; in a reassessment week,
    the reassessment set, until it is filled in."""
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        done = repo.questionnaire_responses(person_id)
        intakes = repo.intakes(person_id)
        plan = repo.latest_plan(person_id)
    activities: list[str] = []
    disability = "odi"
    if intakes:
        q = intakes[0].intake.questionnaires
        activities = [i.activity for i in q.psfs or ()]
        if q.rmdq is not None and q.odi is None:
            disability = "rmdq"
    if not activities:  # the activities the patient named on the phone before the first visit
        activities = named_activities(done)
    if plan is None:
        if any(r.kind == "intake" for r in done):
            return None
        return Due("intake", None, items("intake", activities, disability))
    if later.due_after_first_plan(person, intakes, done):  # FABQ, PROMIS: before session 2
        more = items("intake", [], disability, later_baseline=True)
        return Due("intake", None, more, after_first_plan=True)
    week_no = week_on(plan, person.created_at.date(), on)
    week = next((w for w in plan.plan.weeks if w.week == week_no), None)
    if week is None or not week.reassessment:
        return None
    if any(r.kind == "reassessment" and r.week == week_no for r in done):
        return None
    return Due("reassessment", week_no, items("reassessment", activities, disability))


def named_activities(done: Sequence[QuestionnaireResponse]) -> list[str]:
    """The PSFS activities of the first intake set answered on the phone (the patient named them
    there when the clinician had not), so a reassessment asks about the same ones."""
    for r in sorted(done, key=lambda x: x.created_at):
        if r.kind == "intake":
            psfs = r.answers.get("psfs") or []
            return [str(a["activity"]) for a in psfs]
    return []


def _scores(answers: Answers) -> dict[str, Any]:
    scores: dict[str, Any] = {"nprs": answers.nprs}
    if answers.odi is not None:
        odi = score_odi(answers.odi)
        scores["odi_percent"] = odi.percent
    if answers.psfs:
        scores["psfs_mean"] = (
            score_psfs([PsfsItem(activity=a.activity, score=a.score) for a in answers.psfs])
            .to_json()
            .get("mean")
        )
    if answers.rmdq is not None:
        scores["rmdq_score"] = score_rmdq([bool(v) for v in answers.rmdq]).score
    if answers.start_back is not None:
        sb = score_start_back(_start_back(answers.start_back))
        scores["start_back_total"] = sb.total
        scores["start_back_psychosocial"] = sb.psychosocial
    if answers.fabq is not None:
        fabq = score_fabq(answers.fabq)
        scores["fabq_pa"] = fabq.pa
        scores["fabq_w"] = fabq.w
    if answers.promis_pi_4a is not None:
        promis = score_form("4a", answers.promis_pi_4a)
        scores["promis_pi_raw"] = promis.raw
        scores["promis_pi_t"] = promis.t_score
    return scores


def _start_back(items: Sequence[int | str]) -> list[int | Bothersomeness]:
    """The phone's STarT Back answers as the domain takes them (item 9 a bothersomeness)."""
    return [*(int(v) for v in items[:8]), Bothersomeness(str(items[8]))]


def record(
    uow: AbstractUnitOfWork, person_id: str, data: Any
) -> tuple[QuestionnaireResponse, bool]:
    """Store one filled-in set; the same response id again stores nothing (``created`` False),
    the same id with other answers is a :class:`Conflict`."""
    sub = parse_model(Submission, data, "questionnaire")
    if sub.answers.nprs is None:
        raise InvalidInput(
            [Problem("answers.nprs", "must be answered (0-10)", None)], "questionnaire"
        )
    if sub.kind == "reassessment" and sub.week is None:
        raise InvalidInput(
            [Problem("week", "is required for a reassessment", None)], "questionnaire"
        )
    answers = sub.answers.model_dump(mode="json", exclude_none=True)
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        same = next(
            (r for r in repo.questionnaire_responses(person_id) if r.id == sub.response_id), None
        )
        if same is not None:
            if same.answers != answers or same.kind != sub.kind:
                raise Conflict(f"questionnaire response {sub.response_id} holds other answers")
            return same, False
        rec = QuestionnaireResponse(
            person_id=person_id,
            id=sub.response_id,
            kind=sub.kind,
            week=sub.week,
            answers=answers,
            scores=_scores(sub.answers),
        )
        repo.add_questionnaire_response(rec)
        if sub.kind == "intake":
            a = sub.answers  # FABQ, PROMIS and the sit-to-stand asked after a first plan
            later.complete_baseline(repo, person_id, a.fabq, a.promis_pi_4a, a.sit_to_stand_30s)
        uow.commit()
    return rec, True


class QuestionnaireChange(BaseModel):
    """One score of a phone set against the baseline assessment (None: not in the baseline)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str
    baseline: float | None
    now: int | float
    change: float | None


class QuestionnaireResult(BaseModel):
    """One filled-in set: when, which kind, and its scores against the baseline."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    kind: str
    week: int | None
    on: str
    rows: tuple[QuestionnaireChange, ...]


class QuestionnaireStored(BaseModel):
    """The answer to a submitted set: stored now (``created``) or already, with its scores."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    created: bool
    id: str
    scores: dict[str, int | float | None]


def submit(uow: AbstractUnitOfWork, person_id: str, data: Any) -> QuestionnaireStored:
    """:func:`record`, answered as the API shows it."""
    rec, created = record(uow, person_id, data)
    return QuestionnaireStored(created=created, id=rec.id, scores=rec.scores)


RESULT_ROWS: dict[str, tuple[str, str, str]] = {
    "nprs": ("nprs", "now", "Pain now (0-10)"),
    "odi_percent": ("odi", "percent", "ODI (%)"),
    "rmdq_score": ("rmdq", "score", "RMDQ (0-24)"),
    "promis_pi_t": ("promis_pi", "t_score", "PROMIS pain interference (T-score)"),
    "psfs_mean": ("psfs", "mean", "PSFS mean (0-10)"),
    "start_back_total": ("start_back", "total", "STarT Back total (0-9)"),
    "start_back_psychosocial": ("start_back", "psychosocial", "STarT Back psychosocial (0-5)"),
    "fabq_pa": ("fabq", "pa", "FABQ physical activity (0-24)"),
    "fabq_w": ("fabq", "w", "FABQ work (0-42)"),
}
"""A phone set's score key: the baseline assessment's score and key, and the clinician's label."""


def results(uow: AbstractUnitOfWork, person_id: str) -> list[QuestionnaireResult]:
    """The filled-in sets with their scores and the change against the baseline assessment."""
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        done = repo.questionnaire_responses(person_id)
        base = later.latest_baseline_scores(repo, person_id)
    baseline: dict[str, float | None] = {
        key: None if base is None else base.value(score, field)
        for key, (score, field, _) in RESULT_ROWS.items()
    }
    out: list[QuestionnaireResult] = []
    for r in done:
        rows = []
        for key, (_, _, label) in RESULT_ROWS.items():
            now = r.scores.get(key)
            if now is None:
                continue
            before = baseline.get(key)
            change = None if before is None else round(float(now) - float(before), 1)
            rows.append(QuestionnaireChange(label=label, baseline=before, now=now, change=change))
        out.append(
            QuestionnaireResult(
                id=r.id,
                kind=r.kind,
                week=r.week,
                on=r.created_at.date().isoformat(),
                rows=tuple(rows),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class PhoneAnswers:
    """The patient's latest reassessment answers from the phone, typed as the intake takes them,
    for the clinician's reassessment form to pre-fill (issue 16; the form is issue 15's)."""

    response_id: str
    answered_on: date
    week: int | None
    pain_now: int  # NPRS 0-10: the intake's ``symptoms.pain_now``
    odi: tuple[int | None, ...] | None  # 10 sections 0-5, None unanswered: ``questionnaires.odi``
    psfs: tuple[PsfsItem, ...] | None  # ``questionnaires.psfs``
    odi_percent: float | None  # as lumbo scored them
    psfs_mean: float | None
    rmdq: tuple[bool, ...] | None = None  # 24 statements: ``questionnaires.rmdq``
    start_back: tuple[int | Bothersomeness, ...] | None = None  # ``questionnaires.start_back``
    fabq: tuple[int, ...] | None = None  # 16 items 0-6: ``questionnaires.fabq``
    promis_pi_4a: dict[str, int] | None = None  # ``questionnaires.promis_pi_4a``
    scores: dict[str, int | float | None] | None = None  # every score lumbo gave the set

    def intake_fields(self) -> dict[str, Any]:
        """The answers as intake JSON fields (``symptoms``, ``questionnaires``) to merge into a
        pre-filled follow-up intake; instruments not answered are left out."""
        questionnaires: dict[str, Any] = {}
        if self.odi is not None:
            questionnaires["odi"] = list(self.odi)
        if self.psfs is not None:
            questionnaires["psfs"] = [p.model_dump() for p in self.psfs]
        if self.rmdq is not None:
            questionnaires["rmdq"] = list(self.rmdq)
        if self.start_back is not None:
            questionnaires["start_back"] = [
                v.value if isinstance(v, Bothersomeness) else v for v in self.start_back
            ]
        if self.fabq is not None:
            questionnaires["fabq"] = list(self.fabq)
        if self.promis_pi_4a is not None:
            # the longest PROMIS form given is the one scored: a copied 6a or 8a must not win
            questionnaires.update(
                promis_pi_4a=dict(self.promis_pi_4a), promis_pi_6a=None, promis_pi_8a=None
            )
        return {"symptoms": {"pain_now": self.pain_now}, "questionnaires": questionnaires}


def latest_for_reassessment(
    uow: AbstractUnitOfWork, person_id: str, week: int | None = None
) -> PhoneAnswers | None:
    """The latest reassessment set the patient filled in on the phone (of ``week`` when given),
    or None; an intake set (before the plan) never pre-fills a reassessment."""
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        done = repo.questionnaire_responses(person_id)
    found = [r for r in done if r.kind == "reassessment" and (week is None or r.week == week)]
    return _typed(max(found, key=lambda x: x.created_at)) if found else None


def prefill(uow: AbstractUnitOfWork, person_id: str, kind: Kind) -> PhoneAnswers | None:
    """What the clinician's form pre-fills from the phone: the latest set of ``kind`` (the intake
    set the patient answered before the first visit, or a reassessment set) answered after the
    latest intake version was stored, or None (older answers are already in the record)."""
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        done = repo.questionnaire_responses(person_id)
        intakes = repo.intakes(person_id)
    since = intakes[-1].created_at if intakes else None
    found = [r for r in done if r.kind == kind and (since is None or r.created_at > since)]
    return _typed(max(found, key=lambda x: x.created_at)) if found else None


def _typed(r: QuestionnaireResponse) -> PhoneAnswers:
    answers = Answers.model_validate(r.answers)
    assert answers.nprs is not None  # ``record`` refuses a set without it
    odi_percent = r.scores.get("odi_percent")
    psfs_mean = r.scores.get("psfs_mean")
    return PhoneAnswers(
        response_id=r.id,
        answered_on=r.created_at.date(),
        week=r.week,
        pain_now=answers.nprs,
        odi=None if answers.odi is None else tuple(answers.odi),
        psfs=None
        if not answers.psfs
        else tuple(PsfsItem(activity=a.activity, score=a.score) for a in answers.psfs),
        odi_percent=None if odi_percent is None else float(odi_percent),
        psfs_mean=None if psfs_mean is None else float(psfs_mean),
        rmdq=None if answers.rmdq is None else tuple(bool(v) for v in answers.rmdq),
        start_back=None if answers.start_back is None else tuple(_start_back(answers.start_back)),
        fabq=None if answers.fabq is None else tuple(answers.fabq),
        promis_pi_4a=None if answers.promis_pi_4a is None else dict(answers.promis_pi_4a),
        scores=dict(r.scores),
    )
