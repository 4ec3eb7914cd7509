"""pull feed: which device's push made each change (its own pulls skip it)

Revision ID: a004
Revises: a003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a004"
down_revision = "a003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("archive_changes") as batch:
        batch.add_column(sa.Column("device_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("archive_changes") as batch:
        batch.drop_column("device_id")
