"""Checking a backup before any of it is written.

A backup is a JSON file written by ``adoption-advisor export``. Nothing in it is
trusted: every policy version's content is validated as a rubric and its SHA-256
recomputed with :func:`scoring.engine.policy_stamp` (a backup written before that hash
left defaults out carries the older hash of the same content, which is recognised exactly
— :mod:`advisor.storage.legacy` — and replaced by today's); every assessment row is
checked with the models the app saves through (:class:`scoring.answers.Answers`)
and scored under its own policy version, as a save would. Any problem refuses the
backup as a whole (:class:`BackupRefused`), each problem naming the row::

    backup.json: assessments[3] (id 'abc', title 'X') → answers: expected a mapping, found …

Checks that need the target database (a version already there with other content,
two versions edited from one base) run inside the import's transaction, in
:meth:`advisor.storage.Store.import_all`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from scoring.answers import EXTRA_KEYS, Answers
from scoring.catalogue import merge_catalogues, parse_catalogue, shipped_catalogue
from scoring.engine import policy_stamp
from scoring.errors import AdvisorError, Problem
from scoring.loader import describe_path, rubric_from_document, translate_validation_error
from scoring.models import Rubric
from scoring.source import Document

from . import tables as t
from .errors import BackupRefused
from .legacy import legacy_digests
from .records import APP_BLOCKS, MAX_DRAFT_FIELDS

__all__ = [
    "BACKUP_FORMAT_VERSION",
    "BACKUP_KIND",
    "AssessmentRow",
    "BackupRefused",
    "CheckedBackup",
    "VersionRow",
    "check_backup",
]

BACKUP_KIND = "adoption-advisor-backup"
BACKUP_FORMAT_VERSION = 3
#: Integer columns are 32-bit on PostgreSQL; a larger number cannot be a real row's.
MAX_INTEGER = 2**31 - 1
UNTITLED = "Untitled assessment"


# --- the shape of each row --------------------------------------------------------------------


def _timestamp(value: Any) -> Any:
    expected = f"expected a date and time like 2026-01-05T09:30:00, found {_shown(value)}"
    if not isinstance(value, str):
        raise ValueError(expected)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(expected) from None
    if parsed.tzinfo is not None:  # stored as UTC without a zone, as the app writes them
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def _sha256(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise ValueError(f"expected 64 lower-case hexadecimal digits, found {_shown(value)}")
    return value


def _assessment_id(value: str) -> str:
    limit = t.length(t.assessments.c.id)
    if not t.is_assessment_id(value):
        raise ValueError(
            f"expected up to {limit} letters, digits, '_', '.' or '-', found {_shown(value)}"
        )
    return value


def _answer_value(value: Any) -> Any:
    """What the app stores as one answer: an option id, a list of them, or a number."""
    if isinstance(value, str) or (
        isinstance(value, int | float) and not isinstance(value, bool) and _finite(value)
    ):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ValueError(
        f"expected an option id, a list of option ids or a number, found {_shown(value)}"
    )


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


Timestamp = Annotated[dt.datetime, BeforeValidator(_timestamp)]
Pk = Annotated[int, Field(ge=1, le=MAX_INTEGER)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _CompanyPrices(_Row):
    """The company price catalogue as it was set on the Policy page."""

    file: Annotated[str, Field(min_length=1, max_length=500)]
    text: Annotated[str, Field(min_length=1, max_length=1_000_000)]
    set_by: Annotated[str, Field(min_length=1, max_length=500)]
    set_at: Timestamp


class _Head(_Row):
    kind: Literal["adoption-advisor-backup"]
    # 1: versions and assessments; 2 adds each assessment's history and decisions; 3 adds
    # the company price catalogue.
    format_version: Literal[1, 2, 3]
    exported_at: Timestamp
    active_policy_pk: Pk | None = None
    policy_versions: list[Any]
    assessments: list[Any]
    assessment_revisions: list[Any] = []
    decisions: list[Any] = []
    company_prices: _CompanyPrices | None = None


class _VersionRow(_Row):
    pk: Pk
    rubric_id: Annotated[
        str, Field(min_length=1, max_length=t.length(t.policy_versions.c.rubric_id))
    ]
    version: Annotated[str, Field(min_length=1, max_length=t.length(t.policy_versions.c.version))]
    sha256: Annotated[str, AfterValidator(_sha256)]
    title: str
    content: dict[str, Any]
    author: Annotated[str, Field(max_length=t.length(t.policy_versions.c.author))]
    note: str
    created_at: Timestamp
    parent_pk: Pk | None


class _AssessmentRow(_Row):
    id: Annotated[str, AfterValidator(_assessment_id)]
    title: str  # its length is the Answers model's
    answers: dict[str, Annotated[Any, AfterValidator(_answer_value)]]
    notes: dict[str, Any]  # the Answers model checks each note
    policy_pk: Pk
    verdict: Literal["recommend", "adapt", "avoid"] | None
    score: Annotated[float, Field(ge=0, le=100)] | None
    created_at: Timestamp
    updated_at: Timestamp
    revision: Annotated[int, Field(ge=1, le=MAX_INTEGER)]
    deleted_at: Timestamp | None = None
    extra: dict[str, Any] | None = None


def _date(value: Any) -> Any:
    expected = f"expected a date like 2026-01-05, found {_shown(value)}"
    if not isinstance(value, str):
        raise ValueError(expected)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(expected) from None


def _named(value: str) -> str:
    if not value.strip():
        raise ValueError(f"expected the name of who decided, found {_shown(value)}")
    return value


Revision = Annotated[int, Field(ge=1, le=MAX_INTEGER)]


class _RevisionRow(_Row):
    assessment_id: Annotated[str, AfterValidator(_assessment_id)]
    revision: Revision
    change: Literal["created", "saved", "renamed", "deleted", "restored", "re-scored", "imported"]
    title: str
    answers: dict[str, Annotated[Any, AfterValidator(_answer_value)]]
    notes: dict[str, Any]
    policy_pk: Pk
    verdict: Literal["recommend", "adapt", "avoid"] | None  # recomputed, never read
    score: Annotated[float, Field(ge=0, le=100)] | None  # recomputed, never read
    saved_at: Timestamp
    extra: dict[str, Any] | None = None


class _DecisionRow(_Row):
    pk: Pk
    assessment_id: Annotated[str, AfterValidator(_assessment_id)]
    revision: Revision
    outcome: Literal["approved", "approved_with_conditions", "rejected", "deferred"]
    decided_by: Annotated[
        str,
        Field(max_length=t.length(t.decisions.c.decided_by)),
        AfterValidator(_named),
    ]
    decided_on: Annotated[dt.date, BeforeValidator(_date)]
    note: str
    policy_pk: Pk  # taken from the revision decided on, never read
    verdict: Literal["recommend", "adapt", "avoid"] | None  # likewise
    score: Annotated[float, Field(ge=0, le=100)] | None  # likewise
    report_sha256: Annotated[str, AfterValidator(_sha256)]
    recorded_at: Timestamp


# --- what a checked backup holds --------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    """A policy version of the backup whose content, id, version and SHA-256 agree."""

    index: int
    label: str
    pk: int
    parent_pk: int | None
    rubric: Rubric
    values: dict[str, Any]  # the columns to insert (without pk and parent_pk)

    @property
    def key(self) -> tuple[str, str]:
        """(rubric id, version): what identifies a version across databases."""
        return (self.rubric.id, self.rubric.version)


@dataclass(frozen=True)
class AssessmentRow:
    """An assessment of the backup that the app can open, list and score."""

    index: int
    label: str
    id: str
    policy_pk: int  # the backup's pk of its version
    values: dict[str, Any]  # the columns to insert (policy_pk still the backup's)


@dataclass(frozen=True)
class HistoryRow:
    """A kept revision or a decision of an assessment in the backup, checked."""

    index: int
    label: str
    assessment_id: str
    revision: int
    values: dict[str, Any]  # the columns to insert (policy_pk still the backup's)


@dataclass(frozen=True)
class CheckedBackup:
    """A backup every row of which passed the checks, ready to write."""

    versions: list[VersionRow]
    assessments: list[AssessmentRow]
    active_policy_pk: int | None
    revisions: list[HistoryRow] = field(default_factory=list)
    decisions: list[HistoryRow] = field(default_factory=list)
    #: The company price catalogue (file, text, set by, set at), checked; None without one.
    company_prices: tuple[str, str, str, dt.datetime] | None = None


def check_backup(data: Any, file: str = "backup") -> CheckedBackup:
    """Every row of ``data`` checked; :class:`BackupRefused` lists every problem found.

    ``file`` names the backup in messages (the path given on the command line).
    """
    if not isinstance(data, dict) or data.get("kind") != BACKUP_KIND:
        raise BackupRefused(
            Problem(f'not an Adoption Advisor backup; expected "kind": "{BACKUP_KIND}"', file=file)
        )
    problems: list[Problem] = []
    head = _validated(_Head, data, file, "", problems)
    if head is None:
        raise BackupRefused(problems)

    versions: list[VersionRow] = []
    refused: set[int] = set()  # pks of refused versions: their rows are not blamed again
    by_pk: dict[int, VersionRow] = {}
    by_key: dict[tuple[str, str], VersionRow] = {}
    by_parent: dict[tuple[str, int], VersionRow] = {}
    for index, raw in enumerate(head.policy_versions):
        version = _check_version(index, raw, file, problems)
        if version is None:
            pk = raw.get("pk") if isinstance(raw, dict) else None
            if isinstance(pk, int):
                refused.add(pk)
            continue
        if version.parent_pk in refused:  # its parent's problem is reported already
            refused.add(version.pk)
            continue
        problem = _relation_problem(version, by_pk, by_key, by_parent, file)
        if problem is not None:
            problems.append(problem)
            refused.add(version.pk)
            continue
        if version.parent_pk is not None:
            by_parent[(version.rubric.id, version.parent_pk)] = version
        by_pk[version.pk] = version
        by_key[version.key] = version
        versions.append(version)

    missing = head.active_policy_pk is not None and head.active_policy_pk not in by_pk
    if missing and head.active_policy_pk not in refused:
        problems.append(
            Problem(
                f"{head.active_policy_pk} is not a policy version in the backup",
                file=file,
                path="active_policy_pk",
            )
        )

    assessments: list[AssessmentRow] = []
    seen_ids: dict[str, str] = {}
    refused_ids: set[str] = set()
    refused_rows = 0  # assessment rows refused, whose history may name ids not listed
    for index, raw in enumerate(head.assessments):
        item = _check_assessment(index, raw, file, by_pk, refused, problems)
        if item is None:
            refused_rows += 1
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                refused_ids.add(raw["id"])  # its history is not blamed again
            continue
        if item.id in seen_ids:
            problems.append(_Where(file, item.label)("id", f"also {seen_ids[item.id]}"))
            refused_rows += 1
            continue
        seen_ids[item.id] = item.label
        assessments.append(item)

    # While an assessment row is refused, a revision naming no listed assessment may be that
    # row's: it is not blamed again.
    revisions = _check_revisions(
        head.assessment_revisions,
        file,
        seen_ids,
        refused_ids,
        by_pk,
        refused,
        problems,
        blame_unlisted=not refused_rows,
    )
    decisions = _check_decisions(head.decisions, file, revisions, refused_ids, problems)
    company = head.company_prices
    if company is not None:
        problems.extend(_company_prices_problems(company, file))
    if problems:
        raise BackupRefused(problems)
    return CheckedBackup(
        versions,
        assessments,
        head.active_policy_pk,
        list(revisions.values()),
        decisions,
        (company.file, company.text, company.set_by, company.set_at) if company else None,
    )


def _company_prices_problems(company: _CompanyPrices, file: str) -> list[Problem]:
    """The company catalogue read as the Policy page reads an upload: every problem located
    in its own text, under the backup's ``company_prices``."""
    try:
        merge_catalogues(shipped_catalogue(), parse_catalogue(company.text, company.file))
    except AdvisorError as exc:
        return [
            Problem(
                f"{company.file}"
                + (f", line {p.line}" if p.line else "")
                + (f", at {p.path}" if p.path else "")
                + f": {p.message}",
                file=file,
                path="company_prices → text",
            )
            for p in exc.problems
        ]
    return []


