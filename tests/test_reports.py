"""Exports: the report document every format lays out, escaping, non-ASCII in the PDF, JSON
keys, chart specs, golden Markdown."""

from __future__ import annotations

import ast
import html
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from advisor.reports.blocks import Chart, Document, Paragraph, Section, Span, Table
from advisor.reports.charts import (
    PLAUSIBLE_CHANGE,
    cost_chart,
    drivers_chart,
    plausible_levers,
    section_chart,
    tornado_chart,
)
from advisor.reports.document import build_document
from advisor.reports.model import Report, build_report
from advisor.reports.render import (
    chart_key,
    chart_svgs,
    render,
    render_html,
    render_json,
    render_markdown,
    render_pdf,
)
from scoring import Answers, Rubric, load_answers

from .conftest import DATA, ROOT, regenerate

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
GOLDEN = DATA / "reports"

SCRIPT = "<script>alert('x')</script>"
NON_ASCII = "Café Zürich: 5 € ≥ 3 – done"


def _hostile(rubric: Rubric) -> Answers:
    answers = load_answers("examples/sales_call_summaries.yaml", rubric)
    return answers.model_copy(
        update={
            "title": f"Pilot {SCRIPT} {NON_ASCII}",
            "notes": {**answers.notes, "modality": f"note {SCRIPT} #set text(red) *bold* é"},
        }
    )


def test_html_escapes_script_in_title_and_note(default_rubric: Rubric) -> None:
    html = render_html(build_report(default_rubric, _hostile(default_rubric)))
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert html.count("&lt;script&gt;") == 3  # <title>, <h1> and the note
    assert NON_ASCII in html


def test_html_is_self_contained(default_rubric: Rubric) -> None:
    html = render_html(build_report(default_rubric, _hostile(default_rubric)))
    assert "<svg" in html and "@page { size: A4" in html
    for external in ("http://", "https://", "<link", "<script src"):
        lines = [ln for ln in html.splitlines() if external in ln and "xmlns" not in ln]
        assert lines == [], lines


def test_markdown_escapes_markup(default_rubric: Rubric) -> None:
    md = render_markdown(build_report(default_rubric, _hostile(default_rubric)))
    assert SCRIPT not in md
    assert r"\<script\>" in md
    assert r"\*bold\*" in md
    assert "**Verdict: RECOMMEND**" in md


def test_pdf_text_has_title_verdict_and_non_ascii(default_rubric: Rubric) -> None:
    pdf = render_pdf(build_report(default_rubric, _hostile(default_rubric)))
    assert pdf.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Verdict: RECOMMEND" in flat
    assert NON_ASCII in flat
    flat = flat.replace("\u200b", "")  # the zero-width breaks set in long runs are invisible
    assert f"Pilot {SCRIPT}" in flat  # shown literally, not interpreted
    assert "#set text(red) *bold* é" in flat


def test_json_has_the_documented_keys(default_rubric: Rubric) -> None:
    data = json.loads(render_json(build_report(default_rubric, _hostile(default_rubric))))
    for key in (
        "verdict",
        "score",
        "sections",
        "contributions",
        "rules_applied",
        "completeness",
        "verdict_range",
        "next_steps",
        "adaptation",
        "policy",
        "title",
        "answers",
    ):
        assert key in data, key
    assert data["verdict"] in {"recommend", "adapt", "avoid"}
    assert set(data["policy"]) >= {"id", "version", "sha256"}
    assert len(data["policy"]["sha256"]) == 64


def test_render_dispatches_every_format(default_rubric: Rubric) -> None:
    report = build_report(default_rubric, _hostile(default_rubric))
    assert render(report, "pdf").startswith(b"%PDF")
    assert render(report, "json").startswith(b"{")
    assert render(report, "md").startswith(b"# ")
    assert render(report, "html").startswith(b"<!DOCTYPE html>")


def test_section_chart_spec_has_one_bar_per_answered_section(default_rubric: Rubric) -> None:
    report = build_report(default_rubric, _hostile(default_rubric))
    spec = section_chart(report.result, report.thresholds).to_dict()
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "bar"
    titles = [row["factor"] for row in bars["data"]["values"]]
    assert titles == [s.title for s in report.result.sections if s.score is not None]
    rules = spec["layer"][2]["data"]["values"]
    assert [r["at"] for r in rules] == [65.0, 50.0]
    assert spec["config"]["font"] == "DejaVu Sans"


def test_drivers_chart_spec_shows_drivers_with_signs(default_rubric: Rubric) -> None:
    report = build_report(
        default_rubric, load_answers("examples/invoice_extraction.yaml", default_rubric)
    )
    spec = drivers_chart(report.result).to_dict()
    values = spec["layer"][0]["data"]["values"]
    expected = len(report.result.drivers_for) + len(report.result.drivers_against)
    assert len(values) == expected
    assert {v["direction"] for v in values} == {"For adoption", "Against adoption"}
    assert all((v["points"] > 0) == (v["direction"] == "For adoption") for v in values)


