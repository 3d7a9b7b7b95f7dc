"""Recoverable deletion and case-insensitive title search.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime, nullable=True))
        batch.add_column(
            sa.Column("title_search", sa.String(200), nullable=False, server_default="")
        )
    # Existing rows get their search key from the title they already have.
    op.execute("UPDATE assessments SET title_search = LOWER(title)")
    op.create_index("ix_assessments_title_search", "assessments", ["title_search"])


def downgrade() -> None:
    op.drop_index("ix_assessments_title_search", "assessments")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("title_search")
        batch.drop_column("deleted_at")
