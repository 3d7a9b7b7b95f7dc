"""Every sentence of the report, and the report as a document of blocks.

This is the one module that words a report: the verdict box, the decision and its
conditions in the PM's words, the rules, the why paragraph, headings, table labels, and
every number as people read it. :mod:`advisor.reports.model` calls the wording functions
while it assembles a :class:`~advisor.reports.model.Report` (the JSON export carries some of
these sentences); :func:`build_document` turns a report into a
:class:`~advisor.reports.blocks.Document`, which the Markdown, HTML, typst and Streamlit
renderers only lay out. User-written text (titles, notes, role names) stays plain data in
spans, so every renderer escapes it its own way.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from scoring.engine import Contribution, RuleApplied, ScoreResult
from scoring.insight import ResolveItem, Sensitivity
from scoring.models import NumberQuestion, Rubric, Verdict
from scoring.options import OptionsComparison

from .blocks import (
    Block,
    Callout,
    Callouts,
    Chart,
    Column,
    Columns,
    Document,
    Item,
    ItemList,
    Paragraph,
    Section,
    Span,
    Table,
    VerdictBox,
)
from .charts import VERDICT_COLOURS

if TYPE_CHECKING:
    from .model import AnswerRow, Report

__all__ = [
    "ANSWER_FIRST_COUNT",
    "NOTHING_TO_RESOLVE",
    "PROVISIONAL_COLOUR",
    "PROVISIONAL_MEANING",
    "SENSITIVITY_SHOWN",
    "VERDICT_MEANING",
    "ConditionLine",
    "Headline",
    "RuleLine",
    "build_document",
    "change_lines",
    "completeness_line",
    "headline",
    "suggestion_lines",
]

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
#: How many weights and thresholds "How close the verdict is" lists (the closest first).
SENSITIVITY_SHOWN = 8
NOTHING_TO_RESOLVE = "Nothing to resolve: every question that could count is answered."

#: What the answers table says after an answer that did not count.
STATUS_WORDS = {
    "counted": "",
    "unknown": "don't know",
    "unanswered": "not answered",
    "hidden": "ignored: question hidden",
}
#: An answer row's answer when the question is open: not answered, or "don't know".
UNANSWERED_LABEL = "—"
UNKNOWN_LABEL = "Don't know"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- the verdict in words ---------------------------------------------------------------------


class Headline(_Frozen):
    """The verdict box every surface leads with. ``text`` is "Verdict: ADAPT" for a final
    verdict and "Provisional: between Avoid and Recommend" (or "Provisional: Avoid whatever
    the open answers are") while too little is answered; ``colour`` is then neutral grey."""

    status: str  # "final" | "provisional"
    text: str
    colour: str
    score_line: str  # "Score 65.9 / 100 · 41 of 41 questions answered"


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


def verdict_meaning(result: ScoreResult) -> str:
    """What the verdict means for the use case (or that there is none yet)."""
    return (
        PROVISIONAL_MEANING if result.status == "provisional" else VERDICT_MEANING[result.verdict]
    )


def decision_text(result: ScoreResult) -> str:
    """The engine's decision sentence. A provisional range whose ends meet is certain even
    when it is a bound (a bound only widens the range), so it is not "between X and X"."""
    rng = result.verdict_range
    if result.decision.kind == "provisional" and rng.worst is rng.best and not rng.exact:
        return (
            "Provisional: too little is answered for a final verdict; no answer to the open "
            f"questions can change it from {rng.worst.label}."
        )
    return result.decision.text


def conditions_title(verdict: Verdict) -> str:
    """The heading over the conditions: for an Avoid they are what would have to change."""
    return "What would have to change" if verdict is Verdict.AVOID else "Conditions before adoption"


def answer_first(resolve: list[ResolveItem]) -> list[str]:
    """The prompts a provisional report asks to answer first, in the PM's words."""
    return [
        f"{item.prompt} (now “don't know”)" if item.status == "unknown" else item.prompt
        for item in resolve[:ANSWER_FIRST_COUNT]
    ]


# --- answers as the PM saw them ---------------------------------------------------------------


def answer_label(question: Any, value: Any) -> str:
    """An answer that did not count (a hidden question's), as the PM chose it."""
    if isinstance(question, NumberQuestion):
        return f"{value} {question.unit}"
    labels = {o.id: o.label for o in question.options}
    chosen = value if isinstance(value, list) else [value]
    return "; ".join(labels.get(c, str(c)) for c in chosen)


def said(rubric: Rubric, rows: list[AnswerRow]) -> dict[str, tuple[str, str]]:
    """Question id -> (prompt, the answer as the PM saw it) for every question."""
    answers = {row.question: row.answer for row in rows if row.status != "unanswered"}
    return {q.id: (q.prompt, answers.get(q.id, "not answered")) for q in rubric.questions}


def because(question_ids: list[str], answers_said: dict[str, tuple[str, str]]) -> str:
    """ "because: <prompt> — “<answer>”; …": the PM's words, never ids."""
    parts = [
        f"{answers_said[q][0]} — “{answers_said[q][1]}”" for q in question_ids if q in answers_said
    ]
    return f"because: {'; '.join(parts)}" if parts else ""


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


def condition_lines(
    result: ScoreResult, answers_said: dict[str, tuple[str, str]]
) -> list[ConditionLine]:
    return [
        ConditionLine(
            id=c.id,
            title=c.title,
            # the advice's condition repeats its title before the rationale
            text=c.text.removeprefix(f"{c.title}: "),
            because=because(c.because, answers_said),
        )
        for c in result.conditions
    ]


def rule_line(
    rule: RuleApplied, result: ScoreResult, answers_said: dict[str, tuple[str, str]]
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
        because=because(rule.because, answers_said),
    )


# --- why --------------------------------------------------------------------------------------


def margin_sentence(result: ScoreResult, found: Sensitivity) -> str:
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


def _driver_phrase(contributions: list[Contribution], rubric: Rubric) -> str:
    parts = [
        f"“{c.answer}” on {rubric.sections_by_id[c.section].title.lower()}"
        for c in contributions[:2]
    ]
    return " and ".join(parts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def why(
    rubric: Rubric, result: ScoreResult, margin: str, comparison: OptionsComparison | None
) -> str:
    """The reasons beside the decision sentence: the score against the lines, the answers
    that weigh most (unless the decision already named them), what is still open, how
    close the verdict is, and with options why the main option leads. Rules and conditions
    are listed under the verdict, so they are not repeated here."""
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
        still_open = f"{_count(open_count, 'question is', 'questions are')} still open"
        vr = result.verdict_range
        if result.status == "final" and vr.best != vr.worst:
            sentences.append(
                f"{still_open}; depending on the answers the verdict could be anywhere from "
                f"{vr.worst.label} to {vr.best.label}{'' if vr.exact else ' (estimated bound)'}."
            )
        else:
            sentences.append(f"{still_open}.")
    sentences.append(margin)
    if comparison is not None:
        sentences.append(comparison.reason)
    return " ".join(sentences)


# --- decision insight -------------------------------------------------------------------------


def change_lines(report: Report) -> dict[str, str]:
    """One sentence each for moving the verdict up and down."""
    found = report.what_would_change
    out = {}
    for key, change, word in (("up", found.up, "up"), ("down", found.down, "down")):
        if change is None:
            if (key == "up" and report.verdict is Verdict.RECOMMEND) or (
                key == "down" and report.verdict is Verdict.AVOID
            ):
                out[key] = f"Nothing can move it {word}: it is already {report.verdict.label}."
            else:
                bound = "" if found.exact else " (search stopped at its bound)"
                out[key] = (
                    f"No change to up to three actionable answers moves it {word} to "
                    f"exactly one level {'higher' if key == 'up' else 'lower'}{bound}."
                )
            continue
        steps = "; ".join(change.description)
        out[key] = f"{change.verdict.label} (score {change.score:.1f}) if: {steps}."
    return out


def suggestion_lines(report: Report) -> list[str]:
    """Where the cost and labour figures suggest an answer, next to the answer given."""
    lines = []
    given = report.input.get("answers", {})
    if report.costs is not None:
        for option in report.costs.options:
            if option.suggested_cost_profile is None:
                continue
            own: dict[str, Any] = next(
                (
                    o.get("answers", {})
                    for o in report.input.get("options", [])
                    if o.get("id") == option.id
                ),
                {},
            )
            answered = own.get("cost_profile", given.get("cost_profile", "not answered"))
            lines.append(
                f"{option.title}: the figures suggest cost profile “{option.suggested_cost_profile}” "
                f"(answered: “{answered}”)."
            )
    if report.labour is not None and report.labour.suggested_weekly_hours is not None:
        lines.append(
            f"The labour figures suggest {report.labour.suggested_weekly_hours:g} hours a week of "
            f"work the model takes over (answered: {given.get('weekly_hours', 'not answered')})."
        )
    return lines


# --- the document -----------------------------------------------------------------------------


def _plain(text: str) -> Span:
    return Span(text=text)


def _strong(text: str) -> Span:
    return Span(text=text, style="strong")


def _muted(text: str) -> Span:
    return Span(text=text, style="muted")


def _para(text: str, block_id: str = "") -> Paragraph:
    return Paragraph(id=block_id, text=[_plain(text)])


def _cell(text: str) -> list[Span]:
    return [_plain(text)]


def _signed(points: float) -> str:
    return f"{points:+.2f}"


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}"


def build_document(
    report: Report,
    *,
    published_on: dt.datetime | dt.date | None = None,
    published_by: str | None = None,
) -> Document:
    """The report as blocks in reading order: the memo a decision meeting reads, then the
    analysis, then the appendix. ``published_on`` / ``published_by`` (the policy version's,
    known to the app) say in the policy section when and by whom it was published."""
    r = report.result
    p = r.policy
    box = report.headline
    memo: list[Block] = [
        VerdictBox(
            status=box.status,
            text=box.text,
            colour=box.colour,
            meaning=report.verdict_meaning,
            score_line=box.score_line,
            policy_line=f"policy {p.id} v{p.version}",
            answer_first_title="Answer these first:",
            answer_first=report.answer_first,
            range=_range(report),
        ),
        Paragraph(id="decision", text=[_strong(report.decision)]),
    ]
    if report.conditions:
        memo.append(
            Section(
                id="conditions",
                title=report.conditions_title,
                blocks=[
                    ItemList(
                        items=[
                            Item(
                                text=[_strong(f"{c.title}."), _plain(f" {c.text}")],
                                detail=c.because,
                            )
                            for c in report.conditions
                        ]
                    )
                ],
            )
        )
    if report.rules:
        memo.append(
            Section(
                id="rules",
                title="Rules that hold",
                blocks=[
                    Callouts(
                        items=[
                            Callout(
                                text=[_strong(x.title), _plain(f" — {x.effect}.")],
                                body=x.reason,
                                detail=x.because,
                                strong=x.capped,
                            )
                            for x in report.rules
                        ]
                    )
                ],
            )
        )
    memo += [
        Section(id="why", title="Why", blocks=[_para(report.why)]),
        Section(
            id="drivers",
            title="Drivers",
            blocks=[
                Columns(
                    sections=[
                        _drivers("drivers_for", "For adoption", r.drivers_for),
                        _drivers("drivers_against", "Against adoption", r.drivers_against),
                    ]
                )
            ],
        ),
    ]
    if report.risks:
        memo.append(
            Section(
                id="risks",
                title="Risk notes",
                blocks=[
                    ItemList(
                        items=[
                            Item(
                                text=[
                                    _plain(f"{n.prompt} — "),
                                    _strong(n.answer),
                                    _plain(f": {n.risk}"),
                                ]
                            )
                            for n in report.risks
                        ]
                    )
                ],
            )
        )
    memo.append(
        Section(
            id="next_steps",
            title="Next steps",
            blocks=[ItemList(items=[Item(text=[_plain(s)]) for s in r.next_steps], ordered=True)],
        )
    )
    return Document(
        title=report.title,
        page_title=f"{report.title} — {box.text}",
        colour=box.colour,
        footer=f"Policy {p.id} v{p.version} · {report.generated}",
        page_label="page {page} of {pages}",
        memo=memo,
        analysis=_analysis(report),
        appendix=_appendix(report, published_on, published_by),
    )


def _range(report: Report) -> list[Span]:
    """How far open answers could still move a final verdict (nothing when they cannot)."""
    rng = report.result.verdict_range
    if report.status != "final" or not rng.open_questions or rng.worst == rng.best:
        return []
    spans = [
        _plain("Verdict range while questions are open: "),
        _strong(f"{rng.worst.label} – {rng.best.label}"),
    ]
    return spans if rng.exact else [*spans, _plain(" (bound)")]


def _drivers(block_id: str, title: str, drivers: list[Contribution]) -> Section:
    body: Block = (
        ItemList(
            items=[
                Item(
                    text=[
                        _plain(f"{c.prompt} — "),
                        _strong(c.answer),
                        _plain(f" ({_signed(c.points)})"),
                    ]
                )
                for c in drivers
            ]
        )
        if drivers
        else _para("None")
    )
    return Section(id=block_id, title=title, blocks=[body])


def _analysis(report: Report) -> list[Block]:
    r = report.result
    changes = change_lines(report)
    out: list[Block] = [
        Section(
            id="adaptation",
            title="Adaptation advice",
            blocks=[
                Paragraph(
                    text=[_strong(f"{r.adaptation.label}."), _plain(f" {r.adaptation.rationale}")]
                )
            ],
        ),
        Section(
            id="sensitivity",
            title="How close the verdict is",
            blocks=[
                _para(report.margin_sentence),
                ItemList(
                    items=[
                        Item(text=[_plain(i.sentence)])
                        for i in report.sensitivity.items[:SENSITIVITY_SHOWN]
                    ]
                ),
                Chart(name="tornado", label="How close the verdict is to flipping"),
            ],
        ),
        Section(
            id="what_would_change",
            title="What would change the verdict",
            blocks=[
                ItemList(
                    items=[
                        Item(text=[_strong("Up:"), _plain(f" {changes['up']}")]),
                        Item(text=[_strong("Down:"), _plain(f" {changes['down']}")]),
                    ]
                )
            ],
        ),
        Section(id="resolve_first", title="Resolve first", blocks=[_resolve_first(report)]),
    ]
    if report.options is not None:
        out.append(_options(report.options))
    if report.costs is not None:
        c = report.costs
        out.append(
            Section(
                id="costs",
                title="Cost over time",
                blocks=[
                    _para(
                        f"Current process: {_money(c.current_monthly, c.currency)} a month; "
                        f"horizon {c.horizon_months} months."
                    ),
                    Table(
                        columns=[
                            Column(label="Option", width=1),
                            Column(label="One-time", numeric=True),
                            Column(label="Monthly", numeric=True),
                            Column(label="Break-even", numeric=True),
                            Column(label="Saving over the horizon", numeric=True),
                        ],
                        rows=[
                            [
                                _cell(o.title),
                                _cell(_money(o.one_time, c.currency)),
                                _cell(_money(o.monthly, c.currency)),
                                _cell(
                                    f"month {o.break_even_month}"
                                    if o.break_even_month
                                    else "not within the horizon"
                                ),
                                _cell(_money(o.savings_at_horizon, c.currency)),
                            ]
                            for o in c.options
                            if not o.baseline
                        ],
                    ),
                    Chart(name="costs", label="Cost over time"),
                ],
            )
        )
    if report.labour is not None:
        lab = report.labour
        out.append(
            Section(
                id="labour",
                title="Labour freed",
                blocks=[
                    _para(
                        f"{lab.hours_freed:g} of {lab.hours_now:g} hours a week of repetitive "
                        "work are freed."
                    ),
                    Table(
                        columns=[
                            Column(label="Role", width=1),
                            Column(label="Hours a week", numeric=True),
                            Column(label="Share removed", numeric=True),
                            Column(label="Hours freed", numeric=True),
                            Column(label="Freed time goes to", width=1),
                        ],
                        rows=[
                            [
                                _cell(line.role),
                                _cell(f"{line.hours_per_week:g}"),
                                _cell(f"{line.share_removed:.0%}"),
                                _cell(f"{line.hours_freed:g}"),
                                _cell(line.moves_to),
                            ]
                            for line in lab.roles
                        ],
                    ),
                ],
            )
        )
    if suggestions := suggestion_lines(report):
        out.append(
            Section(
                id="suggestions",
                title="Suggested answers from the figures",
                blocks=[ItemList(items=[Item(text=[_plain(s)]) for s in suggestions])],
            )
        )
    out += [
        Chart(id="sections_chart", name="sections", label="Score by factor"),
        Chart(id="drivers_chart", name="drivers", label="What drives the verdict"),
    ]
    return out


def _resolve_first(report: Report) -> Block:
    if not report.resolve_first:
        return _para(NOTHING_TO_RESOLVE)
    return Table(
        columns=[
            Column(label="Question", width=1),
            Column(label="Status"),
            Column(label="Reachable verdicts"),
            Column(label="Score range", numeric=True),
        ],
        rows=[
            [
                _cell(i.prompt),
                _cell(i.status),
                _cell(", ".join(v.label for v in i.verdicts)),
                _cell(f"{i.score_low:.1f}–{i.score_high:.1f}"),
            ]
            for i in report.resolve_first
        ],
    )


def _options(comparison: OptionsComparison) -> Section:
    rows = []
    for o in comparison.items:
        title = [_plain(o.title)]
        if o.id == comparison.preferred:
            title += [_plain(" "), _strong("(preferred)")]
        if o.baseline:
            verdict = "today's process (not scored)"
        else:
            verdict = o.verdict.label if o.verdict else "—"
        rows.append(
            [
                title,
                _cell(verdict),
                _cell("" if o.score is None else f"{o.score:.1f}"),
                _cell(", ".join(o.rules_applied) or "—"),
                _cell(o.adaptation or "—"),
            ]
        )
    return Section(
        id="options",
        title="Options side by side",
        blocks=[
            _para(comparison.reason),
            Table(
                columns=[
                    Column(label="Option", width=1.2),
                    Column(label="Verdict"),
                    Column(label="Score", numeric=True),
                    Column(label="Capping rules"),
                    Column(label="Adaptation", width=1),
                ],
                rows=rows,
            ),
            Chart(name="options", label="Options side by side", width=80),
        ],
    )


def _appendix(
    report: Report,
    published_on: dt.datetime | dt.date | None,
    published_by: str | None,
) -> list[Block]:
    r = report.result
    p = r.policy
    answers = []
    for row in report.rows:
        answer = [_plain(row.answer)]
        if STATUS_WORDS[row.status]:
            answer += [_plain(" "), _muted(f"({STATUS_WORDS[row.status]})")]
        answers.append(
            [
                _cell(row.section),
                _cell(row.prompt),
                answer,
                _cell("" if row.points is None else _signed(row.points)),
                [_muted(row.note or "")],
            ]
        )
    out: list[Block] = [
        Section(
            id="scores",
            title="Score by factor",
            blocks=[
                Table(
                    columns=[
                        Column(label="Factor", width=1),
                        Column(label="Weight", numeric=True),
                        Column(label="Score", numeric=True),
                        Column(label="Answered", numeric=True),
                    ],
                    rows=[
                        [
                            _cell(s.title),
                            _cell(f"{s.weight:g}"),
                            _cell("—" if s.score is None else f"{s.score:.1f}"),
                            _cell(f"{s.answered}/{s.shown}"),
                        ]
                        for s in r.sections
                    ],
                )
            ],
        ),
        Section(
            id="answers",
            title="Answers",
            blocks=[
                Table(
                    columns=[
                        Column(label="Factor"),
                        Column(label="Question", width=1.6),
                        Column(label="Answer", width=1.4),
                        Column(label="Points", numeric=True),
                        Column(label="Note", width=1.2),
                    ],
                    rows=answers,
                    dense=True,
                )
            ],
        ),
    ]
    if r.warnings:
        out.append(
            Section(
                id="warnings",
                title="Warnings",
                blocks=[ItemList(items=[Item(text=[_plain(w)]) for w in r.warnings])],
            )
        )
    published = (
        f" (published {published_on:%Y-%m-%d} by {published_by})"
        if published_on is not None and published_by is not None
        else ""
    )
    policy: list[Block] = [
        Paragraph(
            text=[
                _plain(f"{p.title} — id "),
                Span(text=p.id, style="code"),
                _plain(f", version {p.version}{published}, SHA-256 "),
                Span(text=p.sha256, style="digest"),
            ]
        )
    ]
    policy.append(_para(f"Generated {report.generated} by Adoption Advisor."))
    out.append(Section(id="policy", title="Policy", blocks=policy))
    return out
