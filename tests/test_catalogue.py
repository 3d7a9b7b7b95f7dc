"""The price catalogue: the shipped file, located errors for broken files, staleness,
a company file laid over the shipped one, and the ``prices`` command."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from advisor.cli import main
from scoring.catalogue import (
    PriceCatalogue,
    catalogue_json_schema,
    default_catalogue_path,
    future_entries,
    load_catalogue,
    merge_catalogues,
    oldest_checked,
    parse_catalogue,
    stale_entries,
)
from scoring.errors import CatalogueError

from .conftest import DATA, ROOT, regenerate

SHIPPED = ROOT / "rubric" / "prices" / "default.yaml"
BROKEN = sorted(p for p in (DATA / "broken" / "prices").iterdir() if p.suffix in {".yaml", ".json"})

HEADER = """\
id: {id}
title: {id} prices
currency: {currency}
description: For the tests.
"""


def offering(offering_id: str, checked: str, price: float = 1.0, tier: str = "mid") -> str:
    return f"""\
  - id: {offering_id}
    provider: Provider
    model: Model {offering_id}
    tier: {tier}
    input_per_million: {price}
    output_per_million: {price * 8}
    source: https://example.invalid/{offering_id}
    checked: {checked}
"""


def catalogue(
    *offerings: str, id: str = "base", currency: str = "USD", extra: str = ""
) -> PriceCatalogue:
    text = HEADER.format(id=id, currency=currency)
    if offerings:
        text += "offerings:\n" + "".join(offerings)
    return parse_catalogue(text + extra, f"{id}.yaml")


UTILISATION = """\
utilisation:
  share: {{low: {low}, expected: {expected}, high: {high}}}
  source: {source}
  checked: {checked}
