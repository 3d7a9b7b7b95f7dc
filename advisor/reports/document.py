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
import math
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from scoring.catalogue import KIND_NOUNS
from scoring.engine import Contribution, RuleApplied, ScoreResult
from scoring.estimate import Estimate
from scoring.insight import ResolveItem, Sensitivity
from scoring.models import NumberQuestion, Rubric, Verdict
from scoring.options import Costs, CostSummary, OptionResult, OptionsComparison
from scoring.pricing import INPUT_NAMES, PriceSource
from scoring.usage import SCENARIOS, BreakEvenRange, PriceScenario

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
from .levers import PLAUSIBLE_CHANGE, VERDICT_COLOURS, plausible_levers

if TYPE_CHECKING:
    from .model import AnswerRow, Report, RevisionEntry

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
#: How many hex digits of the policy's SHA-256 the footer shows (enough to tell versions apart).
SHORT_HASH = 8
NOTHING_TO_RESOLVE = "Nothing to resolve: every question that could count is answered."

#: What the answers table says after an answer that did not count.
STATUS_WORDS = {
    "counted": "",
    "unknown": "",  # the answer already says "Don't know"
    "unanswered": "",  # the answer already says "Not answered"
    "hidden": "not counted: the question does not apply after the other answers",
}
#: How "Resolve first" says why a question is open.
OPEN_WORDS = {"unknown": "Don't know", "unanswered": "Not answered"}
#: An answer row's answer when the question is open: not answered, or "don't know".
UNANSWERED_LABEL = "Not answered"
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
        return f"{_number(value)} {question.unit}"
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
        about = f"“{report.main_option}” would be " if report.main_option else ""
        out[key] = f"{about}{change.verdict.label} (score {change.score:.1f}) if: {steps}."
        if key == "down" and (runner := _next_option(report)) is not None:
            assert runner.verdict is not None and runner.score is not None
            if (runner.verdict.rank, runner.score) > (change.verdict.rank, change.score):
                out[key] += (
                    f" “{runner.title}” ({runner.verdict.label}, {runner.score:.1f}) would then "
                    f"lead the comparison, so the assessment's verdict would be "
                    f"{runner.verdict.label}."
                )
    return out


def _next_option(report: Report) -> OptionResult | None:
    """The scored adoption option after the headline one: the one that would lead if the
    headline option fell below it."""
    if report.options is None or report.main_option is None:
        return None
    others = [
        item
        for item in report.options.items
        if not item.baseline
        and item.verdict is not None
        and item.score is not None
        and item.title != report.main_option
    ]
    return max(others, key=lambda i: (i.verdict.rank, i.score), default=None)  # type: ignore[union-attr]


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
            labels = report.option_labels.get("cost_profile", {})
            answered = own.get("cost_profile", given.get("cost_profile"))
            answered_words = (
                "not answered" if answered is None else f"“{labels.get(answered, answered)}”"
            )
            suggested = labels.get(option.suggested_cost_profile, option.suggested_cost_profile)
            lines.append(
                f"{option.title}: the figures suggest the cost profile “{suggested}” "
                f"(answered: {answered_words})."
            )
    return lines


# --- the document -----------------------------------------------------------------------------


def _plain(text: str) -> Span:
    return Span(text=text)


def _strong(text: str) -> Span:
    return Span(text=text, style="strong")


def _muted(text: str) -> Span:
    return Span(text=text, style="muted")


def _para(text: str) -> Paragraph:
    return Paragraph(text=[_plain(text)])


def _item(*spans: Span | str, detail: str = "") -> Item:
    return Item(text=[_plain(s) if isinstance(s, str) else s for s in spans], detail=detail)


def _items(items: list[Item], *, ordered: bool = False) -> ItemList:
    return ItemList(items=items, ordered=ordered)


def _section(block_id: str, title: str, *blocks: Block) -> Section:
    return Section(id=block_id, title=title, blocks=list(blocks))


def _col(label: str, *, numeric: bool = False, width: float | None = None) -> Column:
    return Column(label=label, numeric=numeric, width=width)


