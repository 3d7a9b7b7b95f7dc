"""scoring.pricing: an option's usage priced from a catalogue, checked by hand — exchange
rates, tier bands, tokens from characters and pages, spot and reserved GPUs, throughput on
a slower GPU, overrides, ranges-only options, the one cost model, staleness — and a
property: a dearer catalogue never makes an option cheaper or its break-even earlier."""

from __future__ import annotations

import copy
import os
from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.answers import WEEKS_PER_MONTH, Answers, CostInputs
from scoring.catalogue import PriceCatalogue, parse_catalogue
from scoring.errors import CatalogueError
from scoring.loader import load_rubric
from scoring.options import Costs, CostSummary, costs
from scoring.pricing import CostContext, PricedPlan, priced_option, usage_plan
from scoring.usage import Estimate, HostedServing, SelfHostedServing

from .conftest import DATA

SETTINGS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
RUBRIC = load_rubric(DATA / "small_rubric.yaml")
CHECKED = "2026-01-01"


def _dated(entry: dict[str, Any], checked: str = CHECKED) -> dict[str, Any]:
    return {**entry, "source": "https://example.invalid/prices", "checked": checked}


def catalogue_data() -> dict[str, Any]:
    """A small catalogue in USD whose figures are easy to compute with."""
    return {
        "id": "test",
        "title": "Test prices",
        "currency": "USD",
        "description": "For the pricing tests.",
        "tiers": [
            _dated(
                {
                    "id": "mid",
                    "title": "Mid-range hosted models",
                    "input_per_million": {"low": 1.0, "expected": 3.0, "high": 5.0},
                    "output_per_million": {"low": 5.0, "expected": 15.0, "high": 25.0},
                    "batch_discount": 0.5,
                }
            )
        ],
        "offerings": [
            _dated(
                {
                    "id": "hosted_a",
                    "provider": "Provider A",
                    "model": "Model A",
                    "tier": "mid",
                    "input_per_million": 2.0,
                    "output_per_million": 10.0,
                    "batch_discount": 0.5,
                },
                checked="2026-03-01",
            )
        ],
        "gpu_classes": [
            _dated(
                {
                    "id": "gpu_half",
                    "title": "A GPU half as fast as an H100",
                    "hourly_price": {"low": 2.0, "expected": 3.0, "high": 4.0},
                    "spot_discount": {"low": 0.5, "expected": 0.6, "high": 0.65},
                    "reserved_1y_discount": {"low": 0.35, "expected": 0.375, "high": 0.4},
                    "relative_throughput": 0.5,
                }
            )
        ],
        "self_hosted_sizes": [
            _dated(
                {
                    "id": "small",
                    "title": "Small open-weight model",
                    "params": "7-9B",
                    "tokens_per_second_per_gpu": {"low": 1000, "expected": 2000, "high": 3000},
                    "gpus_per_replica": 1,
                }
            )
        ],
        "utilisation": _dated({"share": {"low": 0.4, "expected": 0.5, "high": 0.6}}),
    }


def catalogue(data: dict[str, Any] | None = None) -> PriceCatalogue:
    return parse_catalogue(yaml.safe_dump(data or catalogue_data()), "test.yaml")


CATALOGUE = catalogue()


def context(currency: str = "USD", rate: float | None = None, **figures: float) -> CostContext:
    values: dict[str, float] = {
        "hourly_rate": 0.0,
        "hours_now": 0.0,
        "hours_freed": 0.0,
        "current_other": 0.0,
    }
    values.update(figures)
    return CostContext(
        currency=currency, exchange_rates={"USD": rate} if rate is not None else {}, **values
    )


def plan(usage: dict[str, Any] | None, ctx: CostContext | None = None, **cost: Any) -> PricedPlan:
    inputs = CostInputs.model_validate({**cost, **({"usage": usage} if usage else {})})
    return usage_plan("opt", "Option", inputs, 10_000, ctx or context(), CATALOGUE)


def band(estimate: Estimate) -> tuple[float, float, float]:
    return (estimate.low, estimate.expected, estimate.high)


def approx(*values: float) -> Any:
    return pytest.approx(values)


HOSTED = {"input_tokens": 1000, "output_tokens": 100, "offering": "hosted_a"}
SELF_HOSTED = {"input_tokens": 1000, "output_tokens": 100, "self_hosted": {"size": "small"}}


