"""Records kept on this laptop only, and what refers to them.

When a laptop joins an archive holding records of its own that the archive does not have
and would refuse (its `fieldapp demo` data, say: customers and engineers that are not the
service centre's reference data, and everything hanging off them), `fieldapp login
--keep-local` marks their outbox entries `local` (fieldapp.sync.joining). A record made
later that refers to one of them (a slip on a local request, an event about a local
repair) cannot go to the archive either: the push holds it back, marking it local too,
instead of sending it to be refused. Records made against the archive's own customers
refer to none of them and are sent as usual.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from fieldapp.store import outbox
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync.wire import Values

# Columns that name another synchronised record: every foreign key, and the two id
# columns of an event (no foreign key on purpose: events may arrive before their subject).
REFERENCE_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(c.name for c in model.__table__.columns if c.foreign_keys)
    + (("subject_id", "request_id") if table == "events" else ())
    for table, model in SYNC_MODELS.items()
}


def _referenced(record: Values) -> set[uuid.UUID]:
    row = record.get("row") or {}
    out: set[uuid.UUID] = set()
    for column in REFERENCE_COLUMNS.get(record.get("table", ""), ()):
        value = row.get(column)
        if value:
            try:
                out.add(uuid.UUID(str(value)))
            except ValueError:
                continue
    return out


def held_back(session: Session, entries: Iterable[outbox.Entry],
              records: dict[tuple[str, uuid.UUID], Values]) -> list[outbox.Entry]:
    """The entries whose record refers to a record kept local (directly, or through an
    earlier entry of this batch: a new slip and its events together). Costs one indexed
    query when the laptop keeps nothing local, two otherwise."""
    if not outbox.has_local(session):
        return []
    entries = list(entries)
    wanted = {entry: _referenced(records[(entry.table, entry.record_id)])
              for entry in entries if (entry.table, entry.record_id) in records}
    local = outbox.local_ids(session, set().union(*wanted.values()) if wanted else set())
    held = []
    for entry in entries:  # parents before children (outbox order)
        if wanted.get(entry, set()) & local:
            held.append(entry)
            local.add(entry.record_id)
    return held
