"""The one report model every export renders from."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from pydantic import BaseModel, ConfigDict

from scoring.answers import Answers
from scoring.engine import Contribution, RuleApplied, ScoreResult, score, visible_questions
from scoring.insight import (
    ResolveItem,
    Sensitivity,
    WhatWouldChange,
    resolve_first,
    sensitivity,
    what_would_change,
)
from scoring.models import UNKNOWN, NumberQuestion, Rubric, Verdict
from scoring.options import Costs, Labour, OptionsComparison, costs, headline_answers, labour

from .charts import VERDICT_COLOURS

__all__ = [
    "PROVISIONAL_COLOUR",
    "REPORT_KIND",
    "AnswerRow",
    "ConditionLine",
    "Headline",
    "Report",
    "RiskNote",
    "RuleLine",
    "build_report",
    "completeness_line",
    "headline",
    "report_date",
]

from scoring.answers import REPORT_KIND  # marks a JSON report so it can be read back as answers

REPORT_FORMAT_VERSION = 1

VERDICT_MEANING = {
    Verdict.RECOMMEND: "Adopt a foundation model for this use case now, starting with a measured pilot.",
    Verdict.ADAPT: "Adopt only with the adaptations and conditions listed below.",
    Verdict.AVOID: "Do not adopt a foundation model for this use case now.",
}
PROVISIONAL_MEANING = (
    "Not a verdict yet: too few questions are answered to decide. Answer the questions "
    "below first; the verdict becomes final once enough of every section is answered."
)
#: A provisional verdict is grey: no colour may suggest a decision that has not been made.
PROVISIONAL_COLOUR = "#6b6b76"
#: How many open questions a provisional report asks to answer first.
ANSWER_FIRST_COUNT = 3


class AnswerRow(BaseModel):
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


class Headline(_Frozen):
    """The verdict box every surface leads with. ``text`` is "Verdict: ADAPT" for a final
    verdict and "Provisional: between Avoid and Recommend" (or "Provisional: Avoid whatever
    the open answers are") while too little is answered; ``colour`` is then neutral grey."""

    status: str  # "final" | "provisional"
    text: str
    colour: str
    score_line: str  # "Score 65.9 / 100 · 41 of 41 questions answered"


class ConditionLine(_Frozen):
    """A condition as the PM reads it: ``because`` names the questions and the answers given."""

    id: str
    title: str
    text: str
    because: str  # "because: <prompt> — “<answer>”; …" or "" when no answer raised it


class RuleLine(_Frozen):
    """A hard rule that holds. ``capped``: it set the verdict (binding, at the verdict's
    level); otherwise it ``also holds`` and the verdict would be no higher without it."""

    id: str
    title: str
    cap: Verdict
    reason: str
    capped: bool
    effect: str  # "Capped the verdict at Avoid" | "Also holds (caps at Avoid) …"
    because: str


class RiskNote(_Frozen):
    prompt: str
    answer: str
    risk: str


class Report(BaseModel):
    """Everything a reader sees, in reading order: the memo first, then the details."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    generated: str
    status: str  # "final" | "provisional"
    verdict: Verdict
    verdict_meaning: str
    headline: Headline
    decision: str  # the sentence that says what decided the verdict (engine's decision.text)
    answer_first: list[str]  # provisional only: the prompts to answer first, in the PM's words
    conditions_title: str  # "Conditions before adoption" | "What would have to change" (Avoid)
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
    insight_sensitivity = sensitivity(rubric, scored, result)
    rows = _rows(rubric, scored, result)
    said = _said(rubric, rows)
    margin = _margin_sentence(result, insight_sensitivity)
    why = _why(rubric, result, margin)
    if comparison is not None:
        why += " " + comparison.reason
    resolve = resolve_first(rubric, scored)
    provisional = result.status == "provisional"
    return Report(
        title=answers.title,
        generated=(generated or report_date()).isoformat(),
        status=result.status,
        verdict=result.verdict,
        verdict_meaning=PROVISIONAL_MEANING if provisional else VERDICT_MEANING[result.verdict],
        headline=headline(result),
        decision=_decision_text(result),
        answer_first=[_open_prompt(i) for i in resolve[:ANSWER_FIRST_COUNT]] if provisional else [],
        conditions_title=(
            "What would have to change"
            if result.verdict is Verdict.AVOID
            else "Conditions before adoption"
        ),
        conditions=[
            ConditionLine(
                id=c.id,
                title=c.title,
                # the advice's condition repeats its title before the rationale
                text=c.text.removeprefix(f"{c.title}: "),
                because=_because(c.because, said),
            )
            for c in result.conditions
        ],
        rules=[_rule_line(rule, result, said) for rule in result.rules_applied],
        risks=[
            RiskNote(prompt=c.prompt, answer=c.answer, risk=c.risk)
            for c in result.contributions
            if c.risk
        ],
        margin_sentence=margin,
        why=why,
        summary=f"{_decision_text(result)} {why}",
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
        costs=costs(rubric, answers),
        labour=labour(rubric, answers),
        input=_input(rubric, answers),
    )


def completeness_line(result: ScoreResult) -> str:
    """How much is answered, counted the one way (``scoring.engine.answered_questions``):
    a real answer or "not applicable" is answered; unanswered and "don't know" are open."""
    c = result.completeness
    line = f"{c.answered} of {c.shown} questions answered"
    if c.unknown:
        line += f" ({c.unknown} marked “don't know”)"
    return line


def headline(result: ScoreResult) -> Headline:
    """The verdict box for any result: the report's, a policy preview's, a re-score's."""
    rng = result.verdict_range
    if result.status == "provisional":
        if rng.worst is rng.best:
            text = f"Provisional: {rng.worst.label} whatever the open answers are"
        else:
            text = f"Provisional: between {rng.worst.label} and {rng.best.label}"
        return Headline(
            status=result.status,
            text=text,
            colour=PROVISIONAL_COLOUR,
            score_line=f"Score {result.score:.1f} / 100 so far, not final · "
            f"{completeness_line(result)}",
        )
    return Headline(
        status=result.status,
        text=f"Verdict: {result.verdict.label.upper()}",
        colour=VERDICT_COLOURS[result.verdict],
        score_line=f"Score {result.score:.1f} / 100 · {completeness_line(result)}",
    )


def _decision_text(result: ScoreResult) -> str:
    """The engine's decision sentence. A provisional range whose ends meet is certain even
    when it is a bound (a bound only widens the range), so it is not "between X and X"."""
    rng = result.verdict_range
    if result.decision.kind == "provisional" and rng.worst is rng.best and not rng.exact:
        return (
            "Provisional: too little is answered for a final verdict; no answer to the open "
            f"questions can change it from {rng.worst.label}."
        )
    return result.decision.text


def _open_prompt(item: ResolveItem) -> str:
    return f"{item.prompt} (now “don't know”)" if item.status == "unknown" else item.prompt


def _said(rubric: Rubric, rows: list[AnswerRow]) -> dict[str, tuple[str, str]]:
    """Question id -> (prompt, the answer as the PM saw it) for every question."""
    answers = {row.question: row.answer for row in rows if row.status != "unanswered"}
    return {q.id: (q.prompt, answers.get(q.id, "not answered")) for q in rubric.questions}


def _because(question_ids: list[str], said: dict[str, tuple[str, str]]) -> str:
    """ "because: <prompt> — “<answer>”; …": the PM's words, never ids."""
    parts = [f"{said[q][0]} — “{said[q][1]}”" for q in question_ids if q in said]
    return f"because: {'; '.join(parts)}" if parts else ""


def _rule_line(
    rule: RuleApplied, result: ScoreResult, said: dict[str, tuple[str, str]]
) -> RuleLine:
    capped = rule.binding and rule.cap is result.verdict
    if capped:
        effect = f"Capped the verdict at {rule.cap.label}"
    elif rule.cap.rank >= result.score_verdict.rank:
        effect = (
            f"Also holds (caps at {rule.cap.label}; the score alone already gives "
            f"{result.score_verdict.label})"
        )
    else:
        effect = f"Also holds (caps at {rule.cap.label}; the verdict is lower for other reasons)"
    return RuleLine(
        id=rule.id,
        title=rule.title,
        cap=rule.cap,
        reason=rule.reason,
        capped=capped,
        effect=effect,
        because=_because(rule.because, said),
    )


def _margin_sentence(result: ScoreResult, found: Sensitivity) -> str:
    """How close the verdict is. When no score change alone moves it, name what holds it
    (a rule, the conditions, the advice) rather than claim a hard rule that may not bind."""
    if found.margin is not None:
        return found.margin_sentence
    holding = [r.title for r in result.rules_applied if r.cap is result.verdict]
    if holding:
        names = "; ".join(f"“{t}”" for t in holding)
        what = f"{names} hold{'s' if len(holding) == 1 else ''}"
    elif result.verdict is Verdict.ADAPT and result.conditions:
        what = "the conditions above are open"
    elif result.adaptation.strategy.cap is result.verdict:
        what = f"the advice is “{result.adaptation.label}”"
    else:
        return found.margin_sentence
    return (
        f"No change of score alone would change the verdict: it stays {result.verdict.label} "
        f"while {what}."
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


def _why(rubric: Rubric, result: ScoreResult, margin: str) -> str:
    """The reasons beside the decision sentence: the score against the lines, the answers
    that weigh most (unless the decision already named them), what is still open, and how
    close the verdict is. Rules and conditions are listed under the verdict, so they are
    not repeated here."""
    t = rubric.thresholds
    named = set(result.decision.ids)
    sentences = [
        f"The overall score is {result.score:.1f} out of 100; the policy recommends at "
        f"{t.recommend:g} or more and adapts at {t.adapt:g} or more."
    ]
    if result.drivers_for and result.drivers_for[0].question not in named:
        sentences.append(
            f"The answers that weigh most in favour are {_driver_phrase(result.drivers_for, rubric)}."
        )
    if result.drivers_against and result.drivers_against[0].question not in named:
        sentences.append(
            f"The answers that weigh most against are {_driver_phrase(result.drivers_against, rubric)}."
        )
    c = result.completeness
    open_count = c.shown - c.answered
    if open_count:
        are = "s are" if open_count != 1 else " is"
        sentences.append(f"{open_count} question{are} still open.")
        vr = result.verdict_range
        if result.status == "final" and vr.best != vr.worst:
            sentences[-1] = (
                f"{open_count} question{are} still open; depending on the answers the verdict "
                f"could be anywhere from {vr.worst.label} to {vr.best.label}"
                f"{'' if vr.exact else ' (estimated bound)'}."
            )
    sentences.append(margin)
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
