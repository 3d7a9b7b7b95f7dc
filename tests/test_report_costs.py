"""The report's usage-based cost sections: the same bands, break-even ranges and provenance
in the document, Markdown, HTML, JSON and the PDF (with the band chart), worded for a
finance partner."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from advisor.reports.blocks import Callouts, Section
from advisor.reports.document import break_even_words, build_document
from advisor.reports.model import Report, build_report
from advisor.reports.render import chart, render_html, render_json, render_markdown, render_pdf
from scoring import Rubric, load_answers
from scoring.catalogue import load_catalogue, merge_catalogues, parse_catalogue, shipped_catalogue
from scoring.usage import BreakEvenRange

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "claims_intake_costs.yaml"


@pytest.fixture(scope="module")
def report(default_rubric: Rubric) -> Report:
    return build_report(default_rubric, load_answers(EXAMPLE, default_rubric))


def _text(section: Section) -> str:
    return json.dumps(section.model_dump(mode="json"), ensure_ascii=False)


def test_break_even_words_name_the_range_and_the_cases_that_never_break_even() -> None:
    band = BreakEvenRange(earliest=3, expected=4, latest=9, never_in=["low-volume"])
    assert break_even_words(band, 36) == (
        "between month 3 and month 9; never within 36 months in the low-volume case"
    )
    same = BreakEvenRange(earliest=4, expected=4, latest=4, never_in=[])
    assert break_even_words(same, 36) == "month 4 in every case"
    never = BreakEvenRange(earliest=None, expected=None, latest=None, never_in=["expected"])
    assert break_even_words(never, 24) == "not within 24 months in any case"
    # The expected month sits with the range, before the cases that never break even.
    assert break_even_words(band, 36, expected=True) == (
        "between month 3 and month 9 (expected: month 4); never within 36 months in the "
        "low-volume case"
    )


def test_small_amounts_are_written_in_decimals_with_two_significant_digits() -> None:
    from advisor.reports.document import _amount

    assert [_amount(v) for v in (0.1, 0.0138, 0.000052, 1.234, 16309.2)] == [
        "0.10",
        "0.014",
        "0.000052",
        "1.23",
        "16,309",
    ]


def test_every_option_with_usage_gets_its_bands_break_even_range_and_swing(
    report: Report,
) -> None:
    assert report.costs is not None
    section = build_document(report).find("cost_bands")
    assert isinstance(section, Section)
    said = _text(section)
    for option in report.costs.options:
        if option.baseline:
            continue
        assert option.usage is not None
        band = option.usage.cost.break_even
        # The words come from the option's own figures, not a fixed example.
        assert f"breaks even {break_even_words(band, 36, expected=True)}" in said
        assert option.usage.model in said
        monthly = option.usage.cost.monthly
        assert f"{monthly.expected:,.0f}\u00a0EUR ({monthly.low:,.0f}–{monthly.high:,.0f})" in said
    assert "most sensitive to items a month" in said
    assert "cost_bands" in build_document(report).charts()


def test_the_band_chart_draws_a_band_and_a_line_per_option(report: Report) -> None:
    spec = chart(report, "cost_bands").to_dict()
    rows = spec["data"]["values"]
    assert report.costs is not None
    hosted = next(o for o in report.costs.options if o.id == "hosted_api")
    assert hosted.usage is not None
    mine = [r for r in rows if r["series"] == hosted.title]
    assert len(mine) == 37  # months 0 … 36
    assert [(r["low"], r["cost"], r["high"]) for r in mine] == [
        (b.low, b.expected, b.high) for b in hosted.usage.cost.cumulative
    ]
    assert all(r["low"] <= r["cost"] <= r["high"] for r in rows)
    assert {layer["mark"]["type"] for layer in spec["layer"]} == {"area", "line"}


def test_every_format_carries_the_same_range_and_provenance(report: Report) -> None:
    assert report.costs is not None and report.costs.prices is not None
    hosted = next(o for o in report.costs.options if o.id == "hosted_api")
    assert hosted.usage is not None
    words = f"breaks even {break_even_words(hosted.usage.cost.break_even, 36)}"
    markdown = render_markdown(report)
    html = render_html(report)
    pdf = " ".join(
        (page.extract_text() or "") for page in PdfReader(io.BytesIO(render_pdf(report))).pages
    )
    assert words in markdown and words in html
    assert words in " ".join(pdf.split())  # the PDF wraps lines
    assert "Cost over time: expected, with the range of cases" in pdf  # the band chart
    catalogue = report.costs.prices.title
    for text in (markdown, html, pdf):
        assert catalogue in " ".join(text.split())
    data = json.loads(render_json(report))
    priced = next(o for o in data["costs"]["options"] if o["id"] == "hosted_api")
    assert priced["usage"]["cost"]["break_even"] == hosted.usage.cost.break_even.model_dump()
    assert data["costs"]["prices"]["oldest_checked"] == str(report.costs.prices.oldest_checked)


def test_figures_older_than_the_policys_limit_are_flagged_and_younger_ones_are_not(
    default_rubric: Rubric, tmp_path: Path
) -> None:
    answers = load_answers(EXAMPLE, default_rubric)
    old = build_report(default_rubric, answers, generated=date(2026, 11, 29))
    assert old.costs is not None and old.costs.prices is not None
    assert {e.id for e in old.costs.prices.stale} == {
        "anthropic_claude_sonnet_45",
        "small",
        "h100_specialist",
        "utilisation",
    }
    stale = build_document(old).find("stale_prices")
    assert isinstance(stale, Callouts)
    assert "older than 90 days" in _text(Section(id="x", title="x", blocks=[stale]))
    memo = build_document(old).find("figures")
    assert isinstance(memo, Section)
    assert "4 catalogue figures are older than 90 days (oldest checked 2025-11-25)" in (_text(memo))
    # Dated the day after the newest figure used, nothing is stale and nothing is flagged.
    fresh = build_report(default_rubric, answers, generated=date(2026, 7, 1))
    assert fresh.costs is not None and fresh.costs.prices is not None
    stale_now = {e.id for e in fresh.costs.prices.stale}
    assert "utilisation" not in stale_now  # checked 2026-06-30, one day old
    assert "anthropic_claude_sonnet_45" in stale_now  # checked 2025-11-25


def test_a_company_catalogue_is_named_and_its_price_used(default_rubric: Rubric) -> None:
    company = parse_catalogue(
        """\
