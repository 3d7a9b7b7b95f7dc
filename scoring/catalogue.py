"""The price catalogue: dated model prices and self-hosting figures as data, every entry with its source.

A catalogue is one YAML (or JSON) file; the shipped one is ``rubric/prices/default.yaml``
and its JSON Schema ``rubric/prices/prices.schema.json``. A company writes its own file with
only the entries it negotiated or adds, and :func:`merge_catalogues` lays it over the
shipped one. Nothing is fetched at run time: a figure is as fresh as its ``checked`` date,
and :func:`stale_entries` names the entries older than a policy's limit (90 days unless
said otherwise).

Entries and their ids — options name them, so the ids are stable:

``tiers``
    ``small``, ``mid``, ``premium`` (the only three): price ranges per million tokens for
    a class of hosted model, as low / expected / high :class:`~scoring.estimate.Amount` s.
``offerings``
    A concrete hosted model at a provider, e.g. ``openai_gpt5_mini``,
    ``anthropic_claude_sonnet_45``, ``google_gemini_25_flash``: input and output price
    per million tokens, batch discount, context limit. An option names one as
    ``offering: <id>``.
``gpu_classes``
    Rented GPUs by class and kind of cloud: ``h100_specialist``, ``h100_hyperscaler``,
    ``a100``, ``l4``: hourly price per GPU, spot and one-year reservation discounts, and the
    throughput relative to an H100.
``self_hosted_sizes``
    Open-weight model sizes ``small``, ``medium``, ``large``: tokens per second per
    H100-class GPU and GPUs per replica. An option names a setup as
    ``self_hosted: {size: small, gpu: h100_specialist}``.
``utilisation``
    The share of paid GPU hours doing useful work (one entry, id ``utilisation``).

Errors are located as the rubric's are (file:line:column, then the path with list items
named by their id) and raised as :class:`~scoring.errors.CatalogueError`; files are read
with :mod:`scoring.source` (safe YAML only, the same limits). This module holds figures,
not cost math.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, TypeVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PrivateAttr,
    ValidationError,
)

from .errors import CatalogueError, Problem
from .estimate import Amount, Share
from .limits import MAX_NUMBER, MAX_TEXT_CHARS, TEXT_PATTERN
from .loader import problem_at, translate_validation_error
from .models import Identifier, Strict, Text
from .source import CountLimits, Document, load_document, parse_document
from .text import shown_value

__all__ = [
    "CATALOGUE_COUNTS",
    "DEFAULT_MAX_AGE_DAYS",
    "ENTRY_KINDS",
    "KIND_NOUNS",
    "DatedEntry",
    "EntryKind",
    "GpuClass",
    "Offering",
    "PriceCatalogue",
    "SelfHostedSize",
    "StaleEntry",
    "Tier",
    "TierId",
    "Utilisation",
    "catalogue_from_document",
    "catalogue_json_schema",
    "default_catalogue_path",
    "future_entries",
    "load_catalogue",
    "merge_catalogues",
    "oldest_checked",
    "parse_catalogue",
    "shipped_catalogue",
    "stale_entries",
]

#: Entries whose ``checked`` date is more than this many days before today are stale.
DEFAULT_MAX_AGE_DAYS = 90

#: At most this many entries in each list of one catalogue file.
MAX_ENTRIES = 500

TierId = Literal["small", "mid", "premium"]
EntryKind = Literal["tier", "offering", "gpu_class", "self_hosted_size", "utilisation"]
#: Every kind of dated entry, in the order a catalogue lists them.
ENTRY_KINDS: tuple[EntryKind, ...] = (
    "tier",
    "offering",
    "gpu_class",
    "self_hosted_size",
    "utilisation",
)

#: How people name an entry of each kind, in messages and listings.
KIND_NOUNS: dict[EntryKind, str] = {
    "tier": "tier",
    "offering": "offering",
    "gpu_class": "GPU class",
    "self_hosted_size": "self-hosted size",
    "utilisation": "utilisation",
}
# The list each kind (but utilisation, a single entry) lives in, and its items' plural.
_LISTS: dict[EntryKind, str] = {
    "tier": "tiers",
    "offering": "offerings",
    "gpu_class": "gpu_classes",
    "self_hosted_size": "self_hosted_sizes",
}
_NOUNS: dict[str, str] = {key: KIND_NOUNS[kind] for kind, key in _LISTS.items()}
_PLURALS = {
    "tiers": "tiers",
    "offerings": "offerings",
    "gpu_classes": "GPU classes",
    "self_hosted_sizes": "self-hosted sizes",
}

#: The catalogue's lists, refused while the file is read once they pass their limit.
CATALOGUE_COUNTS: CountLimits = {
    (key,): (MAX_ENTRIES, f"{plural} in one catalogue") for key, plural in _PLURALS.items()
}


# --- field types ------------------------------------------------------------------------------


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("expected non-empty text, found only spaces")
    return text


def _checked_date(value: Any) -> Any:
    """A date as YAML reads ``2025-12-01``, or the same written as text (JSON has no dates)."""
    if isinstance(value, datetime):
        raise ValueError(
            f"expected a date written YYYY-MM-DD, found a date and time ({value.isoformat()})"
        )
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"expected a date written YYYY-MM-DD, found {shown_value(value)}, "
                "which is not a day of the calendar"
            ) from None
    raise ValueError(f"expected a date written YYYY-MM-DD, found {shown_value(value)}")


def _currency_code(text: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise ValueError(
            "expected a currency code of three capital letters (ISO 4217, e.g. USD or EUR), "
            f"found {shown_value(text)}"
        )
    return text


#: Where a figure comes from: a URL or a publication, never blank.
SourceText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        pattern=TEXT_PATTERN,
        description="Where the figure comes from: a URL or a publication.",
    ),
    AfterValidator(_not_blank),
]
#: The day someone last checked the figure against its source.
CheckedDate = Annotated[
    date,
    BeforeValidator(_checked_date),
    Field(description="The day the figure was last checked against its source (YYYY-MM-DD)."),
]
Money = Annotated[float, Field(ge=0, le=MAX_NUMBER)]
Fraction = Annotated[float, Field(ge=0, le=1)]


class Tier(Strict):
    """Prices of a class of hosted model, per million tokens (the catalogue's currency)."""

    id: TierId
    title: Text
    input_per_million: Amount
    output_per_million: Amount
    batch_discount: Fraction = Field(
        default=0.0, description="Share taken off both prices for batch (asynchronous) use."
    )
    source: SourceText
    checked: CheckedDate


class Offering(Strict):
    """One hosted model at one provider, at its list prices per million tokens."""

    id: Identifier
    provider: Text
    model: Text
    tier: TierId
    input_per_million: Money
    output_per_million: Money
    batch_discount: Fraction = Field(
        default=0.0,
        description="Share taken off both prices for batch use; 0 when there is no batch price.",
    )
    context_tokens: Annotated[int, Field(gt=0, le=MAX_NUMBER)] | None = Field(
        default=None, description="Most tokens one request may hold, when it matters."
    )
    source: SourceText
    checked: CheckedDate


class GpuClass(Strict):
    """A rented GPU by class and kind of cloud: price per GPU-hour and its discounts."""

    id: Identifier
    title: Text
    hourly_price: Amount = Field(description="Price of one GPU for one hour, on demand.")
    spot_discount: Share = Field(
        description="Share taken off the on-demand price for interruptible (spot) capacity."
    )
    reserved_1y_discount: Share = Field(
        description="Share taken off the on-demand price for a one-year commitment."
    )
    relative_throughput: Annotated[float, Field(gt=0, le=100)] = Field(
        default=1.0,
        description="Tokens per second relative to an H100-class GPU (the unit of "
        "self-hosted sizes' throughput): 1 for an H100, about 0.5 for an A100.",
    )
    source: SourceText
    checked: CheckedDate


class SelfHostedSize(Strict):
    """An open-weight model size served on rented GPUs (e.g. with vLLM)."""

    id: Identifier
    title: Text
    params: Text = Field(description="Parameter range and examples, as people say it.")
    tokens_per_second_per_gpu: Amount = Field(
        description="Generated tokens per second per H100-class GPU with continuous "
        "batching, all concurrent requests together."
    )
    gpus_per_replica: Annotated[int, Field(ge=1, le=1024)] = Field(
        description="GPUs one copy of the model needs."
    )
    source: SourceText
    checked: CheckedDate


class Utilisation(Strict):
    """The share of paid GPU hours doing useful work."""

    share: Share
    source: SourceText
    checked: CheckedDate


#: Any entry of a catalogue: each has ``source`` and ``checked``.
DatedEntry = Tier | Offering | GpuClass | SelfHostedSize | Utilisation


class StaleEntry(NamedTuple):
    """An entry checked longer ago than the limit (or, from :func:`future_entries`, dated
    after today, with ``age_days`` below 0)."""

    id: str
    kind: EntryKind
    checked: date
    age_days: int


class PriceCatalogue(Strict):
    """Model prices and self-hosting figures, every entry with its source and checked date."""

    id: Identifier
    title: Text
    currency: Annotated[
        str,
        AfterValidator(_currency_code),
        Field(
            description="ISO 4217 code of every price in the file, e.g. USD.",
            json_schema_extra={"pattern": "^[A-Z]{3}$"},
        ),
    ]
    description: Text
    tiers: list[Tier] = Field(default_factory=list, max_length=MAX_ENTRIES)
    offerings: list[Offering] = Field(default_factory=list, max_length=MAX_ENTRIES)
    gpu_classes: list[GpuClass] = Field(default_factory=list, max_length=MAX_ENTRIES)
    self_hosted_sizes: list[SelfHostedSize] = Field(default_factory=list, max_length=MAX_ENTRIES)
    utilisation: Utilisation | None = None

    _files: tuple[str, ...] = PrivateAttr(default=())
    _origins: dict[tuple[EntryKind, str], str] = PrivateAttr(default_factory=dict)

    @property
    def files(self) -> tuple[str, ...]:
        """The files this catalogue was read from, base first (provenance for a report)."""
        return self._files

    def file_of(self, kind: EntryKind, entry_id: str) -> str:
        """The file the entry ``(kind, entry_id)`` comes from: after a merge, the company
        file for the entries it replaced or added, the base file for the rest; ``""`` for a
        catalogue not read from a file or an entry it does not have."""
        return self._origins.get((kind, entry_id), "")

    @cached_property
    def tiers_by_id(self) -> dict[str, Tier]:
        """Tier id -> tier."""
        return {t.id: t for t in self.tiers}

    @cached_property
    def offerings_by_id(self) -> dict[str, Offering]:
        """Offering id -> offering."""
        return {o.id: o for o in self.offerings}

    @cached_property
    def gpu_classes_by_id(self) -> dict[str, GpuClass]:
        """GPU class id -> GPU class."""
        return {g.id: g for g in self.gpu_classes}

    @cached_property
    def self_hosted_sizes_by_id(self) -> dict[str, SelfHostedSize]:
        """Self-hosted size id -> size."""
        return {s.id: s for s in self.self_hosted_sizes}

    def tier(self, tier_id: str) -> Tier:
        """The tier ``tier_id``; :class:`CatalogueError` (with a suggestion) if absent."""
        return _lookup(self, "tier", self.tiers_by_id, tier_id)

    def offering(self, offering_id: str) -> Offering:
        """The offering ``offering_id``; :class:`CatalogueError` if absent."""
        return _lookup(self, "offering", self.offerings_by_id, offering_id)

    def gpu_class(self, gpu_id: str) -> GpuClass:
        """The GPU class ``gpu_id``; :class:`CatalogueError` if absent."""
        return _lookup(self, "gpu_class", self.gpu_classes_by_id, gpu_id)

    def self_hosted_size(self, size_id: str) -> SelfHostedSize:
        """The self-hosted size ``size_id``; :class:`CatalogueError` if absent."""
        return _lookup(self, "self_hosted_size", self.self_hosted_sizes_by_id, size_id)

    def dated_entries(self) -> Iterator[tuple[EntryKind, str, DatedEntry]]:
        """Every entry as (kind, id, entry), in the order of :data:`ENTRY_KINDS`."""
        for kind, key in _LISTS.items():
            for entry in getattr(self, key):
                yield kind, entry.id, entry
        if self.utilisation is not None:
            yield "utilisation", "utilisation", self.utilisation


_T = TypeVar("_T")


def _lookup(catalogue: PriceCatalogue, kind: EntryKind, table: dict[str, _T], key: str) -> _T:
    if key in table:
        return table[key]
    noun = KIND_NOUNS[kind]
    known = list(table)
    hint = ""
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        hint = f" (did you mean {close[0]!r}?)"
    where = " + ".join(catalogue.files) or f"catalogue {catalogue.id!r}"
    expected = f"one of: {', '.join(known)}" if known else f"a {noun} defined in the catalogue"
    raise CatalogueError(Problem(f"no {noun} {key!r} in {where}; expected {expected}{hint}"))


# --- reading ----------------------------------------------------------------------------------


def load_catalogue(path: str | Path, *, display_name: str | None = None) -> PriceCatalogue:
    """Read and validate a catalogue file; :class:`CatalogueError` lists every problem
    (:class:`~scoring.errors.InputFileError` when the file is not a readable document)."""
    return catalogue_from_document(
        load_document(path, display_name=display_name, counts=CATALOGUE_COUNTS)
    )


def parse_catalogue(text: str | bytes, file: str = "<prices>") -> PriceCatalogue:
    """Validate catalogue text (e.g. an upload) the same way as a file."""
    return catalogue_from_document(parse_document(text, file, counts=CATALOGUE_COUNTS))


def catalogue_from_document(doc: Document) -> PriceCatalogue:
    """The catalogue a parsed document holds; :class:`CatalogueError` with every problem
    located in the file (shape errors and duplicate ids together, in file order)."""
    problems = list(_duplicates(doc))
    catalogue: PriceCatalogue | None = None
    try:
        catalogue = PriceCatalogue.model_validate(doc.data)
    except ValidationError as exc:
        translated = translate_validation_error(exc, doc, PriceCatalogue)
        problems = [_named(doc, p) for p in translated] + problems
    if problems or catalogue is None:
        unique = list(dict.fromkeys(problems))
        raise CatalogueError(sorted(unique, key=lambda p: (p.line, p.column)))
    catalogue._files = (doc.file,)
    catalogue._origins = {
        (kind, entry_id): doc.file for kind, entry_id, _ in catalogue.dated_entries()
    }
    return catalogue


_INDEXED = re.compile(r"^(" + "|".join(_NOUNS) + r")\[(\d+)\]")


def _named(doc: Document, problem: Problem) -> Problem:
    """The problem with a catalogue list item named by its id (``offering 'x'``), as the
    rubric's are: the shared translation knows only the rubric's lists, so it writes
    ``offerings[3]``."""
    match = _INDEXED.match(problem.path)
    if not match:
        return problem
    key, index = match.group(1), int(match.group(2))
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    item = items[index] if isinstance(items, list) and index < len(items) else None
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return problem
    return replace(problem, path=f"{_NOUNS[key]} {item['id']!r}" + problem.path[match.end() :])


def _duplicates(doc: Document) -> Iterable[Problem]:
    data = doc.data if isinstance(doc.data, dict) else {}
    for key, noun in _NOUNS.items():
        items = data.get(key)
        if not isinstance(items, list):
            continue
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            item_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item_id, str):
                continue
            if item_id in first:
                line = doc.position((key, first[item_id]))[0]
                problem = problem_at(
                    doc,
                    [key, index, "id"],
                    f"duplicate {noun} id {item_id!r} (first used on line {line}); "
                    "expected unique ids",
                )
                yield _named(doc, problem)
            else:
                first[item_id] = index


