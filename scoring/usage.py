"""Usage-based cost of an option — tokens, GPUs, bands and break-even ranges — pure math.

Every function here takes plain numbers (prices come from the price catalogue or the
company's own figures; nothing is looked up here), so each formula can be checked by hand.
Money is in the caller's currency, per month unless named one-time.

Tokens (rough rules of thumb, overridable by argument)::

    tokens        ≈ characters / 4          (English text: ~4 characters a token)
                  + pages × 500             (a dense page of prose: ~500 tokens)

Hosted model, per item (prices per million tokens)::

    per call      = (input tokens × input price + output tokens × output price) / 1,000,000
    per item      = per call × calls per item × (1 − batch share × batch discount)

``calls per item`` counts retries and tool calls: each call resends its input. The batch
share is the part of the traffic sent through a batch interface at ``batch discount`` off.

Self-hosted model, per month (:func:`self_hosted_monthly`)::

    GPU-hours     = tokens / (tokens per second per GPU × 3600 × utilisation)
    always on     : replicas = max(min replicas, ⌈GPU-hours / (GPUs per replica × 730)⌉)
                    cost     = replicas × GPUs per replica × 730 × GPU hourly price
    pay per use   : cost     = GPU-hours × GPU hourly price

730 hours is an average month (24 × 365 / 12). The throughput is the one figure a
self-hosted setup is judged by: give it for the mix of input and output tokens the use case
processes (reading input is much faster than writing output).

Fine-tuning compute, one-time (:func:`fine_tune_cost`)::

    wall-clock h  = training tokens × epochs / (tokens per second per GPU × GPUs × 3600)
    cost          = ⌈wall-clock h⌉ × GPUs × GPU hourly price   (every GPU billed by the started hour)

A usage plan (:class:`UsagePlan`, one per option; every input an :class:`Estimate`,
low/expected/high) gives, for one set of values::

    one-time      = integration + evaluation + adaptation + fine-tuning compute
                    + backlog items × cost of one item (hosted: per item price;
                      self-hosted: the GPU-hours the backlog needs, paid per use)
    usage         = hosted: per item × items per month
                    self-hosted: self_hosted_monthly(items per month × calls per item
                                 × (input + output tokens per item))
    monthly       = usage + maintenance + review hours per week × WEEKS_PER_MONTH
                    × hourly rate + other
    cost per item = monthly / items per month  (running cost, fixed costs included;
                    none when no items)
    avoided       = current monthly + labour saved per month
                    × items per month / expected items per month
    cumulative(m) = one-time + m × monthly      (m = 0 … horizon)
    net           = horizon × avoided − cumulative(horizon)
    break-even    = the first month m ≥ 1 with cumulative(m) ≤ m × avoided, within the horizon

``WEEKS_PER_MONTH`` is 52 / 12 (:data:`scoring.answers.WEEKS_PER_MONTH`; hours are asked
per week). Labour saved is stated at the expected volume and scales with the volume (work
is removed item by item); ``current_monthly`` — what today's process costs besides the
labour counted in labour saved, e.g. a licence the option replaces — does not.

Scenarios (:data:`SCENARIOS`; "cost inputs" are every input but the volume, and for
throughput, utilisation and labour saved the cheap end is the high one)::

    low-cost      cost inputs at their cheap end, volume expected
    expected      every input at its expected value
    high-cost     cost inputs at their dear end, volume expected
    low-volume    volume low (labour saved scales with it), the rest expected

With no items a month expected, no labour is saved (work is removed item by item); a
scenario without items has no cost per item, and the per-item band spans the others.

Bands: an output's low and high are the smallest and largest value across the scenarios
(the low-volume case may have the lowest monthly cost and the highest cost per item), its
expected the expected scenario's. The break-even range is the earliest and latest
break-even month across the scenarios, naming those in which it never happens.

Sensitivity (:func:`sensitivity`): each input is swung alone to its low and to its high
end, the rest at expected; inputs are ranked by how far the expected break-even month
moves (a swing that loses break-even counts as month horizon + 1) or, when the expected
case never breaks even, by how far the net at the horizon moves.

Falling prices (:func:`price_scenario`): hosted per-token prices in month m are today's
÷ annual factor^((m − 1) / 12), a smooth decline that starts from today's price in month
1; self-hosted hardware, fine-tuning, the backlog (paid at the start) and every other cost
stay fixed. Options are ranked by net cost to date (cumulative cost − avoided cost to
date) at constant and at falling prices.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field, model_validator

from .answers import WEEKS_PER_MONTH
from .estimate import Estimate, Level
from .limits import (
    MAX_HORIZON_MONTHS,
    MAX_ID_CHARS,
    MAX_NUMBER,
    MAX_OPTION_TITLE_CHARS,
    TEXT_PATTERN,
)
from .models import Output, Strict

__all__ = [
    "CHARS_PER_TOKEN",
    "DEFAULT_HORIZON_MONTHS",
    "HOURS_PER_MONTH",
    "SCENARIOS",
    "TOKENS_PER_PAGE",
    "WEEKS_PER_MONTH",
    "BreakEvenRange",
    "Estimate",
    "FineTune",
    "HostedServing",
    "OptionPrices",
    "PriceScenario",
    "Scenario",
    "ScenarioCost",
    "SelfHostedServing",
    "Sensitivity",
    "Swing",
    "UsageCost",
    "UsagePlan",
    "fine_tune_cost",
    "hosted_cost_per_item",
    "inputs",
    "price_scenario",
    "self_hosted_monthly",
    "sensitivity",
    "tokens_per_item",
    "usage_cost",
    "with_inputs",
]

#: Characters per token in English text: a rough rule of thumb (other languages and code
#: take more tokens); pass your tokenizer's figure to :func:`tokens_per_item` instead.
CHARS_PER_TOKEN = 4.0
#: Tokens on a dense page of prose: a rough rule of thumb; override it per document type.
TOKENS_PER_PAGE = 500.0
#: Hours in an average month (24 × 365 / 12): what an always-on replica is paid for.
HOURS_PER_MONTH = 730.0
#: Months the costs are added up over unless the caller says otherwise.
DEFAULT_HORIZON_MONTHS = 36
#: Slack below a whole number before rounding up (a month, a replica, an hour), so that
#: 1460 / 730 computed as 2.0000000000000004 still gives 2.
_CEIL_SLACK = 1e-9

Amount = Annotated[float, Field(ge=0, le=MAX_NUMBER)]
Signed = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
Share = Annotated[float, Field(ge=0, le=1)]


def _ceil(value: float) -> int:
    return math.ceil(value - _CEIL_SLACK)


def _money(value: float) -> float:
    return round(value, 2)


def _significant(value: float) -> float:
    """``value`` to 6 significant digits: a cost per item can be a fraction of a cent."""
    return float(f"{value:.6g}")


# --- the triple -------------------------------------------------------------------------------


_ZERO = Estimate.point(0.0)
_ONE = Estimate.point(1.0)


# --- formulas on plain numbers ----------------------------------------------------------------


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def tokens_per_item(
    *,
    chars: float = 0.0,
    pages: float = 0.0,
    chars_per_token: float = CHARS_PER_TOKEN,
    tokens_per_page: float = TOKENS_PER_PAGE,
) -> float:
    """Tokens in an item of ``chars`` characters plus ``pages`` pages, by the rules of thumb
    (about 4 characters a token in English, about 500 tokens a page). Both are rough: pass
    the figures your tokenizer or a sample of your documents gives."""
    _check(chars >= 0 and pages >= 0, "characters and pages are 0 or more")
    _check(chars_per_token > 0 and tokens_per_page >= 0, "the rules of thumb must be positive")
    return chars / chars_per_token + pages * tokens_per_page


def hosted_cost_per_item(
    input_tokens: float,
    output_tokens: float,
    input_per_million: float,
    output_per_million: float,
    calls_per_item: float = 1.0,
    batch_share: float = 0.0,
    batch_discount: float = 0.0,
) -> float:
    """What one item costs at a hosted model's per-million-token prices.

    ``calls_per_item`` multiplies every token (retries and tool calls resend their input);
    ``batch_share`` of the traffic goes through a batch interface at ``batch_discount`` off
    (both shares, 0–1). Example: 2,000 tokens in and 500 out at 3 and 15 per million, 1.2
    calls, half of it batched at 50 % off: (2000 × 3 + 500 × 15) / 1e6 = 0.0135 a call;
    × 1.2 × (1 − 0.5 × 0.5) = 0.01215 an item.
    """
    _check(min(input_tokens, output_tokens, calls_per_item) >= 0, "tokens and calls are 0 or more")
    _check(min(input_per_million, output_per_million) >= 0, "prices are 0 or more")
    _check(0 <= batch_share <= 1 and 0 <= batch_discount <= 1, "batch figures are shares, 0–1")
    per_call = (input_tokens * input_per_million + output_tokens * output_per_million) / 1e6
    return per_call * calls_per_item * (1 - batch_share * batch_discount)


def _gpu_hours(tokens: float, tokens_per_second_per_gpu: float, utilisation: float) -> float:
    _check(tokens >= 0, "tokens are 0 or more")
    _check(tokens_per_second_per_gpu > 0, "the throughput must be above 0")
    _check(0 < utilisation <= 1, "utilisation is a share above 0, at most 1")
    return tokens / (tokens_per_second_per_gpu * 3600 * utilisation)


def self_hosted_monthly(
    tokens_per_month: float,
    tokens_per_second_per_gpu: float,
    gpu_hourly: float,
    utilisation: float,
    gpus_per_replica: int = 1,
    min_replicas: int = 1,
    always_on: bool = True,
) -> float:
    """What serving ``tokens_per_month`` on rented GPUs costs a month.

    GPU-hours needed = tokens / (throughput per GPU × 3600 × utilisation): utilisation is
    the share of paid time the GPUs do useful work (traffic is uneven; batching is never
    perfect). Always on, the model runs on whole replicas of ``gpus_per_replica`` GPUs
    around the clock (730 h a month), as many as the GPU-hours need and at least
    ``min_replicas``; pay per use (scale to zero, a serverless GPU offer) pays for the
    GPU-hours needed only.

    Worked example: 2.7 billion tokens a month at 1,000 tokens/s per GPU and 50 %
    utilisation need 2.7e9 / (1000 × 3600 × 0.5) = 1,500 GPU-hours. At 2 an hour, pay per
    use costs 1,500 × 2 = 3,000. Always on with one GPU per replica: ⌈1500 / 730⌉ = 3
    replicas, 3 × 730 × 2 = 4,380. With two GPUs per replica: ⌈1500 / 1460⌉ = 2 replicas,
    2 × 2 × 730 × 2 = 5,840.
    """
    _check(gpu_hourly >= 0, "the GPU hourly price is 0 or more")
    _check(gpus_per_replica >= 1 and min_replicas >= 0, "GPUs per replica ≥ 1, replicas ≥ 0")
    hours = _gpu_hours(tokens_per_month, tokens_per_second_per_gpu, utilisation)
    if not always_on:
        return hours * gpu_hourly
    replicas = max(min_replicas, _ceil(hours / (gpus_per_replica * HOURS_PER_MONTH)))
    return replicas * gpus_per_replica * HOURS_PER_MONTH * gpu_hourly


def fine_tune_cost(
    training_tokens: float,
    epochs: float,
    tokens_per_second_per_gpu_training: float,
    gpu_hourly: float,
    gpus: int = 1,
) -> float:
    """One-time compute cost of fine-tuning on ``training_tokens`` for ``epochs`` passes.

    The job runs on ``gpus`` GPUs at ``tokens_per_second_per_gpu_training`` each; every GPU
    is billed by the started hour. Example: 10 million tokens × 3 epochs on 2 GPUs at 2,500
    tokens/s each: 3e7 / (2500 × 2 × 3600) = 1.67 h, billed 2 h × 2 GPUs × 2.50 = 10.
    People's time (data preparation, evaluation) is not compute: it belongs in adaptation.
    """
    _check(training_tokens >= 0 and epochs >= 0, "training tokens and epochs are 0 or more")
    _check(tokens_per_second_per_gpu_training > 0, "the training throughput must be above 0")
    _check(gpu_hourly >= 0 and gpus >= 1, "the GPU hourly price is 0 or more, GPUs 1 or more")
    hours = training_tokens * epochs / (tokens_per_second_per_gpu_training * gpus * 3600)
    return _ceil(hours) * gpus * gpu_hourly


def _break_even(one_time: float, monthly: float, avoided: float, horizon: int) -> int | None:
    """The first month m ≥ 1 with one-time + m × monthly ≤ m × avoided (as in
    :mod:`scoring.options`), or None if none within ``horizon``."""
    saving = avoided - monthly
    if saving <= 0:
        return None
    month = max(1, _ceil(one_time / saving))
    return month if month <= horizon else None


# --- the plan ---------------------------------------------------------------------------------


class HostedServing(Strict):
    """A hosted model paid per token."""

    kind: Literal["hosted"] = "hosted"
    input_per_million: Estimate
    output_per_million: Estimate
    #: Share of the traffic sent through a batch interface, and the discount there.
    batch_share: Share = 0.0
    batch_discount: Share = 0.0


class SelfHostedServing(Strict):
    """An open-weight model on rented GPUs (see :func:`self_hosted_monthly`)."""

    kind: Literal["self_hosted"] = "self_hosted"
    tokens_per_second_per_gpu: Estimate
    gpu_hourly: Estimate
    utilisation: Estimate
    gpus_per_replica: Annotated[int, Field(ge=1, le=1024)] = 1
    min_replicas: Annotated[int, Field(ge=0, le=1024)] = 1
    always_on: bool = True

    @model_validator(mode="after")
    def _workable(self) -> Self:
        if self.tokens_per_second_per_gpu.low <= 0:
            raise ValueError("tokens per second per GPU must be above 0, even at its low end")
        if self.utilisation.low <= 0 or self.utilisation.high > 1:
            raise ValueError("utilisation is a share above 0 and at most 1 at both ends")
        return self


class FineTune(Strict):
    """Fine-tuning compute (see :func:`fine_tune_cost`); one-time."""

    training_tokens: Estimate
    epochs: Annotated[float, Field(ge=0, le=1000)] = 1.0
    tokens_per_second_per_gpu: Estimate
    gpu_hourly: Estimate
    gpus: Annotated[int, Field(ge=1, le=1024)] = 1

    @model_validator(mode="after")
    def _workable(self) -> Self:
        if self.tokens_per_second_per_gpu.low <= 0:
            raise ValueError("training tokens per second per GPU must be above 0")
        return self


class UsagePlan(Strict):
    """One option's usage and costs, each uncertain figure an :class:`Estimate` (see the
    module docstring for the formulas). Money per month unless named one-time."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=MAX_ID_CHARS)]
    title: Annotated[
        str, Field(min_length=1, max_length=MAX_OPTION_TITLE_CHARS, pattern=TEXT_PATTERN)
    ]
    volume_per_month: Estimate
    #: Items processed once at the start (an archive to catch up on); one-time.
    backlog_items: Estimate = _ZERO
    input_tokens_per_item: Estimate
    output_tokens_per_item: Estimate
    #: Model calls per item: 1, or more with retries and tool calls.
    calls_per_item: Estimate = _ONE
    serving: Annotated[HostedServing | SelfHostedServing, Field(discriminator="kind")]
    fine_tune: FineTune | None = None
    # one-time
    integration: Estimate = _ZERO
    evaluation: Estimate = _ZERO
    #: Adaptation besides fine-tuning compute: data preparation, labelling, prompt work.
    adaptation: Estimate = _ZERO
    # monthly
    maintenance_per_month: Estimate = _ZERO
    review_hours_per_week: Estimate = _ZERO
    hourly_rate: Estimate = _ZERO
    other_per_month: Estimate = _ZERO
    #: Money value of the labour the option frees each month, at the expected volume.
    labour_saved_per_month: Estimate = _ZERO
    #: Today's monthly cost the option replaces, besides the labour in labour saved.
    current_monthly: Amount = 0.0

    @model_validator(mode="after")
    def _not_negative(self) -> Self:
        negative = [path for path, value in inputs(self).items() if value.low < 0]
        if negative:
            raise ValueError(f"inputs are 0 or more: {', '.join(negative)} is below 0")
        return self


