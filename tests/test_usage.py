"""Usage-based cost: hand-computed token, GPU and fine-tuning costs, bands, break-even
ranges, sensitivity and falling prices; properties that hold for any plan."""

from __future__ import annotations

import math
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scoring.usage import (
    SCENARIOS,
    WEEKS_PER_MONTH,
    BreakEvenRange,
    Estimate,
    HostedServing,
    SelfHostedServing,
    UsageCost,
    UsagePlan,
    fine_tune_cost,
    hosted_cost_per_item,
    inputs,
    price_scenario,
    self_hosted_monthly,
    sensitivity,
    tokens_per_item,
    usage_cost,
    with_inputs,
)

SETTINGS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def E(low: float, expected: float, high: float) -> Estimate:
    return Estimate(low=low, expected=expected, high=high)


# --- formulas on plain numbers ----------------------------------------------------------------


def test_tokens_from_characters_and_pages_by_the_rules_of_thumb() -> None:
    assert tokens_per_item(chars=8000) == 2000  # 8,000 / 4
    assert tokens_per_item(pages=3) == 1500  # 3 × 500
    assert tokens_per_item(chars=8000, pages=3) == 3500
    # the rules of thumb are overridable: 3 characters a token, 800 tokens a scanned page
    assert tokens_per_item(chars=9000, pages=2, chars_per_token=3, tokens_per_page=800) == 4600
    with pytest.raises(ValueError, match="0 or more"):
        tokens_per_item(chars=-1)


def test_hosted_cost_per_item_by_hand() -> None:
    # (2,000 × 3 + 500 × 15) / 1e6 = 0.0135 a call
    assert hosted_cost_per_item(2000, 500, 3, 15) == pytest.approx(0.0135)
    # × 1.2 calls (retries) × (1 − 0.5 batched × 0.5 off) = 0.0135 × 1.2 × 0.75 = 0.01215
    assert hosted_cost_per_item(2000, 500, 3, 15, 1.2, 0.5, 0.5) == pytest.approx(0.01215)
    # everything batched at 50 % off halves it
    assert hosted_cost_per_item(2000, 500, 3, 15, 1, 1, 0.5) == pytest.approx(0.00675)
    with pytest.raises(ValueError, match="shares"):
        hosted_cost_per_item(2000, 500, 3, 15, batch_share=1.5)


def test_self_hosted_cost_always_on_and_pay_per_use_by_hand() -> None:
    # 2.7e9 tokens / (1,000 tokens/s × 3,600 s × 0.5 utilisation) = 1,500 GPU-hours
    assert self_hosted_monthly(2.7e9, 1000, 2, 0.5, always_on=False) == pytest.approx(3000)
    # always on, 1 GPU a replica: ⌈1500 / 730⌉ = 3 replicas × 730 h × 2 = 4,380
    assert self_hosted_monthly(2.7e9, 1000, 2, 0.5) == 4380
    # 2 GPUs a replica: ⌈1500 / 1460⌉ = 2 replicas × 2 GPUs × 730 h × 2 = 5,840
    assert self_hosted_monthly(2.7e9, 1000, 2, 0.5, gpus_per_replica=2) == 5840
    # exactly 2 replicas' worth (2.628e9 / 1.8e6 = 1,460 h) is 2 replicas, not 3
    assert self_hosted_monthly(2.628e9, 1000, 2, 0.5) == 2 * 730 * 2
    # no traffic: always on still pays its minimum replica; pay per use pays nothing
    assert self_hosted_monthly(0, 1000, 2, 0.5) == 1460
    assert self_hosted_monthly(0, 1000, 2, 0.5, min_replicas=0) == 0
    assert self_hosted_monthly(0, 1000, 2, 0.5, always_on=False) == 0
    # a minimum of 3 replicas is paid even when 1 would do
    assert self_hosted_monthly(1e6, 1000, 2, 0.5, min_replicas=3) == 3 * 730 * 2
    with pytest.raises(ValueError, match="utilisation"):
        self_hosted_monthly(1e6, 1000, 2, 0)