# --- one policy version -----------------------------------------------------------------------


def _relation_problem(
    version: VersionRow,
    by_pk: Mapping[int, VersionRow],
    by_key: Mapping[tuple[str, str], VersionRow],
    by_parent: Mapping[tuple[str, int], VersionRow],
    file: str,
) -> Problem | None:
    """What is wrong with ``version`` beside the versions listed before it."""
    where = _Where(file, version.label)
    if version.pk in by_pk:
        return where("pk", f"{version.pk} is also the pk of {by_pk[version.pk].label}")
    if version.key in by_key:
        return where("version", f"{by_key[version.key].label} has the same id and version")
    if version.parent_pk is None:
        return None
    parent = by_pk.get(version.parent_pk)
    if parent is None:
        return where(
            "parent_pk", f"{version.parent_pk} is not a policy version listed before this one"
        )
    sibling = by_parent.get((version.rubric.id, version.parent_pk))
    if sibling is not None:
        return where(
            "parent_pk",
            f"{sibling.label} was also edited from {parent.label}; "
            "two versions of a policy cannot share a base",
        )
    return None


def _check_version(index: int, raw: Any, file: str, problems: list[Problem]) -> VersionRow | None:
    label = f"policy_versions[{index}]"
    named = isinstance(raw, dict) and isinstance(raw.get("rubric_id"), str)
    if named and isinstance(raw.get("version"), str):
        label += f" ({_name(raw['rubric_id'])} v{_name(raw['version'])})"
    where = _Where(file, label)
    before = len(problems)
    problems.extend(where(p, m) for p, m in _unsafe_values(raw))
    if len(problems) > before:
        return None
    row = _validated(_VersionRow, raw, file, label, problems)
    if row is None:
        return None
    try:
        rubric = rubric_from_document(Document(data=row.content, file=file))
    except AdvisorError as exc:
        problems.extend(where(_joined("content", p.path), p.message) for p in exc.problems)
        return None
    mismatched = [
        (column, found, expected)
        for column, found, expected in (
            ("rubric_id", row.rubric_id, rubric.id),
            ("version", row.version, rubric.version),
            ("title", row.title, rubric.title),
        )
        if found != expected
    ]
    for column, found, expected in mismatched:
        problems.append(
            where(
                column,
                f"{found!r}, but the content's {column.removeprefix('rubric_')} is "
                f"{expected!r}; expected the two to agree",
            )
        )
    digest = policy_stamp(rubric).sha256
    # A backup written before migration 0004 records the older hash of the same content:
    # accepted only when it is exactly that content's legacy hash, and stored as today's.
    hashed = row.sha256 == digest or row.sha256 in legacy_digests(row.content)
    if not hashed:
        problems.append(
            where(
                "sha256",
                f"does not match the content, which hashes to {digest}; expected the hash "
                "recorded when the version was published (was either changed since?)",
            )
        )
    if mismatched or not hashed:
        return None
    values = {**row.model_dump(exclude={"pk", "parent_pk"}), "sha256": digest}
    return VersionRow(index, label, row.pk, row.parent_pk, rubric, values)