# Inputs whose larger value lowers the cost or raises the saving; the low-cost scenario
# takes their high end. Every other input but the volume raises the cost.
_COST_LOWERING = frozenset(
    {
        "serving.tokens_per_second_per_gpu",
        "serving.utilisation",
        "fine_tune.tokens_per_second_per_gpu",
        "labour_saved_per_month",
    }
)
_VOLUME = "volume_per_month"


def inputs(plan: UsagePlan) -> dict[str, Estimate]:
    """Every uncertain input of ``plan`` by its path (``"serving.gpu_hourly"``), in the
    order the plan lists them."""
    found: dict[str, Estimate] = {}

    def walk(model: BaseModel, prefix: str) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, Estimate):
                found[prefix + name] = value
            elif isinstance(value, BaseModel):
                walk(value, f"{prefix}{name}.")

    walk(plan, "")
    return found


def with_inputs(plan: UsagePlan, values: Mapping[str, Estimate]) -> UsagePlan:
    """``plan`` with the inputs at the given paths (see :func:`inputs`) replaced."""
    known = inputs(plan)
    unknown = sorted(set(values) - set(known))
    _check(not unknown, f"no such input: {', '.join(unknown)}")

    def rebuild(model: BaseModel, prefix: str) -> Any:
        update: dict[str, Any] = {}
        for name in type(model).model_fields:
            value = getattr(model, name)
            path = prefix + name
            if isinstance(value, Estimate):
                if path in values:
                    update[name] = values[path]
            elif isinstance(value, BaseModel):
                update[name] = rebuild(value, path + ".")
        # Re-validated, so a replacement that breaks a rule (zero throughput) is refused.
        return type(model).model_validate({**dict(model), **update})

    rebuilt: UsagePlan = rebuild(plan, "")
    return rebuilt


