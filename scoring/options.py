"""Options side by side, cost over time and labour freed — pure functions.

An answers file may compare one to four ways of adopting (``options:``). Questions the
rubric marks ``per_option`` are answered per option; all others once, for the shared
context. An option marked ``baseline: true`` stands for keeping today's process: it is
not scored, and its cost is the current process's cost.

Cost model (money in the file's ``currency``, per month unless named one-time; hours per
week, turned into months with 52/12 weeks a month)::

    hours today   = Σ labour roles' hours_per_week, else the 'weekly_hours' answer
    hours freed   = Σ hours_per_week × share_removed, else the 'weekly_hours' answer
    one-time      = integration + adaptation + evaluation
    items / month = costs.items_per_month, else the answer to the number question
                    'monthly_volume' (if the rubric has it), else 0
    monthly       = price_per_item × items/month + hosting + maintenance + other
                    + (review_hours_per_week + hours today − hours freed)
                      × 52/12 × hourly_rate
    current       = hours today × 52/12 × hourly_rate + current_process.other_per_month
    cumulative(m) = one-time + m × monthly          (m = 0 … horizon_months)
    break-even    = the first month m ≥ 1 with cumulative(m) ≤ m × current, if any

So the labour an option saves is exactly the hours the labour section frees, the hours it
does not free stay in its monthly cost, and its own review hours are added to it.

The cost model feeds the rubric's cost question: the one-time share of an option's
cost over the horizon suggests an answer to ``cost_profile`` (60 % or more:
``mostly_one_time``; 30 % or less: ``mostly_recurring``; else ``balanced``), shown next
to the answer given. Labour: hours freed per week = hours × share removed, per role;
their total is the answer to the number question ``weekly_hours`` (see
:func:`scoring.answers.with_labour_hours`).
"""

from __future__ import annotations

import math
from datetime import date

from pydantic import Field

from .answers import (
    WEEKS_PER_MONTH,
    Answers,
    CostInputs,
    OptionAnswers,
    hours_freed_per_week,
    labour_hours,
    number_answer,
)

# shipped_catalogue lives in scoring.catalogue (scoring.answers checks usage against it
# and this module imports scoring.answers); it is re-exported here, where it was first.
from .catalogue import EntryKind, PriceCatalogue, shipped_catalogue
from .engine import ScoreResult, quick_verdict, score
from .errors import CatalogueError, NotEnoughAnswers
from .limits import MAX_TITLE_CHARS, clip
from .models import Output, Rubric, Verdict
from .pricing import CostContext, OptionUsage, PriceSource, price_source, priced_option, usage_plan
from .usage import HostedServing, PriceScenario, price_scenario

__all__ = [
    "CostSummary",
    "Costs",
    "Labour",
    "LabourLine",
    "OptionResult",
    "OptionsComparison",
    "compare_options",
    "costs",
    "headline",
    "headline_answers",
    "labour",
    "option_answers",
    "shipped_catalogue",
]

#: The single-choice question a cost summary suggests an answer to.
COST_PROFILE_QUESTION = "cost_profile"
#: The number question that gives items per month when the costs do not.
VOLUME_QUESTION = "monthly_volume"
#: The number question the cost figures answer per option: its running cost a month as a
#: percentage of today's; the rubric's bands for it turn the cost comparison into points.
RUNNING_COST_QUESTION = "running_cost_vs_today"
#: The question whose answer is an option's expected quality, shown beside its cost per item.
QUALITY_QUESTION = "accuracy_gain"


class OptionResult(Output):
    """One option scored on its own answers (a baseline option is not scored): its verdict
    and score, the hard rules that hold, the adaptation advice, its open questions."""

    id: str
    title: str
    baseline: bool
    verdict: Verdict | None
    score: float | None
    rules_applied: list[str]
    adaptation: str | None
    open_questions: int


class OptionsComparison(Output):
    """Every option, and the preferred one with the reason (see :func:`compare_options`)."""

    preferred: str | None
    reason: str
    items: list[OptionResult]


class CostSummary(Output):
    """One option's costs over the horizon (see the module docstring for the model)."""

    id: str
    title: str
    baseline: bool
    one_time: float
    monthly: float
    review_hours_per_week: float
    items_per_month: float
    break_even_month: int | None
    savings_at_horizon: float
    one_time_share: float | None
    suggested_cost_profile: str | None
    cumulative: list[float]
    #: Bands, break-even range and sensitivity, for an option with usage or ranges.
    usage: OptionUsage | None = None
    #: The answer to the quality question (e.g. "Much better"), shown beside the cost.
    expected_quality: str | None = None


