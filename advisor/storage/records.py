"""What the database holds, as frozen records: policy versions, assessments and the
result of scoring an assessment under another version; and how rows become records."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from scoring.answers import usable_answers
from scoring.catalogue import PriceCatalogue
from scoring.models import Rubric, Verdict
from scoring.options import headline

from . import tables as t
from .errors import NotFound


@dataclass(frozen=True)
class PolicyVersion:
    """One published, immutable rubric: its number, hash, author, note and content."""

    pk: int
    rubric_id: str
    version: str
    sha256: str
    title: str
    author: str
    note: str
    created_at: dt.datetime
    parent_pk: int | None
    content: dict[str, Any] = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        """ "default v2.0.0": how the UI and messages name the version."""
        return f"{self.rubric_id} v{self.version}"

    def rubric(self) -> Rubric:
        """The rubric this version holds (parsed once per content)."""
        return rubric_from_content(self.content)


@dataclass(frozen=True)
class Assessment:
    """One saved assessment with the verdict and score its policy version gave at its last save."""

    id: str
    title: str
    answers: dict[str, Any]
    notes: dict[str, str]
    policy_pk: int
    verdict: str | None
    score: float | None
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int
    deleted_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


#: Blocks the app keeps in an assessment's ``extra`` beside the answers-file blocks, never
#: scored: the Options page's usage forms as typed, so a form not yet complete enough to
#: price survives a reload (option id -> field -> a number, text, true/false or empty).
APP_BLOCKS = ("usage_drafts",)
#: At most this many fields in one option's usage form.
MAX_DRAFT_FIELDS = 100


@dataclass(frozen=True)
class RescoreChange:
    """One assessment scored under its own version and under another policy."""

    id: str
    title: str
    before_verdict: str | None
    after_verdict: str | None
    before_score: float | None
    after_score: float | None

    @property
    def verdict_changed(self) -> bool:
        """Whether the other policy gives another verdict."""
        return self.before_verdict != self.after_verdict


_RUBRIC_CACHE: dict[str, Rubric] = {}
_RUBRIC_LOCK = threading.Lock()


def rubric_from_content(content: dict[str, Any]) -> Rubric:
    """The rubric a stored version's content holds (the one loader every read goes through;
    migration 0004 uses it too). Cached by content."""
    key = json.dumps(content, sort_keys=True)
    with _RUBRIC_LOCK:
        cached = _RUBRIC_CACHE.get(key)
    if cached is None:
        cached = Rubric.model_validate(content, strict=False)
        with _RUBRIC_LOCK:
            _RUBRIC_CACHE[key] = cached
    return cached


def evaluate(
    rubric: Rubric,
    title: str,
    answers: dict[str, Any],
    notes: dict[str, str],
    extra: dict[str, Any] | None = None,
    catalogue: PriceCatalogue | None = None,
) -> tuple[Verdict, float] | None:
    """The verdict and score a saved assessment shows, or None while nothing weighted is
    answered. Answers the policy does not know are set aside, as in the app; options with
    usage are priced from ``catalogue`` (the one the Report uses)."""
    usable, _ = usable_answers(rubric, title, answers, notes, extra, catalogue)
    return headline(rubric, usable)


def assessment_columns(
    title: str,
    answers: dict[str, Any],
    notes: dict[str, str],
    extra: dict[str, Any] | None,
    policy: PolicyVersion,
    catalogue: PriceCatalogue | None = None,
) -> dict[str, Any]:
    """The columns a save writes, with the verdict and score under ``policy`` kept beside
    the answers so lists and filters need not score anything."""
    result = evaluate(policy.rubric(), title, answers, notes, extra, catalogue)
    return {
        "title": title[:200],
        "title_search": t.searchable(title[:200]),
        "answers": answers,
        "notes": notes,
        "extra": extra or {},
        "policy_pk": policy.pk,
        "verdict": result[0].value if result else None,
        "score": result[1] if result else None,
    }


def version_from_row(row: Any) -> PolicyVersion:
    """A policy_versions row as a record."""
    return PolicyVersion(
        pk=row["pk"],
        rubric_id=row["rubric_id"],
        version=row["version"],
        sha256=row["sha256"],
        title=row["title"],
        author=row["author"],
        note=row["note"],
        created_at=row["created_at"],
        parent_pk=row["parent_pk"],
        content=row["content"],
    )


def assessment_from_row(row: Any) -> Assessment:
    """An assessments row as a record."""
    return Assessment(
        id=row["id"],
        title=row["title"],
        answers=dict(row["answers"]),
        notes=dict(row["notes"]),
        policy_pk=row["policy_pk"],
        verdict=row["verdict"],
        score=row["score"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        revision=row["revision"],
        deleted_at=row["deleted_at"],
        extra=dict(row["extra"] or {}),
    )


def read_version(engine: Engine, pk: int) -> PolicyVersion:
    """The policy version ``pk``, or :class:`NotFound`."""
    with engine.connect() as connection:
        row = (
            connection.execute(sa.select(t.policy_versions).where(t.policy_versions.c.pk == pk))
            .mappings()
            .first()
        )
    if row is None:
        raise NotFound(f"no policy version {pk}")
    return version_from_row(row)


#: What a decision can say, in the order the app offers them.
DECISION_OUTCOMES = ("approved", "approved_with_conditions", "rejected", "deferred")
DECISION_LABELS = {
    "approved": "Approved",
    "approved_with_conditions": "Approved with conditions",
    "rejected": "Rejected",
    "deferred": "Deferred",
}


@dataclass(frozen=True)
class Revision:
    """One kept state of an assessment: what it held after ``change`` and its verdict then."""

    assessment_id: str
    revision: int
    change: str
    title: str
    answers: dict[str, Any]
    notes: dict[str, str]
    extra: dict[str, Any]
    policy_pk: int
    verdict: str | None
    score: float | None
    saved_at: dt.datetime


@dataclass(frozen=True)
class Decision:
    """A decision recorded on one revision: who decided what, when, on which report."""

    pk: int
    assessment_id: str
    revision: int
    outcome: str
    decided_by: str
    decided_on: dt.date
    note: str
    policy_pk: int
    verdict: str | None
    score: float | None
    report_sha256: str
    recorded_at: dt.datetime

    @property
    def label(self) -> str:
        """The outcome as the app and the report say it ("Approved with conditions")."""
        return DECISION_LABELS[self.outcome]


def revision_from_row(row: Any) -> Revision:
    """An assessment_revisions row as a record."""
    return Revision(
        assessment_id=row["assessment_id"],
        revision=row["revision"],
        change=row["change"],
        title=row["title"],
        answers=dict(row["answers"]),
        notes=dict(row["notes"]),
        extra=dict(row["extra"] or {}),
        policy_pk=row["policy_pk"],
        verdict=row["verdict"],
        score=row["score"],
        saved_at=row["saved_at"],
    )


def decision_from_row(row: Any) -> Decision:
    """A decisions row as a record."""
    return Decision(
        pk=row["pk"],
        assessment_id=row["assessment_id"],
        revision=row["revision"],
        outcome=row["outcome"],
        decided_by=row["decided_by"],
        decided_on=row["decided_on"],
        note=row["note"],
        policy_pk=row["policy_pk"],
        verdict=row["verdict"],
        score=row["score"],
        report_sha256=row["report_sha256"],
        recorded_at=row["recorded_at"],
    )
