"""An option's usage priced from the catalogue: the usage plan, its bands and its provenance.

:func:`usage_plan` turns an option's ``costs`` (with a ``usage:`` block or ``ranges:``; see
:mod:`scoring.usage_inputs`) and the assessment's context into a
:class:`~scoring.usage.UsagePlan`. The context keeps the one cost model of
:mod:`scoring.options`: the hours the option does not free stay in its monthly cost and
today's process costs all its hours, so the plan's expected monthly cost and avoided cost
are exactly the option's monthly cost and today's::

    other per month   = option's other + hosting + price per item × items a month
                        + (hours today − hours freed) × 52/12 × hourly rate
    current monthly   = today's other per month + (hours today − hours freed) × 52/12 × rate
    labour saved      = hours freed × 52/12 × hourly rate     (scales with the volume)

Catalogue prices are converted to the assessment's currency with ``exchange_rates``.
GPU prices for spot or reserved capacity take the catalogue's discount; the cheap end of
the price takes the large end of the discount. A self-hosted size's throughput is per
H100-class GPU and is scaled by the GPU class's relative throughput.

Every catalogue entry a plan uses is recorded (:class:`UsedEntry`), so a report names the
catalogue, the oldest date its figures were checked and the entries older than the
policy's limit.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from .answers import WEEKS_PER_MONTH, CostInputs
from .catalogue import EntryKind, PriceCatalogue
from .errors import CatalogueError, Problem
from .estimate import Estimate
from .models import Output
from .usage import (
    FineTune,
    HostedServing,
    SelfHostedServing,
    Sensitivity,
    Swing,
    UsageCost,
    UsagePlan,
    sensitivity,
    tokens_per_item,
    usage_cost,
)
from .usage_inputs import UsageInputs

__all__ = [
    "CostContext",
    "OptionUsage",
    "PriceSource",
    "PricedPlan",
    "UsedEntry",
    "price_source",
    "priced_option",
    "usage_plan",
]

#: Inputs a report names in words (the sensitivity's paths).
INPUT_NAMES: dict[str, str] = {
    "volume_per_month": "items a month",
    "backlog_items": "the backlog",
    "input_tokens_per_item": "input tokens per call",
    "output_tokens_per_item": "output tokens per call",
    "calls_per_item": "calls per item",
    "serving.input_per_million": "the input token price",
    "serving.output_per_million": "the output token price",
    "serving.tokens_per_second_per_gpu": "GPU throughput",
    "serving.gpu_hourly": "the GPU hourly price",
    "serving.utilisation": "GPU utilisation",
    "fine_tune.training_tokens": "training tokens",
    "fine_tune.tokens_per_second_per_gpu": "training throughput",
    "fine_tune.gpu_hourly": "the training GPU's price",
    "integration": "integration cost",
    "evaluation": "evaluation cost",
    "adaptation": "adaptation cost",
    "maintenance_per_month": "maintenance",
    "review_hours_per_week": "review hours",
    "hourly_rate": "the hourly rate",
    "other_per_month": "other monthly costs",
    "labour_saved_per_month": "labour saved",
}


class UsedEntry(Output):
    """A catalogue entry an option's costs rest on."""

    kind: EntryKind
    id: str
    checked: date
    #: Days between ``checked`` and the report's date.
    age_days: int
    stale: bool


class PriceSource(Output):
    """Where an assessment's prices come from and how old they are."""

    catalogue_id: str
    title: str
    files: list[str]
    currency: str
    #: Units of the assessment's currency per unit of the catalogue's (1 when the same).
    exchange_rate: float
    #: The day the ages are counted to.
    as_of: date
    max_age_days: int
    entries: list[UsedEntry]
    oldest_checked: date | None
    stale: list[UsedEntry]


class OptionUsage(Output):
    """One option's usage costed: what it runs on, bands, break-even range, sensitivity, and
    the value side (quality beside cost per item)."""

    model: str
    kind: Literal["hosted", "self_hosted", "fixed"]
    cost: UsageCost
    #: Inputs that move break-even (or the net) most, largest first (at most three).
    most_sensitive: list[Swing]
    sensitivity_measure: Literal["break_even_month", "net_at_horizon"]
    measured_quality: float | None
    #: Cost per item ÷ measured quality share: what one correct item costs.
    cost_per_good_item: Estimate | None


