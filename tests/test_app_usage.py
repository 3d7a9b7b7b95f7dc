"""AppTest: Options & costs asks for usage — items a month, tokens, calls, the model from
the price catalogue — and shows what scoring.options.costs makes of it, as it is typed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from advisor.storage import Store, database_url
from advisor.storage.records import APP_BLOCKS
from scoring import Answers, load_answers, load_rubric, usable_answers
from scoring.catalogue import shipped_catalogue
from scoring.options import Costs, CostSummary, costs
from ui import keys

from .conftest import ROOT, shown

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
EXAMPLE = ROOT / "examples" / "support_triage_options.yaml"
CATALOGUE = shipped_catalogue()
HOSTED, SELF_HOSTED = 0, 1  # the example's options by slot


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    assert not at.exception
    return at


def _open(app: AppTest, **changes: Any) -> None:
    """Load the example (with ``changes`` to its top level) and go to Options & costs."""
    data = yaml.safe_load(EXAMPLE.read_text())
    data.update(changes)
    app.file_uploader(key=keys.ANSWERS_UPLOAD).set_value(
        ("options.yaml", yaml.safe_dump(data).encode(), "application/x-yaml")
    ).run()
    app.switch_page("ui/options.py").run()
    assert not app.exception


def _set(app: AppTest, slot: int, field: str, value: Any) -> None:
    app.number_input(key=keys.option_usage(slot, field)).set_value(value).run()
    assert not app.exception


def _choose(app: AppTest, slot: int, field: str, value: str) -> None:
    app.selectbox(key=keys.option_usage(slot, field)).set_value(value).run()
    assert not app.exception


def _to_usage(app: AppTest, slot: int) -> None:
    app.radio(key=keys.option_pricing(slot)).set_value("usage").run()
    assert not app.exception


def _option(app: AppTest, slot: int) -> dict[str, Any]:
    found: dict[str, Any] = app.session_state[keys.EXTRA]["options"][slot]
    return found


def _computed(app: AppTest, today: date | None = None) -> Costs:
    """What scoring.options.costs makes of the session's answers, as the page reads them."""
    usable, problems = usable_answers(
        DEFAULT,
        app.session_state[keys.TITLE],
        app.session_state[keys.ANSWERS],
        app.session_state[keys.NOTES],
        app.session_state[keys.EXTRA],
    )
    assert problems == []
    found = costs(DEFAULT, usable, CATALOGUE, today)
    assert found is not None
    return found


def _summary(found: Costs, option_id: str) -> CostSummary:
    return next(s for s in found.options if s.id == option_id)


def _markdown(app: AppTest) -> list[str]:
    """Every line of Markdown on the page (the computed figures are one block of lines)."""
    return [line.rstrip() for m in app.markdown for line in shown(m.value).split("\n")]


def _texts(elements: Any) -> list[str]:
    return [shown(e.value) for e in elements]


def _money(value: float) -> str:
    return f"{value:,.0f}"  # above 100: whole, as the report writes it