class Costs(Output):
    """Each option's cumulative cost beside today's process, in ``currency``."""

    currency: str
    horizon_months: int
    hourly_rate: float
    hours_now: float  # hours a week of this work today (the one source: see labour_hours)
    hours_freed: float  # of those, the hours a week every adopting option takes over
    labour_saved_monthly: float  # hours freed × 52/12 × hourly rate
    other_monthly: float  # today's costs besides the hours (current_process.other_per_month)
    current_monthly: float
    current_cumulative: list[float]
    options: list[CostSummary]
    #: The price catalogue the usage figures come from, when an option gives usage.
    prices: PriceSource | None = None
    #: Options with usage at falling hosted prices (when one of two or more is hosted).
    falling_prices: PriceScenario | None = None
    #: Usage that could not be priced (the option keeps its point figures), in words.
    problems: list[str] = Field(default_factory=list)
    #: Figures that disagree with each other but can still be priced, in words.
    notes: list[str] = Field(default_factory=list)


class LabourLine(Output):
    """One role's repetitive hours per week and the share the model removes."""

    role: str
    hours_per_week: float
    share_removed: float
    hours_freed: float
    moves_to: str


class Labour(Output):
    """Hours freed per week across roles (also the ``weekly_hours`` answer, when the rubric
    asks it)."""

    roles: list[LabourLine]
    hours_now: float
    hours_freed: float


# --- options ----------------------------------------------------------------------------------


def option_answers(answers: Answers, option: OptionAnswers) -> Answers:
    """The answers one option is scored with: the shared ones, then the option's own."""
    return Answers(
        rubric=answers.rubric,
        # Both titles may be at their limits; the pair is shortened, never refused.
        title=clip(f"{answers.title} — {option.title}", MAX_TITLE_CHARS),
        answers={**answers.answers, **option.answers},
        notes={**answers.notes, **option.notes},
        costs=option.costs,
        current_process=answers.current_process,
        hourly_rate=answers.hourly_rate,
        currency=answers.currency,
        horizon_months=answers.horizon_months,
        labour=answers.labour,
    )


def headline(rubric: Rubric, answers: Answers) -> tuple[Verdict, float] | None:
    """Verdict and score a list shows: the best adoption option's when options are compared
    (the same choice the report makes), else the assessment's own. Fast: no explanations."""
    if not answers.options:
        return quick_verdict(rubric, answers)
    results = [
        found
        for option in answers.options
        if not option.baseline
        and (found := quick_verdict(rubric, option_answers(answers, option))) is not None
    ]
    return max(results, key=lambda r: (r[0].rank, r[1])) if results else None


def _try_score(rubric: Rubric, answers: Answers) -> ScoreResult | None:
    try:
        return score(rubric, answers)
    except NotEnoughAnswers:
        return None


def compare_options(rubric: Rubric, answers: Answers) -> OptionsComparison | None:
    """Each option scored on its own answers; the preferred one named with the reason."""
    if not answers.options:
        return None
    items = []
    results: dict[str, ScoreResult] = {}
    for option in answers.options:
        if option.baseline:
            items.append(
                OptionResult(
                    id=option.id,
                    title=option.title,
                    baseline=True,
                    verdict=None,
                    score=None,
                    rules_applied=[],
                    adaptation=None,
                    open_questions=0,
                )
            )
            continue
        result = _try_score(rubric, option_answers(answers, option))
        if result is not None:
            results[option.id] = result
        items.append(
            OptionResult(
                id=option.id,
                title=option.title,
                baseline=False,
                verdict=result.verdict if result else None,
                score=result.score if result else None,
                rules_applied=[r.id for r in result.rules_applied] if result else [],
                adaptation=result.adaptation.label if result else None,
                open_questions=len(result.verdict_range.open_questions) if result else 0,
            )
        )
    preferred, reason = _preferred(answers, items, results)
    return OptionsComparison(preferred=preferred, reason=reason, items=items)


def _ranked(items: list[OptionResult]) -> list[OptionResult]:
    """Scored adoption options, best first: verdict, then score, then fewer open questions."""
    return sorted(
        (i for i in items if not i.baseline and i.verdict is not None and i.score is not None),
        key=lambda i: (-i.verdict.rank, -(i.score or 0.0), i.open_questions),  # type: ignore[union-attr]
    )


