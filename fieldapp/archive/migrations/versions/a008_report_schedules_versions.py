"""report schedules per contract, report versions, periodic reports skipped for want of data

Existing reports become version 1 of themselves (their figures copied into
archive_report_versions), so they keep working and gain a history.

Revision ID: a008
Revises: a007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "a008"
down_revision = "a007"
branch_labels = None
depends_on = None

UTC = fieldapp.store.types.UTCDateTime
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("archive_reports") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("checked_seq", SEQ, nullable=False, server_default="0"))
    op.create_table(
        "archive_report_versions",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("change_zh", sa.Text(), nullable=False),
        sa.Column("change_en", sa.Text(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["archive_reports.id"],
                                name=op.f("fk_archive_report_versions_report_id_archive_reports")),
        sa.PrimaryKeyConstraint("report_id", "version", name=op.f("pk_archive_report_versions")),
    )
    op.execute("INSERT INTO archive_report_versions "
               "(report_id, version, figures, change_zh, change_en, created_at) "
               "SELECT id, 1, figures, '', '', created_at FROM archive_reports")
    op.create_table(
        "archive_report_skips",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("covered_days", sa.Integer(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("min_coverage_percent", sa.Integer(), nullable=False),
        sa.Column("min_requests", sa.Integer(), nullable=False),
        sa.Column("checked_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_report_skips")),
        sa.UniqueConstraint("customer_id", "kind", "period_start", "period_end",
                            name="uq_archive_report_skips_key"),
    )
    op.create_index(op.f("ix_archive_report_skips_customer_id"), "archive_report_skips",
                    ["customer_id"])
    op.create_table(
        "archive_report_schedules",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("kinds", sa.String(length=100), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("min_coverage_percent", sa.Integer(), nullable=False),
        sa.Column("min_requests", sa.Integer(), nullable=False),
        sa.Column("contract_end_days", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", name=op.f("pk_archive_report_schedules")),
    )


def downgrade() -> None:
    op.drop_table("archive_report_schedules")
    op.drop_index(op.f("ix_archive_report_skips_customer_id"), table_name="archive_report_skips")
    op.drop_table("archive_report_skips")
    op.drop_table("archive_report_versions")
    with op.batch_alter_table("archive_reports") as batch:
        batch.drop_column("checked_seq")
        batch.drop_column("version")
