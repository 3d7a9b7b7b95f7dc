"""Every example's report, in every human format: page 1 of the PDF is the memo, and no
format shows a rubric id (an option id with an underscore, a hard rule's id), a Python
value or the policy's full checksum."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from advisor.reports.model import Report, build_report
from advisor.reports.render import render_html, render_markdown, render_pdf
from scoring import Rubric, load_answers, load_rubric

from .conftest import ROOT

DEFAULT = load_rubric(ROOT / "rubric" / "default.yaml")
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@functools.cache
def _report(path: Path) -> Report:
    return build_report(DEFAULT, load_answers(path, DEFAULT))


@functools.cache
def _pdf_pages(path: Path) -> tuple[str, ...]:
    pdf = render_pdf(_report(path))
    return tuple(
        " ".join(page.extract_text().replace("\u200b", "").split())
        for page in PdfReader(io.BytesIO(pdf)).pages
    )


def _html_text(html: str) -> str:
    body = html.split("<body>", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def _ids(rubric: Rubric) -> set[str]:
    """The ids a person must never read: option ids with an underscore (ids that are plain
    English words, "none" or "yes", cannot be told from the words around them) and hard
    rule ids."""
    ids = {rule.id for rule in rubric.hard_rules}
    for question in rubric.questions:
        ids |= {o.id for o in getattr(question, "options", [])}
    return {i for i in ids if "_" in i}


def _without_labels(text: str) -> str:
    for question in DEFAULT.questions:
        for option in getattr(question, "options", []):
            text = text.replace(option.label, "")
    return text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_page_1_of_the_pdf_is_the_memo(path: Path) -> None:
    report = _report(path)
    page1 = _pdf_pages(path)[0]
    assert page1.startswith(f"{report.title} {report.headline.text}")
    owner, author = report.owner or "not named", report.author or "not named"
    assert f"Decision owner: {owner} · Prepared by: {author}" in page1
    assert f"Date: {report.generated}" in page1
    assert " ".join(report.decision.split()) in page1
    assert "The strongest reasons" in page1 and "Next steps" in page1
    for condition in report.conditions:
        assert condition.title in page1
    if report.costs is not None:
        assert "Cost:" in page1
    if report.labour is not None:
        assert "Labour:" in page1
    for step in report.result.next_steps:
        assert " ".join(step.split()) in page1  # the whole memo fits on the page
    # the analysis starts on page 2; the checksum is never on the memo
    assert "Adaptation advice" not in page1 and "Why" not in page1.split()
    assert report.result.policy.sha256 not in page1
    assert "Adaptation advice" in _pdf_pages(path)[1] or "Why" in _pdf_pages(path)[1]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_format_a_person_reads_shows_an_id_or_a_python_value(path: Path) -> None:
    report = _report(path)
    texts = {
        "markdown": render_markdown(report).replace("\\_", "_"),
        "html": _html_text(render_html(report)),
        "pdf": " ".join(_pdf_pages(path)),
    }
    ids = _ids(DEFAULT)
    for name, text in texts.items():
        tokens = set(re.findall(r"[A-Za-z0-9_]+", text))
        assert tokens & ids == set(), name
        # the rubric's own labels may say "None yet"; a Python value is whatever is left
        assert not re.search(r"\b(None|True|False)\b", _without_labels(text)), name
        assert report.result.policy.sha256 not in text, name
        for leak in ("(don't know)", "(not answered)", "ignored: question hidden"):
            assert leak not in text, (name, leak)
        assert not re.search(r"\d{5,}", text.replace(report.result.policy.sha256[:8], "")), name