# --- scenarios --------------------------------------------------------------------------------


class Scenario(Output):
    """A named choice of low, expected or high for every input."""

    id: str
    description: str
    #: Level of inputs that raise the cost, of those that lower it, and of the volume.
    raising: Level
    lowering: Level
    volume: Level

    def level(self, path: str) -> Level:
        if path == _VOLUME:
            return self.volume
        return self.lowering if path in _COST_LOWERING else self.raising


#: The scenarios every plan is costed in; bands and the break-even range span them.
SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        id="low-cost",
        description="every cost input at its cheap end (prices, tokens, effort low; "
        "throughput, utilisation and labour saved high); volume expected",
        raising="low",
        lowering="high",
        volume="expected",
    ),
    Scenario(
        id="expected",
        description="every input at its expected value",
        raising="expected",
        lowering="expected",
        volume="expected",
    ),
    Scenario(
        id="high-cost",
        description="every cost input at its dear end (prices, tokens, effort high; "
        "throughput, utilisation and labour saved low); volume expected",
        raising="high",
        lowering="low",
        volume="expected",
    ),
    Scenario(
        id="low-volume",
        description="volume at its low end (labour saved scales with it); the rest expected",
        raising="expected",
        lowering="expected",
        volume="low",
    ),
)


class _Figures:
    """One plan costed at one value per input (unrounded)."""

    def __init__(self, plan: UsagePlan, value: Callable[[str], float]) -> None:
        volume = value(_VOLUME)
        calls = value("calls_per_item")
        tokens_in, tokens_out = value("input_tokens_per_item"), value("output_tokens_per_item")
        backlog = value("backlog_items")
        serving = plan.serving
        #: The part of the monthly cost paid per hosted token (falls with prices).
        self.hosted_usage = 0.0
        if isinstance(serving, HostedServing):
            per_item = hosted_cost_per_item(
                tokens_in,
                tokens_out,
                value("serving.input_per_million"),
                value("serving.output_per_million"),
                calls,
                serving.batch_share,
                serving.batch_discount,
            )
            usage = self.hosted_usage = per_item * volume
            backlog_cost = per_item * backlog
        else:
            per_item_tokens = calls * (tokens_in + tokens_out)
            setup = (
                value("serving.tokens_per_second_per_gpu"),
                value("serving.gpu_hourly"),
                value("serving.utilisation"),
                serving.gpus_per_replica,
            )
            usage = self_hosted_monthly(
                volume * per_item_tokens,
                *setup,
                min_replicas=serving.min_replicas,
                always_on=serving.always_on,
            )
            backlog_cost = self_hosted_monthly(backlog * per_item_tokens, *setup, always_on=False)
        tuning = 0.0
        if plan.fine_tune is not None:
            tuning = fine_tune_cost(
                value("fine_tune.training_tokens"),
                plan.fine_tune.epochs,
                value("fine_tune.tokens_per_second_per_gpu"),
                value("fine_tune.gpu_hourly"),
                plan.fine_tune.gpus,
            )
        self.one_time = (
            value("integration") + value("evaluation") + value("adaptation") + tuning + backlog_cost
        )
        review = value("review_hours_per_week") * WEEKS_PER_MONTH * value("hourly_rate")
        #: What the model itself costs a month (tokens or GPUs), the rest being people and fees.
        self.model_monthly = usage
        self.monthly = usage + value("maintenance_per_month") + review + value("other_per_month")
        self.volume = volume
        expected_volume = plan.volume_per_month.expected
        # Work is removed item by item: with no items a month expected, none is removed.
        scale = volume / expected_volume if expected_volume > 0 else 0.0
        self.avoided = plan.current_monthly + value("labour_saved_per_month") * scale

    def cost_per_item(self) -> float | None:
        return self.monthly / self.volume if self.volume > 0 else None

    def model_cost_per_item(self) -> float | None:
        return self.model_monthly / self.volume if self.volume > 0 else None

    def cumulative(self, month: int) -> float:
        return self.one_time + month * self.monthly

    def net(self, horizon: int) -> float:
        return horizon * self.avoided - self.cumulative(horizon)

    def break_even(self, horizon: int) -> int | None:
        return _break_even(self.one_time, self.monthly, self.avoided, horizon)