def test_fine_tuning_compute_by_hand() -> None:
    # 1e7 tokens × 3 epochs / (2,500 tokens/s × 2 GPUs × 3,600) = 1.67 h → billed 2 h
    # × 2 GPUs × 2.50 = 10
    assert fine_tune_cost(1e7, 3, 2500, 2.5, 2) == 10
    # exactly 1 h (1.8e7 tokens at 5,000 tokens/s) is billed 1 h: 1 × 2 × 2.50 = 5
    assert fine_tune_cost(1.8e7, 1, 2500, 2.5, 2) == 5
    # on one GPU the same job takes 3.33 h → 4 h × 1 × 2.50 = 10
    assert fine_tune_cost(1e7, 3, 2500, 2.5, 1) == 10
    assert fine_tune_cost(0, 3, 2500, 2.5, 8) == 0


def test_estimate_is_ordered_and_a_number_is_a_point() -> None:
    assert Estimate.point(4) == E(4, 4, 4)
    assert Estimate.model_validate(7) == E(7, 7, 7)
    with pytest.raises(ValidationError, match="low ≤ expected ≤ high"):
        E(3, 2, 5)
    with pytest.raises(ValidationError, match="volume_per_month is below 0"):
        UsagePlan.model_validate(
            {**_hosted_data(), "volume_per_month": {"low": -1, "expected": 1, "high": 2}}
        )


# --- plans, bands and break-even ranges --------------------------------------------------------


def _hosted_data() -> dict[str, Any]:
    return {
        "id": "hosted",
        "title": "Hosted API",
        "volume_per_month": {"low": 5000, "expected": 10000, "high": 20000},
        "input_tokens_per_item": {"low": 1000, "expected": 2000, "high": 3000},
        "output_tokens_per_item": 500,
        "serving": {
            "kind": "hosted",
            "input_per_million": {"low": 2, "expected": 3, "high": 4},
            "output_per_million": 15,
        },
        "integration": {"low": 6000, "expected": 8000, "high": 12000},
        "evaluation": 2000,
        # 6 h a week × 52/12 = 26 h a month × 50 = 1,300 a month
        "review_hours_per_week": 6,
        "hourly_rate": 50,
        "labour_saved_per_month": {"low": 2000, "expected": 3000, "high": 4000},
        "current_monthly": 500,
    }


HOSTED = UsagePlan.model_validate(_hosted_data())


def _scenario(cost: UsageCost, name: str) -> Any:
    return next(s for s in cost.scenarios if s.scenario == name)


def test_the_scenarios_are_the_documented_four() -> None:
    assert [s.id for s in SCENARIOS] == ["low-cost", "expected", "high-cost", "low-volume"]
    assert WEEKS_PER_MONTH == 52 / 12


