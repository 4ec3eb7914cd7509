"""Alembic environment: always run on a connection handed in by fieldapp.store.migrate."""

from __future__ import annotations

from alembic import context

from fieldapp.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("fieldapp migrations run through fieldapp.store.migrate, not the CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
