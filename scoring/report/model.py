"""The one report model every export renders from."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..answers import Answers
from ..engine import Contribution, ScoreResult, score, visible_questions
from ..insight import (
    ResolveItem,
    Sensitivity,
    WhatWouldChange,
    resolve_first,
    sensitivity,
    what_would_change,
)
from ..models import UNKNOWN, NumberQuestion, Rubric, Verdict
from ..options import Costs, Labour, OptionsComparison, costs, headline_answers, labour

__all__ = ["REPORT_KIND", "AnswerRow", "Report", "build_report", "report_date"]

from ..answers import REPORT_KIND  # marks a JSON report so it can be read back as answers

REPORT_FORMAT_VERSION = 1

VERDICT_MEANING = {
    Verdict.RECOMMEND: "Adopt a foundation model for this use case now, starting with a measured pilot.",
    Verdict.ADAPT: "Adopt only with the adaptations and conditions listed below.",
    Verdict.AVOID: "Do not adopt a foundation model for this use case now.",
}


class AnswerRow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    section: str
    prompt: str
    answer: str
    status: str  # counted | unknown | unanswered | hidden
    points: float | None
    note: str | None


class Report(BaseModel):
    """Everything a reader sees, in reading order: the memo first, then the details."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    generated: str
    verdict: Verdict
    verdict_meaning: str
    summary: str
    thresholds: dict[str, float]
    result: ScoreResult
    rows: list[AnswerRow]
    answers: dict[str, Any]
    notes: dict[str, str]
    # Decision insight (scoring.insight, scoring.options)
    main_option: str | None
    sensitivity: Sensitivity
    what_would_change: WhatWouldChange
    resolve_first: list[ResolveItem]
    options: OptionsComparison | None
    costs: Costs | None
    labour: Labour | None
    input: dict[str, Any]


def report_date() -> dt.date:
    """Today, or the date in SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def build_report(
    rubric: Rubric,
    answers: Answers,
    result: ScoreResult | None = None,
    *,
    generated: dt.date | None = None,
) -> Report:
    """Score and assemble the report (``result`` may be passed when already computed for
    these answers; with options, the headline is the best-scoring adoption option)."""
    scored, main_option, comparison = headline_answers(rubric, answers)
    if main_option is not None:
        result = None  # a result passed in was for the shared answers, not the option's
    result = result or score(rubric, scored)
    summary = _summary(rubric, result)
    insight_sensitivity = sensitivity(rubric, scored, result)
    summary += " " + insight_sensitivity.margin_sentence
    if comparison is not None:
        summary += " " + comparison.reason
    return Report(
        title=answers.title,
        generated=(generated or report_date()).isoformat(),
        verdict=result.verdict,
        verdict_meaning=VERDICT_MEANING[result.verdict],
        summary=summary,
        thresholds={"recommend": rubric.thresholds.recommend, "adapt": rubric.thresholds.adapt},
        result=result,
        rows=_rows(rubric, scored, result),
        # Rubric order, not the order answers were given in: the app and the CLI
        # produce the same bytes for the same answers.
        answers={q.id: scored.answers[q.id] for q in rubric.questions if q.id in scored.answers},
        notes={q.id: scored.notes[q.id] for q in rubric.questions if q.id in scored.notes},
        main_option=main_option,
        sensitivity=insight_sensitivity,
        what_would_change=what_would_change(rubric, scored, result),
        resolve_first=resolve_first(rubric, scored),
        options=comparison,
        costs=costs(rubric, answers),
        labour=labour(rubric, answers),
        input=_input(rubric, answers),
    )


def _input(rubric: Rubric, answers: Answers) -> dict[str, Any]:
    """The answers file this report was made from (rubric order), so it reads back."""
    data: dict[str, Any] = answers.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    data["title"] = answers.title
    data["rubric"] = rubric.id
    order = {q.id: i for i, q in enumerate(rubric.questions)}
    for key in ("answers", "notes"):
        if key in data:
            data[key] = dict(sorted(data[key].items(), key=lambda kv: order.get(kv[0], 10_000)))
    return data


def _driver_phrase(contributions: list[Contribution], rubric: Rubric) -> str:
    parts = [
        f"“{c.answer}” on {rubric.sections_by_id[c.section].title.lower()}"
        for c in contributions[:2]
    ]
    return " and ".join(parts)


def _summary(rubric: Rubric, result: ScoreResult) -> str:
    t = rubric.thresholds
    sentences = [
        f"The overall score is {result.score:.1f} out of 100; the policy recommends at "
        f"{t.recommend:g} or more and adapts at {t.adapt:g} or more."
    ]
    if result.drivers_for:
        sentences.append(
            f"The answers that weigh most in favour are {_driver_phrase(result.drivers_for, rubric)}."
        )
    if result.drivers_against:
        sentences.append(
            f"The answers that weigh most against are {_driver_phrase(result.drivers_against, rubric)}."
        )
    if result.rules_applied:
        names = "; ".join(f"“{r.title}”" for r in result.rules_applied)
        sentences.append(
            f"The score alone would give {result.score_verdict.label}, but policy caps the "
            f"verdict at {result.verdict.label}: {names}."
        )
    vr = result.verdict_range
    if vr.open_questions:
        count = len(vr.open_questions)
        if vr.best == vr.worst:
            sentences.append(
                f"{count} question{'s are' if count != 1 else ' is'} still open, but no answer to "
                f"{'them' if count != 1 else 'it'} would change the verdict from {vr.best.label}."
            )
        else:
            sentences.append(
                f"{count} question{'s are' if count != 1 else ' is'} still open; depending on the "
                f"answers the verdict could be anywhere from {vr.worst.label} to {vr.best.label}"
                f"{'' if vr.exact else ' (estimated bound)'}."
            )
    return " ".join(sentences)


def _rows(rubric: Rubric, answers: Answers, result: ScoreResult) -> list[AnswerRow]:
    points = {c.question: c for c in result.contributions}
    shown = set(visible_questions(rubric, answers.answers))
    rows = []
    for question in rubric.questions:
        value = answers.answers.get(question.id)
        note = answers.notes.get(question.id)
        contribution = points.get(question.id)
        if contribution is not None:
            status, label, pts = "counted", contribution.answer, contribution.points
        elif value is None:
            if question.id not in shown and note is None:
                continue  # a hidden question nobody touched is noise in the report
            status, label, pts = "unanswered", "—", None
        elif value == UNKNOWN:
            status, label, pts = "unknown", "Don't know", None
        else:
            status, label, pts = "hidden", _plain_label(question, value), None
        rows.append(
            AnswerRow(
                question=question.id,
                section=rubric.sections_by_id[question.section].title,
                prompt=question.prompt,
                answer=label,
                status=status,
                points=pts,
                note=note,
            )
        )
    return rows


def _plain_label(question: Any, value: Any) -> str:
    if isinstance(question, NumberQuestion):
        return f"{value} {question.unit}"
    labels = {o.id: o.label for o in question.options}
    chosen = value if isinstance(value, list) else [value]
    return "; ".join(labels.get(c, str(c)) for c in chosen)