def test_hosted_plan_by_hand_in_every_scenario() -> None:
    cost = usage_cost(HOSTED, horizon_months=36)
    rows = {
        s.scenario: (s.one_time, s.monthly, s.avoided_monthly, s.cost_per_item, s.break_even_month)
        for s in cost.scenarios
    }
    assert rows == {
        # per item (2,000 × 3 + 500 × 15) / 1e6 = 0.0135; × 10,000 = 135; + review 1,300
        # = 1,435 a month. One-time 8,000 + 2,000. Avoided 500 + 3,000 = 3,500; saving
        # 2,065 a month; 10,000 / 2,065 = 4.8 → month 5.
        "expected": (10000, 1435, 3500, 0.1435, 5),
        # tokens 1,000 at 2: (2,000 + 7,500) / 1e6 × 10,000 = 95 → 1,395; one-time 6,000
        # + 2,000; avoided 500 + 4,000 (labour saved at its high end); 8,000 / 3,105 = 2.6 → 3
        "low-cost": (8000, 1395, 4500, 0.1395, 3),
        # tokens 3,000 at 4: (12,000 + 7,500) / 1e6 × 10,000 = 195 → 1,495; one-time 14,000;
        # avoided 500 + 2,000; 14,000 / 1,005 = 13.9 → 14
        "high-cost": (14000, 1495, 2500, 0.1495, 14),
        # 5,000 items: 67.5 + 1,300 = 1,367.5 (0.2735 an item); labour saved halves with the
        # volume: 500 + 1,500 = 2,000 (current_monthly does not scale); 10,000 / 632.5
        # = 15.8 → 16
        "low-volume": (10000, 1367.5, 2000, 0.2735, 16),
    }
    expected = _scenario(cost, "expected")
    assert expected.cumulative[:3] == [10000, 11435, 12870]
    assert expected.net_at_horizon == 36 * 3500 - (10000 + 36 * 1435)
    # bands span the scenarios: the low-volume case has the lowest monthly cost and the
    # highest cost per item
    assert cost.one_time == E(8000, 10000, 14000)
    assert cost.monthly == E(1367.5, 1435, 1495)
    assert cost.cost_per_item == E(0.1395, 0.1435, 0.2735)
    # at 36 months: 8,000 + 36 × 1,395 = 58,220; 10,000 + 36 × 1,435 = 61,660;
    # 14,000 + 36 × 1,495 = 67,820
    assert cost.total_at_horizon == E(58220, 61660, 67820)
    assert cost.cumulative[0] == E(8000, 10000, 14000)
    assert cost.cumulative[36] == cost.total_at_horizon
    assert cost.break_even == BreakEvenRange(earliest=3, expected=5, latest=16, never_in=[])


def test_break_even_range_names_the_scenarios_that_never_break_even() -> None:
    # the same plan over 12 months: the high-cost (14) and low-volume (16) cases never do
    cost = usage_cost(HOSTED, horizon_months=12)
    assert cost.break_even == BreakEvenRange(
        earliest=3, expected=5, latest=5, never_in=["high-cost", "low-volume"]
    )
    # net at 12 months: low-cost 12 × 4,500 − (8,000 + 12 × 1,395) = 29,260; expected
    # 42,000 − 27,220 = 14,780; high-cost 30,000 − 31,940 = −1,940; low-volume 24,000
    # − 26,410 = −2,410
    assert cost.net_at_horizon == E(-2410, 14780, 29260)


def test_no_break_even_anywhere_gives_an_empty_range() -> None:
    plan = HOSTED.model_copy(update={"labour_saved_per_month": Estimate.point(0)})
    cost = usage_cost(plan)  # saves 500 a month, spends 1,367.5 or more
    assert cost.break_even == BreakEvenRange(
        earliest=None, expected=None, latest=None, never_in=[s.id for s in SCENARIOS]
    )


def _self_hosted_data() -> dict[str, Any]:
    return {
        "id": "self_hosted",
        "title": "Self-hosted fine-tuned small model",
        "volume_per_month": {"low": 400_000, "expected": 1_000_000, "high": 2_000_000},
        "backlog_items": 72_000,
        "input_tokens_per_item": 2000,
        "output_tokens_per_item": 500,
        "serving": {
            "kind": "self_hosted",
            "tokens_per_second_per_gpu": {"low": 500, "expected": 1000, "high": 2000},
            "gpu_hourly": {"low": 2, "expected": 2.5, "high": 3},
            "utilisation": 0.5,
        },
        "fine_tune": {
            "training_tokens": 1.8e7,
            "epochs": 2,
            "tokens_per_second_per_gpu": 2500,
            "gpu_hourly": {"low": 2, "expected": 2.5, "high": 3},
            "gpus": 2,
        },
        "integration": 20000,
        "maintenance_per_month": 1000,
        "labour_saved_per_month": {"low": 8000, "expected": 10000, "high": 12000},
    }


SELF_HOSTED = UsagePlan.model_validate(_self_hosted_data())