def self_hosted(pricing: str = "on_demand", **more: Any) -> dict[str, Any]:
    setup = {"size": "small", "gpu": "gpu_half", "pricing": pricing}
    return {**SELF_HOSTED, "self_hosted": setup, **more}


# --- prices from the catalogue -----------------------------------------------------------------


def test_an_offerings_prices_are_converted_with_the_exchange_rate() -> None:
    priced = plan(HOSTED, context("EUR", rate=0.9))
    serving = priced.plan.serving
    assert isinstance(serving, HostedServing)
    # USD 2 and 10 per million tokens at 0.9 EUR per USD
    assert band(serving.input_per_million) == approx(1.8, 1.8, 1.8)
    assert band(serving.output_per_million) == approx(9.0, 9.0, 9.0)
    assert serving.batch_discount == 0.5
    assert priced.model == "Provider A Model A"
    assert priced.entries == [("offering", "hosted_a")]
    # 10,000 items × (1,000 × 1.8 + 100 × 9) / 1,000,000 = EUR 27 a month
    expected = priced_option(priced, 36, None).cost.scenarios[1]
    assert expected.scenario == "expected"
    assert expected.model_monthly == pytest.approx(27.0)


def test_a_catalogue_in_another_currency_without_a_rate_is_refused() -> None:
    with pytest.raises(CatalogueError) as info:
        plan(HOSTED, context("EUR"))
    assert str(info.value) == (
        "exchange_rates: the costs are in EUR and the price catalogue 'Test prices' in USD; "
        "expected an exchange rate, e.g. exchange_rates: {USD: 0.9} (EUR per USD)"
    )


def test_a_tier_gives_its_price_band() -> None:
    priced = plan({"input_tokens": 1000, "output_tokens": 100, "tier": "mid"})
    serving = priced.plan.serving
    assert isinstance(serving, HostedServing)
    assert band(serving.input_per_million) == approx(1.0, 3.0, 5.0)
    assert band(serving.output_per_million) == approx(5.0, 15.0, 25.0)
    assert priced.entries == [("tier", "mid")]
    # per item: (1,000 × 1 + 100 × 5) / 1e6 = 0.0015 … (1,000 × 5 + 100 × 25) / 1e6 = 0.0075
    cost = priced_option(priced, 36, None).cost
    assert cost.model_cost_per_item is not None
    assert band(cost.model_cost_per_item) == approx(0.0015, 0.0045, 0.0075)


@pytest.mark.parametrize(
    ("size", "tokens"),
    [
        ({"input_chars": 4000}, (1000, 1000, 1000)),  # 4 characters a token
        ({"input_pages": {"low": 1, "expected": 2, "high": 3}}, (500, 1000, 1500)),  # 500 a page
        (
            {"input_chars": {"low": 0, "expected": 2000, "high": 4000}, "input_pages": 1},
            (500, 1000, 1500),
        ),
    ],
)
def test_input_tokens_come_from_characters_and_pages(
    size: dict[str, Any], tokens: tuple[float, float, float]
) -> None:
    priced = plan({"output_tokens": 100, "offering": "hosted_a", **size})
    assert band(priced.plan.input_tokens_per_item) == approx(*tokens)


@pytest.mark.parametrize(
    ("pricing", "hourly"),
    [
        ("on_demand", (2.0, 3.0, 4.0)),
        # the cheap end takes the large discount: 2 × (1 − 0.65), 3 × (1 − 0.6), 4 × (1 − 0.5)
        ("spot", (0.7, 1.2, 2.0)),
        # 2 × (1 − 0.4), 3 × (1 − 0.375), 4 × (1 − 0.35)
        ("reserved_1y", (1.2, 1.875, 2.6)),
    ],
)
def test_spot_and_reserved_gpus_take_the_catalogue_discount(
    pricing: str, hourly: tuple[float, float, float]
) -> None:
    serving = plan(self_hosted(pricing)).plan.serving
    assert isinstance(serving, SelfHostedServing)
    assert band(serving.gpu_hourly) == approx(*hourly)


def test_gpu_prices_are_converted_with_the_exchange_rate() -> None:
    serving = plan(self_hosted("spot"), context("GBP", rate=0.8)).plan.serving
    assert isinstance(serving, SelfHostedServing)
    assert band(serving.gpu_hourly) == approx(0.56, 0.96, 1.6)


