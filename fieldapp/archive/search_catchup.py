"""The archive's slip search index, filled a batch at a time (archive migration a010).

On the archive's SQLite a new slip is not indexed by a trigger on its own row (the core's
`slips_search_insert`, 0005/0012: a fifth of a push's ingest CPU, the FTS5 trigrams and
bigrams written row by row inside the batch's executemany): the row's id goes to
``slip_search_pending`` instead, and `catch_up` indexes every pending slip in one
statement, about three times cheaper a slip. The ingest calls it at the end of each
batch, in the batch's transaction, so whatever reads the archive (the portal's search)
never sees a stored slip that is not indexed. The text is the core's (0012's `_body`),
and the other triggers (a slip's, a request's, a customer's or a device's text changing;
a slip deleted) are the core's, unchanged: a change before the catch-up finds no index
row to refresh, and the catch-up then reads the changed text.

PostgreSQL has no such index (its search is LIKE over the columns): nothing to do.
"""

from __future__ import annotations

import importlib

from sqlalchemy import Connection
from sqlalchemy.orm import Session

PENDING = "slip_search_pending"
# The very text the core's insert trigger writes (one definition: migration 0012's).
_CORE = importlib.import_module("fieldapp.store.migrations.versions.0012_search_bigrams")


def index_pending_sql(upto: str = "?") -> str:
    """SQL indexing the pending slips with a pending rowid <= `upto` (a bound parameter,
    or an SQL expression); a slip indexed already (a core trigger that writes the index
    row itself again) or deleted meanwhile is skipped."""
    return (f"INSERT INTO slip_search (slip_id, body) SELECT s.id, {_CORE._body('s')}"
            f" FROM slips s WHERE s.id IN (SELECT slip_id FROM {PENDING} WHERE rowid <= {upto})"
            " AND NOT EXISTS (SELECT 1 FROM slip_search x WHERE x.slip_id = s.id)")


_INDEX = index_pending_sql()
_HAS_PENDING = f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{PENDING}'"


def catch_up(session: Session) -> int:
    """Index the slips stored since the last catch-up, in the session's transaction; how
    many were indexed (0 on PostgreSQL or an archive before a010)."""
    return catch_up_connection(session.connection())


def catch_up_connection(connection: Connection) -> int:
    if connection.dialect.name != "sqlite" or not connection.exec_driver_sql(
            _HAS_PENDING).scalar():
        return 0
    top = connection.exec_driver_sql(f"SELECT max(rowid) FROM {PENDING}").scalar()
    if top is None:
        return 0
    indexed = connection.exec_driver_sql(_INDEX, (top,)).rowcount
    connection.exec_driver_sql(f"DELETE FROM {PENDING} WHERE rowid <= ?", (top,))
    return int(indexed)