def _figures(plan: UsagePlan, level: Callable[[str], Level]) -> _Figures:
    estimates = inputs(plan)
    return _Figures(plan, lambda path: estimates[path].at(level(path)))


# --- results ----------------------------------------------------------------------------------


class ScenarioCost(Output):
    """One plan costed in one scenario."""

    scenario: str
    one_time: float
    monthly: float
    avoided_monthly: float
    #: Running cost per item (monthly / items per month); None without items.
    cost_per_item: float | None
    #: The model's own cost a month (hosted tokens or GPUs) and per item.
    model_monthly: float
    model_cost_per_item: float | None
    #: Cost to date for months 0 … horizon.
    cumulative: list[float]
    net_at_horizon: float
    break_even_month: int | None


class BreakEvenRange(Output):
    """Break-even across the scenarios: earliest and latest month among those that break
    even within the horizon (None when none does), the expected scenario's month, and the
    scenarios that never break even."""

    earliest: int | None
    expected: int | None
    latest: int | None
    never_in: list[str]


class UsageCost(Output):
    """One plan's costs as bands over :data:`SCENARIOS` (low and high: the smallest and
    largest across them; expected: the expected scenario's)."""

    id: str
    title: str
    horizon_months: int
    one_time: Estimate
    monthly: Estimate
    #: None when a scenario has no items a month.
    cost_per_item: Estimate | None
    #: The model's own cost per item (tokens or GPUs only); None as above.
    model_cost_per_item: Estimate | None
    total_at_horizon: Estimate
    #: Cost to date for months 0 … horizon, a band each month.
    cumulative: list[Estimate]
    net_at_horizon: Estimate
    break_even: BreakEvenRange
    scenarios: list[ScenarioCost]


