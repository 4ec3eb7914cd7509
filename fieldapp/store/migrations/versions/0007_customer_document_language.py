"""The language of a customer's documents (customers.document_language, zh or en).

The customer copy (客户联) and the other documents handed to a customer are printed in
the customer's language, not in the language of the engineer's screen. Every customer
on record so far gets zh, what the copies were meant to be in.

A plain ADD COLUMN with a constant default, not batch mode: on SQLite a batch copy of
`customers` would drop the search-index triggers that migration 0005 put on it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("document_language", sa.String(length=2),
                                         nullable=False, server_default="zh"))


def downgrade() -> None:
    op.drop_column("customers", "document_language")  # SQLite 3.35+: in place, triggers kept