# --- one assessment ---------------------------------------------------------------------------


def _check_assessment(
    index: int,
    raw: Any,
    file: str,
    versions: Mapping[int, VersionRow],
    refused: set[int],
    problems: list[Problem],
) -> AssessmentRow | None:
    label = f"assessments[{index}]"
    if isinstance(raw, dict):
        named = [
            f"{key} {_short(raw[key])}" for key in ("id", "title") if isinstance(raw.get(key), str)
        ]
        if named:
            label += f" ({', '.join(named)})"
    where = _Where(file, label)
    before = len(problems)
    problems.extend(where(p, m) for p, m in _unsafe_values(raw))
    if len(problems) > before:
        return None
    row = _validated(_AssessmentRow, raw, file, label, problems)
    if row is None:
        return None

    state = _checked_state(row, where, versions, refused, problems)
    if state is None:
        return None
    extra, result = state
    values = row.model_dump()
    values.update(
        extra=extra,
        verdict=result[0].value if result else None,
        score=result[1] if result else None,
        title_search=t.searchable(row.title),
    )
    return AssessmentRow(index, label, row.id, row.policy_pk, values)


def _checked_state(
    row: _AssessmentRow | _RevisionRow,
    where: _Where,
    versions: Mapping[int, VersionRow],
    refused: set[int],
    problems: list[Problem],
) -> tuple[dict[str, Any], Any] | None:
    """(extra, result under its own version) for a row's content, checked with the models
    and defaults a save goes through, or None with the problems added."""
    before = len(problems)
    extra = {k: v for k, v in (row.extra or {}).items() if v is not None}
    allowed = (*EXTRA_KEYS, *APP_BLOCKS)
    unknown = [k for k in extra if k not in allowed]
    for key in unknown:
        problems.append(
            where(
                _joined("extra", key),
                f"unknown key {key!r}; expected one of: {', '.join(allowed)}",
            )
        )
    if unknown:
        return None
    drafts = extra.pop("usage_drafts", None)
    if drafts is not None and (wrong := _drafts_problem(drafts)):
        problems.append(where(_joined("extra", "usage_drafts"), wrong))
        return None
    # The same model and the same defaults a save goes through (scoring.answers.usable_answers).
    content = {**extra, "title": row.title or UNTITLED, "answers": row.answers, "notes": row.notes}
    try:
        answers = Answers.model_validate(content)
    except ValidationError as exc:
        for problem in _translated(exc, Document(data=content, file=where.file), Answers):
            inside = problem.path
            if inside.split(" → ")[0].split("[")[0] in EXTRA_KEYS:
                inside = _joined("extra", inside)
            problems.append(where(inside, problem.message))
        return None
    for n, option in enumerate(answers.options):
        for question_id, value in option.answers.items():
            try:
                _answer_value(value)
            except ValueError as exc:
                path = f"extra → options[{n}] → answers → {question_id}"
                problems.append(where(path, str(exc)))
    if len(problems) > before:
        return None

    version = versions.get(row.policy_pk)
    if version is None:
        if row.policy_pk in refused:  # its version's problem is reported; it cannot be scored
            return None
        problems.append(
            where("policy_pk", f"{row.policy_pk} is not a policy version in the backup")
        )
        return None
    # The verdict and score are derived: computed under the row's policy as a save does,
    # never taken from the file.
    from .records import evaluate

    try:
        result = evaluate(version.rubric, row.title, row.answers, row.notes, extra)
    except AdvisorError as exc:
        problems.extend(
            where("", f"cannot be scored under {version.label}: {p}") for p in exc.problems
        )
        return None
    except (ValidationError, ValueError, TypeError, ArithmeticError) as exc:
        problems.append(
            where("", f"cannot be scored under {version.label}: {type(exc).__name__}: {exc}")
        )
        return None
    # The usage forms are kept as they were; only the answers-file blocks are scored.
    return ({**extra, "usage_drafts": drafts} if drafts is not None else extra), result


