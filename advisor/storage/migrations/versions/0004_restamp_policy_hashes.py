"""Policy hashes leave defaults out: every stored version is re-stamped.

Until now a version's SHA-256 was taken over the full dump of its rubric, defaults
included, so adding a model field with a default changed the hash of unchanged content
(and an export of such a version was then refused on import). ``policy_stamp`` now hashes
the dump without defaults; each stored version's hash is recomputed from its stored
content, read through the same loader as every other read (``rubric_from_content``).
Content is not touched.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op
from pydantic import ValidationError

from advisor.storage import rubric_from_content
from advisor.storage.legacy import legacy_digest
from scoring.engine import policy_stamp

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# The columns this migration reads and writes, as they are at this revision.
versions = sa.table(
    "policy_versions",
    sa.column("pk", sa.Integer),
    sa.column("sha256", sa.String(64)),
    sa.column("content", sa.JSON),
)


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(versions.c.pk, versions.c.sha256, versions.c.content))
    for pk, stored, content in list(rows):
        try:
            digest = policy_stamp(rubric_from_content(content)).sha256
        except ValidationError as exc:
            # Not a rubric to today's models: no hash can be recomputed, and no read of it
            # can succeed either. It keeps its hash; the database still opens.
            log.warning(
                "policy version %s kept its hash: its content is not a rubric (%s errors)",
                pk,
                exc.error_count(),
            )
            continue
        if digest != stored:
            connection.execute(sa.update(versions).where(versions.c.pk == pk).values(sha256=digest))


def downgrade() -> None:
    # Back to the hash the code before this revision computes: the full dump, defaults
    # included, of models whose clauses nest (the last legacy form).
    connection = op.get_bind()
    rows = connection.execute(sa.select(versions.c.pk, versions.c.content))
    for pk, content in list(rows):
        connection.execute(
            sa.update(versions)
            .where(versions.c.pk == pk)
            .values(sha256=legacy_digest(content, nested_clauses=True))
        )
