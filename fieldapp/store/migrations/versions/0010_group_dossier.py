"""The group dossier's problem sets and service suggestions (issue 20 item 6, R2.5).

Two write-once tables, like `open_questions`: their lifecycle (tracking, solved, the
customer's answer) and the service centre's review are append-only events, so both
tables refuse UPDATE and DELETE as `events` does (0004). Laptops and the archive both run
this chain (the archive's `upgrade` applies the core chain before its own).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from fieldapp.store.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

APPEND_ONLY = [
    ("problem_sets", "fieldapp: problem sets are append-only"),
    ("service_suggestions", "fieldapp: service suggestions are append-only"),
]


def _table(name: str, columns: list[sa.Column[Any]]) -> None:
    op.create_table(
        name,
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("slip_id", sa.Uuid(), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        *columns,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f(f"fk_{name}_customer_id_customers")),
        sa.ForeignKeyConstraint(["request_id"], ["service_requests.id"],
                                name=op.f(f"fk_{name}_request_id_service_requests")),
        sa.ForeignKeyConstraint(["slip_id"], ["slips.id"], name=op.f(f"fk_{name}_slip_id_slips")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f(f"fk_{name}_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("number", name=op.f(f"uq_{name}_number")),
    )
    op.create_index(op.f(f"ix_{name}_customer_id"), name, ["customer_id"])
    op.create_index(op.f(f"ix_{name}_request_id"), name, ["request_id"])


def upgrade() -> None:
    _table("problem_sets", [
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.String(length=8), nullable=False),
        sa.Column("raised_at", UTCDateTime(), nullable=False)])
    _table("service_suggestions", [
        sa.Column("suggestion", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(length=8), nullable=False),
        sa.Column("proposed_at", UTCDateTime(), nullable=False)])
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, message in APPEND_ONLY:
        if postgres:
            op.execute(f"""CREATE FUNCTION fieldapp_refuse_{table}_change() RETURNS trigger
            AS $$ BEGIN RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql""")
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION fieldapp_refuse_{table}_change()")
            continue
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_refuse_{event.lower()} BEFORE {event} ON "
                       f"{table} BEGIN SELECT RAISE(ABORT, '{message}'); END")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, _message in APPEND_ONLY:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS fieldapp_refuse_{table}_change()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_delete")
        op.drop_table(table)
