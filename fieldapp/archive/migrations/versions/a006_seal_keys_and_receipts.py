"""device keys that sign seals, the receipts given for sealed slips, the archive's key

Revision ID: a006
Revises: a005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "a006"
down_revision = "a005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_seal_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=60), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("registered_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", fieldapp.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["archive_users.id"],
                                name=op.f("fk_archive_seal_keys_user_id_archive_users")),
        sa.ForeignKeyConstraint(["device_id"], ["archive_devices.id"],
                                name=op.f("fk_archive_seal_keys_device_id_archive_devices")),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_archive_seal_keys")),
    )
    op.create_index(op.f("ix_archive_seal_keys_user_id"), "archive_seal_keys", ["user_id"])
    op.create_index(op.f("ix_archive_seal_keys_device_id"), "archive_seal_keys",
                    ["device_id"])
    op.create_table(
        "archive_receipts",
        sa.Column("slip_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("slip_id", name=op.f("pk_archive_receipts")),
    )
    op.create_table(
        "archive_signing_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("created_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_archive_signing_keys")),
    )


def downgrade() -> None:
    op.drop_table("archive_signing_keys")
    op.drop_table("archive_receipts")
    op.drop_index(op.f("ix_archive_seal_keys_device_id"), table_name="archive_seal_keys")
    op.drop_index(op.f("ix_archive_seal_keys_user_id"), table_name="archive_seal_keys")
    op.drop_table("archive_seal_keys")
