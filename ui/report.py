"""Report: the report's document laid out as a page, with its charts and the four downloads.

Every sentence comes from :func:`advisor.reports.document.build_document`, the same
document the exports lay out; this page only chooses Streamlit elements for its blocks.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from typing import Any

import streamlit as st

from advisor.reports.blocks import (
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
from advisor.reports.document import build_document
from advisor.reports.model import DecisionEntry, Report, RevisionEntry, build_report
from advisor.reports.render import chart_key, chart_spec
from scoring import Answers, Problem
from scoring.catalogue import PriceCatalogue
from ui import prices, state
from ui.common import page_script, plain, quantity, run_page, verdict_badge

_FORMATS = (
    ("pdf", "PDF", "application/pdf"),
    ("html", "HTML", "text/html"),
    ("md", "Markdown", "text/markdown"),
    ("json", "JSON", "application/json"),
)


#: The cost chart's height on the page in px: its 220 px plot, the title and the legend.
_COST_CHART_HEIGHT = 380


def _builder(report: Report, fmt: str) -> Callable[[], bytes]:
    def build() -> bytes:
        # This runs on a server thread while the page's own run may still be importing
        # pandas (for its tables); altair takes a half-imported pandas from sys.modules and
        # fails ("partially initialized module 'pandas'"). Importing it here waits for the
        # import in progress to finish.
        import pandas  # type: ignore[import-untyped]  # noqa: F401

        from advisor.reports.render import render  # imported on the first download only

        return render(report, fmt)

    return build


_WARMED = threading.Event()


def _warm_exports() -> None:
    """Once per server process, after the first Report is shown: load the PDF compiler and
    the chart renderer on a background thread, so the first PDF takes as long as any other
    (about a second less) and the page itself never waits for them."""
    if _WARMED.is_set():
        return
    _WARMED.set()

    def warm() -> None:
        import pandas  # noqa: F401  # see _builder: never half-imported under altair

        from advisor.reports.render import warm_up

        warm_up()

    threading.Thread(target=warm, name="warm-exports", daemon=True).start()


def _file_stem(title: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()
    return stem[:60] or "assessment"


def _downloads(report: Report) -> None:
    columns = st.columns(len(_FORMATS))
    for column, (fmt, label, mime) in zip(columns, _FORMATS, strict=True):
        column.download_button(
            label,
            data=_builder(report, fmt),
            file_name=f"{_file_stem(report.title)}.{fmt}",
            mime=mime,
            key=f"download_{fmt}",
            # The file is made when asked for; a rerun of the page would only add its
            # second or so before the download starts.
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )


@st.cache_data(max_entries=32, show_spinner=False)
def _report(
    _rubric: Any, answers_json: str, policy_sha: str, _catalogue: PriceCatalogue, prices_sha: str
) -> Report:
    """The report for these answers under this policy, priced from this catalogue (the
    rubric and the catalogue are identified by SHA-256s, so neither is hashed on every
    rerun; the catalogue's is the company file's, name and text, or "" for none)."""
    del policy_sha, prices_sha
    return build_report(_rubric, Answers.model_validate_json(answers_json), catalogue=_catalogue)


def _prices_sha() -> str:
    """What tells the active price catalogues apart: the company file's name and text."""
    company = prices.company_file()
    if company is None:
        return ""
    return hashlib.sha256(f"{company.file}\0{company.text}".encode()).hexdigest()


@st.cache_data(max_entries=64, show_spinner=False)
def _chart_spec(name: ChartName, key: str, _report: Report) -> dict[str, Any]:
    """A chart's Vega-Lite spec, by what it is drawn from (``key``); a copy for this session
    of the spec the exports keep, so a download after the page only draws it."""
    del key
    return chart_spec(_report, name)


# --- one function per block kind -------------------------------------------------------------


def _spans(spans: list[Span]) -> str:
    out = []
    for span in spans:
        if span.style == "strong" and span.text:
            out.append(f"**{plain(span.text)}**")
        elif span.style == "muted" and span.text:
            out.append(f"_{plain(span.text)}_")
        else:
            out.append(plain(span.text))
    return "".join(out)


def _text(spans: list[Span]) -> str:
    """Spans as plain text, for a table cell (shown literally, not as Markdown)."""
    return "".join(span.text for span in spans)


def _verdict(box: VerdictBox, report: Report, depth: int) -> None:
    verdict_badge(report.result)  # box.text and box.score_line, in the box's colour
    st.markdown(plain(box.meaning))
    if box.range:
        st.markdown(_spans(box.range))
    if box.answer_first:
        st.markdown(
            f"**{plain(box.answer_first_title)}**\n"
            + "\n".join(f"{i}. {plain(p)}" for i, p in enumerate(box.answer_first, 1))
        )


def _section(section: Section, report: Report, depth: int) -> None:
    if depth == 1:
        st.subheader(plain(section.title), anchor=section.id)
    else:
        st.markdown(f"**{plain(section.title)}**")
    for block in section.blocks:
        _block(block, report, depth + 1)


def _columns(columns: Columns, report: Report, depth: int) -> None:
    for column, section in zip(st.columns(len(columns.sections)), columns.sections, strict=True):
        with column:
            _section(section, report, depth)


def _paragraph(paragraph: Paragraph, report: Report, depth: int) -> None:
    st.markdown(_spans(paragraph.text))