def test_switching_an_option_to_usage_prices_it_from_the_catalogue(app: AppTest) -> None:
    _open(app)  # the example is in EUR, the shipped catalogue in USD, no rate given
    assert any(
        "No exchange rate from USD to EUR: options priced from usage cannot be priced "
        "without it." in w
        for w in _texts(app.warning)
    )
    assert app.radio(key=keys.option_pricing(HOSTED)).value == "price"  # it has a price
    _to_usage(app, HOSTED)
    assert "price_per_item" not in _option(app, HOSTED)["costs"]  # refused beside usage
    assert (
        "Not priced yet: give the input size per call (in tokens), the output tokens per "
        "call, the model (an offering). What you typed is saved with the assessment; the "
        "option is priced from it once it is complete."
    ) in _texts(app.info)
    _set(app, HOSTED, "items", 20000)
    _set(app, HOSTED, "input_tokens", 800)
    _set(app, HOSTED, "input_tokens_low", 500)
    _set(app, HOSTED, "input_tokens_high", 1500)
    _set(app, HOSTED, "output", 40)
    _set(app, HOSTED, "calls", 1.1)
    assert "usage" not in _option(app, HOSTED)["costs"]  # no model yet: nothing to price
    offering = CATALOGUE.offering("openai_gpt5_mini")
    label = app.selectbox(key=keys.option_usage(HOSTED, "offering")).format_func(offering.id)
    assert label == (
        f"OpenAI GPT-5 mini — in {offering.input_per_million:g} / out "
        f"{offering.output_per_million:g} per million (USD), checked "
        f"{offering.checked.isoformat()}"
    )
    _choose(app, HOSTED, "offering", offering.id)
    assert _option(app, HOSTED)["costs"]["usage"] == {
        "items_per_month": 20000.0,
        "input_tokens": {"low": 500.0, "expected": 800.0, "high": 1500.0},
        "output_tokens": 40.0,
        "calls_per_item": 1.1,
        "offering": "openai_gpt5_mini",
    }
    # Saved, but not priced without the rate: the cost model's problem, as a warning.
    warnings = _texts(app.warning)
    assert any(
        w.startswith("Not priced from usage: Hosted large model, prompted: the costs are in EUR")
        for w in warnings
    )
    assert not any(m.startswith("**Monthly cost:**") for m in _markdown(app))
    assert "Saved, but not priced: see the warning above this option." in _texts(app.caption)

    app.number_input(key=keys.exchange_rate("USD")).set_value(0.86).run()
    assert app.session_state[keys.EXTRA]["exchange_rates"] == {"USD": 0.86}
    assert not any("exchange rate" in w.lower() for w in _texts(app.warning))
    usage = _summary(_computed(app), "hosted_prompted").usage
    assert usage is not None
    monthly, between = usage.cost.monthly, usage.cost.break_even
    assert monthly.low < monthly.expected < monthly.high  # the input tokens' range
    shown_lines = _markdown(app)
    assert "**Runs on:** OpenAI GPT-5 mini" in shown_lines
    assert (
        f"**Monthly cost:** {_money(monthly.expected)} EUR "
        f"({_money(monthly.low)}–{_money(monthly.high)})"
    ) in shown_lines
    assert between.earliest is not None and between.latest is not None
    said = (
        f"**Break-even:** month {between.earliest}"
        if between.earliest == between.latest
        else f"**Break-even:** between month {between.earliest} and month {between.latest}"
    )
    assert any(line.startswith(said) for line in shown_lines)
    # At a tenth of the volume the saving (which scales with it) no longer pays back.
    _set(app, HOSTED, "items_low", 2000)
    usage = _summary(_computed(app), "hosted_prompted").usage
    assert usage is not None and usage.cost.break_even.never_in == ["low-volume"]
    assert any(
        line.startswith("**Break-even:** ")
        and "; never within 36 months in the low-volume case" in line
        for line in _markdown(app)
    )
    _set(app, HOSTED, "items_low", None)

    # What is kept is an answers file's extra block, saved like every other answer.
    # (The usage forms as typed are kept beside it, never scored: APP_BLOCKS.)
    extra = app.session_state[keys.EXTRA]
    Answers.model_validate(
        {"title": "t", **{k: v for k, v in extra.items() if k not in APP_BLOCKS}}
    )
    assessment_id = app.session_state[keys.ASSESSMENT_ID]
    saved = Store(database_url()).assessment(assessment_id)
    assert saved.extra["options"][HOSTED]["costs"]["usage"]["offering"] == "openai_gpt5_mini"

    reloaded = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    reloaded.query_params["a"] = assessment_id
    reloaded.run()
    reloaded.switch_page("ui/options.py").run()
    assert not reloaded.exception
    assert reloaded.radio(key=keys.option_pricing(HOSTED)).value == "usage"
    assert reloaded.number_input(key=keys.option_usage(HOSTED, "input_tokens_high")).value == 1500
    assert reloaded.selectbox(key=keys.option_usage(HOSTED, "offering")).value == offering.id
    assert f"**Monthly cost:** {_money(monthly.expected)} " in " ".join(_markdown(reloaded))


