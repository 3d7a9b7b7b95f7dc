"""The one report every surface renders: the scored facts, with the sentences the JSON
export carries. The words come from :mod:`advisor.reports.document`, which also turns a
report into the document of blocks that Markdown, HTML, the PDF and the Report page lay out."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from pydantic import BaseModel, ConfigDict

from scoring.answers import REPORT_KIND, Answers

# REPORT_KIND marks a JSON report so it can be read back as answers.
from scoring.catalogue import PriceCatalogue
from scoring.engine import ScoreResult, score, visible_questions
from scoring.insight import (
    ResolveItem,
    Sensitivity,
    WhatWouldChange,
    resolve_first,
    sensitivity,
    what_would_change,
)
from scoring.models import UNKNOWN, Rubric, Verdict
from scoring.options import Costs, Labour, OptionsComparison, costs, headline_answers, labour

from . import document as words
from .document import (
    PROVISIONAL_COLOUR,
    ConditionLine,
    Headline,
    RuleLine,
    completeness_line,
    headline,
)

__all__ = [
    "PROVISIONAL_COLOUR",
    "REPORT_KIND",
    "AnswerRow",
    "ConditionLine",
    "DecisionEntry",
    "Headline",
    "Report",
    "RevisionEntry",
    "RiskNote",
    "RuleLine",
    "build_report",
    "completeness_line",
    "headline",
    "report_date",
]

REPORT_FORMAT_VERSION = 1


class AnswerRow(BaseModel):
    """One question of the answers table, with the answer as the PM saw it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    section: str
    prompt: str
    answer: str
    status: str  # counted | unknown | unanswered | hidden
    points: float | None
    note: str | None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RiskNote(_Frozen):
    """An answer the rubric flags with a risk, in the PM's words."""

    prompt: str
    answer: str
    risk: str


class DecisionEntry(_Frozen):
    """A recorded decision as the report shows it (the app converts its stored records:
    the reports package does not read the database)."""

    outcome: str  # approved | approved_with_conditions | rejected | deferred
    label: str  # "Approved with conditions"
    decided_by: str
    decided_on: str  # ISO date
    note: str
    revision: int
    verdict: str | None
    score: float | None
    report_sha256: str


class RevisionEntry(_Frozen):
    """One kept state of the assessment: its number, what changed, the verdict then."""

    revision: int
    change: str
    saved_on: str  # ISO date
    verdict: str | None
    score: float | None


class Report(BaseModel):
    """A scored assessment: the facts every surface shows, and the sentences the JSON export
    carries (worded by :mod:`advisor.reports.document`). ``build_document`` lays it out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    generated: str
    status: str  # "final" | "provisional"
    verdict: Verdict
    verdict_meaning: str
    headline: Headline
    decision: str  # the sentence that says what decided the verdict (engine's decision.text)
    answer_first: list[str]  # provisional only: the prompts to answer first, in the PM's words
    conditions_title: str  # the heading over the conditions (document.conditions_title)
    conditions: list[ConditionLine]
    rules: list[RuleLine]  # every hard rule that holds, capping or not
    risks: list[RiskNote]
    margin_sentence: str
    why: str  # the summary without the decision sentence (shown right under the verdict)
    summary: str  # decision sentence + why: the whole memo in one paragraph (JSON)
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
    owner: str | None = None  # who takes the decision (the answers file's ``owner``)
    author: str | None = None  # who prepared the assessment
    revision: int | None = None  # the revision this report is of, when the app knows it
    decisions: list[DecisionEntry] = []  # recorded decisions, oldest first
    history: list[RevisionEntry] = []  # revisions, oldest first
    # How the rubric names its ids, so no human format shows one (not in the JSON).
    rule_titles: dict[str, str] = {}
    option_labels: dict[str, dict[str, str]] = {}  # question id -> option id -> label


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
    decisions: list[DecisionEntry] | None = None,
    history: list[RevisionEntry] | None = None,
    revision: int | None = None,
    catalogue: PriceCatalogue | None = None,
) -> Report:
    """Score and assemble the report (``result`` may be passed when already computed for
    these answers; with options, the headline is the best-scoring adoption option).
    ``decisions`` and ``history`` (the app's stored records, converted) and ``revision``
    (the one these answers are) let the memo show the recorded decision. Options with
    usage are priced from ``catalogue`` (the shipped one unless given)."""
    today = generated or report_date()
    scored, main_option, comparison = headline_answers(rubric, answers)
    if main_option is not None:
        result = None  # a result passed in was for the shared answers, not the option's
    result = result or score(rubric, scored)
    insight_sensitivity = sensitivity(rubric, scored, result)
    rows = _rows(rubric, scored, result)
    said = words.said(rubric, rows)
    margin = words.margin_sentence(result, insight_sensitivity)
    why = words.why(rubric, result, margin, comparison)
    decision = words.decision_text(result)
    resolve = resolve_first(rubric, scored)
    return Report(
        title=answers.title,
        generated=today.isoformat(),
        status=result.status,
        verdict=result.verdict,
        verdict_meaning=words.verdict_meaning(result),
        headline=headline(result),
        decision=decision,
        answer_first=words.answer_first(resolve) if result.status == "provisional" else [],
        conditions_title=words.conditions_title(result.verdict),
        conditions=words.condition_lines(result, said),
        rules=[words.rule_line(rule, result, said) for rule in result.rules_applied],
        risks=[
            RiskNote(prompt=c.prompt, answer=c.answer, risk=c.risk)
            for c in result.contributions
            if c.risk
        ],
        margin_sentence=margin,
        why=why,
        summary=f"{decision} {why}",
        thresholds={"recommend": rubric.thresholds.recommend, "adapt": rubric.thresholds.adapt},
        result=result,
        rows=rows,
        # Rubric order, not the order answers were given in: the app and the CLI
        # produce the same bytes for the same answers.
        answers={q.id: scored.answers[q.id] for q in rubric.questions if q.id in scored.answers},
        notes={q.id: scored.notes[q.id] for q in rubric.questions if q.id in scored.notes},
        main_option=main_option,
        sensitivity=insight_sensitivity,
        what_would_change=what_would_change(rubric, scored, result),
        resolve_first=resolve,
        options=comparison,
        costs=costs(rubric, answers, catalogue, today),
        labour=labour(rubric, answers),
        input=_input(rubric, answers),
        owner=answers.owner or None,
        author=answers.author or None,
        revision=revision,
        decisions=list(decisions or []),
        history=list(history or []),
        rule_titles={rule.id: rule.title for rule in rubric.hard_rules},
        option_labels={
            q.id: {o.id: o.label for o in getattr(q, "options", [])}
            for q in rubric.questions
            if getattr(q, "options", None)
        },
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
            status, label, pts = "unanswered", words.UNANSWERED_LABEL, None
        elif value == UNKNOWN:
            status, label, pts = "unknown", words.UNKNOWN_LABEL, None
        else:
            status, label, pts = "hidden", words.answer_label(question, value), None
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
