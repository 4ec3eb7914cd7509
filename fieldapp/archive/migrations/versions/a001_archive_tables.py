"""archive tables: users, devices, received log, change log

Revision ID: a001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "a001"
down_revision = None
branch_labels = None
depends_on = None

UTC = fieldapp.store.types.UTCDateTime
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "archive_users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("engineer_code", sa.String(length=8), nullable=False),
        sa.Column("customer_code", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_users")),
        sa.UniqueConstraint("name", name=op.f("uq_archive_users_name")),
    )
    op.create_table(
        "archive_devices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("last_seen_at", UTC(), nullable=True),
        sa.Column("last_cursor", SEQ, nullable=False),
        sa.Column("clock_skew_seconds", sa.Integer(), nullable=False),
        sa.Column("revoked_at", UTC(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["archive_users.id"],
                                name=op.f("fk_archive_devices_user_id_archive_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_devices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_archive_devices_token_hash")),
    )
    op.create_index(op.f("ix_archive_devices_user_id"), "archive_devices", ["user_id"])
    op.create_table(
        "archive_received",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", UTC(), nullable=False),
        sa.Column("laptop_time", UTC(), nullable=True),
        sa.Column("record_updated_at", UTC(), nullable=True),
        sa.Column("clock_skew_seconds", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["archive_devices.id"],
                                name=op.f("fk_archive_received_device_id_archive_devices")),
        sa.ForeignKeyConstraint(["user_id"], ["archive_users.id"],
                                name=op.f("fk_archive_received_user_id_archive_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_received")),
    )
    op.create_index("ix_archive_received_record", "archive_received",
                    ["table_name", "record_id"])
    op.create_table(
        "archive_changes",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("changed_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_archive_changes")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_archive_changes_record", "archive_changes",
                    ["table_name", "record_id"], unique=True)


def downgrade() -> None:
    op.drop_table("archive_changes")
    op.drop_table("archive_received")
    op.drop_table("archive_devices")
    op.drop_table("archive_users")