def test_self_hosted_plan_by_hand_in_every_scenario() -> None:
    cost = usage_cost(SELF_HOSTED)
    rows = {
        s.scenario: (s.one_time, s.monthly, s.avoided_monthly, s.break_even_month)
        for s in cost.scenarios
    }
    # 2,500 tokens an item. Expected: 1e6 items → 2.5e9 tokens / (1,000 × 3,600 × 0.5)
    # = 1,388.9 GPU-h → 2 replicas × 730 × 2.5 = 3,650 + maintenance 1,000 = 4,650.
    # Backlog 72,000 × 2,500 = 1.8e8 tokens → 100 GPU-h, paid per use: 250. Fine-tuning
    # 1.8e7 × 2 epochs / (2,500 × 2 GPUs × 3,600) = 2 h × 2 GPUs × 2.5 = 10.
    # One-time 20,000 + 250 + 10 = 20,260; saving 10,000 − 4,650 = 5,350 → 3.8 → month 4.
    assert rows["expected"] == (20260, 4650, 10000, 4)
    # 2,000 tokens/s at 2: 694.4 GPU-h → 1 replica × 730 × 2 = 1,460 + 1,000 = 2,460;
    # backlog 50 h × 2 = 100; fine-tuning 2 × 2 × 2 = 8; 20,108 / (12,000 − 2,460) = 2.1 → 3
    assert rows["low-cost"] == (20108, 2460, 12000, 3)
    # 500 tokens/s at 3: 2,777.8 GPU-h → 4 replicas × 730 × 3 = 8,760 + 1,000 = 9,760;
    # backlog 200 h × 3 = 600; fine-tuning 12; saves 8,000 < 9,760: never
    assert rows["high-cost"] == (20612, 9760, 8000, None)
    # 400,000 items: 1e9 tokens → 555.6 GPU-h → 1 replica × 730 × 2.5 = 1,825 + 1,000;
    # labour saved × 0.4 = 4,000; 20,260 / 1,175 = 17.2 → 18
    assert rows["low-volume"] == (20260, 2825, 4000, 18)
    assert cost.break_even == BreakEvenRange(
        earliest=3, expected=4, latest=18, never_in=["high-cost"]
    )
    # cost per item: 2,460 / 1e6, 4,650 / 1e6, 9,760 / 1e6 and 2,825 / 400,000
    assert cost.cost_per_item == E(0.00246, 0.00465, 0.009760)
    assert _scenario(cost, "low-volume").cost_per_item == pytest.approx(0.0070625)


def test_pay_per_use_self_hosting_pays_for_the_hours_only() -> None:
    data = _self_hosted_data()
    data["serving"] = {**data["serving"], "always_on": False}
    expected = _scenario(usage_cost(UsagePlan.model_validate(data)), "expected")
    # 1,388.9 GPU-h × 2.5 = 3,472.22 + maintenance 1,000
    assert expected.monthly == pytest.approx(2.5e9 / 1.8e6 * 2.5 + 1000, abs=0.01)


def test_a_case_without_items_has_no_cost_per_item_and_the_band_spans_the_others() -> None:
    data = _hosted_data()
    data["volume_per_month"] = {"low": 0, "expected": 10000, "high": 20000}
    cost = usage_cost(UsagePlan.model_validate(data))
    assert _scenario(cost, "low-volume").cost_per_item is None
    assert _scenario(cost, "expected").cost_per_item == 0.1435
    with_items = [c.cost_per_item for c in cost.scenarios if c.cost_per_item is not None]
    assert cost.cost_per_item is not None
    assert (cost.cost_per_item.low, cost.cost_per_item.high) == (min(with_items), max(with_items))
    nothing = dict(data, volume_per_month=0)
    assert usage_cost(UsagePlan.model_validate(nothing)).cost_per_item is None