class PricedPlan(Output):
    """A usage plan and the catalogue entries it uses."""

    plan: UsagePlan
    model: str
    kind: Literal["hosted", "self_hosted", "fixed"]
    entries: list[tuple[EntryKind, str]]


class CostContext(Output):
    """The assessment figures every option's plan shares (see the module docstring)."""

    hourly_rate: float
    hours_now: float
    hours_freed: float
    current_other: float
    currency: str
    exchange_rates: dict[str, float]


def _est(value: Estimate | float, factor: float = 1.0) -> Estimate:
    """A catalogue figure (a number or an estimate) as a plain estimate, × ``factor``."""
    if isinstance(value, int | float):
        return Estimate.point(value * factor)
    return value.scaled(factor)


def _ranged(cost: CostInputs, name: str) -> Estimate:
    value = float(getattr(cost, name))
    band = cost.ranges.get(name)  # type: ignore[call-overload]
    if band is None:
        return Estimate.point(value)
    return Estimate(low=band.low, expected=value, high=band.high)


def _rate(catalogue: PriceCatalogue, context: CostContext) -> float:
    if catalogue.currency == context.currency:
        return 1.0
    rate = context.exchange_rates.get(catalogue.currency)
    if rate is None:
        raise CatalogueError(
            Problem(
                f"the costs are in {context.currency} and the price catalogue "
                f"{catalogue.title!r} in {catalogue.currency}; expected an exchange rate, "
                f"e.g. exchange_rates: {{{catalogue.currency}: 0.9}} ({context.currency} per "
                f"{catalogue.currency})",
                path="exchange_rates",
            )
        )
    return rate


def _input_tokens(usage: UsageInputs) -> Estimate:
    if usage.input_tokens is not None:
        return _est(usage.input_tokens)
    chars, pages = usage.input_chars, usage.input_pages

    def at(level: Literal["low", "expected", "high"]) -> float:
        return tokens_per_item(
            chars=getattr(chars, level) if chars else 0.0,
            pages=getattr(pages, level) if pages else 0.0,
        )

    return Estimate(low=at("low"), expected=at("expected"), high=at("high"))


def _discounted(price: Estimate, discount: Estimate) -> Estimate:
    # The cheap end of the price takes the large end of the discount.
    return Estimate(
        low=price.low * (1 - discount.high),
        expected=price.expected * (1 - discount.expected),
        high=price.high * (1 - discount.low),
    )


def _gpu_hourly(catalogue: PriceCatalogue, gpu_id: str, pricing: str, rate: float) -> Estimate:
    gpu = catalogue.gpu_class(gpu_id)
    if pricing == "spot":
        price = _discounted(gpu.hourly_price, gpu.spot_discount)
    elif pricing == "reserved_1y":
        price = _discounted(gpu.hourly_price, gpu.reserved_1y_discount)
    else:
        price = _est(gpu.hourly_price)
    return _est(price, rate)


