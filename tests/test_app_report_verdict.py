"""AppTest: the Report page says the verdict the way the exports do — provisional in grey with
what to answer first, the decision, conditions with their because, every rule that holds."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from advisor.reports.blocks import Paragraph, Section
from advisor.reports.charts import VERDICT_COLOURS
from advisor.reports.document import build_document
from advisor.reports.model import PROVISIONAL_COLOUR, build_report
from scoring import Verdict, load_answers, load_rubric, parse_answers

from .conftest import ROOT, shown

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
THREE_FAVOURABLE = yaml.safe_dump(
    {
        "title": "Three answers",
        "answers": {
            "value_clarity": "measured",
            "accuracy_gain": "much_better",
            "evaluation_plan": "plan_with_baseline",
        },
    }
).encode()


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    assert not at.exception
    return at


def _upload(app: AppTest, name: str, content: bytes) -> None:
    app.file_uploader(key="answers_upload").set_value((name, content, "application/x-yaml")).run()
    assert not app.exception


def _in_order(node: Any) -> list[Any]:
    """The page's elements in the order a person sees them (blocks walked depth first)."""
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    return [el for key in sorted(children) for el in _in_order(children[key])]


def _report_page(app: AppTest) -> tuple[str, str]:
    """(the verdict badge's HTML, the rest of the page as a person reads it, in order)."""
    app.switch_page("ui/report.py").run()
    assert not app.exception
    badges = [m.value for m in app.markdown if 'role="status"' in m.value]
    assert len(badges) == 1
    texts = [
        shown(el.value)
        for el in _in_order(app.main)
        if el.type in ("markdown", "subheader", "alert", "error", "info", "warning")
        and isinstance(el.value, str)
        and 'role="status"' not in el.value
    ]
    return badges[0], "\n".join(texts)


def test_three_favourable_answers_show_a_grey_provisional_range_and_what_to_answer_first(
    app: AppTest,
) -> None:
    _upload(app, "three.yaml", THREE_FAVOURABLE)
    badge, page = _report_page(app)

    assert "Provisional: between Avoid and Recommend</div>" in badge
    assert 'data-status="provisional"' in badge
    assert PROVISIONAL_COLOUR in badge
    assert VERDICT_COLOURS[Verdict.RECOMMEND] not in badge
    assert "RECOMMEND" not in badge and "RECOMMEND" not in page
    assert "Score 94.1 / 100 so far, not final · 3 of 39 questions answered" in badge

    # the prompts the exports ask to answer first, in the PM's words, numbered
    expected = build_report(DEFAULT, parse_answers(THREE_FAVOURABLE, DEFAULT)).answer_first
    assert len(expected) == 3
    first = page.split("Answer these first:", 1)[1]
    for i, prompt in enumerate(expected, 1):
        assert f"{i}. {prompt}" in first
    assert "Provisional: too little is answered for a final verdict" in page


def test_the_invoice_case_lists_each_condition_with_the_answers_that_raised_it(
    app: AppTest,
) -> None:
    _upload(app, "invoice.yaml", (ROOT / "examples" / "invoice_extraction.yaml").read_bytes())
    badge, page = _report_page(app)

    assert "Verdict: ADAPT</div>" in badge and 'data-status="final"' in badge
    assert VERDICT_COLOURS[Verdict.ADAPT] in badge
    assert "Adapt: adopt only once these conditions are met" in page
    conditions = page.split("Conditions before adoption", 1)[1]
    assert "Run the model on infrastructure you control." in conditions
    assert (
        "because: Where may this data be processed? — “Only on infrastructure we control — it "
        "may not leave the company”; Where would the model run? — “Self-hosted, on our own or "
        "rented infrastructure”"
    ) in conditions
    assert "Fine-tune a smaller model." in conditions
    assert "keep_data_in_house" not in page  # never a raw id


def test_every_rule_that_holds_is_named_on_the_page_with_what_it_did(app: AppTest) -> None:
    _upload(app, "credit.yaml", (ROOT / "examples" / "credit_limit_decisions.yaml").read_bytes())
    badge, page = _report_page(app)

    assert "Verdict: AVOID</div>" in badge
    report = build_report(
        DEFAULT, load_answers(ROOT / "examples" / "credit_limit_decisions.yaml", DEFAULT)
    )
    assert len(report.rules) == 3
    rules = page.split("Rules that hold", 1)[1]
    for rule in report.rules:
        assert f"**{rule.title}** — Capped the verdict at Avoid." in rules
    assert "Risk notes" in page
    for note in report.risks:
        assert note.risk in page


def test_the_assessments_list_shows_a_provisional_verdict_as_provisional(app: AppTest) -> None:
    """The list says what the report says: never a bare "Recommend" for three answers."""
    _upload(app, "three.yaml", THREE_FAVOURABLE)
    app.switch_page("ui/assessments.py").run()
    assert not app.exception
    rows = [shown(c.value) for c in app.caption if "Three answers" not in c.value]
    row = next(r for r in rows if "questions answered" in r)
    assert row.startswith("Provisional: between Avoid and Recommend · 94.1 · 3 of 39 questions")


def test_the_page_lays_out_the_report_document_in_its_order(app: AppTest) -> None:
    """The page's headings are the document's, in the document's order: the memo, then the
    analysis; the appendix tables fold away and the policy stamp is small print."""
    _upload(app, "options.yaml", (ROOT / "examples" / "support_triage_options.yaml").read_bytes())
    app.switch_page("ui/report.py").run()
    assert not app.exception
    report = build_report(
        DEFAULT, load_answers(ROOT / "examples" / "support_triage_options.yaml", DEFAULT)
    )
    doc = build_document(report)
    top = [b for b in [*doc.memo, *doc.analysis] if isinstance(b, Section)]
    assert [shown(h.value) for h in app.subheader] == [s.title for s in top]
    assert [e.label for e in app.expander] == ["Score by factor", "Answers"]
    assert len(app.get("vega_lite_chart")) == len(doc.charts())
    small_print = shown(" ".join(c.value for c in app.caption))
    # the policy's checksum is only a short hash in the PDF's footer, never on the page
    assert report.result.policy.sha256[:12] not in small_print
    assert f"version {report.result.policy.version}" in small_print
    why = doc.find("why")
    assert isinstance(why, Section)
    paragraph = why.blocks[0]
    assert isinstance(paragraph, Paragraph)
    assert any(shown(m.value) == paragraph.text[0].text for m in app.markdown)
