"""the archive's slip search index filled a batch at a time: a new slip's id goes to
slip_search_pending (SQLite only), indexed by fieldapp.archive.search_catchup at the end
of the pushed batch that stored it

Revision ID: a010
Revises: a009
Create Date: 2026-12-06
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "a010"
down_revision = "a009"
branch_labels = None
depends_on = None

_PENDING_TRIGGER = (
    "CREATE TRIGGER slips_search_pending AFTER INSERT ON slips BEGIN"
    " INSERT INTO slip_search_pending (slip_id) VALUES (NEW.id); END")


def _has(name: str) -> bool:
    return op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = ?", (name,)).scalar() == 1


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite" or not _has("slips_search_insert"):
        return  # PostgreSQL searches with LIKE: no index to fill
    op.execute("CREATE TABLE slip_search_pending (slip_id CHAR(32) NOT NULL)")
    op.execute("DROP TRIGGER slips_search_insert")
    op.execute(_PENDING_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite" or not _has("slip_search_pending"):
        return
    catchup = importlib.import_module("fieldapp.archive.search_catchup")
    core = importlib.import_module("fieldapp.store.migrations.versions.0012_search_bigrams")
    op.execute(catchup.index_pending_sql("(SELECT max(rowid) FROM slip_search_pending)"))
    op.execute("DROP TRIGGER slips_search_pending")
    op.execute("DROP TABLE slip_search_pending")
    op.execute(core._sync_triggers(devices=True)[0])  # slips_search_insert, as 0012 made it