def _table(columns: list[Column], rows: list[list[str | list[Span]]], dense: bool = False) -> Table:
    cells = [[[_plain(c)] if isinstance(c, str) else c for c in row] for row in rows]
    return Table(columns=columns, rows=cells, dense=dense)


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
    p = report.result.policy
    return Document(
        title=report.title,
        page_title=f"{report.title} — {report.headline.text}",
        colour=report.headline.colour,
        footer=f"Policy {p.id} v{p.version} ({p.sha256[:SHORT_HASH]}) · {report.generated}",
        page_label="page {page} of {pages}",
        memo=_memo(report),
        analysis=_analysis(report),
        appendix=_appendix(report, published_on, published_by),
    )


#: How many reasons each way the memo names.
MEMO_REASONS = 3
NOT_NAMED = "not named"


def _memo(report: Report) -> list[Block]:
    """One page a decision meeting reads: who decides and who prepared it, the verdict or
    the provisional state, the recorded decision, the conditions and rules in one line each,
    the three strongest reasons each way, cost and labour in a line, the risks, next steps.
    The detail behind each line is in the analysis, which starts on a new page."""
    r = report.result
    box = report.headline
    memo: list[Block] = [
        VerdictBox(
            status=box.status,
            text=box.text,
            colour=box.colour,
            meaning=report.verdict_meaning,
            score_line=box.score_line,
            policy_line=f"policy {r.policy.id} v{r.policy.version}",
            answer_first_title="Answer these first:",
            answer_first=report.answer_first,
            range=_range(report),
        ),
        Paragraph(
            id="memo_meta",
            text=[
                _plain(
                    f"Decision owner: {report.owner or NOT_NAMED} · Prepared by: "
                    f"{report.author or NOT_NAMED} · Date: {report.generated}"
                ),
            ],
        ),
    ]
    if recorded := recorded_decision(report):
        memo.append(Paragraph(id="recorded_decision", text=recorded))
    memo.append(Paragraph(id="decision", text=[_strong(report.decision)]))
    if report.conditions:
        conditions = [_item(_strong(f"{c.title}.")) for c in report.conditions]
        memo.append(_section("conditions", report.conditions_title, _items(conditions)))
    if report.rules:
        rules = [_item(_strong(x.title), f" — {x.effect}.") for x in report.rules]
        memo.append(_section("rules", "Rules that hold", _items(rules)))
    memo.append(
        _section(
            "reasons",
            "The strongest reasons",
            Columns(
                sections=[
                    _reasons("reasons_for", "For adoption", r.drivers_for),
                    _reasons("reasons_against", "Against adoption", r.drivers_against),
                ]
            ),
        )
    )
    if figures := _figure_lines(report):
        memo.append(_section("figures", "Cost and labour", _items(figures)))
    if report.risks:
        risks = [_item(f"{n.prompt} — ", _strong(n.answer), f": {n.risk}") for n in report.risks]
        memo.append(_section("risks", "Risk notes", _items(risks)))
    steps = _items([_item(step) for step in r.next_steps], ordered=True)
    memo.append(_section("next_steps", "Next steps", steps))
    return memo


def recorded_decision(report: Report) -> list[Span]:
    """The latest recorded decision in a line, and whether it was taken on an earlier
    revision than the one this report is of (nothing when none is recorded)."""
    if not report.decisions:
        return []
    d = report.decisions[-1]
    spans = [
        _strong(f"Decision recorded: {d.label}"),
        _plain(f" by {d.decided_by} on {d.decided_on}"),
    ]
    if d.note:
        spans.append(_plain(f" — “{d.note}”"))
    if report.revision is not None and d.revision < report.revision:
        spans.append(
            _muted(
                f" (taken on revision {d.revision}; this report is of revision "
                f"{report.revision}, edited since)"
            )
        )
    return spans


def _reasons(block_id: str, title: str, drivers: list[Contribution]) -> Section:
    if not drivers:
        return _section(block_id, title, _para("No answer weighs this way."))
    items = [_item(f"{c.prompt} — ", _strong(c.answer)) for c in drivers[:MEMO_REASONS]]
    return _section(block_id, title, _items(items, ordered=True))


