"""Exports: escaping, non-ASCII in the PDF, JSON keys, chart specs."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from advisor.reports.charts import drivers_chart, section_chart
from advisor.reports.model import build_report
from advisor.reports.render import render, render_html, render_json, render_markdown, render_pdf
from scoring import Answers, Rubric, load_answers

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