def headline_answers(
    rubric: Rubric, answers: Answers
) -> tuple[Answers, str | None, OptionsComparison | None]:
    """The answers the headline verdict is scored on — with options, the best adoption
    option's — that option's title, and the comparison."""
    comparison = compare_options(rubric, answers)
    if comparison is None:
        return answers, None, None
    ranked = _ranked(comparison.items)
    if not ranked:
        return answers, None, comparison
    option = next(o for o in answers.options if o.id == ranked[0].id)
    return option_answers(answers, option), option.title, comparison


def _preferred(
    answers: Answers, items: list[OptionResult], results: dict[str, ScoreResult]
) -> tuple[str | None, str]:
    scored = _ranked(items)
    baseline = next((i for i in items if i.baseline), None)
    if not scored:
        if baseline is not None:
            return (
                baseline.id,
                "No adoption option has enough answers to score; keep the current process for now.",
            )
        return None, "No option has enough answers to score yet."
    best = scored[0]
    assert best.verdict is not None and best.score is not None
    if best.verdict is Verdict.AVOID and baseline is not None:
        return baseline.id, (
            f"Every adoption option is Avoid (best: “{best.title}” at {best.score:.1f}), "
            f"so keeping the current process (“{baseline.title}”) is preferred."
        )
    if len(scored) == 1:
        return (
            best.id,
            f"“{best.title}” is the only scored option: {best.verdict.label} at {best.score:.1f}.",
        )
    runner = scored[1]
    assert runner.verdict is not None and runner.score is not None
    why = (
        f"“{best.title}” is preferred: {best.verdict.label} at {best.score:.1f} against "
        f"{runner.verdict.label} at {runner.score:.1f} for “{runner.title}”"
    )
    differences = _biggest_differences(results[best.id], results[runner.id])
    if differences:
        why += "; it does better on " + ", ".join(differences)
    if runner.rules_applied and not best.rules_applied:
        why += "; no hard rule caps it"
    return best.id, why + "."


def _biggest_differences(best: ScoreResult, runner: ScoreResult, count: int = 2) -> list[str]:
    theirs = {c.question: c for c in runner.contributions}
    gaps = []
    for mine in best.contributions:
        other = theirs.get(mine.question)
        gap = mine.points - (other.points if other else 0.0)
        if gap > 0.05:
            gaps.append((gap, mine.prompt.rstrip("?").lower()))
    gaps.sort(reverse=True)
    return [f"“{prompt}”" for _, prompt in gaps[:count]]


# --- costs ------------------------------------------------------------------------------------


def _volume(rubric: Rubric, answers: Answers, cost: CostInputs) -> float:
    if cost.items_per_month is not None:
        return cost.items_per_month
    volume = number_answer(rubric, answers, VOLUME_QUESTION)
    return volume if volume is not None else 0.0


def _suggest_profile(rubric: Rubric, share: float | None) -> str | None:
    question = rubric.questions_by_id.get(COST_PROFILE_QUESTION)
    if question is None or share is None:
        return None
    wanted = (
        "mostly_one_time" if share >= 0.6 else "mostly_recurring" if share <= 0.3 else "balanced"
    )
    # An option id among the question's answers (a number question has none).
    return wanted if wanted in question.possible_answers() else None


def _summary(
    rubric: Rubric,
    answers: Answers,
    option_id: str,
    title: str,
    cost: CostInputs,
    current: float,
    horizon: int,
) -> CostSummary:
    rate = answers.hourly_rate or 0.0
    volume = _volume(rubric, answers, cost)
    hours_now, hours_freed = labour_hours(rubric, answers)
    kept_hours = max(0.0, hours_now - hours_freed)
    one_time = cost.integration + cost.adaptation + cost.evaluation
    monthly = (
        cost.price_per_item * volume
        + cost.hosting_per_month
        + cost.maintenance_per_month
        + (cost.review_hours_per_week + kept_hours) * WEEKS_PER_MONTH * rate
        + cost.other_per_month
    )
    cumulative = [round(one_time + m * monthly, 2) for m in range(horizon + 1)]
    break_even = None
    saving = current - monthly
    if saving > 0:
        month = max(1, math.ceil(one_time / saving - 1e-9))
        break_even = month if month <= horizon else None
    total = cumulative[-1]
    share = (one_time / total) if total > 0 else None
    return CostSummary(
        id=option_id,
        title=title,
        baseline=False,
        one_time=round(one_time, 2),
        monthly=round(monthly, 2),
        review_hours_per_week=cost.review_hours_per_week,
        items_per_month=volume,
        break_even_month=break_even,
        savings_at_horizon=round(horizon * current - total, 2),
        one_time_share=round(share, 3) if share is not None else None,
        suggested_cost_profile=_suggest_profile(rubric, share),
        cumulative=cumulative,
    )