def _figure_lines(report: Report) -> list[Item]:
    """Cost and labour in one line each (when the answers give the figures)."""
    lines = []
    if report.costs is not None:
        c = report.costs
        adopting = [o for o in c.options if not o.baseline]
        preferred = report.options.preferred if report.options is not None else None
        o = next((o for o in adopting if o.id == preferred), adopting[0] if adopting else None)
        if o is not None:
            even = (
                f"breaks even in month {o.break_even_month}"
                if o.break_even_month
                else "does not break even within the horizon"
            )
            if o.usage is not None:
                band = o.usage.cost.break_even
                even = f"breaks even {break_even_words(band, c.horizon_months)}"
            name = f"{o.title}: " if len(adopting) > 1 else ""
            lines.append(
                _item(
                    _strong("Cost:"),
                    f" {name}{_money(o.one_time, c.currency)} once and "
                    f"{_money(o.monthly, c.currency)} a month against "
                    f"{_money(c.current_monthly, c.currency)} today; {even}; "
                    f"{_money(o.savings_at_horizon, c.currency)} saved over "
                    f"{c.horizon_months} months." + _stale_note(c),
                )
            )
    # The labour line reads the same hours the cost line is computed from.
    costed = report.costs if report.costs is not None and report.costs.hours_now else None
    if report.labour is not None:
        now, freed = report.labour.hours_now, report.labour.hours_freed
    elif costed is not None:
        now, freed = costed.hours_now, costed.hours_freed
    else:
        return lines
    worth = (
        f", worth {_money(costed.labour_saved_monthly, costed.currency)} a month"
        if costed is not None and costed.hourly_rate
        else ""
    )
    lines.append(
        _item(
            _strong("Labour:"),
            f" {_hours(freed)} of {_hours(now)} hours a week of repetitive work freed{worth}.",
        )
    )
    return lines


def _stale_note(c: Costs) -> str:
    """The memo's warning that the prices behind the cost line are older than the limit."""
    if c.prices is None or not c.prices.stale:
        return ""
    oldest = min(e.checked for e in c.prices.stale).isoformat()
    count = len(c.prices.stale)
    return (
        f" {count} catalogue figure{'s are' if count != 1 else ' is'} older than "
        f"{c.prices.max_age_days} days (oldest checked {oldest}): re-check before budgeting."
    )


def _cost_basis(c: Costs) -> str:
    """What today's monthly cost is made of, and how each option's monthly cost is built
    from the same hours (see scoring.options)."""
    parts = []
    if c.hours_now:
        rate = f" at {_money(c.hourly_rate, c.currency)} an hour" if c.hourly_rate else ""
        parts.append(f"{_hours(c.hours_now)} hours a week of this work{rate}")
    if c.other_monthly:
        parts.append(f"{_money(c.other_monthly, c.currency)} a month of other costs")
    today = f"Today: {_money(c.current_monthly, c.currency)} a month"
    today += f" ({' and '.join(parts)})." if parts else "."
    kept = c.hours_now - c.hours_freed
    if c.hours_now:
        today += (
            f" Each option's monthly cost keeps the {_hours(kept)} hours a week it does not "
            f"free and adds its own review hours; {_hours(c.hours_freed)} hours a week are "
            "freed, as in the labour figures."
            if kept > 0
            else f" Each option frees all {_hours(c.hours_now)} hours a week and adds its own "
            "review hours."
        )
    return f"{today} Horizon: {c.horizon_months} months."


#: How the report names the costed cases (scoring.usage.SCENARIOS).
CASE_WORDS = {
    "low-cost": "low-cost",
    "expected": "expected",
    "high-cost": "high-cost",
    "low-volume": "low-volume",
}