def test_a_self_hosted_option_on_a_gpu_class_with_an_override(app: AppTest) -> None:
    _open(app, exchange_rates={"USD": 0.9})
    _to_usage(app, SELF_HOSTED)
    app.selectbox(key=keys.option_usage(SELF_HOSTED, "input_unit")).set_value("pages").run()
    _set(app, SELF_HOSTED, "input_pages", 2.5)
    _set(app, SELF_HOSTED, "output", 60)
    app.radio(key=keys.option_usage(SELF_HOSTED, "runs_on")).set_value("self_hosted").run()
    assert "the model size, the GPU class" in " ".join(_texts(app.info))
    _choose(app, SELF_HOSTED, "size", "small")
    _choose(app, SELF_HOSTED, "gpu", "h100_specialist")
    _choose(app, SELF_HOSTED, "pricing", "spot")
    costs_block = _option(app, SELF_HOSTED)["costs"]
    assert costs_block["usage"] == {
        "input_pages": 2.5,
        "output_tokens": 60.0,
        "self_hosted": {"size": "small", "gpu": "h100_specialist", "pricing": "spot"},
    }
    assert costs_block["hosting_per_month"] == 1800  # the other figures stay
    gpu = CATALOGUE.gpu_class("h100_specialist")
    lines = _markdown(app)
    before = _summary(_computed(app), "self_hosted_finetuned").usage
    assert before is not None and before.kind == "self_hosted"
    assert before.model.startswith("Small open-weight model") and before.model.endswith(", spot")
    assert f"**Runs on:** {before.model}" in lines
    assert f"**Monthly cost:** {_money(before.cost.monthly.expected)}" in " ".join(lines)

    # The override's placeholder is the catalogue's figure; typing one replaces it.
    hourly = app.number_input(key=keys.option_usage(SELF_HOSTED, "ov_gpu_hourly"))
    spot = gpu.hourly_price.expected * (1 - gpu.spot_discount.expected)
    assert hourly.proto.placeholder.startswith(f"catalogue: {spot:,.3g}")
    _set(app, SELF_HOSTED, "ov_gpu_hourly", 1.0)
    _set(app, SELF_HOSTED, "ov_util", 50.0)
    assert _option(app, SELF_HOSTED)["costs"]["usage"]["overrides"] == {
        "gpu_hourly": 1.0,
        "utilisation": 0.5,
    }
    after = _summary(_computed(app), "self_hosted_finetuned").usage
    # One replica runs around the clock at this volume: the GPU price moves the cost.
    assert after is not None and after.cost.monthly.expected < before.cost.monthly.expected
    assert f"**Monthly cost:** {_money(after.cost.monthly.expected)}" in " ".join(_markdown(app))
    kept = {k: v for k, v in app.session_state[keys.EXTRA].items() if k not in APP_BLOCKS}
    Answers.model_validate({"title": "t", **kept})


COMPANY_PRICES = """\
id: acme
title: Acme negotiated prices
currency: USD
description: Prices in the Acme contract.
offerings:
  - id: acme_contract_model
    provider: Acme
    model: Contract Model
    tier: mid
    input_per_million: 1.0
    output_per_million: 5.0
    source: Acme master agreement, annex B
    checked: 2020-01-15
"""


def test_catalogue_figures_past_the_age_limit_are_named(app: AppTest) -> None:
    Store(database_url()).set_company_prices("acme.yaml", COMPANY_PRICES, "test")
    _open(app, exchange_rates={"USD": 0.9})
    _to_usage(app, HOSTED)
    _set(app, HOSTED, "input_tokens", 1000)
    _set(app, HOSTED, "output", 50)
    _choose(app, HOSTED, "offering", "acme_contract_model")  # only the company file has it
    assert not app.exception
    assert "**Runs on:** Acme Contract Model" in _markdown(app)
    max_age = DEFAULT.prices.max_age_days
    stale = [w for w in _texts(app.warning) if "past the policy's age limit" in w]
    assert stale == [
        "Catalogue figures past the policy's age limit — Acme Contract Model: checked "
        f"2020-01-15, older than {max_age} days. Check them against their sources, or "
        "enter your own figures above."
    ]
    # A price of your own replaces the catalogue's; the age of the entry is still said.
    _set(app, HOSTED, "ov_input", 0.5)
    assert _option(app, HOSTED)["costs"]["usage"]["overrides"] == {"input_per_million": 0.5}
    assert len([w for w in _texts(app.warning) if "past the policy's age limit" in w]) == 1


