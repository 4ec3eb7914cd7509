"""Workflows: append-only events, send-in repairs, loaners, complaints, open questions,
group customers' archive entries.

Events, sealed repair intakes and archive entries are written once: triggers refuse UPDATE
and DELETE on them (SQLite and PostgreSQL), the backstop behind the core's own refusal.
It follows 0003 (the sync outbox) and uses none of its tables.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fieldapp.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (table, message): rows of these tables are never updated or deleted.
APPEND_ONLY = [
    ("events", "fieldapp: events are append-only"),
    ("repair_orders", "fieldapp: repair intakes are append-only"),
    ("archive_entries", "fieldapp: archive entries are append-only"),
]


def _sqlite_triggers() -> list[str]:
    statements = []
    for table, message in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_refuse_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    return statements


def _postgres_triggers() -> list[str]:
    statements = []
    for table, message in APPEND_ONLY:
        statements += [
            f"""CREATE FUNCTION fieldapp_refuse_{table}_change() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION fieldapp_refuse_{table}_change()",
        ]
    return statements


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("actor_code", sa.String(length=8), nullable=False),
        sa.Column("occurred_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("recorded_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_request_id"), ["request_id"], unique=False)
        batch_op.create_index(
            "ix_events_subject", ["subject_type", "subject_id", "occurred_at"], unique=False
        )

    op.create_table(
        "loaners",
        sa.Column("asset_tag", sa.String(length=100), nullable=False),
        sa.Column("device_class", sa.String(length=30), nullable=False),
        sa.Column("grade", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loaners")),
        sa.UniqueConstraint("asset_tag", name=op.f("uq_loaners_asset_tag")),
    )
    with op.batch_alter_table("loaners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loaners_device_class"), ["device_class"], unique=False)

    op.create_table(
        "complaints",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("about", sa.String(length=20), nullable=False),
        sa.Column("subject_name", sa.String(length=100), nullable=False),
        sa.Column("engineer_id", sa.Uuid(), nullable=True),
        sa.Column("slip_numbers", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("received_via", sa.String(length=12), nullable=False),
        sa.Column("received_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("response_hours", sa.Integer(), nullable=False),
        sa.Column("routed_to", sa.String(length=20), nullable=False),
        sa.Column("handler_name", sa.String(length=100), nullable=False),
        sa.Column("recorded_by", sa.String(length=8), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_complaints_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["engineer_id"], ["engineers.id"], name=op.f("fk_complaints_engineer_id_engineers")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_requests.id"],
            name=op.f("fk_complaints_request_id_service_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("number", name=op.f("uq_complaints_number")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaints_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_complaints_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "archive_entries",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("slip_id", sa.Uuid(), nullable=True),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_code", sa.String(length=8), nullable=False),
        sa.Column("noted_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_archive_entries_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_archive_entries_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_requests.id"],
            name=op.f("fk_archive_entries_request_id_service_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["slip_id"], ["slips.id"], name=op.f("fk_archive_entries_slip_id_slips")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_entries")),
    )
    with op.batch_alter_table("archive_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_entries_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_archive_entries_device_id"), ["device_id"], unique=False
        )

    op.create_table(
        "open_questions",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("slip_id", sa.Uuid(), nullable=True),
        sa.Column("asked_by", sa.String(length=100), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("promised_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=8), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_open_questions_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_requests.id"],
            name=op.f("fk_open_questions_request_id_service_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["slip_id"], ["slips.id"], name=op.f("fk_open_questions_slip_id_slips")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_questions")),
        sa.UniqueConstraint("number", name=op.f("uq_open_questions_number")),
    )
    with op.batch_alter_table("open_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open_questions_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "repair_orders",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("slip_id", sa.Uuid(), nullable=True),
        sa.Column("engineer_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("company_contact", sa.String(length=100), nullable=False),
        sa.Column("contact_phone", sa.String(length=50), nullable=False),
        sa.Column("fault_description", sa.Text(), nullable=False),
        sa.Column("received_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("arrived_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("departed_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("device_type", sa.String(length=50), nullable=False),
        sa.Column("device_class", sa.String(length=30), nullable=False),
        sa.Column("device_grade", sa.String(length=10), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("serial", sa.String(length=100), nullable=False),
        sa.Column("asset_tag", sa.String(length=100), nullable=False),
        sa.Column("accessories", sa.String(length=300), nullable=False),
        sa.Column("engineer_signer", sa.String(length=100), nullable=False),
        sa.Column("engineer_signed_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("pad_width", sa.Integer(), nullable=False),
        sa.Column("pad_height", sa.Integer(), nullable=False),
        sa.Column("engineer_strokes", sa.Text(), nullable=False),
        sa.Column("engineer_signature_png", sa.LargeBinary(), nullable=False),
        sa.Column("seal", sa.String(length=64), nullable=False),
        sa.Column("seal_document", sa.Text(), nullable=False),
        sa.Column("sealed_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", fieldapp.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_repair_orders_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["engineer_id"], ["engineers.id"], name=op.f("fk_repair_orders_engineer_id_engineers")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_requests.id"],
            name=op.f("fk_repair_orders_request_id_service_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["slip_id"], ["slips.id"], name=op.f("fk_repair_orders_slip_id_slips")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_repair_orders_number")),
    )
    with op.batch_alter_table("repair_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_repair_orders_engineer_id"), ["engineer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_repair_orders_request_id"), ["request_id"], unique=False
        )
    dialect = op.get_bind().dialect.name
    statements = _postgres_triggers() if dialect == "postgresql" else _sqlite_triggers()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    for table, _message in APPEND_ONLY:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS fieldapp_refuse_{table}_change()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_delete")
    with op.batch_alter_table("repair_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_orders_request_id"))
        batch_op.drop_index(batch_op.f("ix_repair_orders_engineer_id"))

    op.drop_table("repair_orders")
    with op.batch_alter_table("open_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_questions_customer_id"))

    op.drop_table("open_questions")
    with op.batch_alter_table("archive_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_entries_device_id"))
        batch_op.drop_index(batch_op.f("ix_archive_entries_customer_id"))

    op.drop_table("archive_entries")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_received_at"))
        batch_op.drop_index(batch_op.f("ix_complaints_customer_id"))

    op.drop_table("complaints")
    with op.batch_alter_table("loaners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loaners_device_class"))

    op.drop_table("loaners")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_subject")
        batch_op.drop_index(batch_op.f("ix_events_request_id"))
        batch_op.drop_index(batch_op.f("ix_events_kind"))

    op.drop_table("events")
