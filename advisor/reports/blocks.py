"""The building blocks of a report document: typed, frozen, every word already written.

A :class:`Document` is what every report surface lays out — the Markdown, HTML and typst
renderers in :mod:`advisor.reports.render` and the Report page (``ui/report.py``). The
blocks hold no markup: text is a list of :class:`Span` (plain text plus a style), so each
renderer escapes it its own way (HTML, Markdown, typst data). What the text says is decided
in one place, :mod:`advisor.reports.document`; this module only names the shapes::

    Document
      memo       one page a decision meeting reads: VerdictBox, owner and author, the
                 recorded decision, conditions, rules, reasons, cost, risks, next steps
      analysis   conditions and rules in full, why, drivers, adaptation, how close,
                 what would change, resolve first, options, costs, labour, charts
      appendix   score by factor, policy, answers, decisions, history, warnings

    Block = VerdictBox | Section | Paragraph | ItemList | Callouts | Columns | Table | Chart

A renderer has one function per block kind, chosen by ``kind`` (as quartodoc's renderers
dispatch on node types).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Block",
    "Callout",
    "Callouts",
    "Chart",
    "ChartName",
    "Column",
    "Columns",
    "Document",
    "Item",
    "ItemList",
    "Paragraph",
    "Section",
    "Span",
    "SpanStyle",
    "Table",
    "VerdictBox",
]

#: ``strong``: emphasised; ``muted``: secondary (a because, a status, a note); ``code``: an
#: identifier; ``digest``: a checksum, kept whole and never broken across lines.
SpanStyle = Literal["plain", "strong", "muted", "code", "digest"]

#: The charts a document can place; the renderers draw them from the report's figures.
ChartName = Literal["sections", "drivers", "tornado", "options", "costs", "cost_bands"]


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Node):
    """A run of text in one style. The text is what is read: escaping is the renderer's."""

    text: str
    style: SpanStyle = "plain"


class Item(_Node):
    """One entry of a list; ``detail`` is a secondary line under it ("because: …")."""

    text: list[Span]
    detail: str = ""


class Callout(_Node):
    """A boxed note (a hard rule): ``text`` leads, ``body`` follows on its own line, then
    ``detail``. ``strong``: it decided the verdict (drawn in the verdict's colour)."""

    text: list[Span]
    body: str
    detail: str = ""
    strong: bool = False


class Column(_Node):
    """A table column. ``numeric`` columns align right; ``width`` is a share of the free
    width (None: as wide as its content)."""

    label: str
    numeric: bool = False
    width: float | None = None


class VerdictBox(_Node):
    """The verdict box every surface leads with: the headline (see
    :func:`advisor.reports.document.headline`), what it means, and what to answer first or
    how far open answers could still move it."""

    kind: Literal["verdict"] = "verdict"
    id: str = "verdict"
    status: str  # "final" | "provisional"
    text: str  # "Verdict: ADAPT" | "Provisional: between Avoid and Recommend"
    colour: str
    meaning: str
    score_line: str
    policy_line: str
    answer_first_title: str
    answer_first: list[str]  # provisional only: the prompts to answer first
    range: list[Span]  # final with open questions whose answers could move it; else empty


class Paragraph(_Node):
    kind: Literal["paragraph"] = "paragraph"
    id: str = ""
    text: list[Span]


class ItemList(_Node):
    kind: Literal["list"] = "list"
    id: str = ""
    items: list[Item]
    ordered: bool = False


class Callouts(_Node):
    kind: Literal["callouts"] = "callouts"
    id: str = ""
    items: list[Callout]


class Table(_Node):
    """Rows of cells, each cell a list of spans. ``dense``: set smaller (the answers)."""

    kind: Literal["table"] = "table"
    id: str = ""
    columns: list[Column]
    rows: list[list[list[Span]]]
    dense: bool = False


class Chart(_Node):
    """A chart drawn from the report's figures; ``label`` names it for screen readers,
    ``width`` is its share of the text width in the PDF (per cent)."""

    kind: Literal["chart"] = "chart"
    id: str = ""
    name: ChartName
    label: str
    width: int = 92


class Section(_Node):
    """A heading and what is under it; sections nest (the heading level follows)."""

    kind: Literal["section"] = "section"
    id: str
    title: str
    blocks: list[Block]


class Columns(_Node):
    """Sections side by side (stacked where the page is narrow)."""

    kind: Literal["columns"] = "columns"
    id: str = ""
    sections: list[Section]


Block = Annotated[
    VerdictBox | Section | Paragraph | ItemList | Callouts | Columns | Table | Chart,
    Field(discriminator="kind"),
]

Section.model_rebuild()
Columns.model_rebuild()


class Document(_Node):
    """The whole report as blocks, in reading order. ``page_title`` is the HTML title;
    ``footer`` the PDF's running footer, with ``page_label`` (``{page}``, ``{pages}``)."""

    title: str
    page_title: str
    colour: str
    footer: str
    page_label: str
    memo: list[Block]
    analysis: list[Block]
    appendix: list[Block]

    def blocks(self) -> list[Block]:
        """Every top-level block in reading order."""
        return [*self.memo, *self.analysis, *self.appendix]

    def walk(self) -> Iterator[Block]:
        """Every block at any depth, in reading order (a section before what it holds)."""
        stack: list[Block] = list(reversed(self.blocks()))
        while stack:
            block = stack.pop()
            yield block
            if isinstance(block, Section):
                stack.extend(reversed(block.blocks))
            elif isinstance(block, Columns):
                stack.extend(reversed(block.sections))

    def find(self, block_id: str) -> Block | None:
        """The block with this id, at any depth (``"conditions"``, ``"decision"`` …)."""
        return next((block for block in self.walk() if block.id == block_id), None)

    def charts(self) -> list[ChartName]:
        """The charts the document places, in reading order."""
        return [block.name for block in self.walk() if isinstance(block, Chart)]