def test_bad_figures_are_named_and_nothing_typed_is_lost(app: AppTest) -> None:
    _open(app, exchange_rates={"USD": 0.9})
    _to_usage(app, HOSTED)
    _set(app, HOSTED, "input_tokens", 800)
    _set(app, HOSTED, "output", 40)
    _choose(app, HOSTED, "offering", "openai_gpt5_mini")
    saved = dict(_option(app, HOSTED)["costs"]["usage"])
    _set(app, HOSTED, "output_low", 100)  # above the expected 40
    assert (
        "Output tokens per call: expected low ≤ expected ≤ high, found low 100, "
        "expected 40, high 40."
    ) in _texts(app.error)
    assert _option(app, HOSTED)["costs"]["usage"] == saved  # the last usable one stays
    assert "The figures below are from the last usage that could be saved." in _texts(app.caption)
    # Away and back: the widget is drawn again from what was typed, not from the answers.
    app.switch_page("ui/report.py").run()
    app.switch_page("ui/options.py").run()
    assert app.number_input(key=keys.option_usage(HOSTED, "output_low")).value == 100
    assert any(e.startswith("Output tokens per call: expected low") for e in _texts(app.error))

    _set(app, HOSTED, "output_low", None)
    _set(app, HOSTED, "output", None)
    _set(app, HOSTED, "output_high", 90)
    assert (
        "Output tokens per call: give the expected figure too, not only a low or high end."
    ) in _texts(app.error)
    _set(app, HOSTED, "output", 40)
    assert _option(app, HOSTED)["costs"]["usage"]["output_tokens"] == {
        "low": 40.0,
        "expected": 40.0,
        "high": 90.0,
    }
    app.radio(key=keys.option_usage(HOSTED, "runs_on")).set_value("self_hosted").run()
    _choose(app, HOSTED, "size", "small")
    _choose(app, HOSTED, "gpu", "l4")
    _set(app, HOSTED, "ov_tps", 0.0)
    assert (
        "Throughput (tokens/s per GPU): must be above 0 (leave it empty to use the catalogue's)."
    ) in _texts(app.error)
    # Saved once size and GPU class were chosen; the zero throughput never is.
    usage = _option(app, HOSTED)["costs"]["usage"]
    assert usage["self_hosted"] == {"size": "small", "gpu": "l4", "pricing": "on_demand"}
    assert "overrides" not in usage
    app.number_input(key=keys.exchange_rate("USD")).set_value(0.0).run()
    assert "Exchange rate: must be above 0 (EUR per 1 USD)." in _texts(app.error)
    assert "exchange_rates" not in app.session_state[keys.EXTRA]
    assert not app.exception


def test_switching_back_to_a_price_per_item_keeps_the_price(app: AppTest) -> None:
    _open(app, exchange_rates={"USD": 0.9})
    _to_usage(app, HOSTED)
    _set(app, HOSTED, "input_tokens", 800)
    _set(app, HOSTED, "output", 40)
    _choose(app, HOSTED, "offering", "openai_gpt5_mini")
    assert "usage" in _option(app, HOSTED)["costs"]
    app.radio(key=keys.option_pricing(HOSTED)).set_value("price").run()
    assert not app.exception
    costs_block = _option(app, HOSTED)["costs"]
    assert "usage" not in costs_block and costs_block["price_per_item"] == 0.004
    assert app.number_input(key=keys.option_cost(HOSTED, "price_per_item")).value == 0.004
    # Point figures only (no usage, no ranges): the Report has them, no bands here.
    assert not any(m.startswith("**Monthly cost:**") for m in _markdown(app))
    _to_usage(app, HOSTED)  # and the usage typed before comes back with it
    assert _option(app, HOSTED)["costs"]["usage"]["offering"] == "openai_gpt5_mini"
    app.number_input(key=keys.option_quality(HOSTED)).set_value(92.0).run()
    assert _option(app, HOSTED)["measured_quality"] == 92.0
    usage = _summary(_computed(app), "hosted_prompted").usage
    assert usage is not None and usage.cost_per_good_item is not None
    said = f"**Cost per correct item:** {usage.cost_per_good_item.expected:.2g} EUR"
    assert said in _markdown(app)


