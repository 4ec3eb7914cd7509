"""portal: customer login sessions and the login throttle

Revision ID: a003
Revises: a002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "a003"
down_revision = "a002"
branch_labels = None
depends_on = None

UTC = fieldapp.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "archive_portal_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("expires_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["archive_users.id"],
                                name=op.f("fk_archive_portal_sessions_user_id_archive_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_portal_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_archive_portal_sessions_token_hash")),
    )
    op.create_index(op.f("ix_archive_portal_sessions_user_id"), "archive_portal_sessions",
                    ["user_id"])
    op.create_index(op.f("ix_archive_portal_sessions_expires_at"), "archive_portal_sessions",
                    ["expires_at"])
    op.create_table(
        "archive_portal_throttle",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", UTC(), nullable=False),
        sa.Column("locked_until", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_portal_throttle")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_archive_portal_throttle_scope")),
    )


def downgrade() -> None:
    op.drop_table("archive_portal_throttle")
    op.drop_table("archive_portal_sessions")
