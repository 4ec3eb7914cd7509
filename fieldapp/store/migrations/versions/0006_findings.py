"""Analysis findings (分析发现) made by the archive and pulled by staff laptops, and an
index for a customer's requests of a period (what every report reads first).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC = fieldapp.store.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "findings",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("summary_zh", sa.Text(), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("detected_at", UTC(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_findings_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint("key", name=op.f("uq_findings_key")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_found_on"), ["found_on"], unique=False)
    op.create_index("ix_service_requests_customer_requested", "service_requests",
                    ["customer_id", "requested_at"])


def downgrade() -> None:
    op.drop_index("ix_service_requests_customer_requested", table_name="service_requests")
    op.drop_table("findings")