def test_a_price_tier_with_batch_traffic_and_fine_tuning(app: AppTest) -> None:
    _open(app, exchange_rates={"USD": 0.9})
    _to_usage(app, HOSTED)
    _set(app, HOSTED, "input_tokens", 800)
    _set(app, HOSTED, "output", 40)
    app.radio(key=keys.option_usage(HOSTED, "runs_on")).set_value("tier").run()
    _choose(app, HOSTED, "tier", "mid")
    _set(app, HOSTED, "batch", 50.0)
    tier = CATALOGUE.tier("mid")
    placeholder = app.number_input(key=keys.option_usage(HOSTED, "ov_input")).proto.placeholder
    assert placeholder.startswith(f"catalogue: {tier.input_per_million.expected:,.3g} (")
    app.checkbox(key=keys.option_usage(HOSTED, "fine_tune")).check().run()
    assert "the GPU class it is trained on (fine-tuning)" in " ".join(_texts(app.info))
    _set(app, HOSTED, "ft_tokens", 1_000_000)
    _set(app, HOSTED, "ft_tps", 2000)
    _choose(app, HOSTED, "ft_gpu", "a100")
    assert _option(app, HOSTED)["costs"]["usage"] == {
        "input_tokens": 800.0,
        "output_tokens": 40.0,
        "tier": "mid",
        "batch_share": 0.5,
        "fine_tune": {"training_tokens": 1e6, "tokens_per_second_per_gpu": 2000.0, "gpu": "a100"},
    }
    usage = _summary(_computed(app), "hosted_prompted").usage
    assert usage is not None
    lines = _markdown(app)
    assert f"**Runs on:** {usage.model}" in lines
    one_time = usage.cost.one_time
    assert one_time.expected > 24000  # integration and evaluation, and the training run
    assert (
        f"**One-time cost:** {_money(one_time.expected)} EUR "
        f"({_money(one_time.low)}–{_money(one_time.high)})"
    ) in lines


CLAIMS = ROOT / "examples" / "claims_intake_costs.yaml"


def test_editing_one_field_keeps_what_the_form_does_not_show(app: AppTest) -> None:
    """An answers file's usage block: the page shows it, and a change to one figure keeps
    the rest (the backlog, the batch share, the ranges of the other figures)."""
    data = yaml.safe_load(CLAIMS.read_text())
    tuned = data["options"][SELF_HOSTED]["costs"]["usage"]
    # Paying per use needs on-demand GPUs (reserved ones are paid around the clock).
    tuned["self_hosted"].update({"always_on": False, "min_replicas": 0, "pricing": "on_demand"})
    tuned["fine_tune"]["gpus"] = 2
    tuned["overrides"] = {"utilisation": {"low": 0.4, "expected": 0.6, "high": 0.7}}
    app.file_uploader(key=keys.ANSWERS_UPLOAD).set_value(
        ("claims.yaml", yaml.safe_dump(data).encode(), "application/x-yaml")
    ).run()
    app.switch_page("ui/options.py").run()
    assert not app.exception
    saved = data["options"][HOSTED]["costs"]
    assert app.number_input(key=keys.option_usage(HOSTED, "backlog")).value == 40000
    assert app.number_input(key=keys.option_usage(HOSTED, "input_pages_high")).value == 15
    assert app.number_input(key=keys.option_usage(HOSTED, "batch")).value == 50
    assert app.number_input(key=keys.option_quality(HOSTED)).value == 95
    _set(app, HOSTED, "items", 10000)
    usage = _option(app, HOSTED)["costs"]["usage"]
    assert usage["items_per_month"] == {"low": 6000, "expected": 10000, "high": 12000}
    assert {k: v for k, v in usage.items() if k != "items_per_month"} == {
        k: v for k, v in saved["usage"].items() if k != "items_per_month"
    }
    _set(app, SELF_HOSTED, "output", 450)  # the form shows none of what is kept below
    kept = _option(app, SELF_HOSTED)["costs"]["usage"]
    assert kept["output_tokens"] == {"low": 300, "expected": 450, "high": 900}
    assert kept["self_hosted"]["always_on"] is False and kept["self_hosted"]["min_replicas"] == 0
    assert kept["fine_tune"]["gpus"] == 2
    assert kept["overrides"] == tuned["overrides"]
    found = _summary(_computed(app), "hosted_api").usage
    assert found is not None
    assert f"**Monthly cost:** {_money(found.cost.monthly.expected)} " in " ".join(_markdown(app))

    # A one-time figure typed outside the range the file gave: the figure wins, the range
    # goes (said once), and the options stay readable.
    app.number_input(key=keys.option_cost(HOSTED, "integration")).set_value(50000.0).run()
    assert not app.exception
    ranges = _option(app, HOSTED)["costs"]["ranges"]
    assert "integration" not in ranges and "review_hours_per_week" in ranges
    assert (
        "Hosted model via API, prompted: Integration (one-time) 50,000 is outside its "
        "low–high range (24,000–42,000); the range was removed."
    ) in _texts(app.warning)
    _computed(app)  # no problems reading the options