def _horizon(horizon_months: int) -> int:
    _check(1 <= horizon_months <= MAX_HORIZON_MONTHS, f"horizon is 1–{MAX_HORIZON_MONTHS} months")
    return horizon_months


def _scenario_cost(scenario: str, figures: _Figures, horizon: int) -> ScenarioCost:
    per_item = figures.cost_per_item()
    model_per_item = figures.model_cost_per_item()
    return ScenarioCost(
        scenario=scenario,
        one_time=_money(figures.one_time),
        monthly=_money(figures.monthly),
        model_monthly=_money(figures.model_monthly),
        model_cost_per_item=(_significant(model_per_item) if model_per_item is not None else None),
        avoided_monthly=_money(figures.avoided),
        cost_per_item=_significant(per_item) if per_item is not None else None,
        cumulative=[_money(figures.cumulative(m)) for m in range(horizon + 1)],
        net_at_horizon=_money(figures.net(horizon)),
        break_even_month=figures.break_even(horizon),
    )


def _band(costs: list[ScenarioCost], value: Callable[[ScenarioCost], float]) -> Estimate:
    expected = next(c for c in costs if c.scenario == "expected")
    return Estimate.of([value(c) for c in costs], value(expected))


def usage_cost(plan: UsagePlan, horizon_months: int = DEFAULT_HORIZON_MONTHS) -> UsageCost:
    """``plan`` costed in every scenario, with bands and the break-even range."""
    horizon = _horizon(horizon_months)
    costs = [_scenario_cost(s.id, _figures(plan, s.level), horizon) for s in SCENARIOS]
    per_item: Estimate | None = None
    model_per_item: Estimate | None = None
    # Scenarios without items have no cost per item; the band spans those that have one.
    with_items = [c for c in costs if c.cost_per_item is not None]
    if any(c.scenario == "expected" for c in with_items):
        per_item = _band(with_items, lambda c: c.cost_per_item or 0.0)
        model_per_item = _band(with_items, lambda c: c.model_cost_per_item or 0.0)
    months = [c.break_even_month for c in costs if c.break_even_month is not None]
    expected = next(c for c in costs if c.scenario == "expected")
    return UsageCost(
        id=plan.id,
        title=plan.title,
        horizon_months=horizon,
        one_time=_band(costs, lambda c: c.one_time),
        monthly=_band(costs, lambda c: c.monthly),
        cost_per_item=per_item,
        model_cost_per_item=model_per_item,
        total_at_horizon=_band(costs, lambda c: c.cumulative[-1]),
        cumulative=[
            Estimate.of([c.cumulative[m] for c in costs], expected.cumulative[m])
            for m in range(horizon + 1)
        ],
        net_at_horizon=_band(costs, lambda c: c.net_at_horizon),
        break_even=BreakEvenRange(
            earliest=min(months, default=None),
            expected=expected.break_even_month,
            latest=max(months, default=None),
            never_in=[c.scenario for c in costs if c.break_even_month is None],
        ),
        scenarios=costs,
    )


