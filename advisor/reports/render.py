"""Render a :class:`Report` to JSON, Markdown, HTML and PDF — pure functions, no streamlit.

JSON is the report's data (:func:`report_data`, a documented contract). The other formats
lay out the report's document (:func:`advisor.reports.document.build_document`): one
function per block kind for Markdown, a loop over the blocks in the HTML and typst
templates. No sentence is written here or in the templates.

User-written text (titles, notes) is escaped for HTML by jinja2's autoescaping,
escaped for Markdown by :func:`_md`, and reaches typst only as JSON data, never
as markup (after :func:`pdf_text` has dropped bidi controls and made very long words
breakable; emoji are drawn with the bundled Noto Emoji font).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import json
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from importlib import resources
from typing import Any

from scoring.errors import ReportError

from .blocks import (
    Block,
    Callouts,
    Chart,
    ChartName,
    Columns,
    Document,
    ItemList,
    Paragraph,
    Section,
    Span,
    Table,
    VerdictBox,
)
from .charts import (
    FONT_DIR,
    chart_svg,
    cost_band_chart,
    cost_chart,
    drivers_chart,
    options_chart,
    section_chart,
    tornado_chart,
)
from .charts import (
    warm_up as warm_up_charts,
)
from .document import build_document
from .model import REPORT_FORMAT_VERSION, REPORT_KIND, Report

__all__ = [
    "FORMATS",
    "chart",
    "chart_key",
    "chart_spec",
    "chart_svgs",
    "clear_chart_cache",
    "pdf_text",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_pdf",
    "report_data",
]

FORMATS = ("json", "md", "html", "pdf")


def report_data(report: Report) -> dict[str, Any]:
    """The JSON document: stable keys, documented in README.md ("JSON report")."""
    r = report.result
    return {
        "kind": REPORT_KIND,
        "format_version": REPORT_FORMAT_VERSION,
        "title": report.title,
        "generated": report.generated,
        "status": r.status,
        "verdict": r.verdict.value,
        "verdict_meaning": report.verdict_meaning,
        "decision": r.decision.model_dump(mode="json"),
        "score": r.score,
        "score_verdict": r.score_verdict.value,
        "thresholds": report.thresholds,
        "summary": report.summary,
        "sections": [s.model_dump(mode="json") for s in r.sections],
        "contributions": [c.model_dump(mode="json") for c in r.contributions],
        "drivers": {
            "for": [c.question for c in r.drivers_for],
            "against": [c.question for c in r.drivers_against],
        },
        "rules_applied": [x.model_dump(mode="json") for x in r.rules_applied],
        "conditions": [x.model_dump(mode="json") for x in r.conditions],
        "completeness": r.completeness.model_dump(mode="json"),
        "verdict_range": r.verdict_range.model_dump(mode="json"),
        "next_steps": list(r.next_steps),
        "adaptation": r.adaptation.model_dump(mode="json"),
        "policy": r.policy.model_dump(mode="json"),
        "warnings": list(r.warnings),
        "sensitivity": report.sensitivity.model_dump(mode="json"),
        "what_would_change": report.what_would_change.model_dump(mode="json"),
        "resolve_first": [i.model_dump(mode="json") for i in report.resolve_first],
        "main_option": report.main_option,
        "options": report.options.model_dump(mode="json") if report.options else None,
        "costs": report.costs.model_dump(mode="json") if report.costs else None,
        "labour": report.labour.model_dump(mode="json") if report.labour else None,
        "rubric": r.policy.id,
        "answers": report.answers,
        "notes": report.notes,
        "input": report.input,
        "decisions": [d.model_dump(mode="json") for d in report.decisions],
        "history": [h.model_dump(mode="json") for h in report.history],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_data(report), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


# --- charts ---------------------------------------------------------------------------------


def chart(report: Report, name: ChartName) -> Any:
    """The altair chart a document's :class:`~advisor.reports.blocks.Chart` block names."""
    if name == "sections":
        return section_chart(report.result, report.thresholds)
    if name == "drivers":
        return drivers_chart(report.result)
    if name == "tornado":
        return tornado_chart(report.sensitivity)
    if name == "options" and report.options is not None:
        return options_chart(report.options)
    if name == "costs" and report.costs is not None:
        return cost_chart(report.costs)
    if name == "cost_bands" and report.costs is not None:
        return cost_band_chart(report.costs)
    raise ReportError(f"the report has no figures for the {name} chart")