def break_even_words(band: BreakEvenRange, horizon: int, *, expected: bool = False) -> str:
    """Break-even as a range of months: "between month 3 and month 9; never within 36
    months in the low-volume case", "month 4 in every case". With ``expected``, the expected
    case's month follows the range: "between month 3 and month 9 (expected: month 4)"."""
    if band.earliest is None or band.latest is None:
        return f"not within {horizon} months in any case"
    if band.earliest == band.latest:
        words = f"month {band.earliest}" + ("" if band.never_in else " in every case")
    else:
        words = f"between month {band.earliest} and month {band.latest}"
        if expected:
            words += (
                f" (expected: month {band.expected})"
                if band.expected is not None
                else f" (expected: not within {horizon} months)"
            )
    if band.never_in:
        cases = " or ".join(f"the {CASE_WORDS.get(n, n)} case" for n in band.never_in)
        words += f"; never within {horizon} months in {cases}"
    return words


def _band(value: Estimate, currency: str, money: bool = True) -> str:
    """An estimate as "10,325 EUR (10,289–10,436)", or the one figure when low = high."""
    # A no-break space keeps a figure with its currency when a narrow cell wraps.
    shown = (lambda v: _money(v, currency).replace(" ", "\u00a0")) if money else _hours
    low, high = _amount(value.low), _amount(value.high)
    if low == high:  # a band too narrow to show at this precision is one figure
        return shown(value.expected)
    return f"{shown(value.expected)} ({low}–{high})"


def _amount(value: float) -> str:
    """Money without its currency: whole above 100, cents above 1, else two significant
    digits in decimals (a token bill per item is a fraction of a cent: 0.014, 0.000052)."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1 or value == 0:
        return f"{value:,.2f}"
    decimals = max(2, 1 - math.floor(math.log10(abs(value))))
    return f"{value:.{decimals}f}"


def _per_item(value: Estimate | None, currency: str) -> str:
    if value is None:
        return "—"
    if _amount(value.low) == _amount(value.high):
        return f"{_amount(value.expected)}\u00a0{currency}"
    return f"{_amount(value.expected)}\u00a0{currency} ({_amount(value.low)}–{_amount(value.high)})"


def _swing_words(o: CostSummary, horizon: int, currency: str) -> str:
    """Which input moves the option's break-even (or net) most, and how far."""
    assert o.usage is not None
    if not o.usage.most_sensitive:
        return "no uncertain input moves it"
    top = o.usage.most_sensitive[0]
    name = INPUT_NAMES.get(top.input, top.input)
    if o.usage.sensitivity_measure == "break_even_month":

        def month(value: float | None) -> str:
            return f"month {value:.0f}" if value is not None else f"not within {horizon} months"

        return (
            f"most sensitive to {name} (break-even {month(top.at_low)} at its low end, "
            f"{month(top.at_high)} at its high end)"
        )
    return (
        f"most sensitive to {name}: between its low and high end, what the option saves over "
        f"{horizon} months moves by {_money(top.change, currency)}"
    )


def _provenance(source: PriceSource, currency: str) -> list[Block]:
    """Which catalogue the prices come from, how old its figures are, and which are stale."""
    files = ", ".join(name.replace("\\", "/").rsplit("/", 1)[-1] for name in source.files)
    text = f"Prices: catalogue “{source.title}”" + (f" ({files})" if files else "")
    if source.currency != currency:
        text += (
            f", in {source.currency} converted at {source.exchange_rate:g} {currency} "
            f"per {source.currency}"
        )
    if source.oldest_checked is not None:
        text += f". Oldest figure used: checked {source.oldest_checked.isoformat()}"
    text += ". Nothing is fetched: a figure is as current as its checked date."
    blocks: list[Block] = [_para(text)]
    if source.stale:
        listed = "; ".join(
            (KIND_NOUNS[e.kind] if e.kind == "utilisation" else f"{KIND_NOUNS[e.kind]} {e.id}")
            + f" (checked {e.checked.isoformat()})"
            for e in source.stale
        )
        blocks.append(
            Callouts(
                id="stale_prices",
                items=[
                    Callout(
                        text=[
                            _strong(
                                f"{len(source.stale)} catalogue figure"
                                f"{'s are' if len(source.stale) != 1 else ' is'} older than "
                                f"{source.max_age_days} days"
                            ),
                            _plain(f" on {source.as_of.isoformat()}."),
                        ],
                        body=f"{listed}. Re-check them against their sources before a "
                        "budget rests on them.",
                    )
                ],
            )
        )
    return blocks


