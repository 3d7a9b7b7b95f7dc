"""Every export says the verdict the way PRODUCT.md demands ("How a verdict must behave"):
provisional until answered, the decision and its conditions in the PM's words, every rule that
holds, risk notes. Snapshot-style: the text a reader sees in Markdown, HTML and the PDF."""

from __future__ import annotations

import html
import io
import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from advisor.reports.charts import VERDICT_COLOURS
from advisor.reports.model import PROVISIONAL_COLOUR, Report, build_report
from advisor.reports.render import render_html, render_json, render_markdown, render_pdf
from scoring import Answers, Rubric, Verdict, load_answers, load_rubric

from .conftest import ROOT

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
THREE_FAVOURABLE = Answers(
    title="Three answers",
    rubric="default",
    answers={
        "value_clarity": "measured",
        "accuracy_gain": "much_better",
        "evaluation_plan": "plan_with_baseline",
    },
)
AUTONOMOUS = Answers(
    title="Autonomous decisions, three answers",
    rubric="default",
    answers={
        "use_pattern": "automated_decision",
        "error_stakes": "critical",
        "human_review": "none",
    },
)


def _example(name: str, rubric: Rubric = DEFAULT) -> Report:
    return build_report(rubric, load_answers(ROOT / "examples" / name, rubric))


@cache
def _three() -> Report:
    return build_report(DEFAULT, THREE_FAVOURABLE)


@cache
def _invoice() -> Report:
    return _example("invoice_extraction.yaml")


@cache
def _credit() -> Report:
    return _example("credit_limit_decisions.yaml")