def test_pdf_is_byte_identical_for_the_same_report(default_rubric: Rubric) -> None:
    report = build_report(default_rubric, _hostile(default_rubric))
    assert render_pdf(report) == render_pdf(report.model_copy(deep=True))


# --- the report document -------------------------------------------------------------------


def _example(rubric: Rubric, name: str) -> Report:
    return build_report(rubric, load_answers(ROOT / "examples" / name, rubric))


def _top_ids(blocks: list[object]) -> list[str]:
    return [getattr(b, "id", "") for b in blocks]


def test_the_memo_a_decision_meeting_reads_comes_first(default_rubric: Rubric) -> None:
    doc = build_document(_example(default_rubric, "credit_limit_decisions.yaml"))
    assert _top_ids(doc.memo) == [
        "verdict",
        "memo_meta",
        "decision",
        "conditions",
        "rules",
        "reasons",
        "risks",
        "next_steps",
    ]
    assert _top_ids(doc.analysis) == [
        "conditions_detail",
        "rules_detail",
        "why",
        "drivers",
        "adaptation",
        "sensitivity",
        "what_would_change",
        "resolve_first",
        "sections_chart",
        "drivers_chart",
    ]
    assert _top_ids(doc.appendix) == ["scores", "policy", "answers"]
    conditions = doc.find("conditions")
    assert isinstance(conditions, Section) and conditions.title == "What would have to change"


def test_options_costs_and_labour_are_analysis_with_their_charts(default_rubric: Rubric) -> None:
    doc = build_document(_example(default_rubric, "support_triage_options.yaml"))
    ids = _top_ids(doc.analysis)
    assert ids.index("resolve_first") < ids.index("options") < ids.index("costs")
    assert ids.index("costs") < ids.index("labour") < ids.index("suggestions")
    assert doc.charts() == ["tornado", "options", "costs", "sections", "drivers"]
    costs = doc.find("costs")
    assert isinstance(costs, Section)
    table = next(b for b in costs.blocks if isinstance(b, Table))
    assert [c.label for c in table.columns] == [
        "Option",
        "One-time",
        "Monthly",
        "Review h/week",
        "Break-even",
        "Saving over the horizon",
    ]
    assert [[_plain(cell) for cell in row][4] for row in table.rows] == ["month 2", "month 4"]


def _plain(spans: list[Span]) -> str:
    return "".join(s.text for s in spans)


def _sections(doc: Document) -> list[Section]:
    return [b for b in doc.walk() if isinstance(b, Section)]


def _md_read(markdown: str) -> str:
    """Markdown as read: escapes and emphasis markers taken out, whitespace collapsed."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("**", "").replace("&amp;", "&")
    return " ".join(text.split())


def _html_read(page: str) -> str:
    body = re.sub(r"<svg.*?</svg>", " ", page.split("<body>", 1)[1], flags=re.S)
    body = re.sub(r"</?(strong|span|code)\b[^>]*>", "", body)  # inline: no break in the text
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_markdown_and_html_lay_out_every_text_of_the_document(
    default_rubric: Rubric, example: Path
) -> None:
    report = _example(default_rubric, example.name)
    doc = build_document(report)
    md, page = _md_read(render_markdown(report)), _html_read(render_html(report))
    texts = [s.title for s in _sections(doc)]
    texts += [_plain(b.text) for b in doc.walk() if isinstance(b, Paragraph)]
    for block in doc.walk():
        if isinstance(block, Table):
            texts += [c.label for c in block.columns]
            texts += [" ".join(_plain(cell) for cell in row).strip() for row in block.rows]

    def cells_joined(text: str) -> str:  # table cells as one run of words; code unmarked
        return " ".join(text.replace("|", " ").replace("`", "").split())

    for text in texts:
        assert " ".join(text.split()) in page, text
        assert cells_joined(text) in cells_joined(md), text


def test_every_format_takes_the_same_prebuilt_document(default_rubric: Rubric) -> None:
    report = _example(default_rubric, "invoice_extraction.yaml")
    doc = build_document(report)
    assert render_markdown(report, doc) == render_markdown(report)
    assert render_html(report, doc) == render_html(report)
    assert render_pdf(report, doc) == render_pdf(report)


# The report's words live in advisor/reports/document.py. Chart pictures carry their own
# titles and legends (advisor/reports/charts.py), which the document reuses as labels.
_LAYOUT_ONLY = [
    ROOT / "advisor" / "reports" / "render.py",
    ROOT / "advisor" / "reports" / "model.py",
    ROOT / "advisor" / "reports" / "blocks.py",
    ROOT / "advisor" / "reports" / "templates" / "report.html.j2",
    ROOT / "advisor" / "reports" / "templates" / "report.typ",
    ROOT / "ui" / "report.py",
]


def _prose_literals(path: Path) -> set[str]:
    """String constants of three words or more, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        ast.get_docstring(node, clean=False)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
    }
    return {
        node.value.strip()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value not in docstrings
        and re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", node.value)
    }