id: acme
title: Acme negotiated prices
currency: USD
description: Our contract.
offerings:
  - id: anthropic_claude_sonnet_45
    provider: Anthropic
    model: Claude Sonnet 4.5 (Acme contract)
    tier: mid
    input_per_million: 1.5
    output_per_million: 7.5
    batch_discount: 0.5
    source: Acme contract 2026-11
    checked: 2026-11-01
""",
        "acme.yaml",
    )
    merged = merge_catalogues(shipped_catalogue(), company)
    answers = load_answers(EXAMPLE, default_rubric)
    listed = build_report(default_rubric, answers)
    ours = build_report(default_rubric, answers, catalogue=merged)
    assert ours.costs is not None and listed.costs is not None
    assert ours.costs.prices is not None
    assert ours.costs.prices.files[-1] == "acme.yaml"
    hosted = next(o for o in ours.costs.options if o.id == "hosted_api")
    before = next(o for o in listed.costs.options if o.id == "hosted_api")
    assert hosted.usage is not None and before.usage is not None
    # Half the list price: the model's cost per item halves (other costs stay).
    assert hosted.usage.cost.model_cost_per_item is not None
    assert before.usage.cost.model_cost_per_item is not None
    assert hosted.usage.cost.model_cost_per_item.expected == pytest.approx(
        before.usage.cost.model_cost_per_item.expected / 2, rel=1e-3
    )
    section = build_document(ours).find("cost_bands")
    assert isinstance(section, Section)
    assert "runs on Anthropic Claude Sonnet 4.5 (Acme contract)" in _text(section)
    assert "(default.yaml, acme.yaml)" in _text(section)
    assert load_catalogue(ROOT / "rubric" / "prices" / "default.yaml").currency == "USD"


def test_usage_that_cannot_be_priced_is_named_and_the_option_keeps_its_figures(
    default_rubric: Rubric,
) -> None:
    answers = load_answers(EXAMPLE, default_rubric)
    # The saved answers lose their exchange rate (e.g. an edited database row): the report
    # names the problem instead of failing, and prices that option from its typed figures.
    without_rate = answers.model_copy(update={"exchange_rates": {}})
    report = build_report(default_rubric, without_rate)
    assert report.costs is not None
    assert report.costs.problems and all("exchange rate" in p for p in report.costs.problems)
    assert all(o.usage is None for o in report.costs.options)
    markdown = render_markdown(report)
    assert "Not priced from usage." in markdown
    assert "The option keeps its typed figures." in markdown


def test_the_falling_price_sentence_says_whether_the_cheapest_option_changes() -> None:
    from advisor.reports.document import _falling_words
    from scoring.usage import PriceScenario

    titles = {"hosted": "Hosted API", "own": "Self-hosted"}

    def case(constant: list[str], falling: list[str], month: int | None) -> str:
        return _falling_words(
            PriceScenario(
                annual_factor=3.0,
                horizon_months=36,
                options=[],
                ranking_constant=constant,
                ranking_falling=falling,
                flips=constant != falling,
                flip_month=month,
            ),
            titles,
        )

    flipped = case(["own", "hosted"], ["hosted", "own"], 14)
    assert "“Hosted API” instead of “Self-hosted” costs least over 36 months" in flipped
    assert "from month 14" in flipped
    assert "“Hosted API” still costs least" in case(["hosted", "own"], ["hosted", "own"], None)
    passing = case(["own", "hosted"], ["own", "hosted"], 9)
    assert "changes for a while from month 9" in passing and "“Self-hosted”" in passing


def test_a_usage_volume_far_from_the_volume_answer_is_pointed_out(default_rubric: Rubric) -> None:
    import yaml

    from scoring.answers import parse_answers

    data = yaml.safe_load(EXAMPLE.read_text())
    data["options"][0]["costs"]["usage"]["items_per_month"] = 40000  # the answer says 9,000
    answers = parse_answers(yaml.safe_dump(data), default_rubric, "far.yaml")
    report = build_report(default_rubric, answers)
    assert report.costs is not None
    assert report.costs.notes == [
        "“Hosted model via API, prompted” is costed at 40,000 items a month, but the volume "
        "answer is 9,000; the score and the hours in the labour rows go with the answer. "
        "Make them agree."
    ]
    assert "Check the figures." in render_markdown(report)
    assert build_report(default_rubric, load_answers(EXAMPLE, default_rubric)).costs.notes == []  # type: ignore[union-attr]