def test_no_items_a_month_frees_no_labour() -> None:
    """Work is removed item by item: an option that handles nothing a month saves no hours,
    whatever the labour figure (it was given for the expected volume)."""
    data = dict(_hosted_data(), volume_per_month=0, labour_saved_per_month=5000)
    cost = usage_cost(UsagePlan.model_validate(data))
    assert all(
        c.avoided_monthly == UsagePlan.model_validate(data).current_monthly for c in cost.scenarios
    )
    assert cost.break_even.earliest is None


def test_inputs_are_named_by_their_path_and_replaced_with_checks() -> None:
    assert list(inputs(SELF_HOSTED)) == [
        "volume_per_month",
        "backlog_items",
        "input_tokens_per_item",
        "output_tokens_per_item",
        "calls_per_item",
        "serving.tokens_per_second_per_gpu",
        "serving.gpu_hourly",
        "serving.utilisation",
        "fine_tune.training_tokens",
        "fine_tune.tokens_per_second_per_gpu",
        "fine_tune.gpu_hourly",
        "integration",
        "evaluation",
        "adaptation",
        "maintenance_per_month",
        "review_hours_per_week",
        "hourly_rate",
        "other_per_month",
        "labour_saved_per_month",
    ]
    dearer = with_inputs(SELF_HOSTED, {"serving.gpu_hourly": Estimate.point(3)})
    assert inputs(dearer)["serving.gpu_hourly"] == E(3, 3, 3)
    assert inputs(SELF_HOSTED)["serving.gpu_hourly"] == E(2, 2.5, 3)  # the original is kept
    with pytest.raises(ValueError, match=r"no such input: serving\.input_per_million"):
        with_inputs(SELF_HOSTED, {"serving.input_per_million": Estimate.point(1)})
    with pytest.raises(ValidationError, match="tokens per second per GPU must be above 0"):
        with_inputs(SELF_HOSTED, {"serving.tokens_per_second_per_gpu": Estimate.point(0)})


# --- sensitivity ------------------------------------------------------------------------------


def test_sensitivity_ranks_inputs_by_how_far_break_even_moves() -> None:
    result = sensitivity(HOSTED)
    assert result.measure == "break_even_month" and result.expected == 5
    swings = [(s.input, s.at_low, s.at_high, s.change) for s in result.swings]
    assert swings == [
        # 5,000 items: the low-volume case, month 16; 20,000: 270 + 1,300 = 1,570 a month,
        # avoided 500 + 6,000; 10,000 / 4,930 = 2.03 → 3
        ("volume_per_month", 16, 3, 13),
        # avoided 2,500: 10,000 / 1,065 = 9.4 → 10; 4,500: 10,000 / 3,065 = 3.3 → 4
        ("labour_saved_per_month", 10, 4, 6),
        # one-time 8,000: 8,000 / 2,065 = 3.9 → 4; 14,000: 6.8 → 7
        ("integration", 4, 7, 3),
        # both stay at month 5; ordered by how far they move the net at 36 months:
        # tokens 36 × (165 − 95) = 2,520, price 36 × (155 − 115) = 1,440
        ("input_tokens_per_item", 5, 5, 0),
        ("serving.input_per_million", 5, 5, 0),
    ]


def test_sensitivity_falls_back_to_the_net_when_break_even_never_comes() -> None:
    result = sensitivity(HOSTED, horizon_months=3)
    # net at 3 months: 3 × 3,500 − (10,000 + 3 × 1,435) = −3,805
    assert result.measure == "net_at_horizon" and result.expected == -3805
    first = result.swings[0]
    # 5,000 items: 3 × 2,000 − (10,000 + 3 × 1,367.5) = −8,102.5;
    # 20,000: 3 × 6,500 − (10,000 + 3 × 1,570) = 4,790
    assert (first.input, first.at_low, first.at_high, first.change) == (
        "volume_per_month",
        -8102.5,
        4790,
        12892.5,
    )


def test_a_swing_that_loses_break_even_counts_as_the_month_after_the_horizon() -> None:
    result = sensitivity(HOSTED, horizon_months=12)
    volume = next(s for s in result.swings if s.input == "volume_per_month")
    # low volume never breaks even within 12 months (13 stands for never); high: month 3
    assert (volume.at_low, volume.at_high, volume.change) == (None, 3, 10)