def _volume_notes(rubric: Rubric, answers: Answers, title: str, cost: CostInputs) -> list[str]:
    """A usage volume far from the volume answer: the costs use one, the score and the
    labour rows the other, so the reader is told."""
    answered = number_answer(rubric, answers, VOLUME_QUESTION)
    if cost.usage is None or cost.usage.items_per_month is None or not answered:
        return []
    costed = cost.usage.items_per_month.expected
    if abs(costed - answered) <= 0.2 * answered:
        return []
    return [
        f"“{title}” is costed at {costed:,.0f} items a month, but the volume answer is "
        f"{answered:,.0f}; the score and the hours in the labour rows go with the answer. "
        "Make them agree."
    ]


def _first_line(exc: ValueError) -> str:
    """A refused usage figure in one sentence (pydantic's message without its URL lines)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            where = ".".join(str(x) for x in found[0].get("loc", ()))
            return f"{where}: {found[0].get('msg', '')}".strip(": ")
    return str(exc).splitlines()[0]


def _answer_label(rubric: Rubric, answers: Answers, question_id: str) -> str | None:
    question = rubric.questions_by_id.get(question_id)
    value = answers.answers.get(question_id)
    if question is None or not isinstance(value, str):
        return None
    return next((o.label for o in getattr(question, "options", []) if o.id == value), None)


def _with_usage(summary: CostSummary, usage: OptionUsage) -> CostSummary:
    """``summary`` with its point figures taken from the usage plan's expected case."""
    expected = next(c for c in usage.cost.scenarios if c.scenario == "expected")
    total = expected.cumulative[-1]
    share = expected.one_time / total if total > 0 else None
    return summary.model_copy(
        update={
            "one_time": expected.one_time,
            "monthly": expected.monthly,
            "break_even_month": expected.break_even_month,
            "savings_at_horizon": expected.net_at_horizon,
            "one_time_share": round(share, 3) if share is not None else None,
            "cumulative": expected.cumulative,
            "usage": usage,
        }
    )