def test_a_sizes_throughput_is_scaled_by_the_gpus_relative_throughput() -> None:
    priced = plan(self_hosted())
    serving = priced.plan.serving
    assert isinstance(serving, SelfHostedServing)
    # 1,000 / 2,000 / 3,000 tokens/s on an H100-class GPU, on a GPU half as fast
    assert band(serving.tokens_per_second_per_gpu) == approx(500, 1000, 1500)
    assert band(serving.utilisation) == approx(0.4, 0.5, 0.6)
    assert serving.gpus_per_replica == 1
    assert priced.entries == [
        ("self_hosted_size", "small"),
        ("gpu_class", "gpu_half"),
        ("utilisation", "utilisation"),
    ]


def test_overrides_beat_the_catalogue() -> None:
    hosted = plan(
        {
            **HOSTED,
            "overrides": {"input_per_million": 0.5, "output_per_million": 4, "batch_discount": 0},
        },
        context("EUR", rate=0.9),
    ).plan.serving
    assert isinstance(hosted, HostedServing)
    # in the catalogue's currency, like the figures they replace
    assert band(hosted.input_per_million) == approx(0.45, 0.45, 0.45)
    assert band(hosted.output_per_million) == approx(3.6, 3.6, 3.6)
    assert hosted.batch_discount == 0
    priced = plan(
        self_hosted(
            "spot",
            overrides={"gpu_hourly": 1.5, "tokens_per_second_per_gpu": 800, "utilisation": 0.9},
        )
    )
    served = priced.plan.serving
    assert isinstance(served, SelfHostedServing)
    assert band(served.gpu_hourly) == approx(1.5, 1.5, 1.5)  # no spot discount on top
    assert band(served.tokens_per_second_per_gpu) == approx(800, 800, 800)  # measured: not scaled
    assert band(served.utilisation) == approx(0.9, 0.9, 0.9)
    assert ("utilisation", "utilisation") not in priced.entries


def test_an_unknown_id_is_a_catalogue_error_with_a_suggestion() -> None:
    with pytest.raises(CatalogueError, match=r"no offering 'hosted_b' .*did you mean 'hosted_a'"):
        plan({**HOSTED, "offering": "hosted_b"})


# --- ranges-only options and the one cost model ------------------------------------------------


def test_a_ranges_only_option_gets_bands_around_its_point_figures() -> None:
    priced = plan(
        None,
        integration=10_000,
        maintenance_per_month=500,
        price_per_item=0.01,
        ranges={
            "integration": {"low": 8_000, "high": 15_000},
            "maintenance_per_month": {"low": 400, "high": 900},
        },
    )
    assert priced.kind == "fixed" and priced.entries == []
    assert band(priced.plan.integration) == approx(8_000, 10_000, 15_000)
    cost = priced_option(priced, 12, None).cost
    assert band(cost.one_time) == approx(8_000, 10_000, 15_000)
    # the price per item is the model's cost: 0.01 × 10,000 = 100 a month
    assert band(cost.monthly) == approx(500, 600, 1_000)
    assert cost.model_cost_per_item is not None
    assert band(cost.model_cost_per_item) == approx(0.01, 0.01, 0.01)
    assert band(cost.total_at_horizon) == approx(
        8_000 + 12 * 500, 10_000 + 12 * 600, 15_000 + 12 * 1_000
    )


def test_paying_per_use_needs_on_demand_gpus() -> None:
    """Reserved or spot capacity is paid around the clock: billing only the GPU-hours used
    at the reserved price would understate the cost, so the pair is refused."""
    with pytest.raises(ValueError, match=r"always_on: false .* needs pricing: on_demand"):
        plan(
            self_hosted(
                "reserved_1y",
                self_hosted={
                    "size": "small",
                    "gpu": "gpu_half",
                    "pricing": "reserved_1y",
                    "always_on": False,
                },
            )
        )
    per_use = plan(
        self_hosted("on_demand")
        | {"self_hosted": {"size": "small", "gpu": "gpu_half", "always_on": False}}
    )
    assert isinstance(per_use.plan.serving, SelfHostedServing)
    assert per_use.plan.serving.always_on is False


def test_fine_tuning_rents_gpus_on_demand_whatever_the_serving_terms() -> None:
    tune = {"training_tokens": 1_000_000, "epochs": 1, "tokens_per_second_per_gpu": 1000}
    reserved = plan(self_hosted("reserved_1y", fine_tune=tune))
    on_demand = plan(self_hosted("on_demand", fine_tune=tune))
    assert reserved.plan.fine_tune is not None and on_demand.plan.fine_tune is not None
    assert band(reserved.plan.fine_tune.gpu_hourly) == band(on_demand.plan.fine_tune.gpu_hourly)
    assert isinstance(reserved.plan.serving, SelfHostedServing)
    assert reserved.plan.serving.gpu_hourly.expected < on_demand.plan.fine_tune.gpu_hourly.expected