def test_the_running_cost_answer_comes_from_the_figures_and_the_report_scores_it(
    app: AppTest,
) -> None:
    """Where an option's figures give its running cost against today's, Options & costs
    shows that figure instead of asking, and the Report's score counts the same figure."""
    from advisor.reports.model import build_report
    from scoring.options import RUNNING_COST_QUESTION, running_cost_share

    app.file_uploader(key=keys.ANSWERS_UPLOAD).set_value(
        ("claims.yaml", CLAIMS.read_bytes(), "application/x-yaml")
    ).run()
    app.switch_page("ui/options.py").run()
    assert not app.exception
    found = _computed(app)
    shares = {
        s.id: running_cost_share(s, found.current_monthly) for s in found.options if not s.baseline
    }
    said = " ".join(_markdown(app))
    for share in shares.values():
        assert share is not None
        assert f"**{share:,g} % of today's monthly cost**, from this option's cost figures" in said
    # Not asked: no input for the question on an option whose figures answer it.
    asked = [w for w in app.number_input if RUNNING_COST_QUESTION in str(w.key)]
    assert asked == []
    answers = load_answers(CLAIMS, DEFAULT)
    hosted = next(o for o in answers.options if o.id == "hosted_api")
    assert hosted.answers[RUNNING_COST_QUESTION] == shares["hosted_api"]
    app.switch_page("ui/report.py").run()
    badge = " ".join(shown(m.value) for m in app.markdown)
    assert f"Score {build_report(DEFAULT, answers).result.score:.1f} / 100" in badge


def test_a_usage_form_not_yet_complete_survives_a_reload(app: AppTest) -> None:
    """What was typed into a usage form that cannot be priced yet (no model chosen) is
    saved with the assessment and shown again when its link is opened in a new session,
    without becoming part of the answers that are scored."""
    _open(app, exchange_rates={"USD": 0.9})
    _to_usage(app, HOSTED)
    _set(app, HOSTED, "items", 12345)
    _set(app, HOSTED, "output", 77)
    assert "usage" not in (_option(app, HOSTED).get("costs") or {})  # not priced yet
    assessment_id = app.session_state[keys.ASSESSMENT_ID]
    saved = Store(database_url()).assessment(assessment_id)
    form = saved.extra["usage_drafts"]["hosted_prompted"]
    assert form["items"] == 12345 and form["output"] == 77
    scored, _ = usable_answers(DEFAULT, saved.title, saved.answers, saved.notes, saved.extra)
    assert scored.options[HOSTED].costs is None or scored.options[HOSTED].costs.usage is None

    reloaded = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    reloaded.query_params["a"] = assessment_id
    reloaded.run()
    reloaded.switch_page("ui/options.py").run()
    assert not reloaded.exception
    assert reloaded.radio(key=keys.option_pricing(HOSTED)).value == "usage"
    assert reloaded.number_input(key=keys.option_usage(HOSTED, "items")).value == 12345
    assert reloaded.number_input(key=keys.option_usage(HOSTED, "output")).value == 77
