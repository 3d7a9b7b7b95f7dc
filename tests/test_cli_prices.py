"""``adoption-advisor score --prices``: a company catalogue laid over the shipped one, and the
located errors of a broken company file or of usage naming what no catalogue has."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from advisor.cli import main

from .conftest import DATA, shown

ANSWERS = "tests/data/prices/usage_answers.yaml"
COMPANY = "tests/data/prices/company.yaml"
BROKEN = "tests/data/prices/company_broken.yaml"
RUBRIC = ["--rubric", "tests/data/small_rubric.yaml"]

# 10,000 items a month of 1,000 input and 200 output tokens on Claude Sonnet 4.5:
# 10,000 × (1,000 × 3 + 200 × 15) / 1,000,000 = USD 60 a month at the shipped list prices,
# 10,000 × (1,000 × 1 + 200 × 5) / 1,000,000 = USD 20 at the company's negotiated ones.
LIST_MONTHLY = 60.0
NEGOTIATED_MONTHLY = 20.0


def _score(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any, str]:
    code = main(["score", *argv])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out else None, captured.err


def test_without_prices_the_shipped_catalogue_prices_the_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report, err = _score([ANSWERS, *RUBRIC], capsys)
    assert code == 0, err
    costs = report["costs"]
    assert costs["problems"] == []
    assert [Path(f).name for f in costs["prices"]["files"]] == ["default.yaml"]
    assert costs["options"][0]["monthly"] == LIST_MONTHLY


def test_a_company_file_is_laid_over_the_shipped_one_and_both_are_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report, err = _score([ANSWERS, *RUBRIC, "--prices", COMPANY], capsys)
    assert code == 0, err
    prices = report["costs"]["prices"]
    assert [Path(f).name for f in prices["files"]] == ["default.yaml", "company.yaml"]
    assert prices["files"][1] == COMPANY  # as typed
    assert prices["title"] == "Acme negotiated prices"
    # the company's entry replaced the shipped one: its price and its checked date
    assert prices["entries"] == [
        {
            "kind": "offering",
            "id": "anthropic_claude_sonnet_45",
            "checked": "2026-10-01",
            "age_days": prices["entries"][0]["age_days"],
            "stale": prices["entries"][0]["stale"],
        }
    ]
    option = report["costs"]["options"][0]
    assert option["monthly"] == NEGOTIATED_MONTHLY
    assert option["usage"]["model"] == "Anthropic Claude Sonnet 4.5 (Acme agreement)"


def test_the_markdown_report_names_both_catalogue_files(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["score", ANSWERS, *RUBRIC, "--prices", COMPANY, "--format", "md"]) == 0
    text = shown(capsys.readouterr().out)
    assert "Prices: catalogue “Acme negotiated prices” (default.yaml, company.yaml)" in text


def test_an_offering_only_the_company_file_has_is_accepted_with_it_and_refused_without(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "gateway.yaml"
    answers.write_text(
        (DATA / "prices" / "usage_answers.yaml")
        .read_text()
        .replace("anthropic_claude_sonnet_45", "acme_internal_gateway")
    )
    code, report, err = _score([str(answers), *RUBRIC, "--prices", COMPANY], capsys)
    assert code == 0, err
    # 10,000 × (1,000 × 0.1 + 200 × 0.4) / 1,000,000 = 1.8
    assert report["costs"]["options"][0]["monthly"] == pytest.approx(1.8)
    code, report, err = _score([str(answers), *RUBRIC], capsys)
    assert code == 2 and report is None
    assert f"{answers}:14:5: costs → usage → offering: unknown offering " in err
    assert "'acme_internal_gateway' in the price catalogue (default.yaml); expected one of" in err


def test_a_broken_company_file_exits_2_with_every_problem_located(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report, err = _score([ANSWERS, *RUBRIC, "--prices", BROKEN], capsys)
    assert code == 2 and report is None
    assert err == (
        f"error: {BROKEN}:9:5: offering 'anthropic_claude_sonnet_45' → tier: expected one of "
        "'small', 'mid' or 'premium', found text 'middle'\n"
        f"error: {BROKEN}:10:5: offering 'anthropic_claude_sonnet_45' → input_per_million: "
        "expected a number at least 0, found number -1\n"
        f"error: {BROKEN}:13:5: offering 'anthropic_claude_sonnet_45' → checked: expected a "
        "date written YYYY-MM-DD, found text '2026-13-01', which is not a day of the calendar\n"
        f"error: {BROKEN}:15:5: GPU class 'acme_onprem_h100' → source: missing required key "
        "'source'\n"
        f"error: {BROKEN}:17:5: GPU class 'acme_onprem_h100' → hourly_price: expected low ≤ "
        "expected ≤ high, found low 1.8, expected 1.4, high 1.2\n"
        "5 problems found\n"
    )


def test_a_company_file_in_another_currency_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    euros = tmp_path / "euros.yaml"
    euros.write_text((DATA / "prices" / "company.yaml").read_text().replace("USD", "EUR"))
    code, report, err = _score([ANSWERS, *RUBRIC, "--prices", str(euros)], capsys)
    assert code == 2 and report is None
    assert err.startswith(f"error: {euros}: currency: currency 'EUR' differs from the base ")
    assert "expected prices in the same currency" in err


def test_a_missing_company_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _score([ANSWERS, *RUBRIC, "--prices", "tests/data/prices/none.yaml"], capsys)
    assert code == 2
    assert err == "error: tests/data/prices/none.yaml: file not found\n"


def test_an_unknown_offering_exits_2_located_with_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "typo.yaml"
    answers.write_text(
        (DATA / "prices" / "usage_answers.yaml")
        .read_text()
        .replace("anthropic_claude_sonnet_45", "anthropic_claude_sonet_45")
    )
    for prices in ([], ["--prices", COMPANY]):
        code, report, err = _score([str(answers), *RUBRIC, *prices], capsys)
        assert code == 2 and report is None
        assert err.startswith(
            f"error: {answers}:14:5: costs → usage → offering: unknown offering "
            "'anthropic_claude_sonet_45' in the price catalogue "
        )
        assert err.rstrip().endswith("(did you mean 'anthropic_claude_sonnet_45'?)")
        assert err.count("\n") == 1  # one problem, no traceback
    assert "(default.yaml + company.yaml)" in err  # the catalogue both files make


def test_options_name_the_option_in_the_field_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "options.yaml"
    answers.write_text(
        "title: Two options\n"
        "currency: EUR\n"
        "answers: {gain: some}\n"
        "options:\n"
        "  - id: hosted\n"
        "    title: Hosted\n"
        "    costs:\n"
        "      usage: {input_tokens: 500, output_tokens: 50, tier: mid}\n"
        "  - id: own_gpus\n"
        "    title: Own GPUs\n"
        "    costs:\n"
        "      usage:\n"
        "        input_pages: 2\n"
        "        output_tokens: 50\n"
        "        self_hosted: {size: tiny, gpu: h100_specialist}\n"
    )
    code, _, err = _score([str(answers), *RUBRIC], capsys)
    assert code == 2
    assert err == (
        f"error: {answers}:8:7: option 'hosted' → costs → usage: the costs are in EUR and the "
        "price catalogue (default.yaml) in USD; expected an exchange rate, e.g. "
        "exchange_rates: {USD: 0.9} (EUR per USD)\n"
        f"error: {answers}:15:23: option 'own_gpus' → costs → usage → self_hosted → size: "
        "unknown self-hosted size 'tiny' in the price catalogue (default.yaml); expected one "
        "of: small, medium, large\n"
        "2 problems found\n"
    )


def test_prices_check_counts_one_gpu_class_in_the_singular(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["prices", "check", COMPANY, "--today", "2026-11-29"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"ok: {COMPANY} — catalogue 'acme' (USD): 0 tiers, 2 offerings, 1 GPU class, "
        "0 self-hosted sizes; oldest checked 2026-09-15"
    )
