"""Pictures and files attached to slips, repair orders and complaints (issue 21).

One row per attachment (fieldapp.store.attachment_models); the bytes are in the
content-addressed file store beside the database (fieldapp.store.blobs), not in a row.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC = fieldapp.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("owner_kind", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=60), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("captured_at", UTC(), nullable=True),
        sa.Column("added_at", UTC(), nullable=False),
        sa.Column("added_by", sa.String(length=8), nullable=False),
        sa.Column("removed_at", UTC(), nullable=True),
        sa.Column("removed_by", sa.String(length=8), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(op.f("ix_attachments_sha256"), "attachments", ["sha256"])
    op.create_index("ix_attachments_owner", "attachments",
                    ["owner_kind", "owner_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_attachments_owner", table_name="attachments")
    op.drop_index(op.f("ix_attachments_sha256"), table_name="attachments")
    op.drop_table("attachments")