# --- falling prices ---------------------------------------------------------------------------


def _ranking_plans() -> tuple[UsagePlan, UsagePlan]:
    hosted = UsagePlan(
        id="hosted",
        title="Hosted",
        volume_per_month=Estimate.point(10000),
        input_tokens_per_item=Estimate.point(2000),
        output_tokens_per_item=Estimate.point(1000),
        # (2,000 × 10 + 1,000 × 100) / 1e6 = 0.12 an item × 10,000 = 1,200 a month
        serving=HostedServing(
            input_per_million=Estimate.point(10), output_per_million=Estimate.point(100)
        ),
    )
    self_hosted = UsagePlan(
        id="self",
        title="Self-hosted",
        volume_per_month=Estimate.point(10000),
        input_tokens_per_item=Estimate.point(2000),
        output_tokens_per_item=Estimate.point(1000),
        # one replica at 1 an hour: 730, + 270 maintenance = 1,000 a month
        serving=SelfHostedServing(
            tokens_per_second_per_gpu=Estimate.point(1000),
            gpu_hourly=Estimate.point(1),
            utilisation=Estimate.point(0.5),
        ),
        maintenance_per_month=Estimate.point(270),
    )
    return hosted, self_hosted


def test_falling_hosted_prices_flip_the_ranking_by_hand() -> None:
    hosted, self_hosted = _ranking_plans()
    result = price_scenario([hosted, self_hosted], annual_factor=3, horizon_months=12)
    by_id = {o.id: o for o in result.options}
    # constant: 1,200 m against 1,000 m — self-hosting is cheaper every month
    assert by_id["hosted"].cumulative_constant[12] == 14400
    assert by_id["self"].cumulative_falling == [1000 * m for m in range(13)]
    # falling: month m pays 1,200 × 3^(−(m−1)/12): 1,200, 1,095.02, 999.22, 911.80, 832.03,
    # 759.25 … to date 5,038.07 after 5 months (> 5,000) and 5,797.32 after 6 (< 6,000)
    assert by_id["hosted"].cumulative_falling[5:7] == [5038.07, 5797.32]
    # 12 months: 1,200 × (1 − 1/3) / (1 − 3^(−1/12)) = 9,144.40
    assert by_id["hosted"].cumulative_falling[12] == 9144.40
    assert result.ranking_constant == ["self", "hosted"]
    assert result.ranking_falling == ["hosted", "self"]
    assert (result.flips, result.flip_month) == (True, 6)


def test_constant_prices_never_flip_and_self_hosting_is_unaffected() -> None:
    result = price_scenario(list(_ranking_plans()), annual_factor=1, horizon_months=12)
    assert (result.flips, result.flip_month) == (False, None)
    assert all(o.cumulative_falling == o.cumulative_constant for o in result.options)


# --- properties -------------------------------------------------------------------------------


def estimates(top: int, scale: float = 1.0, bottom: int = 0) -> st.SearchStrategy[Estimate]:
    """Ordered triples on a grid (``scale`` apart) that floats hold exactly enough."""
    return st.lists(st.integers(bottom, top), min_size=3, max_size=3).map(
        lambda v: E(*(x * scale for x in sorted(v)))
    )


hosted_serving = st.builds(
    HostedServing,
    input_per_million=estimates(60, 0.25),
    output_per_million=estimates(240, 0.5),
    batch_share=st.sampled_from([0.0, 0.5, 1.0]),
    batch_discount=st.sampled_from([0.0, 0.5]),
)
self_hosted_serving = st.builds(
    SelfHostedServing,
    tokens_per_second_per_gpu=estimates(5000, 1.0, bottom=50),
    gpu_hourly=estimates(28, 0.25),
    utilisation=estimates(20, 0.05, bottom=1),
    gpus_per_replica=st.integers(1, 8),
    min_replicas=st.integers(0, 2),
    always_on=st.booleans(),
)
fine_tunes = st.none() | st.builds(
    lambda tokens, speed, hourly, gpus: {
        "training_tokens": tokens,
        "epochs": 2,
        "tokens_per_second_per_gpu": speed,
        "gpu_hourly": hourly,
        "gpus": gpus,
    },
    estimates(100, 1e6),
    estimates(5000, 1.0, bottom=100),
    estimates(28, 0.25),
    st.integers(1, 8),
)