def answers(option_costs: dict[str, Any], **more: Any) -> Answers:
    return Answers.model_validate(
        {
            "title": "Priced",
            "currency": "USD",
            "hourly_rate": 40,
            "horizon_months": 24,
            "current_process": {"other_per_month": 300},
            "labour": [
                {"role": "Clerks", "hours_per_week": 30, "share_removed": 0.5},
                {"role": "Leads", "hours_per_week": 10, "share_removed": 0.2},
            ],
            "options": [{"id": "opt", "title": "Option", "costs": option_costs}],
            **more,
        }
    )


def priced_costs(option_costs: dict[str, Any], **more: Any) -> tuple[Costs, CostSummary]:
    result = costs(RUBRIC, answers(option_costs, **more), CATALOGUE, date(2026, 3, 1))
    assert result is not None and result.problems == []
    return result, result.options[0]


POINT = {
    "integration": 12_000,
    "evaluation": 3_000,
    "price_per_item": 0.02,
    "items_per_month": 5_000,
    "hosting_per_month": 250,
    "maintenance_per_month": 400,
    "review_hours_per_week": 3,
    "other_per_month": 50,
}


def test_the_expected_case_keeps_the_one_cost_model() -> None:
    plain, point = priced_costs(POINT)
    assert point.usage is None
    _, summary = priced_costs({**POINT, "ranges": {"integration": {"low": 9e3, "high": 2e4}}})
    assert summary.usage is not None
    expected = next(s for s in summary.usage.cost.scenarios if s.scenario == "expected")
    # hours today 40, freed 15 + 2 = 17, kept 23; review 3: (3 + 23) × 52/12 × 40
    kept_and_review = (3 + 23) * WEEKS_PER_MONTH * 40
    monthly = 0.02 * 5_000 + 250 + 400 + 50 + kept_and_review
    assert point.monthly == pytest.approx(monthly, abs=0.01)
    assert expected.monthly == pytest.approx(point.monthly, abs=0.01)
    assert summary.monthly == pytest.approx(point.monthly, abs=0.01)
    assert expected.one_time == point.one_time == 15_000
    # avoided: today's whole monthly cost (40 h a week at 40 an hour, and 300 besides)
    assert expected.avoided_monthly == pytest.approx(plain.current_monthly, abs=0.01)
    assert plain.current_monthly == pytest.approx(40 * WEEKS_PER_MONTH * 40 + 300, abs=0.01)
    assert summary.break_even_month == point.break_even_month
    assert summary.cumulative == pytest.approx(point.cumulative, abs=0.05)


def test_a_usage_options_expected_monthly_cost_by_hand() -> None:
    result, summary = priced_costs(
        {"maintenance_per_month": 100, "items_per_month": 5_000, "usage": HOSTED}
    )
    assert summary.usage is not None
    expected = next(s for s in summary.usage.cost.scenarios if s.scenario == "expected")
    tokens = 5_000 * (1_000 * 2.0 + 100 * 10.0) / 1_000_000  # USD 15 a month
    kept = 23 * WEEKS_PER_MONTH * 40
    assert expected.model_monthly == pytest.approx(tokens)
    assert expected.monthly == pytest.approx(tokens + 100 + kept, abs=0.01)
    assert summary.monthly == expected.monthly
    assert expected.avoided_monthly == pytest.approx(result.current_monthly, abs=0.01)


# --- staleness ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "stale"),
    [
        (date(2026, 5, 30), False),  # hosted_a, checked 2026-03-01: 90 days old, the limit
        (date(2026, 5, 31), True),  # 91 days
    ],
)
def test_an_entry_older_than_the_policys_limit_is_flagged(today: date, stale: bool) -> None:
    result = costs(RUBRIC, answers({"usage": HOSTED}), CATALOGUE, today)
    assert result is not None and result.prices is not None
    assert RUBRIC.prices.max_age_days == 90
    (entry,) = result.prices.entries
    assert (entry.kind, entry.id, entry.checked) == ("offering", "hosted_a", date(2026, 3, 1))
    assert entry.age_days == (today - date(2026, 3, 1)).days
    assert entry.stale is stale
    assert result.prices.stale == ([entry] if stale else [])
    assert result.prices.oldest_checked == date(2026, 3, 1)
    assert result.prices.files == ["test.yaml"]


