"""Sealed slips are read-only in the database too; printed copies are logged.

The core refuses to change a sealed slip; these triggers are the backstop for anything
that reaches the database another way (a bug, a tool, a hand edit). A correction is a
new slip that points at the old one (`amends_slip_id`).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEALED_MESSAGE = "fieldapp: sealed slip is read-only"

# (trigger name, event, table, the slip row the statement touches)
_CHILD_GUARDS = [
    ("fee_lines_sealed_insert", "INSERT", "fee_lines", "NEW.slip_id"),
    ("fee_lines_sealed_update", "UPDATE", "fee_lines", "OLD.slip_id"),
    ("fee_lines_sealed_delete", "DELETE", "fee_lines", "OLD.slip_id"),
    ("signatures_sealed_insert", "INSERT", "signatures", "NEW.slip_id"),
    ("signatures_sealed_update", "UPDATE", "signatures", "OLD.slip_id"),
    ("signatures_sealed_delete", "DELETE", "signatures", "OLD.slip_id"),
]


def _sqlite_triggers() -> list[str]:
    raise_ = f"SELECT RAISE(ABORT, '{SEALED_MESSAGE}');"
    statements = [
        f"CREATE TRIGGER slips_sealed_update BEFORE UPDATE ON slips "
        f"WHEN OLD.seal IS NOT NULL BEGIN {raise_} END",
        f"CREATE TRIGGER slips_sealed_delete BEFORE DELETE ON slips "
        f"WHEN OLD.seal IS NOT NULL BEGIN {raise_} END",
    ]
    for name, event, table, slip_ref in _CHILD_GUARDS:
        statements.append(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
            f"WHEN (SELECT seal FROM slips WHERE id = {slip_ref}) IS NOT NULL "
            f"BEGIN {raise_} END"
        )
    return statements


def _postgres_triggers() -> list[str]:
    return [
        f"""CREATE FUNCTION fieldapp_refuse_sealed_slip() RETURNS trigger AS $$
        BEGIN
          IF OLD.seal IS NOT NULL THEN RAISE EXCEPTION '{SEALED_MESSAGE}'; END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        f"""CREATE FUNCTION fieldapp_refuse_sealed_child() RETURNS trigger AS $$
        DECLARE target uuid;
        BEGIN
          IF TG_OP = 'INSERT' THEN target := NEW.slip_id; ELSE target := OLD.slip_id; END IF;
          IF (SELECT seal FROM slips WHERE id = target) IS NOT NULL THEN
            RAISE EXCEPTION '{SEALED_MESSAGE}';
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER slips_sealed BEFORE UPDATE OR DELETE ON slips "
        "FOR EACH ROW EXECUTE FUNCTION fieldapp_refuse_sealed_slip()",
        "CREATE TRIGGER fee_lines_sealed BEFORE INSERT OR UPDATE OR DELETE ON fee_lines "
        "FOR EACH ROW EXECUTE FUNCTION fieldapp_refuse_sealed_child()",
        "CREATE TRIGGER signatures_sealed BEFORE INSERT OR UPDATE OR DELETE ON signatures "
        "FOR EACH ROW EXECUTE FUNCTION fieldapp_refuse_sealed_child()",
    ]


def upgrade() -> None:
    with op.batch_alter_table("slips") as batch_op:
        batch_op.add_column(sa.Column("seal_document", sa.Text(), nullable=True))
    op.create_table(
        "slip_prints",
        sa.Column("slip_id", sa.Uuid(), nullable=False),
        sa.Column("printed_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("copy_kind", sa.String(length=10), nullable=False),
        sa.Column("layout", sa.String(length=10), nullable=False),
        sa.Column("destination", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["slip_id"], ["slips.id"], name=op.f("fk_slip_prints_slip_id_slips")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slip_prints")),
    )
    op.create_index(op.f("ix_slip_prints_slip_id"), "slip_prints", ["slip_id"])
    dialect = op.get_bind().dialect.name
    statements = _postgres_triggers() if dialect == "postgresql" else _sqlite_triggers()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS slips_sealed ON slips")
        op.execute("DROP TRIGGER IF EXISTS fee_lines_sealed ON fee_lines")
        op.execute("DROP TRIGGER IF EXISTS signatures_sealed ON signatures")
        op.execute("DROP FUNCTION IF EXISTS fieldapp_refuse_sealed_slip()")
        op.execute("DROP FUNCTION IF EXISTS fieldapp_refuse_sealed_child()")
    else:
        for name in ["slips_sealed_update", "slips_sealed_delete"] + [g[0] for g in _CHILD_GUARDS]:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(op.f("ix_slip_prints_slip_id"), table_name="slip_prints")
    op.drop_table("slip_prints")
    with op.batch_alter_table("slips") as batch_op:
        batch_op.drop_column("seal_document")
