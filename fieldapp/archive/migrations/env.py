"""Alembic environment of the archive's own tables (run through fieldapp.archive.db)."""

from __future__ import annotations

from alembic import context

import fieldapp.archive.portal.models
import fieldapp.archive.reports.models
import fieldapp.archive.seal_models
import fieldapp.archive.tasks_models  # noqa: F401
from fieldapp.archive.models import ArchiveBase

VERSION_TABLE = "archive_alembic_version"

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("archive migrations run through fieldapp.archive.db, not the CLI")

context.configure(
    connection=connection,
    target_metadata=ArchiveBase.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