# --- history and decisions --------------------------------------------------------------------


def _check_revisions(
    rows: list[Any],
    file: str,
    assessment_ids: Mapping[str, str],
    refused_ids: set[str],
    versions: Mapping[int, VersionRow],
    refused: set[int],
    problems: list[Problem],
    *,
    blame_unlisted: bool,
) -> dict[tuple[str, int], HistoryRow]:
    """Each kept revision checked as a save would check it and scored under its own version
    (verdicts are derived, never read); it must belong to an assessment of the backup.
    A refused row adds its assessment to ``refused_ids``, so decisions on it are not blamed
    again."""
    found: dict[tuple[str, int], HistoryRow] = {}
    for index, raw in enumerate(rows):
        row = _check_revision(
            index, raw, file, assessment_ids, refused_ids, found, problems, blame_unlisted
        )
        if row is None:
            if isinstance(raw, dict) and isinstance(raw.get("assessment_id"), str):
                refused_ids.add(raw["assessment_id"])
            continue
        label = _history_label("assessment_revisions", index, raw)
        state = _checked_state(row, _Where(file, label), versions, refused, problems)
        if state is None:
            refused_ids.add(row.assessment_id)
            continue
        extra, result = state
        values = row.model_dump()
        values.update(
            extra=extra,
            verdict=result[0].value if result else None,
            score=result[1] if result else None,
        )
        key = (row.assessment_id, row.revision)
        found[key] = HistoryRow(index, label, row.assessment_id, row.revision, values)
    return found