@st.composite
def plans(draw: st.DrawFn) -> UsagePlan:
    return UsagePlan.model_validate(
        {
            "id": "generated",
            "title": "Generated",
            "volume_per_month": draw(estimates(200, 500.0)),
            "backlog_items": draw(estimates(100, 1000.0)),
            "input_tokens_per_item": draw(estimates(80, 100.0)),
            "output_tokens_per_item": draw(estimates(40, 50.0)),
            "calls_per_item": draw(estimates(8, 0.5, bottom=2)),
            "serving": draw(hosted_serving | self_hosted_serving),
            "fine_tune": draw(fine_tunes),
            "integration": draw(estimates(100, 500.0)),
            "evaluation": draw(estimates(40, 250.0)),
            "adaptation": draw(estimates(40, 250.0)),
            "maintenance_per_month": draw(estimates(40, 100.0)),
            "review_hours_per_week": draw(estimates(40, 0.5)),
            "hourly_rate": draw(estimates(40, 5.0)),
            "other_per_month": draw(estimates(20, 50.0)),
            "labour_saved_per_month": draw(estimates(200, 100.0)),
            "current_monthly": draw(st.integers(0, 40)) * 100.0,
        },
    )


#: Every input whose larger value can only raise the cost: prices and the quantities they
#: are paid on (the volume is left out: it raises the labour saved too).
COST_RAISING = (
    "serving.input_per_million",
    "serving.output_per_million",
    "serving.gpu_hourly",
    "fine_tune.gpu_hourly",
    "fine_tune.training_tokens",
    "integration",
    "evaluation",
    "adaptation",
    "maintenance_per_month",
    "review_hours_per_week",
    "hourly_rate",
    "other_per_month",
    "backlog_items",
    "input_tokens_per_item",
    "output_tokens_per_item",
    "calls_per_item",
)


def _later_or_same(before: int | None, after: int | None) -> bool:
    """Break-even ``after`` is not earlier than ``before`` (never is latest of all)."""
    return after is None or (before is not None and after >= before)


@st.composite
def raised(draw: st.DrawFn, estimate: Estimate) -> Estimate:
    """``estimate`` raised a little or a lot, still ordered: each end scaled by the same
    factor, plus a sorted step each (a zero estimate is raised by the steps alone)."""
    factor = draw(st.sampled_from([1.0, 1.001, 1.01, 1.1, 1.5, 3.0]))
    steps = sorted(draw(st.lists(st.integers(0, 20), min_size=3, max_size=3)))
    unit = draw(st.sampled_from([0.01, 1.0, 100.0]))
    ends = (estimate.low, estimate.expected, estimate.high)
    return E(*(end * factor + step * unit for end, step in zip(ends, steps, strict=True)))


def _estimates_of(cost: UsageCost) -> list[Estimate]:
    found = [cost.one_time, cost.monthly, cost.total_at_horizon, cost.net_at_horizon]
    return found + cost.cumulative + ([cost.cost_per_item] if cost.cost_per_item else [])


