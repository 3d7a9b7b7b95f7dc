"""The company price catalogue in the database: setting or clearing it re-prices every saved
assessment, so the lists show the score the Report shows."""

from __future__ import annotations

import yaml

from advisor.reports.model import build_report
from advisor.storage import Store
from scoring import load_answers, load_rubric
from scoring.answers import EXTRA_KEYS

from .conftest import ROOT

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
EXAMPLE = ROOT / "examples" / "claims_intake_costs.yaml"

#: The hosted offering at a price that makes the option dearer to run than today.
DEAR = """\
id: dear
title: A very dear contract
currency: USD
description: For the test.
offerings:
  - id: anthropic_claude_sonnet_45
    provider: Anthropic
    model: Claude Sonnet 4.5 (dear)
    tier: mid
    input_per_million: 900
    output_per_million: 4500
    source: test
    checked: 2026-11-01
"""


def _saved(store: Store) -> str:
    data = yaml.safe_load(EXAMPLE.read_text())
    answers = load_answers(EXAMPLE, DEFAULT)
    policy = store.active_version()
    assert policy is not None
    extra = {k: data[k] for k in EXTRA_KEYS if k in data}
    item = store.create_assessment(
        answers.title, dict(answers.answers), dict(answers.notes), policy, extra
    )
    return item.id


def test_a_company_catalogue_reprices_saved_assessments_as_the_report_does(
    store: Store,
) -> None:
    item_id = _saved(store)
    listed = store.assessment(item_id)
    shipped = build_report(DEFAULT, load_answers(EXAMPLE, DEFAULT))
    assert listed.score == shipped.result.score

    store.set_company_prices("dear.yaml", DEAR, "policy owner")
    dear = store.price_catalogue()
    assert dear.offering("anthropic_claude_sonnet_45").model == "Claude Sonnet 4.5 (dear)"
    report = build_report(DEFAULT, load_answers(EXAMPLE, DEFAULT, catalogue=dear), catalogue=dear)
    after = store.assessment(item_id)
    # The dear contract moves the running-cost answer to a worse band, and the stored score
    # follows it without a save.
    assert report.result.score != shipped.result.score
    assert after.score == report.result.score
    assert after.revision == listed.revision  # a price change is not an edit

    store.clear_company_prices()
    assert store.assessment(item_id).score == shipped.result.score


def test_a_backup_keeps_the_usage_forms_as_typed(store: Store) -> None:
    """The Options page's usage forms (kept beside the answers, never scored) go out with an
    export and come back with an import; the result stored is the same."""
    from advisor.storage import Store as Fresh

    item_id = _saved(store)
    item = store.assessment(item_id)
    forms = {"hosted_api": {"mode": "usage", "items": 12345, "offering": None}}
    policy = store.active_version()
    assert policy is not None
    store.save_assessment(
        item_id,
        expected_revision=item.revision,
        title=item.title,
        answers=item.answers,
        notes=item.notes,
        policy=policy,
        extra={**item.extra, "usage_drafts": forms},
    )
    backup = store.export_all()
    other = Fresh("sqlite://")
    other.migrate()
    other.import_all(backup)
    copied = other.assessment(item_id)
    assert copied.extra["usage_drafts"] == forms
    assert copied.score == store.assessment(item_id).score


def test_a_backup_carries_the_company_catalogue_and_prices_the_import_with_it(
    store: Store,
) -> None:
    from advisor.storage import Store as Fresh

    item_id = _saved(store)
    store.set_company_prices("dear.yaml", DEAR, "policy owner")
    backup = store.export_all()
    assert backup["format_version"] == 3
    assert backup["company_prices"]["text"] == DEAR
    other = Fresh("sqlite://")
    other.migrate()
    other.import_all(backup)
    kept = other.company_prices()
    assert kept is not None and (kept.file, kept.text) == ("dear.yaml", DEAR)
    # Priced with the company file, as in the database it came from.
    assert other.assessment(item_id).score == store.assessment(item_id).score


def test_a_backup_with_a_broken_company_catalogue_is_refused_with_the_line_named(
    store: Store,
) -> None:
    import pytest

    from advisor.storage import BackupRefused
    from advisor.storage import Store as Fresh

    store.set_company_prices("dear.yaml", DEAR, "policy owner")
    backup = store.export_all()
    backup["company_prices"]["text"] = DEAR.replace(
        "input_per_million: 900", "input_per_million: lots"
    )
    other = Fresh("sqlite://")
    other.migrate()
    with pytest.raises(BackupRefused) as refused:
        other.import_all(backup, file="backup.json")
    said = [str(p) for p in refused.value.problems]
    assert any(
        "company_prices → text" in s and "dear.yaml, line 10, at offering" in s for s in said
    ), said
    assert other.company_prices() is None and other.count_assessments() == 0