"""


# --- the shipped catalogue --------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> PriceCatalogue:
    return load_catalogue(SHIPPED)


def test_the_shipped_catalogue_has_every_kind_of_entry_under_its_documented_ids(
    shipped: PriceCatalogue,
) -> None:
    assert shipped.currency == "USD"
    assert [t.id for t in shipped.tiers] == ["small", "mid", "premium"]
    assert len(shipped.offerings) >= 6
    assert {o.tier for o in shipped.offerings} == {"small", "mid", "premium"}
    assert {"h100_specialist", "h100_hyperscaler", "a100", "l4"} <= set(shipped.gpu_classes_by_id)
    assert [s.id for s in shipped.self_hosted_sizes] == ["small", "medium", "large"]
    assert shipped.utilisation is not None
    assert shipped.files == (str(SHIPPED),)


def test_every_shipped_entry_names_a_source_and_a_checked_date_no_later_than_its_gathering(
    shipped: PriceCatalogue,
) -> None:
    entries = list(shipped.dated_entries())
    assert len(entries) == 3 + len(shipped.offerings) + 4 + 3 + 1
    for _, _, entry in entries:
        assert entry.source.strip()
        # The figures were gathered on 2026-11-29; a later date would claim a check not made.
        assert entry.checked <= date(2026, 11, 29)


def test_shipped_offerings_fall_within_their_tier_ranges(shipped: PriceCatalogue) -> None:
    for offer in shipped.offerings:
        tier = shipped.tier(offer.tier)
        assert tier.input_per_million.low <= offer.input_per_million <= tier.input_per_million.high
        assert (
            tier.output_per_million.low <= offer.output_per_million <= tier.output_per_million.high
        ), offer.id


def test_the_shipped_h100_prices_stay_within_the_issue_ranges(shipped: PriceCatalogue) -> None:
    specialist = shipped.gpu_class("h100_specialist")
    hyperscaler = shipped.gpu_class("h100_hyperscaler")
    assert 1.5 <= specialist.hourly_price.low <= specialist.hourly_price.high <= 3.0
    assert 3.0 <= hyperscaler.hourly_price.low <= hyperscaler.hourly_price.high <= 7.0
    for gpu in (specialist, hyperscaler):
        assert 0.5 <= gpu.spot_discount.low <= gpu.spot_discount.high <= 0.65
        assert 0.35 <= gpu.reserved_1y_discount.low <= gpu.reserved_1y_discount.high <= 0.40


def test_the_default_path_is_the_shipped_file_and_not_a_rubric() -> None:
    from scoring.rubrics import list_rubrics

    assert default_catalogue_path() == SHIPPED
    # rubric/*.yaml are rubrics; the catalogue sits in a subfolder so it is never taken for one.
    assert SHIPPED not in [entry.path for entry in list_rubrics(ROOT / "rubric")]


def test_the_committed_json_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prices", "schema"]) == 0
    printed = capsys.readouterr().out
    committed = ROOT / "rubric" / "prices" / "prices.schema.json"
    if regenerate():
        committed.write_text(printed)
    assert printed == committed.read_text()
    assert json.loads(printed) == catalogue_json_schema()


def test_the_schema_requires_a_source_and_a_checked_date_on_every_kind_of_entry() -> None:
    definitions = catalogue_json_schema()["$defs"]
    assert isinstance(definitions, dict)
    for name in ("Tier", "Offering", "GpuClass", "SelfHostedSize", "Utilisation"):
        assert {"source", "checked"} <= set(definitions[name]["required"]), name
        assert definitions[name]["properties"]["checked"]["format"] == "date"


def test_the_schema_accepts_the_shipped_file_and_refuses_an_entry_without_a_source() -> None:
    # An editor checks files against the schema; it must agree with the loader.
    import jsonschema

    from scoring.source import load_document

    data = json.loads(json.dumps(load_document(SHIPPED).data, default=str))
    validator = jsonschema.Draft202012Validator(
        catalogue_json_schema(), format_checker=jsonschema.FormatChecker()
    )
    assert list(validator.iter_errors(data)) == []
    del data["offerings"][0]["source"]
    data["gpu_classes"][0]["hourly_price"] = 2.5  # a plain number is allowed by both
    assert [e.message for e in validator.iter_errors(data)] == ["'source' is a required property"]


# --- broken files -----------------------------------------------------------------------------


def test_the_broken_catalogue_set_covers_enough_cases() -> None:
    assert len(BROKEN) >= 12


@pytest.mark.parametrize("case", BROKEN, ids=lambda p: p.stem)
def test_a_broken_catalogue_gives_its_located_message_and_exit_2(
    case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["prices", "check", str(case.relative_to(ROOT))])
    captured = capsys.readouterr()
    expected_file = case.with_suffix(".expected")
    if regenerate():
        expected_file.write_text(captured.err)
    assert code == 2, captured.err
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err == expected_file.read_text()


def test_a_duplicate_id_names_both_lines() -> None:
    case = DATA / "broken" / "prices" / "06_duplicate_offering_id.yaml"
    with pytest.raises(CatalogueError) as info:
        load_catalogue(case)
    (problem,) = info.value.problems
    assert (problem.line, problem.path) == (14, "offering 'gpt5_acme' → id")
    assert "first used on line 6" in problem.message


def test_a_catalogue_with_too_many_entries_is_refused_while_it_is_read() -> None:
    from scoring.errors import InputFileError

    text = HEADER.format(id="huge", currency="USD") + "gpu_classes:\n" + "  - {}\n" * 501
    with pytest.raises(InputFileError) as info:
        parse_catalogue(text, "huge.yaml")
    assert str(info.value) == (
        "huge.yaml:506:5: too many GPU classes in one catalogue: the limit is 500 "
        "(see 'Limits' in rubric/README.md)"
    )


def test_a_json_catalogue_writes_its_dates_as_text() -> None:
    text = json.dumps(
        {
            "id": "acme",
            "title": "Acme",
            "currency": "EUR",
            "description": "JSON has no dates.",
            "utilisation": {
                "share": {"low": 0.2, "expected": 0.4, "high": 0.6},
                "source": "Our monitoring",
                "checked": "2026-10-01",
            },
        }
    )
    loaded = parse_catalogue(text, "acme.json")
    assert loaded.utilisation is not None
    assert loaded.utilisation.checked == date(2026, 10, 1)


# --- staleness --------------------------------------------------------------------------------


def test_an_entry_checked_more_than_90_days_ago_is_flagged_and_one_at_90_is_not() -> None:
    today = date(2026, 6, 30)
    prices = catalogue(
        offering("fresh", "2026-06-01"),
        offering("just_in_time", "2026-04-01"),  # 90 days before today
        offering("stale", "2026-03-31"),  # 91 days
        extra=UTILISATION.format(
            low=0.3, expected=0.5, high=0.7, source="Monitoring", checked="2025-06-30"
        ),
    )
    assert stale_entries(prices, today) == [
        ("stale", "offering", date(2026, 3, 31), 91),
        ("utilisation", "utilisation", date(2025, 6, 30), 365),
    ]
    assert [s.id for s in stale_entries(prices, today, max_age_days=30)] == [
        "just_in_time",
        "stale",
        "utilisation",
    ]
    assert stale_entries(prices, date(2026, 4, 1)) == [
        ("utilisation", "utilisation", date(2025, 6, 30), 275)
    ]


def test_the_shipped_catalogue_is_flagged_once_its_figures_are_older_than_the_limit(
    shipped: PriceCatalogue,
) -> None:
    oldest = min(entry.checked for _, _, entry in shipped.dated_entries())
    assert stale_entries(shipped, oldest) == []
    assert len(stale_entries(shipped, date(2030, 1, 1))) == len(list(shipped.dated_entries()))


def test_an_entry_dated_after_today_is_named_not_taken_as_fresh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prices = catalogue(offering("typo", "2062-11-20"), offering("fine", "2026-11-01"))
    assert stale_entries(prices, date(2026, 11, 29)) == []
    assert future_entries(prices, date(2026, 11, 29)) == [
        ("typo", "offering", date(2062, 11, 20), -13140)
    ]
    path = tmp_path / "typo.yaml"
    path.write_text(
        HEADER.format(id="typo", currency="USD") + "offerings:\n" + offering("typo", "2062-11-20")
    )
    assert main(["prices", "check", str(path), "--today", "2026-11-29"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "warning: offering 'typo' checked 2062-11-20, after 2026-11-29; is the date a typo?",
        "every entry was checked within 90 days of 2026-11-29",
    ]


def test_oldest_checked_follows_the_ids_used() -> None:
    prices = catalogue(
        offering("old", "2025-01-01"),
        offering("new", "2026-01-01"),
        extra="""\
