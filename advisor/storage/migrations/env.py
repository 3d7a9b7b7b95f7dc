"""Alembic environment: runs on the connection the Store hands over (never a URL from a file)."""

from __future__ import annotations

from alembic import context

from advisor.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
