"""made reports' e-mail deliveries: one row per report version and recipient; a schedule's
switch to e-mail its reports (on for every existing schedule)

Revision ID: a009
Revises: a008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "a009"
down_revision = "a008"
branch_labels = None
depends_on = None

UTC = fieldapp.store.types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("archive_report_schedules") as batch:
        batch.add_column(sa.Column("mail", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    op.create_table(
        "archive_report_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("sent_at", UTC(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["archive_reports.id"],
                                name=op.f("fk_archive_report_deliveries_report_id_archive_reports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_report_deliveries")),
        sa.UniqueConstraint("report_id", "version", "address",
                            name="uq_archive_report_deliveries_key"),
    )
    op.create_index(op.f("ix_archive_report_deliveries_report_id"),
                    "archive_report_deliveries", ["report_id"])
    op.create_index(op.f("ix_archive_report_deliveries_state"),
                    "archive_report_deliveries", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_archive_report_deliveries_state"),
                  table_name="archive_report_deliveries")
    op.drop_index(op.f("ix_archive_report_deliveries_report_id"),
                  table_name="archive_report_deliveries")
    op.drop_table("archive_report_deliveries")
    with op.batch_alter_table("archive_report_schedules") as batch:
        batch.drop_column("mail")