def _falling_words(falling: PriceScenario, titles: dict[str, str]) -> str:
    """Whether hosted prices falling ÷ factor a year change which option is cheapest net."""
    first = titles.get(falling.ranking_constant[0], falling.ranking_constant[0])
    words = (
        f"If hosted token prices fall {falling.annual_factor:g}-fold a year (self-hosted "
        "hardware and every other cost stay as they are), "
    )
    if not falling.flips and falling.flip_month is None:
        return (
            words + f"“{first}” still costs least over {falling.horizon_months} months once "
            "what each option saves is taken off."
        )
    after = titles.get(falling.ranking_falling[0], falling.ranking_falling[0])
    if falling.flips:
        return (
            words + f"“{after}” instead of “{first}” costs least over {falling.horizon_months} "
            f"months once what each option saves is taken off (the order changes from month "
            f"{falling.flip_month})."
        )
    return (
        words + f"the order of the options changes for a while from month {falling.flip_month}, "
        f"but “{first}” costs least over {falling.horizon_months} months either way."
    )


def _cost_bands(c: Costs) -> Section:
    """Bands, break-even ranges, the most sensitive input, falling prices, value per option
    and where the prices come from."""
    priced = [o for o in c.options if o.usage is not None]
    cases = ", ".join(CASE_WORDS[s.id] for s in SCENARIOS)
    blocks: list[Block] = [
        _para(
            "Figures given as low, expected and high are costed in four cases — "
            f"{cases} — and each figure below is the expected case with the range across "
            "them in brackets. Model per item is what the tokens or GPUs cost; all-in per "
            "item adds maintenance, review and the hours the option leaves with people."
        )
    ]
    columns = [
        # Every column a share: band cells are long, and content-wide columns would leave
        # the option's name no room.
        _col("Option", width=1.3),
        _col("One-time", numeric=True, width=1),
        _col("Monthly", numeric=True, width=1),
        _col("Model per item", numeric=True, width=1),
        _col("All-in per item", numeric=True, width=1),
    ]
    rows: list[list[str | list[Span]]] = []
    for o in priced:
        assert o.usage is not None
        cost = o.usage.cost
        rows.append(
            [
                o.title,
                _band(cost.one_time, c.currency),
                _band(cost.monthly, c.currency),
                _per_item(cost.model_cost_per_item, c.currency),
                _per_item(cost.cost_per_item, c.currency),
            ]
        )
    blocks.append(_table(columns, rows))
    lines = []
    for o in priced:
        assert o.usage is not None
        band = o.usage.cost.break_even
        lines.append(
            _item(
                _strong(f"{o.title}"),
                (f" (runs on {o.usage.model})" if o.usage.kind != "fixed" else "")
                + f": breaks even {break_even_words(band, c.horizon_months, expected=True)}"
                + f"; {_swing_words(o, c.horizon_months, c.currency)}.",
            )
        )
    blocks.append(_items(lines))
    if c.falling_prices is not None:
        titles = {o.id: o.title for o in c.options}
        blocks.append(_para(_falling_words(c.falling_prices, titles)))
    blocks.append(Chart(name="cost_bands", label="Cost over time with ranges"))
    value_rows: list[list[str | list[Span]]] = [
        [
            o.title,
            o.expected_quality or "—",
            f"{o.usage.measured_quality:g} %" if o.usage and o.usage.measured_quality else "—",
            _per_item(o.usage.cost.cost_per_item if o.usage else None, c.currency),
            _per_item(o.usage.cost_per_good_item if o.usage else None, c.currency),
        ]
        for o in priced
    ]
    blocks.append(
        _section(
            "value",
            "Value: quality beside cost",
            _para(
                "Quality as answered, and as measured on the team's own evaluation set where "
                "entered; a correct item's cost is the all-in cost per item divided by the "
                "measured share correct."
            ),
            _table(
                [
                    _col("Option", width=1),
                    _col("Expected quality"),
                    _col("Measured", numeric=True),
                    _col("All-in per item", numeric=True),
                    _col("Per correct item", numeric=True),
                ],
                value_rows,
            ),
        )
    )
    if c.prices is not None:
        blocks += _provenance(c.prices, c.currency)
    if c.notes:
        blocks.append(
            Callouts(
                id="cost_notes",
                items=[Callout(text=[_strong("Check the figures.")], body=n) for n in c.notes],
            )
        )
    if c.problems:
        blocks.append(
            Callouts(
                id="price_problems",
                items=[
                    Callout(
                        text=[_strong("Not priced from usage.")],
                        body=f"{problem} The option keeps its typed figures.",
                    )
                    for problem in c.problems
                ],
            )
        )
    return _section("cost_bands", "Cost ranges and break-even", *blocks)