@SETTINGS
@given(plan=plans(), data=st.data(), horizon=st.integers(1, 48))
def test_raising_any_price_never_lowers_a_cost_nor_brings_break_even_earlier(
    plan: UsagePlan, data: st.DataObject, horizon: int
) -> None:
    path = data.draw(st.sampled_from([p for p in COST_RAISING if p in inputs(plan)]))
    dearer = with_inputs(plan, {path: data.draw(raised(inputs(plan)[path]))})
    before, after = usage_cost(plan, horizon), usage_cost(dearer, horizon)
    for old, new in zip(before.scenarios, after.scenarios, strict=True):
        assert new.one_time >= old.one_time and new.monthly >= old.monthly
        assert all(n >= o for n, o in zip(new.cumulative, old.cumulative, strict=True))
        assert new.net_at_horizon <= old.net_at_horizon
        if old.cost_per_item is not None and new.cost_per_item is not None:
            assert new.cost_per_item >= old.cost_per_item
        assert _later_or_same(old.break_even_month, new.break_even_month)
    for old_band, new_band in zip(_estimates_of(before)[:3], _estimates_of(after)[:3], strict=True):
        assert new_band.low >= old_band.low and new_band.expected >= old_band.expected
        assert new_band.high >= old_band.high
    if before.cost_per_item is not None and after.cost_per_item is not None:
        assert after.cost_per_item.low >= before.cost_per_item.low
        assert after.cost_per_item.high >= before.cost_per_item.high
    old_range, new_range = before.break_even, after.break_even
    assert _later_or_same(old_range.earliest, new_range.earliest)
    assert _later_or_same(old_range.expected, new_range.expected)
    assert set(new_range.never_in) >= set(old_range.never_in)
    # the latest month among the scenarios that break even moves earlier only when a
    # scenario stops breaking even (and is then named in never_in)
    assert (
        _later_or_same(old_range.latest, new_range.latest)
        or new_range.never_in != old_range.never_in
    )
    # under falling hosted prices too
    old_path, new_path = (price_scenario([p], 3, horizon).options[0] for p in (plan, dearer))
    assert all(
        n >= o
        for n, o in zip(new_path.cumulative_falling, old_path.cumulative_falling, strict=True)
    )


@SETTINGS
@given(plan=plans(), horizon=st.integers(1, 48))
def test_every_band_is_ordered_and_break_even_is_the_first_month_that_pays(
    plan: UsagePlan, horizon: int
) -> None:
    cost = usage_cost(plan, horizon)
    for band in _estimates_of(cost):
        assert band.low <= band.expected <= band.high
    assert len(cost.cumulative) == horizon + 1
    months = [s.break_even_month for s in cost.scenarios]
    found = [m for m in months if m is not None]
    if found:
        assert cost.break_even.earliest == min(found) and cost.break_even.latest == max(found)
    assert len(cost.break_even.never_in) == months.count(None)
    for s in cost.scenarios:
        # brute force over the figures (rounded to cents: a cent's slack a month)
        def pays(m: int, s: Any = s) -> bool:
            return s.cumulative[m] <= m * s.avoided_monthly + 0.01 * (m + 1)

        def short(m: int, s: Any = s) -> bool:
            return s.cumulative[m] > m * s.avoided_monthly - 0.01 * (m + 1)

        if s.break_even_month is None:
            assert all(short(m) for m in range(1, horizon + 1))
        else:
            assert pays(s.break_even_month)
            assert all(short(m) for m in range(1, s.break_even_month))


@SETTINGS
@given(plans=st.lists(plans(), min_size=1, max_size=3), horizon=st.integers(1, 48))
def test_constant_prices_never_flip_and_falling_prices_never_cost_more(
    plans: list[UsagePlan], horizon: int
) -> None:
    plans = [p.model_copy(update={"id": f"option_{i}"}) for i, p in enumerate(plans)]
    same = price_scenario(plans, annual_factor=1, horizon_months=horizon)
    assert (same.flips, same.flip_month) == (False, None)
    assert same.ranking_constant == same.ranking_falling
    falling = price_scenario(plans, annual_factor=3, horizon_months=horizon)
    for option in falling.options:
        assert all(
            f <= c
            for f, c in zip(option.cumulative_falling, option.cumulative_constant, strict=True)
        )
    if falling.flips:
        assert falling.flip_month is not None
    assert math.isfinite(sum(o.net_falling for o in falling.options))
