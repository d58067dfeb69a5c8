"""Questionnaires on the patient's phone (issue 16): which set is due (intake before the plan
starts, reassessment in the plan's reassessment weeks 4, 8 and 12), its items one per screen (with
the instrument's wording only where its licence allows, ``knowledge/questionnaire_licences.toml``),
and recording the answers once (the client's response id makes a re-send harmless). Scores use the
domain's scoring functions; the clinician's progress page shows them against the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lumbo.domain.errors import Conflict, InvalidInput, Problem
from lumbo.domain.intake import PsfsItem
from lumbo.domain.knowledge import load_knowledge
from lumbo.domain.knowledge.files import Licence, LicencesFile
from lumbo.domain.scoring.odi import score_odi
from lumbo.domain.scoring.psfs import score_psfs
from lumbo.interop.questionnaires import ODI_SECTIONS
from lumbo.services._shared import need_person, week_on
from lumbo.services.parsing import parse_model
from lumbo.store.records import QuestionnaireResponse
from lumbo.store.unit_of_work import AbstractUnitOfWork

Kind = Literal["intake", "reassessment"]


@cache
def licences() -> dict[str, Licence]:
    return load_knowledge("questionnaire_licences.toml", LicencesFile).root


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class PsfsAnswer(_M):
    activity: Annotated[str, Field(min_length=1, max_length=200)]
    score: Annotated[int, Field(ge=0, le=10)]


class Answers(_M):
    nprs: Annotated[int, Field(ge=0, le=10)] | None = None
    odi: (
        Annotated[
            list[Annotated[int, Field(ge=0, le=5)] | None], Field(min_length=10, max_length=10)
        ]
        | None
    ) = None
    psfs: Annotated[list[PsfsAnswer], Field(min_length=1, max_length=5)] | None = None


class Submission(_M):
    response_id: Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    kind: Kind
    week: Annotated[int, Field(ge=1, le=12)] | None = None
    answers: Answers


@dataclass(frozen=True, slots=True)
class Due:
    kind: Kind
    week: int | None
    items: list[
        dict[str, Any]
    ]  # one screen each: {id, instrument, text, low, high, low_words, high_words}


def _items(kind: Kind, psfs_activities: list[str]) -> list[dict[str, Any]]:
    lic = licences()
    items: list[dict[str, Any]] = [
        {
            "id": "nprs",
            "instrument": "nprs",
            "text": "How bad is your back pain right now?",
            "low": 0,
            "high": 10,
            "low_words": "no pain",
            "high_words": "the worst pain you can imagine",
        }
    ]
    for n, heading in enumerate(ODI_SECTIONS, 1):
        words = (
            f"Section {n} of 10: {heading.lower()}. Choose the number of the statement that fits "
            "you best on the Oswestry form your clinician gave you."
        )
        items.append(
            {
                "id": f"odi-{n}",
                "instrument": "odi",
                "text": words,  # the statements themselves only if the licence allows
                "statements_shown": lic["odi"].wording,
                "low": 0,
                "high": 5,
                "low_words": "the first statement",
                "high_words": "the last statement",
                "optional": True,
            }
        )
    if kind == "reassessment":
        for n, activity in enumerate(psfs_activities, 1):
            items.append(
                {
                    "id": f"psfs-{n}",
                    "instrument": "psfs",
                    "activity": activity,
                    "text": f"How well can you do this today: {activity}?",
                    "low": 0,
                    "high": 10,
                    "low_words": "unable to do it",
                    "high_words": "as well as before your back problem",
                }
            )
    return items


def due(uow: AbstractUnitOfWork, person_id: str, on: date) -> Due | None:
    """The questionnaire set due on ``on``: intake before a plan exists; in a reassessment week,
    the reassessment set, until it is filled in."""
    with uow:
        repo = uow.journeys
        person = need_person(repo, person_id)
        done = repo.questionnaire_responses(person_id)
        intakes = repo.intakes(person_id)
        plan = repo.latest_plan(person_id)
    activities = []
    if intakes and intakes[0].intake.questionnaires.psfs:
        activities = [i.activity for i in intakes[0].intake.questionnaires.psfs]
    if plan is None:
        if any(r.kind == "intake" for r in done):
            return None
        return Due("intake", None, _items("intake", activities))
    week_no = week_on(plan, person.created_at.date(), on)
    week = next((w for w in plan.plan.weeks if w.week == week_no), None)
    if week is None or not week.reassessment:
        return None
    if any(r.kind == "reassessment" and r.week == week_no for r in done):
        return None
    return Due("reassessment", week_no, _items("reassessment", activities))


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
    return scores


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


def results(uow: AbstractUnitOfWork, person_id: str) -> list[QuestionnaireResult]:
    """The filled-in sets with their scores and the change against the baseline assessment."""
    with uow:
        repo = uow.journeys
        need_person(repo, person_id)
        done = repo.questionnaire_responses(person_id)
        assessments = repo.assessments(person_id)
    base = assessments[0].assessment.scores if assessments else None
    baseline: dict[str, float | None] = {
        "nprs": None if base is None else base.value("nprs", "now"),
        "odi_percent": None if base is None else base.value("odi", "percent"),
        "psfs_mean": None if base is None else base.value("psfs", "mean"),
    }
    out: list[QuestionnaireResult] = []
    for r in done:
        rows = []
        for key, label in (
            ("nprs", "Pain now (0-10)"),
            ("odi_percent", "ODI (%)"),
            ("psfs_mean", "PSFS mean (0-10)"),
        ):
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

    def intake_fields(self) -> dict[str, Any]:
        """The answers as intake JSON fields (``symptoms``, ``questionnaires``) to merge into a
        pre-filled follow-up intake; instruments not answered are left out."""
        questionnaires: dict[str, Any] = {}
        if self.odi is not None:
            questionnaires["odi"] = list(self.odi)
        if self.psfs is not None:
            questionnaires["psfs"] = [p.model_dump() for p in self.psfs]
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
    if not found:
        return None
    r = max(found, key=lambda x: x.created_at)
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
    )