def costs(
    rubric: Rubric,
    answers: Answers,
    catalogue: PriceCatalogue | None = None,
    today: date | None = None,
    *,
    detail: bool = True,
) -> Costs | None:
    """Cumulative cost per option against the current process, or None without cost figures.

    Options with a ``usage:`` block are priced from ``catalogue`` (the shipped one unless
    given) and, like options with ``ranges:``, carry bands, a break-even range and the
    inputs it is most sensitive to; ``today`` dates the catalogue's entries (for staleness).
    Without ``detail`` the sensitivity sweep and the falling-price case are left out (the
    figures and bands are the same): for callers that need only the monthly costs.
    """
    horizon = answers.horizon_months
    rate = answers.hourly_rate or 0.0
    process = answers.current_process
    hours_now, hours_freed = labour_hours(rubric, answers)
    other = process.other_per_month if process else 0.0
    current = hours_now * WEEKS_PER_MONTH * rate + other
    context = CostContext(
        hourly_rate=rate,
        hours_now=hours_now,
        hours_freed=hours_freed,
        current_other=other,
        currency=answers.currency,
        exchange_rates=dict(answers.exchange_rates),
    )
    prices = catalogue
    used: list[tuple[EntryKind, str]] = []
    problems: list[str] = []
    notes: list[str] = []
    plans = []

    def summary(merged: Answers, option_id: str, title: str, cost: CostInputs) -> CostSummary:
        nonlocal prices
        point = _summary(rubric, merged, option_id, title, cost, current, horizon)
        if cost.usage is None and not cost.ranges:
            return point
        prices = prices or shipped_catalogue()
        quality = next((o.measured_quality for o in answers.options if o.id == option_id), None)
        try:
            priced = usage_plan(option_id, title, cost, point.items_per_month, context, prices)
        except CatalogueError as exc:
            problems.extend(f"{title}: {p.message}" for p in exc.problems)
            return point
        except ValueError as exc:  # a figure the usage math refuses (e.g. zero throughput)
            problems.append(f"{title}: {_first_line(exc)}")
            return point
        used.extend(priced.entries)
        plans.append(priced.plan)
        notes.extend(_volume_notes(rubric, merged, title, cost))
        expected = _answer_label(rubric, merged, QUALITY_QUESTION)
        usage = priced_option(priced, horizon, quality, with_sensitivity=detail)
        return _with_usage(point, usage).model_copy(update={"expected_quality": expected})

    summaries = []
    if answers.options:
        for option in answers.options:
            if option.baseline:
                summaries.append(
                    CostSummary(
                        id=option.id,
                        title=option.title,
                        baseline=True,
                        one_time=0.0,
                        monthly=round(current, 2),
                        review_hours_per_week=0.0,
                        items_per_month=0.0,
                        break_even_month=None,
                        savings_at_horizon=0.0,
                        one_time_share=None,
                        suggested_cost_profile=None,
                        cumulative=[round(m * current, 2) for m in range(horizon + 1)],
                    )
                )
            elif option.costs is not None:
                merged = option_answers(answers, option)
                summaries.append(summary(merged, option.id, option.title, option.costs))
    elif answers.costs is not None:
        summaries.append(summary(answers, "main", answers.title, answers.costs))
    if not summaries:
        return None
    source = None
    if used and prices is not None:
        try:
            source = price_source(
                prices, used, context, today or date.today(), rubric.prices.max_age_days
            )
        except CatalogueError as exc:  # pragma: no cover - the plans were priced with it
            problems.extend(p.message for p in exc.problems)
    falling = None
    hosted = any(
        isinstance(p.serving, HostedServing) and p.serving.input_per_million.high > 0 for p in plans
    )
    if detail and len(plans) >= 2 and hosted:
        falling = price_scenario(plans, rubric.prices.annual_price_fall, horizon)
    return Costs(
        currency=answers.currency,
        horizon_months=horizon,
        hourly_rate=rate,
        hours_now=hours_now,
        hours_freed=hours_freed,
        labour_saved_monthly=round(hours_freed * WEEKS_PER_MONTH * rate, 2),
        other_monthly=round(other, 2),
        current_monthly=round(current, 2),
        current_cumulative=[round(m * current, 2) for m in range(horizon + 1)],
        options=summaries,
        prices=source,
        falling_prices=falling,
        problems=problems,
        notes=notes,
    )


def running_cost_share(summary: CostSummary, current_monthly: float) -> float | None:
    """An option's expected monthly cost as a percentage of today's (None when today costs
    nothing: no share of nothing)."""
    if summary.baseline or current_monthly <= 0:
        return None
    return round(summary.monthly / current_monthly * 100, 1)


def with_cost_answers(
    rubric: Rubric, answers: Answers, catalogue: PriceCatalogue | None = None
) -> Answers:
    """``answers`` with the running-cost question answered from the cost figures, per option
    (or for the assessment without options), where the rubric asks it as a number question
    and the figures allow: the figures are the one source, as the labour roles are for the
    hours. Answers without figures keep what the person answered."""
    question = rubric.questions_by_id.get(RUNNING_COST_QUESTION)
    if question is None or question.kind != "number":
        return answers
    found = costs(rubric, answers, catalogue, detail=False)
    if found is None:
        return answers
    shares = {
        s.id: share
        for s in found.options
        if (share := running_cost_share(s, found.current_monthly)) is not None
        and not question.answer_problems(share)
    }
    if not answers.options:
        share = shares.get("main")
        if share is None or answers.answers.get(RUNNING_COST_QUESTION) == share:
            return answers
        return answers.model_copy(
            update={"answers": {**answers.answers, RUNNING_COST_QUESTION: share}}
        )
    options = [
        option.model_copy(
            update={"answers": {**option.answers, RUNNING_COST_QUESTION: shares[option.id]}}
        )
        if option.id in shares and question.per_option
        else option
        for option in answers.options
    ]
    return answers.model_copy(update={"options": options})


# --- labour -----------------------------------------------------------------------------------


def labour(rubric: Rubric, answers: Answers) -> Labour | None:
    """Hours freed per role and in total, or None without labour roles."""
    if not answers.labour:
        return None
    lines = [
        LabourLine(
            role=role.role,
            hours_per_week=role.hours_per_week,
            share_removed=role.share_removed,
            hours_freed=round(role.hours_per_week * role.share_removed, 1),
            moves_to=role.moves_to,
        )
        for role in answers.labour
    ]
    return Labour(
        roles=lines,
        hours_now=round(sum(line.hours_per_week for line in lines), 1),
        hours_freed=hours_freed_per_week(answers.labour),
    )