def default_catalogue_path() -> Path:
    """The shipped catalogue: the repository's ``rubric/prices/default.yaml``, else the
    copy in the wheel (``scoring/_rubric/prices/default.yaml``)."""
    package = Path(__file__).resolve().parent
    checkout = package.parent / "rubric" / "prices" / "default.yaml"
    return checkout if checkout.is_file() else package / "_rubric" / "prices" / "default.yaml"


@lru_cache(maxsize=1)
def shipped_catalogue() -> PriceCatalogue:
    """The price catalogue shipped with the package (read once; the same object each call,
    so treat it as read-only)."""
    return load_catalogue(default_catalogue_path())


def catalogue_json_schema() -> dict[str, object]:
    """JSON Schema for catalogue files, generated from the models
    (committed as ``rubric/prices/prices.schema.json``)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://adoption-advisor.invalid/prices.schema.json",
        **PriceCatalogue.model_json_schema(),
    }


# --- combining and dating ---------------------------------------------------------------------


def merge_catalogues(base: PriceCatalogue, override: PriceCatalogue) -> PriceCatalogue:
    """``override`` laid over ``base``: an entry with an id ``base`` has replaces it where it
    stands, a new id is added after ``base``'s entries, and ``utilisation`` is the
    override's when it has one. The id, title and description are the override's; both must
    use the same currency. :attr:`PriceCatalogue.files` names both files, base first."""
    if override.currency != base.currency:
        where = override.files[-1] if override.files else ""
        raise CatalogueError(
            Problem(
                f"currency {override.currency!r} differs from the base catalogue's "
                f"{base.currency!r} ({' + '.join(base.files) or base.id}); "
                "expected prices in the same currency",
                file=where,
                path="currency",
            )
        )
    update: dict[str, Any] = {
        "id": override.id,
        "title": override.title,
        "description": override.description,
        "utilisation": override.utilisation or base.utilisation,
    }
    for key in _LISTS.values():
        update[key] = _merged_list(getattr(base, key), getattr(override, key))
    merged = base.model_copy(update=update)
    for name in ("tiers_by_id", "offerings_by_id", "gpu_classes_by_id", "self_hosted_sizes_by_id"):
        merged.__dict__.pop(name, None)  # cached on base, copied along: recomputed on use
    merged._files = (*base.files, *override.files)
    # An entry comes from the override if the override has it, else from the base.
    merged._origins = {**base._origins, **override._origins}
    return merged


def _merged_list(base: Sequence[Any], override: Sequence[Any]) -> list[Any]:
    replacing = {entry.id: entry for entry in override}
    merged = [replacing.pop(entry.id, entry) for entry in base]
    return merged + [entry for entry in override if entry.id in replacing]


def stale_entries(
    catalogue: PriceCatalogue, today: date, max_age_days: int = DEFAULT_MAX_AGE_DAYS
) -> list[StaleEntry]:
    """Entries checked more than ``max_age_days`` days before ``today``, in catalogue order."""
    stale = []
    for kind, entry_id, entry in catalogue.dated_entries():
        age = (today - entry.checked).days
        if age > max_age_days:
            stale.append(StaleEntry(entry_id, kind, entry.checked, age))
    return stale


def future_entries(catalogue: PriceCatalogue, today: date) -> list[StaleEntry]:
    """Entries whose ``checked`` date is after ``today`` (``age_days`` below 0): most likely
    a typo, and never flagged as stale however old the figure really is."""
    return [
        StaleEntry(entry_id, kind, entry.checked, (today - entry.checked).days)
        for kind, entry_id, entry in catalogue.dated_entries()
        if entry.checked > today
    ]


def oldest_checked(
    catalogue: PriceCatalogue, ids_used: Iterable[str | tuple[EntryKind, str]]
) -> date | None:
    """The oldest ``checked`` date among the entries used (``None`` when none are).

    An id alone matches the entries of every kind that have it (``small`` is a tier and a
    self-hosted size); a ``(kind, id)`` pair matches one. An id that matches nothing is a
    :class:`CatalogueError`.
    """
    by_id: dict[str, list[tuple[EntryKind, date]]] = {}
    for kind, entry_id, entry in catalogue.dated_entries():
        by_id.setdefault(entry_id, []).append((kind, entry.checked))
    dates: list[date] = []
    for used in ids_used:
        kind_wanted, entry_id = (None, used) if isinstance(used, str) else used
        found = [d for k, d in by_id.get(entry_id, []) if kind_wanted in (None, k)]
        if not found:
            noun = KIND_NOUNS[kind_wanted] if kind_wanted else "entry"
            known = sorted(by_id)
            close = difflib.get_close_matches(entry_id, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            where = " + ".join(catalogue.files) or f"catalogue {catalogue.id!r}"
            raise CatalogueError(Problem(f"no {noun} {entry_id!r} in {where}{hint}"))
        dates.extend(found)
    return min(dates, default=None)