def _check_revision(
    index: int,
    raw: Any,
    file: str,
    assessment_ids: Mapping[str, str],
    refused_ids: set[str],
    found: Mapping[tuple[str, int], HistoryRow],
    problems: list[Problem],
    blame_unlisted: bool,
) -> _RevisionRow | None:
    """The shape of one kept revision and what it names; None when refused or when its
    problem is another row's."""
    label = _history_label("assessment_revisions", index, raw)
    where = _Where(file, label)
    before = len(problems)
    problems.extend(where(p, m) for p, m in _unsafe_values(raw))
    if len(problems) > before:
        return None
    row = _validated(_RevisionRow, raw, file, label, problems)
    if row is None or row.assessment_id in refused_ids:
        return None
    if row.assessment_id not in assessment_ids:
        if blame_unlisted:
            problems.append(
                where("assessment_id", f"{row.assessment_id!r} is not an assessment in the backup")
            )
        return None
    key = (row.assessment_id, row.revision)
    if key in found:
        problems.append(where("revision", f"also {found[key].label}"))
        return None
    return row


def _check_decisions(
    rows: list[Any],
    file: str,
    revisions: Mapping[tuple[str, int], HistoryRow],
    refused_ids: set[str],
    problems: list[Problem],
) -> list[HistoryRow]:
    """Each decision must name a kept revision of the backup; its policy version, verdict
    and score are that revision's (what the decider read), not the file's."""
    found: list[HistoryRow] = []
    for index, raw in enumerate(rows):
        label = _history_label("decisions", index, raw)
        where = _Where(file, label)
        before = len(problems)
        problems.extend(where(p, m) for p, m in _unsafe_values(raw))
        if len(problems) > before:
            continue
        row = _validated(_DecisionRow, raw, file, label, problems)
        if row is None:
            continue
        kept = revisions.get((row.assessment_id, row.revision))
        if kept is None and row.assessment_id in refused_ids:
            continue  # the problem with its assessment or revision is reported
        if kept is None:
            problems.append(
                where(
                    "revision",
                    f"{row.revision} is not a kept revision of assessment "
                    f"{row.assessment_id!r} in the backup",
                )
            )
            continue
        values = row.model_dump(exclude={"pk"})
        values.update(
            policy_pk=kept.values["policy_pk"],
            verdict=kept.values["verdict"],
            score=kept.values["score"],
        )
        found.append(HistoryRow(index, label, row.assessment_id, row.revision, values))
    return found