# --- sensitivity ------------------------------------------------------------------------------


class Swing(Output):
    """One input swung alone to its low and to its high end, the rest at expected."""

    input: str
    at_low: float | None
    at_high: float | None
    #: How far the measure moves between the two ends (break-even lost: month horizon + 1).
    change: float


class Sensitivity(Output):
    """The inputs the expected case is most sensitive to, largest change first; inputs known
    exactly (low = high) are left out."""

    measure: Literal["break_even_month", "net_at_horizon"]
    expected: float | None
    swings: list[Swing]


def _alone(path: str, end: Level) -> Callable[[str], Level]:
    """Levels with ``path`` at ``end`` and every other input at expected."""
    return lambda p: end if p == path else "expected"


def sensitivity(plan: UsagePlan, horizon_months: int = DEFAULT_HORIZON_MONTHS) -> Sensitivity:
    """Which input moves the expected break-even month most — or, when the expected case
    never breaks even within the horizon, the net at the horizon."""
    horizon = _horizon(horizon_months)
    base = _figures(plan, lambda path: "expected")
    by_month = base.break_even(horizon) is not None

    def measure(figures: _Figures) -> float | None:
        if by_month:
            month = figures.break_even(horizon)
            return float(month) if month is not None else None
        return _money(figures.net(horizon))

    ranked: list[tuple[float, float, Swing]] = []
    for path, estimate in inputs(plan).items():
        if estimate.low == estimate.high:
            continue
        ends = [_figures(plan, _alone(path, end)) for end in ("low", "high")]
        low, high = (measure(f) for f in ends)
        lost = float(horizon + 1)
        change = abs((low if low is not None else lost) - (high if high is not None else lost))
        net_change = abs(ends[0].net(horizon) - ends[1].net(horizon))
        ranked.append(
            (change, net_change, Swing(input=path, at_low=low, at_high=high, change=change))
        )
    # Ties on the measure (months are whole) go to the input that moves the net more.
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2].input))
    return Sensitivity(
        measure="break_even_month" if by_month else "net_at_horizon",
        expected=measure(base),
        swings=[swing for _, _, swing in ranked],
    )


