"""Options, cost over time and labour: hand-computed cases and independence of options."""

from __future__ import annotations

import json

import pytest

from advisor.cli import main
from scoring import Answers, Rubric, load_answers, score
from scoring.answers import CostInputs, CurrentProcess, LabourRole
from scoring.options import compare_options, costs, labour, option_answers

from .conftest import ROOT

OPTIONS_EXAMPLE = ROOT / "examples" / "support_triage_options.yaml"


def _answers(**extra: object) -> Answers:
    base: dict[str, object] = {"title": "t", "answers": {"monthly_volume": 10_000}}
    base.update(extra)
    return Answers.model_validate(base, strict=False)


def test_break_even_and_cumulative_costs_by_hand(default_rubric: Rubric) -> None:
    answers = _answers(
        hourly_rate=50,
        horizon_months=12,
        current_process=CurrentProcess(hours_per_month=100, other_per_month=1000),  # 6,000 a month
        costs=CostInputs(
            integration=9000, evaluation=1000, price_per_item=0.1, hosting_per_month=500
        ),
    )
    result = costs(default_rubric, answers)
    assert result is not None
    (option,) = result.options
    # one-time 10,000; monthly 0.1 × 10,000 items + 500 = 1,500; saving 4,500 a month
    assert (option.one_time, option.monthly, option.items_per_month) == (10000, 1500, 10000)
    assert option.cumulative[:4] == [10000, 11500, 13000, 14500]
    assert result.current_cumulative[:4] == [0, 6000, 12000, 18000]
    assert option.break_even_month == 3  # 10,000 / 4,500 = 2.2 → month 3: 14,500 ≤ 18,000
    assert option.cumulative[2] > result.current_cumulative[2]
    assert option.savings_at_horizon == 12 * 6000 - (10000 + 12 * 1500)
    assert option.one_time_share == round(10000 / 28000, 3)
    assert option.suggested_cost_profile == "balanced"


def test_no_break_even_when_running_costs_more(default_rubric: Rubric) -> None:
    answers = _answers(
        hourly_rate=10,
        current_process=CurrentProcess(hours_per_month=10),
        costs=CostInputs(integration=100, maintenance_per_month=500),
    )
    result = costs(default_rubric, answers)
    assert result is not None and result.options[0].break_even_month is None
    assert result.options[0].suggested_cost_profile == "mostly_recurring"


def test_labour_freed_by_hand(default_rubric: Rubric) -> None:
    answers = _answers(
        labour=[
            LabourRole(
                role="Agents", hours_per_week=40, share_removed=0.75, moves_to="escalations"
            ),
            LabourRole(role="Leads", hours_per_week=10, share_removed=0.2),
        ]
    )
    result = labour(default_rubric, answers)
    assert result is not None
    assert [r.hours_freed for r in result.roles] == [30.0, 2.0]
    assert (result.hours_now, result.hours_freed, result.suggested_weekly_hours) == (
        50.0,
        32.0,
        32.0,
    )


def test_each_option_scores_as_its_own_answers_alone(default_rubric: Rubric) -> None:
    answers = load_answers(OPTIONS_EXAMPLE, default_rubric)
    comparison = compare_options(default_rubric, answers)
    assert comparison is not None
    for option, item in zip(answers.options, comparison.items, strict=True):
        if option.baseline:
            assert item.verdict is None
            continue
        alone = Answers(title="alone", answers={**answers.answers, **option.answers})
        expected = score(default_rubric, alone)
        assert (item.verdict, item.score) == (expected.verdict, expected.score)
        assert score(default_rubric, option_answers(answers, option)).score == expected.score
    assert comparison.preferred == "hosted_prompted"


def test_every_adoption_option_avoid_prefers_the_current_process(default_rubric: Rubric) -> None:
    answers = load_answers(OPTIONS_EXAMPLE, default_rubric)
    risky = {"human_review": "none", "error_stakes": "critical"}
    worse = answers.model_copy(update={"answers": {**answers.answers, **risky}})
    comparison = compare_options(default_rubric, worse)
    assert comparison is not None and comparison.preferred == "keep_current"
    assert comparison.reason.startswith("Every adoption option is Avoid")


def test_option_answers_must_be_option_specific(default_rubric: Rubric) -> None:
    from scoring import AnswersError, parse_answers

    text = (
        "title: t\nanswers:\n  use_pattern: classify_extract\noptions:\n"
        "  - id: a\n    title: A\n    answers:\n      use_pattern: internal_assistant\n"
        "  - id: a\n    title: B\n"
    )
    with pytest.raises(AnswersError) as info:
        parse_answers(text, default_rubric, "o.yaml")
    assert str(info.value).splitlines() == [
        "o.yaml:8:7: options[0] → answers → use_pattern: question 'use_pattern' describes the "
        "shared context; answer it once under the top-level 'answers'",
        "o.yaml:9:5: options[1] → id: duplicate option id 'a'; expected unique ids",
    ]


def test_options_example_reports_every_block(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(OPTIONS_EXAMPLE.relative_to(ROOT))]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["main_option"] == "Hosted large model, prompted"
    assert [o["id"] for o in data["options"]["items"]] == [
        "hosted_prompted",
        "self_hosted_finetuned",
        "keep_current",
    ]
    assert data["options"]["preferred"] == "hosted_prompted"
    breakeven = {o["id"]: o["break_even_month"] for o in data["costs"]["options"]}
    assert breakeven == {"hosted_prompted": 2, "self_hosted_finetuned": 4, "keep_current": None}
    assert data["labour"]["hours_freed"] == 83.0
    assert data["input"]["options"][2] == {
        "id": "keep_current",
        "title": "Keep the current process",
        "baseline": True,
    }
