"""tasks: someone is told of a finding, a breached SLA clock, an overdue complaint

Revision ID: a007
Revises: a006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "a007"
down_revision = "a006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("cause", sa.String(length=12), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("assignee", sa.String(length=100), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("created_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("done_at", fieldapp.store.types.UTCDateTime(), nullable=True),
        sa.Column("done_by", sa.String(length=100), nullable=False),
        sa.Column("mail_state", sa.String(length=8), nullable=False),
        sa.Column("mail_attempts", sa.Integer(), nullable=False),
        sa.Column("mailed_at", fieldapp.store.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_tasks")),
        sa.UniqueConstraint("key", name=op.f("uq_archive_tasks_key")),
        sa.UniqueConstraint("number", name=op.f("uq_archive_tasks_number")),
    )
    op.create_index(op.f("ix_archive_tasks_customer_id"), "archive_tasks", ["customer_id"])
    op.create_index(op.f("ix_archive_tasks_done_at"), "archive_tasks", ["done_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_archive_tasks_done_at"), table_name="archive_tasks")
    op.drop_index(op.f("ix_archive_tasks_customer_id"), table_name="archive_tasks")
    op.drop_table("archive_tasks")