def _md_text(markdown: str) -> str:
    """Markdown as read: escapes and emphasis markers taken out."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("**", "")


def _html_text(page: str) -> str:
    body = page.split("<body>", 1)[1]
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _pdf_pages(report: Report) -> list[str]:
    reader = PdfReader(io.BytesIO(render_pdf(report)))
    # typst may add zero-width break opportunities; a line broken after a compound word's
    # hyphen ("self-" / "hosting") is one word to a reader
    return [
        " ".join(p.extract_text().replace("\u200b", "").replace("-\n", "-").split())
        for p in reader.pages
    ]


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- provisional: three favourable answers out of the default rubric -------------------------


def test_a_provisional_markdown_leads_with_the_range_and_what_to_answer_first() -> None:
    report = _three()
    assert report.status == "provisional" and report.result.verdict is Verdict.RECOMMEND
    lines = render_markdown(report).splitlines()
    assert lines[0] == "# Three answers"
    assert lines[2] == "**Provisional: between Avoid and Recommend**  "
    assert lines[4] == "Score 94.1 / 100 so far, not final · 3 of 39 questions answered"
    assert lines[6] == "**Answer these first:**"
    assert lines[8:11] == [f"{i}. {p}" for i, p in enumerate(report.answer_first, 1)]
    assert report.answer_first == [item.prompt for item in report.resolve_first[:3]]
    # who decides and who prepared it, then the decision, bold as in every other format
    assert (
        lines[12]
        == f"Decision owner: not named · Prepared by: not named · Date: {report.generated}"
    )
    assert lines[14].startswith("**Provisional: too little is answered for a final verdict")
    md = render_markdown(report)
    assert "Verdict: RECOMMEND" not in md and "RECOMMEND" not in md


def test_a_provisional_html_headline_is_grey_and_never_a_bare_recommend() -> None:
    report = _three()
    page = render_html(report)
    assert "<title>Three answers — Provisional: between Avoid and Recommend</title>" in page
    assert f"--verdict: {PROVISIONAL_COLOUR};" in page
    assert VERDICT_COLOURS[Verdict.RECOMMEND] not in page.split("<body>", 1)[0]
    text = _html_text(page)
    assert text.startswith(
        "Three answers Provisional: between Avoid and Recommend Not a verdict yet: too few "
        "questions are answered to decide."
    )
    lead = text.split("Answer these first:", 1)[1].split("Why", 1)[0]
    assert lead.strip().startswith(
        " ".join(report.answer_first)
    )  # an <ol>: numbers come from the list
    assert "RECOMMEND" not in text


def test_a_provisional_pdf_says_provisional_on_page_1_above_everything_else() -> None:
    report = _three()
    page1 = _pdf_pages(report)[0]
    assert page1.startswith("Three answers Provisional: between Avoid and Recommend")
    assert "Answer these first:" in page1
    for prompt in report.answer_first:
        assert prompt in page1
    assert "RECOMMEND" not in page1


def test_a_short_assessment_that_no_open_answer_can_change_is_final_in_every_format() -> None:
    report = build_report(DEFAULT, AUTONOMOUS)
    assert report.result.completeness.sections_short  # too little answered …
    assert report.result.verdict_range.best is report.result.verdict_range.worst
    assert report.status == "final"  # … but a gate decides whatever the rest is
    assert report.result.verdict is Verdict.AVOID
    assert report.result.decision.kind == "rule"
    md = _md_text(render_markdown(report))
    assert md.splitlines()[2].startswith("Verdict: AVOID")
    assert "Provisional" not in md and "between Avoid and Avoid" not in md
    assert report.result.decision.text in md
    assert "Verdict: AVOID" in _html_text(render_html(report))
    assert _pdf_pages(report)[0].startswith(f"{AUTONOMOUS.title} Verdict: AVOID")


def test_a_final_report_keeps_the_verdict_headline_in_its_colour() -> None:
    report = _invoice()
    assert report.status == "final"
    assert render_markdown(report).splitlines()[2].startswith("**Verdict: ADAPT** — ")
    assert f"--verdict: {VERDICT_COLOURS[Verdict.ADAPT]};" in render_html(report)
    assert _pdf_pages(report)[0].startswith(
        "Invoice field extraction for accounts payable Verdict: ADAPT"
    )


# --- Adapt with conditions: the invoice example -------------------------------------------

INVOICE_DECISION = "Adapt: adopt only once these conditions are met — Run the model on"
SELF_HOST = (
    "Run the model on infrastructure you control. Self-host an open-weight model, with "
    "serving capacity, security and on-call in place before launch: the data may not leave "
    "the company, or self-hosting is the plan."
)
SELF_HOST_BECAUSE = (
    "because: Where may this data be processed? — “Only on infrastructure we control — it "
    "may not leave the company”; Where would the model run? — “Self-hosted, on our own or "
    "rented infrastructure”"
)
EVALUATION_PLAN = (
    "An evaluation plan with a pass mark. Write an evaluation plan before the pilot: the "
    "metrics, a pass mark agreed with the business owner, and today's baseline to compare "
    "against."
)
EVALUATION_PLAN_BECAUSE = (
    "because: How will you decide whether the model is good enough? — “We will try it and see”"
)
FINE_TUNE = "Fine-tune a smaller model. Instructions alone are not enough here"


@cache
def _texts(name: str) -> dict[str, str]:
    """Each format's text as read, made once per report for every test that reads it."""
    report = {"invoice": _invoice, "credit": _credit, "credit_by_score": _credit_by_score}[name]()
    return {
        "md": _flat(_md_text(render_markdown(report))),
        "html": _html_text(render_html(report)),
        "pdf": " ".join(_pdf_pages(report)),
    }


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_adapt_lists_its_conditions_with_the_answers_that_raised_them(fmt: str) -> None:
    text = _texts("invoice")[fmt]
    decision = text.index(INVOICE_DECISION)
    heading = text.index("Conditions before adoption", decision)
    why = text.index("Why", heading)
    block = text[heading:why]
    for expected in (SELF_HOST, SELF_HOST_BECAUSE, EVALUATION_PLAN, EVALUATION_PLAN_BECAUSE):
        assert expected in block, (fmt, expected)
    assert FINE_TUNE in block
    assert "Fine-tune a smaller model. Fine-tune a smaller model" not in block
    for condition in _invoice().result.conditions:
        assert condition.id not in text  # never a raw id in front of a PM


def test_the_conditions_are_the_engines_conditions_in_order() -> None:
    report = _invoice()
    assert [c.id for c in report.conditions] == [c.id for c in report.result.conditions]
    assert [c.id for c in report.conditions] == [
        "keep_data_in_house",
        "operations_for_self_hosting",
        "evaluation_plan",
        "review_high_stakes",
        "adaptation_finetune_small",
    ]
    assert report.conditions_title == "Conditions before adoption"