def _serving(
    usage: UsageInputs, catalogue: PriceCatalogue, rate: float
) -> tuple[HostedServing | SelfHostedServing, str, list[tuple[EntryKind, str]]]:
    overrides = usage.overrides
    if usage.self_hosted is not None:
        choice = usage.self_hosted
        size = catalogue.self_hosted_size(choice.size)
        gpu = catalogue.gpu_class(choice.gpu)
        entries: list[tuple[EntryKind, str]] = [
            ("self_hosted_size", size.id),
            ("gpu_class", gpu.id),
        ]
        throughput = (
            _est(overrides.tokens_per_second_per_gpu)
            if overrides.tokens_per_second_per_gpu is not None
            else _est(size.tokens_per_second_per_gpu, gpu.relative_throughput)
        )
        hourly = (
            _est(overrides.gpu_hourly, rate)
            if overrides.gpu_hourly is not None
            else _gpu_hourly(catalogue, gpu.id, choice.pricing, rate)
        )
        if overrides.utilisation is not None:
            utilisation = _est(overrides.utilisation)
        elif catalogue.utilisation is not None:
            utilisation = _est(catalogue.utilisation.share)
            entries.append(("utilisation", "utilisation"))
        else:
            raise CatalogueError(
                Problem(
                    f"the price catalogue {catalogue.title!r} has no utilisation; expected "
                    "one in the catalogue or overrides.utilisation on the option",
                    path="usage.overrides.utilisation",
                )
            )
        pricing = {"on_demand": "on demand", "spot": "spot", "reserved_1y": "reserved 1 year"}
        # Titles up to their first bracket: the examples in them are for the catalogue.
        model = (
            f"{size.title} ({size.params.split(' (')[0]}) on {gpu.title.split(' (')[0]}, "
            f"{pricing[choice.pricing]}"
        )
        serving: HostedServing | SelfHostedServing = SelfHostedServing(
            tokens_per_second_per_gpu=throughput,
            gpu_hourly=hourly,
            utilisation=utilisation,
            gpus_per_replica=size.gpus_per_replica,
            min_replicas=choice.min_replicas,
            always_on=choice.always_on,
        )
        return serving, model, entries
    if usage.offering is not None:
        offering = catalogue.offering(usage.offering)
        prices_in: Estimate | float = offering.input_per_million
        prices_out: Estimate | float = offering.output_per_million
        discount = offering.batch_discount
        model = f"{offering.provider} {offering.model}"
        entries = [("offering", offering.id)]
    else:
        assert usage.tier is not None  # one of the three is set (UsageInputs checks)
        tier = catalogue.tier(usage.tier)
        prices_in, prices_out = tier.input_per_million, tier.output_per_million
        discount = tier.batch_discount
        model = f"{tier.title} (price tier {tier.id!r})"
        entries = [("tier", tier.id)]
    serving = HostedServing(
        input_per_million=_est(overrides.input_per_million or prices_in, rate),
        output_per_million=_est(overrides.output_per_million or prices_out, rate),
        batch_share=usage.batch_share,
        batch_discount=(
            overrides.batch_discount if overrides.batch_discount is not None else discount
        ),
    )
    return serving, model, entries


