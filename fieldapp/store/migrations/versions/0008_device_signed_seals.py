"""Device-signed seals (seal format 3) and the archive's receipts (docs/seal.md).

`slips.seal_key_id` and `slips.seal_signature`: the laptop's Ed25519 key that signed the
seal, and its signature. `seal_receipts`: the archive's countersignature of each sealed
slip it stored, kept on the laptop (a sealed slip's own row never changes).

Plain ADD COLUMN, not batch mode: on SQLite a batch copy of `slips` would drop the
sealing triggers of migration 0002. Older slips keep NULL (formats 1 and 2).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("slips", sa.Column("seal_key_id", sa.String(length=32), nullable=True))
    op.add_column("slips", sa.Column("seal_signature", sa.String(length=100), nullable=True))
    op.create_table(
        "seal_receipts",
        sa.Column("slip_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["slip_id"], ["slips.id"],
                                name=op.f("fk_seal_receipts_slip_id_slips")),
        sa.PrimaryKeyConstraint("slip_id", name=op.f("pk_seal_receipts")),
    )


def downgrade() -> None:
    op.drop_table("seal_receipts")
    op.drop_column("slips", "seal_signature")  # SQLite 3.35+: in place, triggers kept
    op.drop_column("slips", "seal_key_id")
