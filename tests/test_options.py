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
        hourly_rate=60,
        horizon_months=12,
        # 30 hours a week today, half taken over: 15 hours a week freed, 15 kept.
        labour=[LabourRole(role="Agents", hours_per_week=30, share_removed=0.5)],
        current_process=CurrentProcess(other_per_month=1000),
        costs=CostInputs(
            integration=9000,
            evaluation=1000,
            price_per_item=0.1,
            hosting_per_month=500,
            review_hours_per_week=3,
        ),
    )
    result = costs(default_rubric, answers)
    assert result is not None
    (option,) = result.options
    # today: 30 h × 52/12 × 60 = 7,800 + 1,000 other = 8,800 a month
    assert (result.hours_now, result.hours_freed, result.current_monthly) == (30, 15, 8800)
    assert result.labour_saved_monthly == 3900  # 15 h × 52/12 × 60
    # one-time 10,000; monthly 0.1 × 10,000 items + 500 hosting
    #   + (3 review + 15 kept) h × 52/12 × 60 = 1,500 + 4,680 = 6,180; saving 2,620 a month
    assert (option.one_time, option.monthly, option.items_per_month) == (10000, 6180, 10000)
    assert option.review_hours_per_week == 3
    assert option.cumulative[:5] == [10000, 16180, 22360, 28540, 34720]
    assert result.current_cumulative[:5] == [0, 8800, 17600, 26400, 35200]
    assert option.break_even_month == 4  # 10,000 / 2,620 = 3.8 → month 4: 34,720 ≤ 35,200
    assert option.savings_at_horizon == 12 * 8800 - (10000 + 12 * 6180)
    assert option.one_time_share == round(10000 / 84160, 3)
    assert option.suggested_cost_profile == "mostly_recurring"


def test_the_saving_is_the_freed_labour_the_labour_section_reports(default_rubric: Rubric) -> None:
    """Costs and labour read the same hours: the monthly saving is the freed hours' worth
    plus today's other costs, less what the option costs to run."""
    answers = _answers(
        hourly_rate=45,
        labour=[
            LabourRole(role="Agents", hours_per_week=110, share_removed=0.7),
            LabourRole(role="Leads", hours_per_week=12, share_removed=0.5),
        ],
        current_process=CurrentProcess(other_per_month=400),
        costs=CostInputs(maintenance_per_month=900, review_hours_per_week=9),
    )
    found, freed = costs(default_rubric, answers), labour(default_rubric, answers)
    assert found is not None and freed is not None
    assert (found.hours_now, found.hours_freed) == (freed.hours_now, freed.hours_freed) == (122, 83)
    (option,) = found.options
    running = 900 + 9 * 52 / 12 * 45
    saving = found.current_monthly - option.monthly
    assert saving == pytest.approx(found.labour_saved_monthly + 400 - running, abs=0.02)


def test_without_labour_roles_the_weekly_hours_answer_is_the_hours(default_rubric: Rubric) -> None:
    answers = _answers(
        hourly_rate=60,
        answers={"monthly_volume": 10_000, "weekly_hours": 30},
        costs=CostInputs(integration=100),
    )
    result = costs(default_rubric, answers)
    assert result is not None
    assert (result.hours_now, result.hours_freed, result.current_monthly) == (30, 30, 7800)
    assert result.options[0].monthly == 0  # every hour is taken over, nothing else to run