def usage_plan(
    option_id: str,
    title: str,
    cost: CostInputs,
    volume: float,
    context: CostContext,
    catalogue: PriceCatalogue,
) -> PricedPlan:
    """The usage plan of one option's ``cost`` (see the module docstring); ``volume`` is the
    items a month the option's point figures use. :class:`CatalogueError` when the usage
    names an entry the catalogue lacks or the currencies differ without a rate."""
    rate = context.hourly_rate
    kept_hours = max(0.0, context.hours_now - context.hours_freed)
    kept = kept_hours * WEEKS_PER_MONTH * rate
    usage = cost.usage
    fixed_monthly = cost.hosting_per_month + kept
    fine_tune: FineTune | None = None
    entries: list[tuple[EntryKind, str]] = []
    kind: Literal["hosted", "self_hosted", "fixed"]
    if usage is None:
        # Ranges only: the price per item is paid as if for one call of a million input
        # tokens at that price per million, so it is the model's cost and scales with items.
        serving: HostedServing | SelfHostedServing = HostedServing(
            input_per_million=Estimate.point(cost.price_per_item),
            output_per_million=Estimate.point(0.0),
        )
        model, kind = "Figures as typed, with their ranges", "fixed"
        volume_band = Estimate.point(volume)
        tokens_in = Estimate.point(1e6 if cost.price_per_item > 0 else 0.0)
        tokens_out = backlog = Estimate.point(0.0)
        calls = Estimate.point(1.0)
    else:
        fx = _rate(catalogue, context)
        serving, model, entries = _serving(usage, catalogue, fx)
        kind = usage.kind
        volume_band = (
            _est(usage.items_per_month)
            if usage.items_per_month is not None
            else Estimate.point(volume)
        )
        tokens_in, tokens_out = _input_tokens(usage), _est(usage.output_tokens)
        calls, backlog = _est(usage.calls_per_item), _est(usage.backlog_items)
        if usage.fine_tune is not None:
            tune = usage.fine_tune
            gpu_id = tune.gpu or (usage.self_hosted.gpu if usage.self_hosted else "")
            entries.append(("gpu_class", gpu_id))
            # A training job of hours rents GPUs on demand, whatever the serving's terms.
            pricing = "on_demand"
            fine_tune = FineTune(
                training_tokens=_est(tune.training_tokens),
                epochs=tune.epochs,
                tokens_per_second_per_gpu=_est(tune.tokens_per_second_per_gpu),
                gpu_hourly=_gpu_hourly(catalogue, gpu_id, pricing, fx),
                gpus=tune.gpus,
            )
    other = _ranged(cost, "other_per_month")
    plan = UsagePlan(
        id=option_id,
        title=title,
        volume_per_month=volume_band,
        backlog_items=backlog,
        input_tokens_per_item=tokens_in,
        output_tokens_per_item=tokens_out,
        calls_per_item=calls,
        serving=serving,
        fine_tune=fine_tune,
        integration=_ranged(cost, "integration"),
        evaluation=_ranged(cost, "evaluation"),
        adaptation=_ranged(cost, "adaptation"),
        maintenance_per_month=_ranged(cost, "maintenance_per_month"),
        review_hours_per_week=_ranged(cost, "review_hours_per_week"),
        hourly_rate=Estimate.point(rate),
        other_per_month=Estimate(
            low=other.low + fixed_monthly,
            expected=other.expected + fixed_monthly,
            high=other.high + fixed_monthly,
        ),
        labour_saved_per_month=Estimate.point(context.hours_freed * WEEKS_PER_MONTH * rate),
        current_monthly=context.current_other + kept,
    )
    return PricedPlan(plan=plan, model=model, kind=kind, entries=list(dict.fromkeys(entries)))


def priced_option(
    priced: PricedPlan,
    horizon_months: int,
    measured_quality: float | None,
    *,
    with_sensitivity: bool = True,
) -> OptionUsage:
    """The plan costed: bands, break-even range, the three inputs it is most sensitive to
    (left out without ``with_sensitivity``: the sweep is most of the work), and the cost of
    one correct item when the option's quality was measured."""
    cost = usage_cost(priced.plan, horizon_months)
    swings = (
        sensitivity(priced.plan, horizon_months)
        if with_sensitivity
        else Sensitivity(measure="break_even_month", expected=None, swings=[])
    )
    per_good: Estimate | None = None
    if measured_quality and cost.cost_per_item is not None:
        share = measured_quality / 100
        per_good = _est(cost.cost_per_item, 1 / share)
    return OptionUsage(
        model=priced.model,
        kind=priced.kind,
        cost=cost,
        most_sensitive=[s for s in swings.swings if s.change > 0][:3],
        sensitivity_measure=swings.measure,
        measured_quality=measured_quality,
        cost_per_good_item=per_good,
    )


def price_source(
    catalogue: PriceCatalogue,
    used: list[tuple[EntryKind, str]],
    context: CostContext,
    today: date,
    max_age_days: int,
) -> PriceSource:
    """The catalogue named with the entries used, their ages and those past ``max_age_days``."""
    dated = {(kind, entry_id): entry for kind, entry_id, entry in catalogue.dated_entries()}
    entries = []
    for key in dict.fromkeys(used):
        entry = dated.get(key)
        if entry is None:
            continue
        age = (today - entry.checked).days
        entries.append(
            UsedEntry(
                kind=key[0],
                id=key[1],
                checked=entry.checked,
                age_days=age,
                stale=age > max_age_days,
            )
        )
    return PriceSource(
        catalogue_id=catalogue.id,
        title=catalogue.title,
        files=list(catalogue.files),
        currency=catalogue.currency,
        exchange_rate=_rate(catalogue, context),
        as_of=today,
        max_age_days=max_age_days,
        entries=entries,
        oldest_checked=min((e.checked for e in entries), default=None),
        stale=[e for e in entries if e.stale],
    )