# --- falling prices ---------------------------------------------------------------------------


class OptionPrices(Output):
    """One plan's expected cost to date (months 0 … horizon) at constant and at falling
    hosted prices, and its net cost to date at the horizon (cost − avoided cost)."""

    id: str
    cumulative_constant: list[float]
    cumulative_falling: list[float]
    net_constant: float
    net_falling: float


class PriceScenario(Output):
    """Whether falling hosted prices change which option is cheapest net.

    ``ranking_*``: option ids by net cost to date at the horizon, cheapest first.
    ``flips``: the two rankings differ. ``flip_month``: the first month in which the options
    ordered by net cost to date differ between the two (None if never)."""

    annual_factor: float
    horizon_months: int
    options: list[OptionPrices]
    ranking_constant: list[str]
    ranking_falling: list[str]
    flips: bool
    flip_month: int | None


def price_scenario(
    plans: Sequence[UsagePlan],
    annual_factor: float = 3.0,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
) -> PriceScenario:
    """Each plan's expected costs when hosted per-token prices fall ÷ ``annual_factor`` a
    year (month m pays today's price ÷ factor^((m − 1) / 12)); self-hosted hardware and
    every other cost stay as they are. A factor of 1 is constant prices."""
    horizon = _horizon(horizon_months)
    _check(annual_factor > 0, "the annual factor must be above 0")
    _check(len({p.id for p in plans}) == len(plans), "plan ids must differ")
    options: list[OptionPrices] = []
    nets_constant: dict[str, list[float]] = {}
    nets_falling: dict[str, list[float]] = {}
    for plan in plans:
        figures = _figures(plan, lambda path: "expected")
        constant = [figures.cumulative(m) for m in range(horizon + 1)]
        # What falling prices take off the hosted usage to date; subtracted from the
        # constant-price figure so that a factor of 1 gives exactly the same numbers.
        off = [0.0]
        for month in range(1, horizon + 1):
            off.append(off[-1] + figures.hosted_usage * (1 - annual_factor ** (-(month - 1) / 12)))
        falling = [c - o for c, o in zip(constant, off, strict=True)]
        avoided = [m * figures.avoided for m in range(horizon + 1)]
        # Rounded to cents, so that a difference in the last bits is not a flip.
        nets_constant[plan.id] = [_money(c - a) for c, a in zip(constant, avoided, strict=True)]
        nets_falling[plan.id] = [_money(f - a) for f, a in zip(falling, avoided, strict=True)]
        options.append(
            OptionPrices(
                id=plan.id,
                cumulative_constant=[_money(v) for v in constant],
                cumulative_falling=[_money(v) for v in falling],
                net_constant=nets_constant[plan.id][-1],
                net_falling=nets_falling[plan.id][-1],
            )
        )

    def ranking(nets: dict[str, list[float]], month: int) -> list[str]:
        return sorted(nets, key=lambda i: (nets[i][month], i))

    flip_month = next(
        (m for m in range(1, horizon + 1) if ranking(nets_constant, m) != ranking(nets_falling, m)),
        None,
    )
    constant_order, falling_order = ranking(nets_constant, horizon), ranking(nets_falling, horizon)
    return PriceScenario(
        annual_factor=annual_factor,
        horizon_months=horizon,
        options=options,
        ranking_constant=constant_order,
        ranking_falling=falling_order,
        flips=constant_order != falling_order,
        flip_month=flip_month,
    )