def _number(value: Any) -> str:
    """A number as people read it (805,120); anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return _hours(float(value))


def _hours(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


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
    if not drivers:
        return _section(block_id, title, _para("No answer weighs this way."))
    items = [_item(f"{c.prompt} — ", _strong(c.answer), f" ({_signed(c.points)})") for c in drivers]
    return _section(block_id, title, _items(items))


def _analysis(report: Report) -> list[Block]:
    """The detail behind the memo: advice, how close the verdict is and what would change
    it, what to resolve first, options, costs, labour, and the two overview charts."""
    r = report.result
    changes = change_lines(report)
    out: list[Block] = []
    if report.conditions:
        conditions = [
            _item(_strong(f"{c.title}."), f" {c.text}", detail=c.because) for c in report.conditions
        ]
        out.append(_section("conditions_detail", report.conditions_title, _items(conditions)))
    if report.rules:
        rules = [
            Callout(
                text=[_strong(x.title), _plain(f" — {x.effect}.")],
                body=x.reason,
                detail=x.because,
                strong=x.capped,
            )
            for x in report.rules
        ]
        out.append(_section("rules_detail", "Rules that hold, and why", Callouts(items=rules)))
    out += [
        _section("why", "Why", _para(report.why)),
        _section(
            "drivers",
            "Drivers",
            Columns(
                sections=[
                    _drivers("drivers_for", "For adoption", r.drivers_for),
                    _drivers("drivers_against", "Against adoption", r.drivers_against),
                ]
            ),
        ),
        _section(
            "adaptation",
            "Adaptation advice",
            Paragraph(
                text=[_strong(f"{r.adaptation.label}."), _plain(f" {r.adaptation.rationale}")]
            ),
        ),
        _sensitivity(report),
        _section(
            "what_would_change",
            "What would change the verdict",
            _items(
                [
                    _item(_strong("Up:"), f" {changes['up']}"),
                    _item(_strong("Down:"), f" {changes['down']}"),
                ]
            ),
        ),
        _section("resolve_first", "Resolve first", _resolve_first(report)),
    ]
    if report.options is not None:
        out.append(_options(report.options, report.rule_titles))
    if report.costs is not None:
        c = report.costs
        columns = [
            _col("Option", width=1),
            _col("One-time", numeric=True),
            _col("Monthly", numeric=True),
            _col("Review h/week", numeric=True),
            _col("Break-even", numeric=True),
            _col("Saving over the horizon", numeric=True),
        ]
        rows: list[list[str | list[Span]]] = [
            [
                o.title,
                _money(o.one_time, c.currency),
                _money(o.monthly, c.currency),
                _hours(o.review_hours_per_week),
                f"month {o.break_even_month}" if o.break_even_month else "not within the horizon",
                _money(o.savings_at_horizon, c.currency),
            ]
            for o in c.options
            if not o.baseline
        ]
        out.append(
            _section(
                "costs",
                "Cost over time",
                _para(_cost_basis(c)),
                _table(columns, rows),
                Chart(name="costs", label="Cost over time"),
            )
        )
        if c.problems or any(o.usage is not None for o in c.options):
            out.append(_cost_bands(c))
    if report.labour is not None:
        lab = report.labour
        columns = [
            _col("Role", width=1),
            _col("Hours a week", numeric=True),
            _col("Share removed", numeric=True),
            _col("Hours freed", numeric=True),
            _col("Freed time goes to", width=1),
        ]
        rows = [
            [
                line.role,
                _hours(line.hours_per_week),
                f"{line.share_removed:.0%}",
                _hours(line.hours_freed),
                line.moves_to,
            ]
            for line in lab.roles
        ]
        out.append(
            _section(
                "labour",
                "Labour freed",
                _para(
                    f"{_hours(lab.hours_freed)} of {_hours(lab.hours_now)} hours a week of "
                    "repetitive work are freed."
                ),
                _table(columns, rows),
            )
        )
    if suggestions := suggestion_lines(report):
        out.append(
            _section(
                "suggestions",
                "Suggested answers from the figures",
                _items([_item(line) for line in suggestions]),
            )
        )
    out += [
        Chart(id="sections_chart", name="sections", label="Score by factor", width=80),
        Chart(id="drivers_chart", name="drivers", label="What drives the verdict", width=80),
    ]
    return out


#: How the history names a stored change.
CHANGE_WORDS = {
    "created": "Created",
    "saved": "Answers edited",
    "renamed": "Renamed",
    "deleted": "Deleted",
    "restored": "Restored",
    "re-scored": "Re-scored under another policy version",
    "imported": "Imported",
}


def _history_rows(report: Report) -> list[list[str | list[Span]]]:
    runs: list[list[RevisionEntry]] = []
    for entry in report.history:
        if runs and (runs[-1][-1].change, runs[-1][-1].verdict) == (entry.change, entry.verdict):
            runs[-1].append(entry)
        else:
            runs.append([entry])
    rows: list[list[str | list[Span]]] = []
    for run in runs:
        first, last = run[0], run[-1]
        numbers = str(first.revision) if first is last else f"{first.revision}–{last.revision}"
        rows.append(
            [
                numbers,
                last.saved_on,
                CHANGE_WORDS.get(last.change, last.change.capitalize()),
                _verdict_word(last.verdict),
                "—" if last.score is None else f"{last.score:.1f}",
            ]
        )
    return rows


def _verdict_word(value: str | None) -> str:
    """A stored verdict value as its label ("—" while none was given)."""
    if value is None:
        return "—"
    try:
        return Verdict(value).label
    except ValueError:
        return value


def _sensitivity(report: Report) -> Section:
    """How close the verdict is: the margin, and only the weights and thresholds that could
    flip it within a plausible change (or a sentence that none can)."""
    levers = plausible_levers(report.sensitivity)
    if not levers:
        return _section(
            "sensitivity",
            "How close the verdict is",
            _para(report.margin_sentence),
            _para(
                "No weight or threshold of the policy flips the verdict when changed by up to "
                f"{PLAUSIBLE_CHANGE:g} % of its value."
            ),
        )
    return _section(
        "sensitivity",
        "How close the verdict is",
        _para(report.margin_sentence),
        _items([_item(lever.sentence) for lever in levers[:SENSITIVITY_SHOWN]]),
        Chart(name="tornado", label="How close the verdict is to flipping"),
    )


def _resolve_first(report: Report) -> Block:
    if not report.resolve_first:
        return _para(NOTHING_TO_RESOLVE)
    columns = [
        _col("Question", width=1),
        _col("Status"),
        _col("Reachable verdicts"),
        _col("Score range", numeric=True),
    ]
    rows: list[list[str | list[Span]]] = [
        [
            i.prompt,
            OPEN_WORDS.get(i.status, i.status),
            ", ".join(v.label for v in i.verdicts),
            f"{i.score_low:.1f}–{i.score_high:.1f}",
        ]
        for i in report.resolve_first
    ]
    return _table(columns, rows)


def _options(comparison: OptionsComparison, rule_titles: dict[str, str]) -> Section:
    rows: list[list[str | list[Span]]] = []
    for o in comparison.items:
        title = [_plain(o.title)]
        if o.id == comparison.preferred:
            title += [_plain(" "), _strong("(preferred)")]
        if o.baseline:
            verdict = "today's process (not scored)"
        else:
            verdict = o.verdict.label if o.verdict else "—"
        score = "—" if o.score is None else f"{o.score:.1f}"
        rules = "; ".join(rule_titles.get(x, x) for x in o.rules_applied) or "—"
        rows.append([title, verdict, score, rules, o.adaptation or "—"])
    columns = [
        _col("Option", width=1.2),
        _col("Verdict"),
        _col("Score", numeric=True),
        _col("Capping rules"),
        _col("Adaptation", width=1),
    ]
    return _section(
        "options",
        "Options side by side",
        _para(comparison.reason),
        _table(columns, rows),
        Chart(name="options", label="Options side by side", width=80),
    )


def _appendix(
    report: Report,
    published_on: dt.datetime | dt.date | None,
    published_by: str | None,
) -> list[Block]:
    """For reference: the score by factor, every answer, the warnings, the policy."""
    r = report.result
    p = r.policy
    scores: list[list[str | list[Span]]] = [
        [
            s.title,
            f"{s.weight:g}",
            "—" if s.score is None else f"{s.score:.1f}",
            f"{s.answered}/{s.shown}",
        ]
        for s in r.sections
    ]
    answers: list[list[str | list[Span]]] = []
    for row in report.rows:
        answer = [_plain(row.answer)]
        if STATUS_WORDS[row.status]:
            answer += [_plain(" "), _muted(f"({STATUS_WORDS[row.status]})")]
        points = "" if row.points is None else _signed(row.points)
        answers.append([row.section, row.prompt, answer, points, [_muted(row.note or "")]])
    out: list[Block] = [
        _section(
            "scores",
            "Score by factor",
            _table(
                [
                    _col("Factor", width=1),
                    _col("Weight", numeric=True),
                    _col("Score", numeric=True),
                    _col("Answered", numeric=True),
                ],
                scores,
            ),
        ),
        _section(
            "answers",
            "Answers",
            _table(
                [
                    _col("Factor"),
                    _col("Question", width=1.6),
                    _col("Answer", width=1.4),
                    _col("Points", numeric=True),
                    _col("Note", width=1.2),
                ],
                answers,
                dense=True,
            ),
        ),
    ]
    if report.decisions:
        decided: list[list[str | list[Span]]] = [
            [d.decided_on, d.label, d.decided_by, str(d.revision), [_muted(d.note)]]
            for d in report.decisions
        ]
        columns = [
            _col("Date"),
            _col("Decision"),
            _col("By"),
            _col("Revision", numeric=True),
            _col("Note", width=1),
        ]
        out.append(_section("decisions", "Recorded decisions", _table(columns, decided)))
    # One revision says nothing the report does not; with more, runs of the same change and
    # verdict fold into one row, so dozens of autosaves stay a few lines.
    if len(report.history) > 1 or report.decisions:
        columns = [
            _col("Revisions", numeric=True),
            _col("Saved"),
            _col("Change", width=1),
            _col("Verdict"),
            _col("Score", numeric=True),
        ]
        out.append(
            _section("history", "History", _table(columns, _history_rows(report), dense=True))
        )
    if r.warnings:
        out.append(_section("warnings", "Warnings", _items([_item(w) for w in r.warnings])))
    published = (
        f" (published {published_on:%Y-%m-%d} by {published_by})"
        if published_on is not None and published_by is not None
        else ""
    )
    stamp = _para(f"{p.title}, version {p.version}{published}.")
    generated = _para(f"Generated {report.generated} by Adoption Advisor.")
    # Right after the score by factor: last, it could be alone on a page of its own.
    out.insert(1, _section("policy", "Policy", stamp, generated))
    return out