# --- Avoid by rules: the credit-limit example ---------------------------------------------

CREDIT_RULES = [
    "No incremental benefit over today's process",
    "No autonomous high-stakes decisions",
    "Legally required explanations cannot come from the model",
]


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_every_rule_that_holds_is_named_with_what_it_did(fmt: str) -> None:
    text = _texts("credit")[fmt]
    block = text[text.index("Rules that hold") : text.index("Why", text.index("Rules that hold"))]
    for title in CREDIT_RULES:
        assert f"{title} — Capped the verdict at Avoid" in block, (fmt, title)
    assert (
        "because: What happens when the model gets one case wrong? — “Real harm — money lost, "
        "a wrong decision about a person, a safety issue”; Will a person check the model's "
        "output before it takes effect? — “No review”"
    ) in block
    assert "What would have to change" in text  # an Avoid's conditions


def test_the_credit_markdown_has_every_risk_note() -> None:
    report = _credit()
    md = _flat(_md_text(render_markdown(report)))
    risky = [c for c in report.result.contributions if c.risk]
    assert len(risky) >= 3
    notes = md[md.index("Risk notes") :]
    for c in risky:
        assert f"{c.prompt} — {c.answer}: {c.risk}" in notes


@cache
def _credit_by_score() -> Report:
    """The credit case under a policy whose Adapt line is above its score: Avoid by score
    alone, so every rule that holds also holds without capping anything."""
    data = yaml.safe_load((ROOT / "rubric" / "default.yaml").read_text())
    data["thresholds"] = {"recommend": 90, "adapt": 80}
    strict = Rubric.model_validate(data)
    return _example("credit_limit_decisions.yaml", strict)


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_rules_are_named_when_the_score_alone_already_avoids(fmt: str) -> None:
    report = _credit_by_score()
    assert report.result.score_verdict is Verdict.AVOID
    assert [r.binding for r in report.result.rules_applied] == [False, False, False]
    text = _texts("credit_by_score")[fmt]
    for title in CREDIT_RULES:
        assert f"{title} — Also holds (caps at Avoid; the score alone already gives Avoid)" in (
            text
        ), (fmt, title)
    assert "Capped the verdict" not in text
    assert "a hard rule caps it whatever the score" not in text
    assert "policy caps the verdict" not in text


def test_the_summary_starts_with_the_decision_and_claims_no_cap_that_did_not_bind() -> None:
    import json

    data = json.loads(render_json(_credit_by_score()))
    assert data["summary"].startswith(data["decision"]["text"])
    assert "caps it whatever the score" not in data["summary"]
    assert data["summary"].endswith(
        "No change of score alone would change the verdict: it stays Avoid while "
        + "; ".join(f"“{t}”" for t in CREDIT_RULES)
        + " hold."
    )


# --- one definition of "answered" ----------------------------------------------------------


def test_dont_know_is_open_in_the_headline_count() -> None:
    answers = THREE_FAVOURABLE.model_copy(
        update={"answers": {**THREE_FAVOURABLE.answers, "hosting": "unknown"}}
    )
    report = build_report(DEFAULT, answers)
    c = report.result.completeness
    assert (c.answered, c.unknown) == (3, 1)
    assert report.headline.score_line.endswith(
        f"3 of {c.shown} questions answered (1 marked “don't know”)"
    )
    assert f"{c.shown - 3} questions are still open." in report.why


def test_option_titles_beyond_the_basic_plane_draw_in_every_chart(tmp_path: Path) -> None:
    import yaml

    from advisor.cli import main

    data = yaml.safe_load((ROOT / "examples" / "support_triage_options.yaml").read_text())
    data["options"][0]["title"] = " ".join(["𝕕𝕠𝕦𝕓𝕝𝕖𝕤𝕥𝕣𝕦𝕔𝕜 🚀"] * 8)
    answers = tmp_path / "wide.yaml"
    answers.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["score", str(answers), "--format", "html", "-o", str(tmp_path / "r.html")]) == 0
    assert "𝕕𝕠𝕦𝕓𝕝𝕖𝕤𝕥𝕣𝕦𝕔𝕜" in (tmp_path / "r.html").read_text(encoding="utf-8")
