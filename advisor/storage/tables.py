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
