"""AppTest: the Policy page's price catalogue — a company file uploaded there is checked,
stored and used by the Report; a broken one shows its located problems and stores nothing;
"Use the shipped catalogue only" clears it; only an admin changes it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from advisor.storage import CompanyPriceFile, Store
from ui import keys
from ui.policy import PRICES_UPLOAD

from .conftest import DATA, ROOT, shown

COMPANY = (DATA / "prices" / "company.yaml").read_bytes()
BROKEN = (DATA / "prices" / "company_broken.yaml").read_bytes()
TRIAGE = (DATA / "prices" / "triage_usage.yaml").read_bytes()


@pytest.fixture
def store() -> Iterator[Store]:
    """The app's database (conftest gives each test a fresh one), read beside the app."""
    db = Store(os.environ["ADVISOR_DATABASE_URL"])
    yield db
    db.engine.dispose()


def _app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    return at


@pytest.fixture
def policy() -> AppTest:
    at = _app()
    at.switch_page("ui/policy.py").run()
    assert not at.exception
    return at


def _upload_prices(at: AppTest, name: str, content: bytes) -> None:
    at.file_uploader(key=PRICES_UPLOAD).set_value((name, content, "application/x-yaml")).run()
    assert not at.exception


def _button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if shown(b.label) == label)


def _texts(at: AppTest) -> str:
    return shown(
        " ".join(
            e.value
            for e in [*at.markdown, *at.caption, *at.success, *at.warning, *at.error, *at.info]
        )
    )


def _stale_table(at: AppTest) -> Any:
    """The table of stale entries, listed on request."""
    at.toggle(key="pol_prices_list_stale").set_value(True).run()
    assert not at.exception
    return next(d for d in at.dataframe if "Flag" in d.value.columns).value


def _report_texts(at: AppTest) -> str:
    at.switch_page("ui/assess.py").run()
    at.file_uploader(key=keys.ANSWERS_UPLOAD).set_value(
        ("triage.yaml", TRIAGE, "application/x-yaml")
    ).run()
    at.switch_page("ui/report.py").run()
    assert not at.exception
    return _texts(at)


def test_the_section_shows_the_shipped_catalogue_and_its_stale_entries(policy: AppTest) -> None:
    texts = _texts(policy)
    assert "The shipped catalogue, with no company file." in texts
    assert "Public list prices, late 2025 to mid 2026** (USD) · from default.yaml · " in texts
    # SOURCE_DATE_EPOCH (conftest) makes today 2026-11-18: every shipped figure is older
    # than the default policy's 90 days.
    assert "checked more than 90 days before 2026-11-18 (the limit of policy default v" in texts
    stale = _stale_table(policy)
    assert set(stale["Flag"]) == {"older than 90 days"}
    assert "anthropic_claude_sonnet_45" in set(stale["Id"])
    assert (stale["Age (days)"] > 90).all()
    assert _button(policy, "Use the shipped catalogue only").disabled  # nothing to clear


def test_a_good_company_file_is_stored_and_prices_the_report(policy: AppTest, store: Store) -> None:
    _upload_prices(policy, "acme.yaml", COMPANY)
    kept = store.company_prices()
    assert isinstance(kept, CompanyPriceFile)
    assert (kept.file, kept.text, kept.set_by) == ("acme.yaml", COMPANY.decode(), "single user")
    texts = _texts(policy)
    assert "Company prices set from acme.yaml (3 entries); options are priced from them now." in (
        texts
    )
    assert "Company file **acme.yaml**, set by single user on " in texts
    assert "Acme negotiated prices** (USD) · from default.yaml + acme.yaml · " in texts
    # The negotiated Sonnet entry (checked 2026-10-01) is not stale, the shipped rest are.
    stale = _stale_table(policy)
    assert "anthropic_claude_sonnet_45" not in set(stale["Id"])
    download = policy.get("download_button")[0]
    assert "Download the company file (acme.yaml)" in shown(download.proto.label)
    report = _report_texts(policy)
    assert "Prices: catalogue “Acme negotiated prices” (default.yaml, acme.yaml)" in report
    assert "Claude Sonnet 4.5 (Acme agreement)" in report