def test_report_sentences_live_in_one_module() -> None:
    sentences = _prose_literals(ROOT / "advisor" / "reports" / "document.py")
    assert len(sentences) > 40  # the check reads real sentences, not an empty set
    assert "Rules that hold" in sentences and "Answer these first:" in sentences
    for path in _LAYOUT_ONLY:
        text = path.read_text(encoding="utf-8")
        repeated = sorted(s for s in sentences if s in text)
        assert repeated == [], (path.name, repeated)


def test_the_templates_hold_no_words_of_the_report(default_rubric: Rubric) -> None:
    doc = build_document(_example(default_rubric, "support_triage_options.yaml"))
    labels = {s.title for s in _sections(doc)} | {
        c.label for b in doc.walk() if isinstance(b, Table) for c in b.columns
    }
    labels |= {b.label for b in doc.walk() if isinstance(b, Chart)}
    labels |= {doc.page_label, "Answer these first:", "Up:", "Down:", "None", "(preferred)"}
    for template in _LAYOUT_ONLY[3:5]:
        text = template.read_text(encoding="utf-8")
        assert [label for label in sorted(labels) if label in text] == [], template.name


def test_a_kept_chart_is_drawn_again_only_when_its_figures_change(
    default_rubric: Rubric,
) -> None:
    report = _example(default_rubric, "support_triage_options.yaml")
    retitled = build_report(
        default_rubric,
        load_answers(ROOT / "examples" / "support_triage_options.yaml", default_rubric).model_copy(
            update={"title": "Another title"}
        ),
    )
    assert report.costs is not None
    cheaper = report.model_copy(
        update={
            "costs": report.costs.model_copy(
                update={"current_monthly": report.costs.current_monthly / 2}
            )
        }
    )
    for name in ("sections", "drivers", "tornado", "options", "costs"):
        assert chart_key(report, name) == chart_key(retitled, name)  # charts show no title
    assert chart_key(report, "costs") != chart_key(cheaper, "costs")
    assert chart_key(report, "tornado") == chart_key(cheaper, "tornado")
    doc = build_document(report)
    assert chart_svgs(report, doc) == chart_svgs(retitled, build_document(retitled))


# --- golden Markdown: the text people read, snapshot per example ---------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_markdown_matches_its_golden_file(default_rubric: Rubric, example: Path) -> None:
    markdown = render_markdown(_example(default_rubric, example.name))
    golden = GOLDEN / f"{example.stem}.md"
    if regenerate():
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(markdown, encoding="utf-8")
    assert markdown == golden.read_text(encoding="utf-8")


# --- charts that answer a question ----------------------------------------------------------


def test_the_sensitivity_chart_shows_only_levers_that_flip_within_a_plausible_change(
    default_rubric: Rubric,
) -> None:
    report = _example(default_rubric, "code_review_comments.yaml")
    levers = plausible_levers(report.sensitivity)
    assert [lever.label for lever in levers] == ["Recommend threshold"]  # +16 %, nothing else
    spec = tornado_chart(report.sensitivity).to_dict()
    values = spec["layer"][0]["data"]["values"]
    assert [v["label"] for v in values] == ["Recommend threshold, raised"]
    assert all(abs(v["change"]) <= PLAUSIBLE_CHANGE for v in values)  # no bar is clipped
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [-50, 50]
    assert "flips the verdict" in spec["layer"][0]["encoding"]["x"]["title"]
    doc = build_document(report)
    assert "tornado" in doc.charts()


def test_no_sensitivity_chart_when_no_lever_can_flip_the_verdict(default_rubric: Rubric) -> None:
    report = _example(default_rubric, "credit_limit_decisions.yaml")
    assert plausible_levers(report.sensitivity) == []
    doc = build_document(report)
    assert "tornado" not in doc.charts()
    section = doc.find("sensitivity")
    assert isinstance(section, Section)
    said = " ".join(s.text for b in section.blocks if isinstance(b, Paragraph) for s in b.text)
    assert "No weight or threshold of the policy flips the verdict" in said


def test_chart_labels_are_whole_and_break_even_is_marked_without_labels_on_the_lines(
    default_rubric: Rubric,
) -> None:
    report = _example(default_rubric, "support_triage_options.yaml")
    drivers = drivers_chart(report.result).to_dict()
    for row in drivers["layer"][0]["data"]["values"]:
        assert "…" not in row["answer"]
        assert row["answer"].replace("\n", " ") == row["question"]  # wrapped, never cut
    assert report.costs is not None
    costs = cost_chart(report.costs).to_dict()
    series = {r["series"] for r in costs["layer"][0]["data"]["values"]}
    assert {o.title for o in report.costs.options if not o.baseline} <= series
    # Break-even is a dot per option with the month in its tooltip; the month is in the cost
    # table beside the chart (text drawn on the chart ran over the lines).
    assert not [layer for layer in costs["layer"] if layer["mark"]["type"] == "text"]
    dots = next(layer for layer in costs["layer"] if layer["mark"]["type"] == "point")
    assert [d["month"] for d in dots["data"]["values"]] == [
        o.break_even_month for o in report.costs.options if o.break_even_month is not None
    ]
    assert costs["layer"][0]["encoding"]["color"]["legend"]["direction"] == "vertical"