def _drafts_problem(drafts: Any) -> str | None:
    """What is wrong with a saved usage-form block (see APP_BLOCKS), or None."""
    if not isinstance(drafts, dict):
        return f"expected usage forms by option id, found {_shown(drafts)}"
    for option_id, form in drafts.items():
        if not isinstance(form, dict):
            return f"expected a form for option {option_id!r}, found {_shown(form)}"
        if len(form) > MAX_DRAFT_FIELDS:
            return (
                f"expected at most {MAX_DRAFT_FIELDS} fields in the form for option "
                f"{option_id!r}, found {len(form)}"
            )
        for name, value in form.items():
            if not (value is None or isinstance(value, str | bool | int | float)):
                return (
                    f"expected a number, text, true/false or nothing for {name!r} in the form "
                    f"for option {option_id!r}, found {_shown(value)}"
                )
            if isinstance(value, str) and (problem := _text_problem(value)):
                return f"{name!r} in the form for option {option_id!r}: {problem}"
    return None


def _history_label(table: str, index: int, raw: Any) -> str:
    label = f"{table}[{index}]"
    if isinstance(raw, dict) and isinstance(raw.get("assessment_id"), str):
        label += f" (assessment {_short(raw['assessment_id'])}"
        if isinstance(raw.get("revision"), int) and not isinstance(raw["revision"], bool):
            label += f", revision {raw['revision']}"
        label += ")"
    return label