def _list(items: ItemList, report: Report, depth: int) -> None:
    lines = []
    for i, item in enumerate(items.items, 1):
        line = f"{f'{i}.' if items.ordered else '-'} {_spans(item.text)}"
        if item.detail:
            line += f"  \n  _{plain(item.detail)}_"
        lines.append(line)
    st.markdown("\n".join(lines))


def _callouts(callouts: Callouts, report: Report, depth: int) -> None:
    for item in callouts.items:
        text = f"{_spans(item.text)}  \n{plain(item.body)}"
        if item.detail:
            text += f"  \n_{plain(item.detail)}_"
        if item.strong:
            st.error(text, icon=":material/lock:")
        else:
            st.info(text)


def _table(table: Table, report: Report, depth: int) -> None:
    st.dataframe(
        [
            {c.label: _text(cell) for c, cell in zip(table.columns, row, strict=True)}
            for row in table.rows
        ],
        hide_index=True,
    )


def _chart(block: Chart, report: Report, depth: int) -> None:
    # theme=None: the same look as in the HTML and PDF exports.
    spec = _chart_spec(block.name, chart_key(report, block.name), report)
    if block.name in ("costs", "cost_bands"):
        # A fixed plot height is otherwise the whole element's height here: the title and
        # the legend would be squeezed out of it. Room for both, as in the exports.
        st.vega_lite_chart(spec, theme=None, height=_COST_CHART_HEIGHT)
    else:
        st.vega_lite_chart(spec, theme=None)


_BLOCKS: dict[str, Callable[[Any, Report, int], None]] = {
    "verdict": _verdict,
    "section": _section,
    "columns": _columns,
    "paragraph": _paragraph,
    "list": _list,
    "callouts": _callouts,
    "table": _table,
    "chart": _chart,
}


def _block(block: Block, report: Report, depth: int) -> None:
    _BLOCKS[block.kind](block, report, depth)


def _lay_out(doc: Document, report: Report, set_aside: list[Problem]) -> None:
    for block in doc.memo:
        _block(block, report, 1)
        if block.id == "decision":
            _downloads(report)
            _copy_link()
            if set_aside:
                st.warning(
                    quantity(
                        len(set_aside),
                        "answer does not fit the active policy and is",
                        "answers do not fit the active policy and are",
                    )
                    + " left out: "
                    + "; ".join(plain(p.message) for p in set_aside)
                )
    for block in doc.analysis:
        _block(block, report, 1)
    # The appendix: the long tables fold away; warnings and the policy are small print.
    for block in doc.appendix:
        if not isinstance(block, Section):
            _block(block, report, 1)
        elif any(isinstance(child, Table) for child in block.blocks):
            with st.expander(plain(block.title)):
                for child in block.blocks:
                    _block(child, report, 2)
        else:
            _small_print(block)


def _small_print(section: Section) -> None:
    st.caption(f"**{plain(section.title)}**")
    for child in section.blocks:
        if isinstance(child, Paragraph):
            st.caption(_spans(child.text))
        elif isinstance(child, ItemList):
            for item in child.items:
                st.caption(_spans(item.text))


def _recorded(report: Report) -> Report:
    """The report with the open assessment's recorded decisions and revisions (converted
    from the store's records here: the reports package does not read the database)."""
    assessment_id = state.assessment_id()
    if assessment_id is None:
        return report
    db = state.store()
    decisions = [
        DecisionEntry(
            outcome=d.outcome,
            label=d.label,
            decided_by=d.decided_by,
            decided_on=d.decided_on.isoformat(),
            note=d.note,
            revision=d.revision,
            verdict=d.verdict,
            score=d.score,
            report_sha256=d.report_sha256,
        )
        for d in db.decisions(assessment_id)
    ]
    history = [
        RevisionEntry(
            revision=h.revision,
            change=h.change,
            saved_on=h.saved_at.date().isoformat(),
            verdict=h.verdict,
            score=h.score,
        )
        for h in db.history(assessment_id)
    ]
    revision = history[-1].revision if history else None
    if not decisions and len(history) <= 1:
        return report  # nothing the report would show: keep the cached object (and its charts)
    return report.model_copy(
        update={"decisions": decisions, "history": history, "revision": revision}
    )


def _copy_link() -> None:
    """The assessment's full link, in a code box with a copy button."""
    assessment_id = state.assessment_id()
    if assessment_id is None:
        return
    url = str(getattr(st.context, "url", "") or "")
    base = url.split("?", 1)[0] if url else ""
    link = f"{base}?a={assessment_id}"
    st.caption("Copy link: anyone with access to this app opens this assessment with it.")
    st.code(link, language=None, wrap_lines=True)


def render() -> None:
    rubric = state.rubric()
    st.title("Report")
    usable, set_aside = state.current_answers()
    if state.current_result() is None:
        st.info("Answer at least one question on the Assess page to see a verdict.")
        st.page_link(page_script("assess"), label="Go to the questionnaire →")
        return
    version = state.policy_version()
    report = _recorded(
        _report(
            rubric,
            usable.model_dump_json(),
            version.sha256,
            prices.active_catalogue(),
            _prices_sha(),
        )
    )
    doc = build_document(report, published_on=version.created_at, published_by=version.author)
    _lay_out(doc, report, set_aside)
    # Last: every import the page needs (altair among them) has finished by now.
    _warm_exports()


run_page(render)
