"""The database schema at its newest revision (migrations in ``migrations/versions``)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()

policy_versions = sa.Table(
    "policy_versions",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rubric_id", sa.String(64), nullable=False),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("content", sa.JSON, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # The version this one was edited from. Unique per rubric: two publishes from the
    # same base cannot both land, which is how a lost update between admins is refused.
    sa.Column("parent_pk", sa.Integer, sa.ForeignKey("policy_versions.pk"), nullable=True),
    sa.UniqueConstraint("rubric_id", "version", name="uq_policy_versions_rubric_version"),
    sa.UniqueConstraint("rubric_id", "parent_pk", name="uq_policy_versions_rubric_parent"),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("notes", sa.JSON, nullable=False),
    sa.Column("policy_pk", sa.Integer, sa.ForeignKey("policy_versions.pk"), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=True),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    # Optimistic locking: a save names the revision it started from.
    sa.Column("revision", sa.Integer, nullable=False, default=1),
    # Added in 0002: deletion is recoverable, and title search is case-insensitive.
    sa.Column("deleted_at", sa.DateTime, nullable=True),
    sa.Column("title_search", sa.String(200), nullable=False, default=""),
    # Added in 0003: options, cost figures, current process and labour (answers-file blocks).
    sa.Column("extra", sa.JSON, nullable=True),
    sa.Index("ix_assessments_updated_at", "updated_at"),
    sa.Index("ix_assessments_verdict", "verdict"),
    sa.Index("ix_assessments_title_search", "title_search"),
)


# Added in 0005: every saved state of an assessment, and the decisions recorded on one.
assessment_revisions = sa.Table(
    "assessment_revisions",
    metadata,
    sa.Column(
        "assessment_id",
        sa.String(32),
        sa.ForeignKey("assessments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("revision", sa.Integer, primary_key=True),
    # What changed: created, saved, renamed, deleted, restored, re-scored, imported.
    sa.Column("change", sa.String(16), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("notes", sa.JSON, nullable=False),
    sa.Column("extra", sa.JSON, nullable=True),
    sa.Column("policy_pk", sa.Integer, sa.ForeignKey("policy_versions.pk"), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=True),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("saved_at", sa.DateTime, nullable=False),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assessment_id", sa.String(32), nullable=False),
    # The revision the decision was taken on: its answers, policy version and verdict are
    # frozen in assessment_revisions, and the report's hash is kept here.
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("decided_by", sa.String(200), nullable=False),
    sa.Column("decided_on", sa.Date, nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("policy_pk", sa.Integer, sa.ForeignKey("policy_versions.pk"), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=True),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("report_sha256", sa.String(64), nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.ForeignKeyConstraint(
        ["assessment_id", "revision"],
        ["assessment_revisions.assessment_id", "assessment_revisions.revision"],
        ondelete="CASCADE",
    ),
    sa.Index("ix_decisions_assessment", "assessment_id"),
)


def length(column: sa.Column[Any]) -> int:
    """The length of a string column: rows are refused before the database would."""
    found = getattr(column.type, "length", None)
    assert isinstance(found, int)
    return found


def is_assessment_id(text: str) -> bool:
    """Whether ``text`` can be an assessment id: what the app creates (32 hex digits) and
    what older versions and backups hold (letters, digits, '_', '.', '-')."""
    return re.fullmatch(rf"[A-Za-z0-9_.-]{{1,{length(assessments.c.id)}}}", text) is not None


def searchable(title: str) -> str:
    """A title as searched; case folding can lengthen text ("ß" is "ss"), the column cannot."""
    return title.casefold()[: length(assessments.c.title_search)]
