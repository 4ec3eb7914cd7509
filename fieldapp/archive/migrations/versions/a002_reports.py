"""archive reports: service analysis reports made per customer, kind and period

Self-contained (only the archive_reports table), so it can be re-chained after other
archive migrations made off a001 in parallel.

Revision ID: a002
Revises: a001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "a002"
down_revision = "a001"
branch_labels = None
depends_on = None

UTC = fieldapp.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "archive_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_reports")),
        sa.UniqueConstraint("customer_id", "kind", "period_start", "period_end",
                            name="uq_archive_reports_key"),
    )
    op.create_index(op.f("ix_archive_reports_customer_id"), "archive_reports", ["customer_id"])


def downgrade() -> None:
    op.drop_table("archive_reports")