self_hosted_sizes:
  - id: new
    title: A size sharing an offering's id
    params: 8B
    tokens_per_second_per_gpu: {low: 1, expected: 2, high: 3}
    gpus_per_replica: 1
    source: Benchmark
    checked: 2024-01-01
""",
    )
    assert oldest_checked(prices, []) is None
    assert oldest_checked(prices, ["old", ("offering", "new")]) == date(2025, 1, 1)
    # An id alone matches every kind that has it.
    assert oldest_checked(prices, ["new"]) == date(2024, 1, 1)
    with pytest.raises(CatalogueError) as info:
        oldest_checked(prices, ["olde"])
    assert str(info.value) == "no entry 'olde' in base.yaml (did you mean 'old'?)"
    with pytest.raises(CatalogueError, match=r"no GPU class 'new' in base\.yaml"):
        oldest_checked(prices, [("gpu_class", "new")])


# --- a company file over the shipped one ------------------------------------------------------


def test_a_company_file_replaces_entries_by_id_in_place_and_adds_new_ones() -> None:
    base = catalogue(
        offering("a", "2025-01-01", 1.0),
        offering("b", "2025-01-01", 2.0),
        offering("c", "2025-01-01", 3.0),
        extra=UTILISATION.format(
            low=0.3, expected=0.5, high=0.7, source="Base study", checked="2025-01-01"
        ),
    )
    assert base.offering("b").input_per_million == 2.0  # caches the lookup table on base
    company = catalogue(
        offering("z", "2026-11-01", 9.0),
        offering("b", "2026-11-01", 1.5),
        id="acme",
    )
    merged = merge_catalogues(base, company)
    assert [o.id for o in merged.offerings] == ["a", "b", "c", "z"]
    assert merged.offering("b").input_per_million == 1.5
    assert merged.offering("z").input_per_million == 9.0
    assert merged.offering("a") == base.offering("a")
    assert merged.utilisation == base.utilisation  # the company file has none
    assert (merged.id, merged.title) == ("acme", "acme prices")
    assert merged.files == ("base.yaml", "acme.yaml")
    assert [merged.file_of("offering", i) for i in ("a", "b", "z")] == [
        "base.yaml",
        "acme.yaml",
        "acme.yaml",
    ]
    assert merged.file_of("utilisation", "utilisation") == "base.yaml"
    assert merged.file_of("offering", "nowhere") == ""
    # The base is unchanged.
    assert [o.id for o in base.offerings] == ["a", "b", "c"]
    assert base.offering("b").input_per_million == 2.0


def test_a_company_utilisation_replaces_the_base_one() -> None:
    base = catalogue(
        extra=UTILISATION.format(low=0.3, expected=0.5, high=0.7, source="B", checked="2025-01-01")
    )
    company = catalogue(
        id="acme",
        extra=UTILISATION.format(low=0.6, expected=0.7, high=0.8, source="A", checked="2026-01-01"),
    )
    merged = merge_catalogues(base, company)
    assert merged.utilisation == company.utilisation


def test_a_company_file_in_another_currency_is_refused() -> None:
    base = catalogue(offering("a", "2025-01-01"))
    company = catalogue(offering("a", "2026-01-01"), id="acme", currency="EUR")
    with pytest.raises(CatalogueError) as info:
        merge_catalogues(base, company)
    assert str(info.value) == (
        "acme.yaml: currency: currency 'EUR' differs from the base catalogue's 'USD' "
        "(base.yaml); expected prices in the same currency"
    )


def test_a_lookup_of_a_missing_entry_suggests_the_closest_id(shipped: PriceCatalogue) -> None:
    with pytest.raises(CatalogueError) as info:
        shipped.offering("openai_gpt5_mni")
    message = str(info.value)
    assert message.startswith(f"no offering 'openai_gpt5_mni' in {SHIPPED}; expected one of: ")
    assert message.endswith("(did you mean 'openai_gpt5_mini'?)")
    with pytest.raises(CatalogueError, match=r"did you mean 'h100_specialist'"):
        shipped.gpu_class("h100_specialst")


# --- the prices command -----------------------------------------------------------------------


def test_prices_check_passes_the_shipped_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prices", "check", "rubric/prices/default.yaml"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    first = captured.out.splitlines()[0]
    assert first.startswith("ok: rubric/prices/default.yaml — catalogue 'default' (USD): 3 tiers, ")
    assert "4 GPU classes, 3 self-hosted sizes, utilisation; oldest checked " in first


def test_prices_check_lists_the_stale_entries_and_still_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(
        HEADER.format(id="acme", currency="USD")
        + "offerings:\n"
        + offering("fresh", "2026-11-01")
        + offering("old", "2026-01-15", tier="small")
    )
    argv = ["prices", "check", str(path), "--today", "2026-11-29"]
    assert main(argv) == 0
    assert capsys.readouterr().out == (
        f"ok: {path} — catalogue 'acme' (USD): 0 tiers, 2 offerings, 0 GPU classes, "
        "0 self-hosted sizes; oldest checked 2026-01-15\n"
        "stale: offering 'old' checked 2026-01-15, 318 days ago\n"
        "1 of 2 entries were checked more than 90 days before 2026-11-29; "
        "re-check them against their sources\n"
    )
    assert main([*argv, "--max-age-days", "365"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "every entry was checked within 365 days of 2026-11-29"
    ]


def test_prices_check_refuses_a_negative_age(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["prices", "check", "rubric/prices/default.yaml", "--max-age-days", "-1"])
    assert info.value.code == 2
    assert "expected a whole number of days, 0 or more, found '-1'" in capsys.readouterr().err


def test_prices_show_lists_each_entry_with_its_source_and_checked_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["prices", "show", "--today", "2026-03-15"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Price catalogue 'default': ")
    assert "\nfrom rubric/prices/default.yaml\n" in out
    assert (
        "  openai_gpt5_mini: GPT-5 mini at OpenAI, small tier; input 0.25, output 2.00; "
        "batch 50 % off; context 272,000 tokens\n"
        "      checked 2026-03-01 · source: https://openai.com/api/pricing/ as quoted by "
    ) in out
    # Checked more than 90 days before the 15th of March 2026: marked.
    assert "      checked 2025-08-05 * · source: https://docs.anthropic.com/" in out
    for heading in ("Tiers", "Offerings", "GPU classes", "Self-hosted sizes", "Utilisation"):
        assert f"\n\n{heading} (" in out


def test_prices_show_lays_a_company_file_over_the_shipped_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(
        HEADER.format(id="acme", currency="USD")
        + "offerings:\n"
        + offering("openai_gpt5", "2026-11-20", 1.0)
    )
    assert main(["prices", "show", "--prices", str(path), "--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"Price catalogue 'acme': acme prices (USD)\nfrom rubric/prices/default.yaml + {path}\n"
    )
    assert (
        "  openai_gpt5: Model openai_gpt5 at Provider, mid tier; input 1.00, output 8.00\n"
        "      checked 2026-11-20 · source: https://example.invalid/openai_gpt5\n"
    ) in out
    assert "  anthropic_claude_sonnet_45: Claude Sonnet 4.5 at Anthropic" in out


def test_prices_show_with_a_broken_company_file_exits_2_with_the_located_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = "tests/data/broken/prices/08_unknown_tier.yaml"
    assert main(["prices", "show", "--prices", case]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: {case}:9:5: offering 'gpt5_acme' → tier: "
        "expected one of 'small', 'mid' or 'premium', found text 'large'\n"
    )


def test_a_plain_number_is_a_figure_known_exactly() -> None:
    prices = catalogue(
        extra="""\
gpu_classes:
  - id: h100_owned
    title: Our own H100s
    hourly_price: 2.1
    spot_discount: 0
    reserved_1y_discount: {low: 0.1, expected: 0.2, high: 0.3}
    source: Finance
    checked: 2026-10-01
"""
    )
    gpu = prices.gpu_class("h100_owned")
    assert (gpu.hourly_price.low, gpu.hourly_price.expected, gpu.hourly_price.high) == (2.1,) * 3
    assert gpu.spot_discount.high == 0.0
    assert gpu.relative_throughput == 1.0