# --- helpers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    file: str
    label: str

    def __call__(self, path: str, message: str) -> Problem:
        return Problem(message, file=self.file, path=_joined(self.label, path))


def _joined(*parts: str) -> str:
    return " → ".join(p for p in parts if p)


M = TypeVar("M", bound=BaseModel)


def _validated(
    model: type[M], raw: Any, file: str, label: str, problems: list[Problem]
) -> M | None:
    if not isinstance(raw, dict):
        problems.append(Problem(f"expected a mapping, found {_shown(raw)}", file=file, path=label))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        found = _translated(exc, Document(data=raw, file=file), model)
        problems.extend(Problem(p.message, file=file, path=_joined(label, p.path)) for p in found)
        return None


def _translated(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    """pydantic's errors in the loader's words; here also the keys a nested model accepts
    (the loader knows them only inside a rubric) and the length of text that is too long."""
    better: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        value = error.get("input")
        if error["type"] == "extra_forbidden":
            known = _fields_at(model, loc[:-1])
            if known:
                close = difflib.get_close_matches(str(loc[-1]), known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                better[describe_path(doc.data, loc)[0]] = (
                    f"unknown key {str(loc[-1])!r}; expected one of: {', '.join(known)}{hint}"
                )
        elif error["type"] == "string_too_long" and isinstance(value, str):
            limit = (error.get("ctx") or {}).get("max_length")
            better[describe_path(doc.data, loc)[0]] = (
                f"expected at most {limit} characters, found {len(value):,}"
            )
    return [
        Problem(better[p.path], file=p.file, path=p.path) if p.path in better else p
        for p in translate_validation_error(exc, doc, model)
    ]


def _fields_at(model: type[BaseModel], loc: list[Any]) -> list[str]:
    """The keys of the model found by following ``loc`` from ``model`` through its fields
    (lists, dicts and optional values unwrapped); empty when ``loc`` ends elsewhere."""
    annotation: Any = model
    for step in loc:
        annotation = _unwrapped(annotation)
        if isinstance(step, int) and get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(step))
            if field is None:
                return []
            annotation = field.annotation
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        else:
            return []
    annotation = _unwrapped(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrapped(annotation: Any) -> Any:
    """``X`` from ``Annotated[X, ...]`` and ``X | None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _unsafe_values(data: Any) -> Iterator[tuple[str, str]]:
    """Values no database column takes as they are: numbers that are not finite (JSON's
    NaN/Infinity), text with a NUL character or a lone surrogate. Walked without recursion,
    so any nesting JSON can hold is safe."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        message = None
        if isinstance(value, float):
            if not _finite(value):
                message = f"expected a finite number, found {_shown(value)}"
        elif isinstance(value, int) and not isinstance(value, bool):
            if not _finite(value):
                message = f"expected a number below 1e308, found {_shown(value)}"
        elif isinstance(value, str):
            message = _text_problem(value)
        elif isinstance(value, dict):
            for key in reversed(list(value)):
                key_problem = _text_problem(key) if isinstance(key, str) else None
                if key_problem:
                    yield describe_path(data, loc)[0], f"a key: {key_problem}"
                else:
                    stack.append(((*loc, key), value[key]))
        elif isinstance(value, list):
            stack.extend(((*loc, i), item) for i, item in reversed(list(enumerate(value))))
        if message:
            yield describe_path(data, loc)[0], message


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "expected text without NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "expected text that is valid Unicode, found a lone surrogate"
    return None


def _name(text: str) -> str:
    """An id or version as people write it, quoted only when it would mislead bare."""
    if text and len(text) <= 40 and re.fullmatch(r"[\w.+-]+", text, flags=re.ASCII):
        return text
    return _short(text)


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no value {str(value).lower()}"
    if isinstance(value, int) and not _finite(value):
        try:
            return f"a number of {len(str(abs(value))):,} digits"
        except ValueError:  # more digits than Python converts to text
            return f"a number of about {int(value.bit_length() * math.log10(2)):,} digits"
    if isinstance(value, int | float):
        return f"number {value!r}"
    if isinstance(value, str):
        return f"text {_short(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
