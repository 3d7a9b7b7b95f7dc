"""An assessment's history and its recorded decisions.

Every change to an assessment (create, save, rename, delete, restore, re-score, import)
keeps the state it produced in ``assessment_revisions``, so a report can show the verdict
and score over time and compare two revisions. ``decisions`` records who decided what on
which revision, with the policy version and the hash of the report they saw. Existing
assessments get their current state as their first kept revision.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_revisions",
        sa.Column(
            "assessment_id",
            sa.String(32),
            sa.ForeignKey("assessments.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("revision", sa.Integer, primary_key=True),
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
    op.create_table(
        "decisions",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assessment_id", sa.String(32), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
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
    )
    op.create_index("ix_decisions_assessment", "decisions", ["assessment_id"])
    # Each existing assessment's current state becomes its first kept revision.
    op.execute(
        "INSERT INTO assessment_revisions (assessment_id, revision, change, title, answers, "
        "notes, extra, policy_pk, verdict, score, saved_at) "
        "SELECT id, revision, 'saved', title, answers, notes, extra, policy_pk, verdict, "
        "score, updated_at FROM assessments"
    )


def downgrade() -> None:
    op.drop_index("ix_decisions_assessment", "decisions")
    op.drop_table("decisions")
    op.drop_table("assessment_revisions")
