"""devices: the block of slip and request numbers each laptop hands out

Revision ID: a005
Revises: a004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a005"
down_revision = "a004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("archive_devices") as batch:
        batch.add_column(sa.Column("number_block", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("archive_devices") as batch:
        batch.drop_column("number_block")