def test_a_self_hosted_option_dates_every_entry_it_uses() -> None:
    result = costs(RUBRIC, answers({"usage": self_hosted()}), CATALOGUE, date(2026, 3, 1))
    assert result is not None and result.prices is not None
    # size, GPU and utilisation were checked 2026-01-01: 59 days before, none stale
    assert [(e.kind, e.age_days, e.stale) for e in result.prices.entries] == [
        ("self_hosted_size", 59, False),
        ("gpu_class", 59, False),
        ("utilisation", 59, False),
    ]


# --- property: a dearer catalogue never helps ---------------------------------------------------

#: The prices a company could raise, as (list, index, field) in catalogue_data().
PRICES = [
    ("offerings", 0, "input_per_million"),
    ("offerings", 0, "output_per_million"),
    ("tiers", 0, "input_per_million"),
    ("tiers", 0, "output_per_million"),
    ("gpu_classes", 0, "hourly_price"),
]


def _raised(value: Any, factor: float) -> Any:
    if isinstance(value, dict):
        return {level: number * factor for level, number in value.items()}
    return value * factor


@st.composite
def usage_options(draw: st.DrawFn) -> list[dict[str, Any]]:
    volume = draw(st.integers(100, 200_000))
    tokens = {
        "input_tokens": draw(st.integers(50, 20_000)),
        "output_tokens": draw(st.integers(1, 2_000)),
        "calls_per_item": draw(st.sampled_from([1, 1.5, {"low": 1, "expected": 1.2, "high": 2}])),
    }
    fixed = {
        "integration": draw(st.integers(0, 50_000)),
        "maintenance_per_month": draw(st.integers(0, 3_000)),
        "items_per_month": volume,
    }
    pricing = draw(st.sampled_from(["on_demand", "spot", "reserved_1y"]))
    runs = [
        {"offering": "hosted_a", "batch_share": draw(st.sampled_from([0, 0.5]))},
        {"tier": "mid"},
        {"self_hosted": {"size": "small", "gpu": "gpu_half", "pricing": pricing}},
        {
            "self_hosted": {"size": "small", "gpu": "gpu_half", "always_on": False},
            "fine_tune": {"training_tokens": 1e7, "tokens_per_second_per_gpu": 2000},
        },
    ]
    return [
        {"id": f"opt_{i}", "title": f"Option {i}", "costs": {**fixed, "usage": {**tokens, **run}}}
        for i, run in enumerate(runs)
    ]


def _expected_totals(result: Costs) -> dict[str, tuple[float, int | None]]:
    found = {}
    for summary in result.options:
        assert summary.usage is not None
        expected = next(s for s in summary.usage.cost.scenarios if s.scenario == "expected")
        found[summary.id] = (expected.cumulative[-1], expected.break_even_month)
    return found


@SETTINGS
@given(
    options=usage_options(),
    price=st.sampled_from(PRICES),
    factor=st.floats(1.0, 20.0),
    hours=st.floats(0, 200),
    rate=st.floats(0.5, 2.0),
)
def test_raising_any_catalogue_price_never_lowers_a_total_nor_brings_break_even_earlier(
    options: list[dict[str, Any]],
    price: tuple[str, int, str],
    factor: float,
    hours: float,
    rate: float,
) -> None:
    data = catalogue_data()
    dearer = copy.deepcopy(data)
    key, index, field = price
    dearer[key][index][field] = _raised(data[key][index][field], factor)
    figures = Answers.model_validate(
        {
            "title": "Property",
            "currency": "EUR",
            "exchange_rates": {"USD": rate},
            "hourly_rate": 50,
            "labour": [{"role": "Staff", "hours_per_week": hours, "share_removed": 0.8}],
            "options": options,
        }
    )
    before = costs(RUBRIC, figures, catalogue(data), date(2026, 3, 1))
    after = costs(RUBRIC, figures, catalogue(dearer), date(2026, 3, 1))
    assert before is not None and after is not None
    assert before.problems == after.problems == []
    never = figures.horizon_months + 1  # never breaking even is later than any month
    for option_id, (total, month) in _expected_totals(before).items():
        total_after, month_after = _expected_totals(after)[option_id]
        assert total_after >= total, option_id  # both rounded to cents, as money is
        assert (month_after or never) >= (month or never), option_id