def chart_key(report: Report, name: ChartName) -> str:
    """A digest of everything the chart is drawn from: equal keys, equal charts."""
    if name in ("sections", "drivers"):
        source = report.result.model_dump_json() + json.dumps(report.thresholds, sort_keys=True)
    elif name == "tornado":
        source = report.sensitivity.model_dump_json()
    elif name == "options":
        source = report.options.model_dump_json() if report.options else ""
    else:
        source = report.costs.model_dump_json() if report.costs else ""
    return hashlib.blake2b(f"{name}\n{source}".encode(), digest_size=16).hexdigest()


class _Kept:
    """The last ``size`` values made, by key (thread-safe: downloads run on server threads)."""

    def __init__(self, size: int) -> None:
        self._values: OrderedDict[str, Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()  # outside the lock: two threads may both make it, never wait long
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


# Building an altair chart and its spec costs 20-100 ms a chart, drawing it with vl-convert
# 40-100 ms. The Report page shows the specs and the downloads then draw them; a report is
# often exported twice (HTML then PDF). So specs and SVGs are kept by what they are drawn
# from (chart_key), and a warm PDF only runs typst.
_SPECS = _Kept(64)
_SVGS = _Kept(64)


def chart_spec(report: Report, name: ChartName) -> dict[str, Any]:
    """A chart's Vega-Lite spec (not validated against the schema here: ~35 ms a chart;
    the tests validate the specs). Kept, so treat it as read-only."""
    spec: dict[str, Any] = _SPECS.get(
        chart_key(report, name), lambda: chart(report, name).to_dict(validate=False)
    )
    return spec


def clear_chart_cache(*, keep_specs: bool = False) -> None:
    """Forget the kept chart SVGs, and the specs unless ``keep_specs`` (benchmarks draw
    every chart again with it)."""
    if not keep_specs:
        _SPECS.clear()
    _SVGS.clear()


def chart_svgs(report: Report, document: Document) -> dict[str, str]:
    """The SVG of every chart the document places, by chart name."""
    out: dict[str, str] = {}
    for name in document.charts():
        out[name] = _SVGS.get(chart_key(report, name), functools.partial(_draw, report, name))
    return out


def _draw(report: Report, name: ChartName) -> str:
    return chart_svg(chart_spec(report, name))


# --- Markdown -------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]<>()#+!|~"} | {"\n": " ", "\r": " "})


def _md(text: str) -> str:
    """Escape text so Markdown shows it literally (and renders no HTML from it)."""
    return text.translate(_MD_SPECIAL).replace("&", "&amp;")


def _md_spans(spans: list[Span]) -> str:
    out = []
    for span in spans:
        if span.style == "strong" and span.text:
            out.append(f"**{_md(span.text)}**")
        elif span.style in ("code", "digest") and span.text and "`" not in span.text:
            out.append(f"`{span.text}`")
        else:
            out.append(_md(span.text))
    return "".join(out)


def _md_verdict(box: VerdictBox, depth: int) -> list[str]:
    if box.status == "provisional":
        out = [f"**{_md(box.text)}**  ", f"{_md(box.meaning)}  "]
    else:
        out = [f"**{_md(box.text)}** — {_md(box.meaning)}  "]
    out += [_md(box.score_line), ""]
    if box.range:
        out += [_md_spans(box.range), ""]
    if box.answer_first:
        out += [f"**{_md(box.answer_first_title)}**", ""]
        out += [f"{i}. {_md(prompt)}" for i, prompt in enumerate(box.answer_first, 1)]
        out.append("")
    return out


def _md_section(section: Section, depth: int) -> list[str]:
    out = [f"{'#' * (depth + 1)} {_md(section.title)}", ""]
    for block in section.blocks:
        out += _md_block(block, depth + 1)
    return out


def _md_columns(columns: Columns, depth: int) -> list[str]:
    return [line for section in columns.sections for line in _md_section(section, depth)]


def _md_paragraph(paragraph: Paragraph, depth: int) -> list[str]:
    return [_md_spans(paragraph.text), ""]


def _md_list(items: ItemList, depth: int) -> list[str]:
    out = []
    for i, item in enumerate(items.items, 1):
        line = f"{f'{i}.' if items.ordered else '-'} {_md_spans(item.text)}"
        out += [f"{line}  ", f"  {_md(item.detail)}"] if item.detail else [line]
    return [*out, ""]


def _md_callouts(callouts: Callouts, depth: int) -> list[str]:
    out = []
    for item in callouts.items:
        line = f"- {_md_spans(item.text)} {_md(item.body)}"
        out += [f"{line}  ", f"  {_md(item.detail)}"] if item.detail else [line]
    return [*out, ""]


def _md_table(table: Table, depth: int) -> list[str]:
    out = [
        "| " + " | ".join(_md(c.label) for c in table.columns) + " |",
        "|" + "|".join("---:" if c.numeric else "---" for c in table.columns) + "|",
    ]
    out += ["| " + " | ".join(_md_spans(cell) for cell in row) + " |" for row in table.rows]
    return [*out, ""]


def _md_chart(chart_block: Chart, depth: int) -> list[str]:
    return []  # Markdown carries no pictures; the tables and sentences say the same


_MD_BLOCKS: dict[str, Callable[[Any, int], list[str]]] = {
    "verdict": _md_verdict,
    "section": _md_section,
    "columns": _md_columns,
    "paragraph": _md_paragraph,
    "list": _md_list,
    "callouts": _md_callouts,
    "table": _md_table,
    "chart": _md_chart,
}


def _md_block(block: Block, depth: int) -> list[str]:
    return _MD_BLOCKS[block.kind](block, depth)


def render_markdown(report: Report, document: Document | None = None) -> str:
    """The document as Markdown; every text escaped, so nothing a person wrote is markup."""
    doc = document or build_document(report)
    out = [f"# {_md(doc.title)}", ""]
    for block in doc.blocks():
        out += _md_block(block, 1)
    out += ["---", "", f"*{_md(doc.footer)}*", ""]
    return "\n".join(out)


# --- HTML -----------------------------------------------------------------------------------


@functools.cache
def _jinja_env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("advisor.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report, document: Document | None = None) -> str:
    """A self-contained page: inline CSS, inline SVG charts, A4 print styles, no network."""
    import markupsafe

    doc = document or build_document(report)
    charts = {k: markupsafe.Markup(v) for k, v in chart_svgs(report, doc).items()}
    template = _jinja_env().get_template("report.html.j2")
    return str(template.render(doc=doc, charts=charts))


# --- PDF ------------------------------------------------------------------------------------


_TYPST_LOCK = threading.Lock()

# Explicit bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). One
# left open in a title would reverse the rest of its paragraph (the page footer), so they are
# dropped; the implicit bidi algorithm still orders right-to-left scripts correctly.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# typst breaks lines only at spaces and the like: a longer run of other characters would run
# past the page edge or its table cell. Runs this long get a zero-width break opportunity
# every _BREAK_EVERY characters; ordinary words are left alone.
_LONG_RUN = re.compile(r"[^\s\u200b]{25,}")
_BREAK_EVERY = 6
_ZWSP = "\u200b"
# JSON keys whose strings are not prose: SVG markup, a colour, the names the template
# dispatches on.
_NOT_PROSE = frozenset({"charts", "colour", "kind", "style", "name", "id", "status"})


def _joins_previous(previous: str, char: str) -> bool:
    """True where a break between ``previous`` and ``char`` would split what is drawn as one
    character: combining marks, emoji sequences (ZWJ, variation selectors, skin tones, tags,
    flags) and Hangul syllables written as jamo."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or previous == "\u200d"
        or code in (0x200C, 0x200D)
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0000 <= code <= 0xE01EF  # tags and variation selectors supplement
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or (0x1F1E6 <= code <= 0x1F1FF and 0x1F1E6 <= ord(previous) <= 0x1F1FF)
        or 0x1160 <= code <= 0x11FF  # Hangul vowel and final jamo
        or 0xD7B0 <= code <= 0xD7FF
    )


def _breakable(match: re.Match[str]) -> str:
    run = match.group()
    out = [run[0]]
    since_break = 1
    for previous, char in itertools.pairwise(run):
        if since_break >= _BREAK_EVERY and not _joins_previous(previous, char):
            out.append(_ZWSP)
            since_break = 0
        out.append(char)
        since_break += 1
    return "".join(out)


def pdf_text(text: str) -> str:
    """Text as the PDF sets it: bidi controls dropped, very long words made breakable."""
    return _LONG_RUN.sub(_breakable, text.translate(_BIDI_CONTROLS))


def _pdf_safe(value: Any) -> Any:
    """Every string of the document through :func:`pdf_text`, except the non-prose keys and
    digests (a checksum is copied from the PDF, so it is kept whole)."""
    if isinstance(value, str):
        return pdf_text(value)
    if isinstance(value, dict):
        if value.get("style") == "digest":
            return value
        return {k: v if k in _NOT_PROSE else _pdf_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pdf_safe(v) for v in value]
    return value


@functools.cache
def _typst() -> tuple[Any, bytes]:
    """One compiler for the process: it loads the bundled fonts once (35 ms -> 6 ms a PDF).
    System fonts are ignored so the PDF is the same on every OS."""
    import typst

    compiler = typst.Compiler(font_paths=[str(FONT_DIR)], ignore_system_fonts=True)
    source = (resources.files("advisor.reports") / "templates" / "report.typ").read_bytes()
    return compiler, source


def warm_up() -> None:
    """Load the PDF compiler with its fonts and start the chart renderer's engine, so the
    first export of a process takes as long as any other (the app calls this on a
    background thread once a Report is on screen)."""
    _typst()
    warm_up_charts()


def render_pdf(report: Report, document: Document | None = None) -> bytes:
    """A PDF made by typst from the bundled template; the document goes in as JSON data,
    never as markup."""
    doc = document or build_document(report)
    data = _pdf_safe({"doc": doc.model_dump(mode="json"), "charts": chart_svgs(report, doc)})
    compiler, source = _typst()
    try:
        with _TYPST_LOCK:
            pdf: Any = compiler.compile(
                input=source,
                # The report date, not the clock: the same report gives the same bytes.
                timestamp=int(
                    dt.datetime.combine(
                        dt.date.fromisoformat(report.generated), dt.time(), dt.UTC
                    ).timestamp()
                ),
                sys_inputs={"report": json.dumps(data, ensure_ascii=False)},
                pdf_tags=False,
            )
    except Exception as exc:  # typst raises its own error types; keep them in our family
        raise ReportError(f"the PDF could not be made: {exc}") from exc
    assert isinstance(pdf, bytes)
    return pdf


def render(report: Report, fmt: str) -> bytes:
    """Render to ``fmt`` (one of :data:`FORMATS`) as bytes ready to write or download."""
    if fmt == "pdf":
        return render_pdf(report)
    renderers = {"json": render_json, "md": render_markdown, "html": render_html}
    if fmt not in renderers:
        raise ReportError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    return renderers[fmt](report).encode("utf-8")