def test_a_broken_company_file_shows_every_located_problem_and_stores_nothing(
    policy: AppTest, store: Store
) -> None:
    _upload_prices(policy, "mine.yaml", BROKEN)
    assert store.company_prices() is None
    errors = shown(" ".join(e.value for e in policy.error))
    assert (
        "mine.yaml was not loaded; options are still priced from the shipped catalogue." in errors
    )
    for line, path in [
        (9, "offering 'anthropic_claude_sonnet_45' → tier"),
        (10, "offering 'anthropic_claude_sonnet_45' → input_per_million"),
        (13, "offering 'anthropic_claude_sonnet_45' → checked"),
        (15, "GPU class 'acme_onprem_h100' → source"),
        (17, "GPU class 'acme_onprem_h100' → hourly_price"),
    ]:
        assert f"In mine.yaml, line {line}, at {path}: " in errors
    assert "missing required key 'source'" in errors
    assert "The shipped catalogue, with no company file." in _texts(policy)
    report = _report_texts(policy)
    assert "Prices: catalogue “Public list prices, late 2025 to mid 2026” (default.yaml)" in report


def test_a_broken_file_after_a_good_one_keeps_the_good_one(policy: AppTest, store: Store) -> None:
    _upload_prices(policy, "acme.yaml", COMPANY)
    _upload_prices(policy, "other.yaml", COMPANY.replace(b"currency: USD", b"currency: EUR"))
    kept = store.company_prices()
    assert kept is not None and kept.file == "acme.yaml"
    errors = shown(" ".join(e.value for e in policy.error))
    assert "other.yaml was not loaded; the company prices from acme.yaml are still used." in errors
    assert "currency 'EUR' differs from the base catalogue's 'USD'" in errors


def test_use_the_shipped_catalogue_only_clears_the_company_file(
    policy: AppTest, store: Store
) -> None:
    _upload_prices(policy, "acme.yaml", COMPANY)
    assert "Acme agreement" in _report_texts(policy)
    policy.switch_page("ui/policy.py").run()
    _button(policy, "Use the shipped catalogue only").click().run()
    assert not policy.exception
    assert store.company_prices() is None
    texts = _texts(policy)
    assert "Options are priced from the shipped price catalogue only." in texts
    assert "The shipped catalogue, with no company file." in texts
    assert not policy.get("download_button")
    # the same answers under the same policy: the report is made again, not taken from the
    # cache, because the catalogue changed
    report = _report_texts(policy)
    assert "Prices: catalogue “Public list prices, late 2025 to mid 2026” (default.yaml)" in report
    assert "Acme agreement" not in report


def test_only_an_admin_changes_the_company_prices(
    monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    store.migrate()
    store.set_company_prices("acme.yaml", COMPANY.decode(), "admin (passphrase)")
    monkeypatch.setenv("ADVISOR_ADMIN_PASSPHRASE", "correct horse battery staple")
    at = _app()
    at.switch_page("ui/policy.py").run()
    assert not at.exception
    assert at.file_uploader(key=PRICES_UPLOAD).disabled
    assert _button(at, "Use the shipped catalogue only").disabled
    # what is used is still shown, and the file can be downloaded
    assert "Company file **acme.yaml**, set by admin (passphrase) on " in _texts(at)
    assert at.get("download_button")


def test_an_answers_file_naming_a_company_offering_loads_once_the_company_file_is_set(
    policy: AppTest,
) -> None:
    """Assess checks an upload against the catalogue options are priced from: an offering
    only the company file has is refused before the file is set, and loads after."""
    import yaml

    data = yaml.safe_load(TRIAGE)
    company_only = _company_only_offering()
    for option in data["options"]:
        usage = (option.get("costs") or {}).get("usage")
        if usage and "offering" in usage:
            usage["offering"] = company_only
    answers = yaml.safe_dump(data).encode()
    policy.switch_page("ui/assess.py").run()
    policy.file_uploader(key=keys.ANSWERS_UPLOAD).set_value(
        ("mine.yaml", answers, "application/x-yaml")
    ).run()
    assert f"unknown offering {company_only!r}" in _texts(policy)
    policy.switch_page("ui/policy.py").run()
    _upload_prices(policy, "company.yaml", COMPANY)
    policy.switch_page("ui/assess.py").run()
    policy.file_uploader(key=keys.ANSWERS_UPLOAD).set_value(
        ("mine2.yaml", answers, "application/x-yaml")
    ).run()
    assert not policy.exception
    assert "Loaded" in _texts(policy)


def _company_only_offering() -> str:
    import yaml

    from scoring.catalogue import shipped_catalogue

    ids = [o["id"] for o in yaml.safe_load(COMPANY).get("offerings", [])]
    return next(i for i in ids if i not in shipped_catalogue().offerings_by_id)