def test_no_break_even_when_running_costs_more(default_rubric: Rubric) -> None:
    answers = _answers(
        hourly_rate=10,
        labour=[LabourRole(role="Clerks", hours_per_week=3, share_removed=1)],
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
    assert (result.hours_now, result.hours_freed) == (50.0, 32.0)


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


# --- hours are asked once ------------------------------------------------------------------------

ROLES = (
    "labour:\n"
    "  - {role: Agents, hours_per_week: 40, share_removed: 0.75}\n"
    "  - {role: Leads, hours_per_week: 10, share_removed: 0.2}\n"
)


def test_the_labour_roles_answer_the_weekly_hours_question(default_rubric: Rubric) -> None:
    from scoring import parse_answers
    from scoring.answers import usable_answers

    parsed = parse_answers("title: t\n" + ROLES, default_rubric)
    assert parsed.answers["weekly_hours"] == 32.0
    # The app's session may still hold the answer given before roles were added: the roles win.
    usable, problems = usable_answers(
        default_rubric,
        "t",
        {"weekly_hours": 85},
        {},
        {"labour": [{"role": "Agents", "hours_per_week": 40, "share_removed": 0.75}]},
    )
    assert usable.answers["weekly_hours"] == 30.0 and problems == []
    # Without roles, the answer given stands.
    alone, _ = usable_answers(default_rubric, "t", {"weekly_hours": 85}, {}, {})
    assert alone.answers["weekly_hours"] == 85


def test_a_file_giving_the_hours_twice_is_refused_where_they_disagree(
    default_rubric: Rubric,
) -> None:
    from scoring import AnswersError, parse_answers

    agreeing = "title: t\nanswers:\n  weekly_hours: 32\n" + ROLES
    assert parse_answers(agreeing, default_rubric).answers["weekly_hours"] == 32
    with pytest.raises(AnswersError) as info:
        parse_answers("title: t\nanswers:\n  weekly_hours: 85\n" + ROLES, default_rubric, "a.yaml")
    assert str(info.value) == (
        "a.yaml:3:3: answers → weekly_hours: the labour roles free 32 hours a week and this "
        "answer says 85; hours are given once: leave this answer out (it follows from the "
        "labour roles) or make the two agree"
    )


def test_files_from_before_hours_per_week_keep_their_figures(default_rubric: Rubric) -> None:
    from scoring import parse_answers

    old = (
        "title: t\nhourly_rate: 60\ncurrent_process: {hours_per_month: 130, other_per_month: 5}\n"
        "costs: {review_hours_per_month: 13}\n"
    )
    answers = parse_answers(old, default_rubric)
    # 130 hours a month = 30 hours a week, all of it taken over, as the old model counted it.
    assert [(r.role, r.hours_per_week, r.share_removed) for r in answers.labour] == [
        ("Today's process", 30.0, 1.0)
    ]
    assert answers.costs is not None and answers.costs.review_hours_per_week == 3.0
    result = costs(default_rubric, answers)
    assert result is not None and result.current_monthly == 130 * 60 + 5
    # With labour roles, the roles are the hours and the monthly figure is dropped.
    with_roles = parse_answers(
        "title: t\ncurrent_process: {hours_per_month: 520}\n" + ROLES, default_rubric
    )
    assert [r.role for r in with_roles.labour] == ["Agents", "Leads"]
    with pytest.raises(Exception, match="review hours are given twice"):
        parse_answers(
            "title: t\ncosts: {review_hours_per_month: 1, review_hours_per_week: 1}\n",
            default_rubric,
        )


def test_what_would_change_names_the_option_and_who_would_lead_then(
    default_rubric: Rubric,
) -> None:
    """With several options the sentence is about the headline option; when lowering it
    would hand the lead to another option, it says so and what the verdict would then be."""
    from advisor.reports.document import change_lines
    from advisor.reports.model import build_report
    from scoring import Verdict

    report = build_report(default_rubric, load_answers(OPTIONS_EXAMPLE, default_rubric))
    assert report.options is not None and report.main_option == "Hosted large model, prompted"
    down = change_lines(report)["down"]
    assert down.startswith("“Hosted large model, prompted” would be Adapt (score ")
    assert "would then lead" not in down  # the other option is Adapt at no higher a score
    hosted, self_hosted, today = report.options.items
    stronger = self_hosted.model_copy(update={"verdict": Verdict.RECOMMEND, "score": 75.0})
    options = report.options.model_copy(update={"items": [hosted, stronger, today]})
    down = change_lines(report.model_copy(update={"options": options}))["down"]
    assert down.endswith(
        "“Self-hosted small model, fine-tuned” (Recommend, 75.0) would then lead the "
        "comparison, so the assessment's verdict would be Recommend."
    )
