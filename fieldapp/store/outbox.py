"""The laptop's outbox: changed records are queued in the transaction that changes them.

`track_changes(store)` adds an ORM ``after_flush`` listener to the store's write
sessions. Every inserted, changed or deleted row of a synchronised table is recorded in
`sync_outbox` by (table, id); a fee line or signature stands for its slip. Rows written
by a pull use Core statements and so are not queued again.

An entry is `pending` (to send), `refused` (the archive's reason kept) or `local`: a
record kept on this laptop only (made before the laptop joined an archive, and what
refers to one; `fieldapp login --keep-local`, fieldapp.sync.joining). A local entry is
never sent, never counted as waiting or refused, and stays local when the record changes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, event, exists, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fieldapp.base.timeutil import utcnow
from fieldapp.store import Store
from fieldapp.store.models import FeeLine, Signature, SyncOutbox
from fieldapp.store.tables import SYNC_MODELS, TABLE_RANK
from fieldapp.store.values import OutboxState

_TABLE_OF = {model: name for name, model in SYNC_MODELS.items()}

PENDING, REFUSED, LOCAL = OutboxState.PENDING, OutboxState.REFUSED, OutboxState.LOCAL


def track_changes(store: Store) -> None:
    # The mark lives on the store, not in `event.contains`: SQLAlchemy's registry keys
    # listeners by id(target), so a new store whose sessionmaker class reuses the id of
    # a closed store's looked "already tracked" and queued nothing (changes never synced).
    if store.outbox_tracked:
        return
    event.listen(store.write_sessions, "after_flush", _after_flush)
    store.outbox_tracked = True


def _key(obj: Any) -> tuple[str, uuid.UUID] | None:
    if isinstance(obj, (FeeLine, Signature)):
        return ("slips", obj.slip_id) if obj.slip_id is not None else None
    table = _TABLE_OF.get(type(obj))
    return (table, obj.id) if table is not None and obj.id is not None else None


def _after_flush(session: Session, _context: Any) -> None:
    keys: set[tuple[str, uuid.UUID]] = set()
    for obj in (*session.new, *session.deleted):
        key = _key(obj)
        if key is not None:
            keys.add(key)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            key = _key(obj)
            if key is not None:
                keys.add(key)
    enqueue_many(session, sorted(keys, key=lambda k: (TABLE_RANK[k[0]], str(k[1]))))


def _enqueue_statement() -> Any:
    column = SyncOutbox.__table__.c
    return sqlite_insert(SyncOutbox.__table__).on_conflict_do_update(
        index_elements=[column.table_name, column.record_id],
        set_={"version": column.version + 1,
              "state": case((column.state == LOCAL, LOCAL), else_=PENDING), "reason_code": "",
              "reason_zh": "", "reason_en": ""},
    )


_ACKNOWLEDGE = delete(SyncOutbox.__table__).where(
    SyncOutbox.__table__.c.table_name == bindparam("b_table"),
    SyncOutbox.__table__.c.record_id == bindparam("b_id"),
    SyncOutbox.__table__.c.version == bindparam("b_version"))

# Built once: constructing and cache-keying the upsert per row cost ~1 ms of CPU each.
_ENQUEUE = _enqueue_statement()


def enqueue_many(session: Session, keys: list[tuple[str, uuid.UUID]]) -> None:
    """Queue (or re-queue as a newer version) each (table, id), in this order."""
    if not keys:
        return
    session.connection().execute(_ENQUEUE, [
        {"table_name": table, "record_id": record_id, "version": 1, "state": PENDING,
         "enqueued_at": utcnow(), "attempts": 0, "reason_code": "", "reason_zh": "",
         "reason_en": ""}
        for table, record_id in keys])


@dataclass(frozen=True)
class Entry:
    table: str
    record_id: uuid.UUID
    version: int


def pending(session: Session, limit: int) -> list[Entry]:
    """Pending entries, parents before children (reference data, requests, then slips)."""
    rank = case(TABLE_RANK, value=SyncOutbox.table_name, else_=len(TABLE_RANK))
    rows = session.execute(
        select(SyncOutbox.table_name, SyncOutbox.record_id, SyncOutbox.version)
        .where(SyncOutbox.state == PENDING).order_by(rank, SyncOutbox.record_id).limit(limit)
    ).all()
    return [Entry(*r) for r in rows]


def count(session: Session, state: str = PENDING) -> int:
    return session.scalar(select(func.count()).select_from(SyncOutbox)
                          .where(SyncOutbox.state == state)) or 0


def _match(entry: Entry) -> Any:
    return and_(SyncOutbox.table_name == entry.table, SyncOutbox.record_id == entry.record_id,
                SyncOutbox.version == entry.version)


def acknowledge(session: Session, entries: list[Entry]) -> None:
    """The archive has these versions: forget them (a newer version stays queued)."""
    if entries:
        session.execute(_ACKNOWLEDGE, [{"b_table": e.table, "b_id": e.record_id,
                                        "b_version": e.version} for e in entries])


def refuse(session: Session, entry: Entry, code: str, zh: str, en: str) -> None:
    session.execute(update(SyncOutbox).where(_match(entry)).values(
        state=REFUSED, reason_code=code, reason_zh=zh, reason_en=en,
        attempts=SyncOutbox.attempts + 1))


def refused(session: Session) -> list[SyncOutbox]:
    return list(session.scalars(select(SyncOutbox).where(SyncOutbox.state == REFUSED)
                                .order_by(SyncOutbox.enqueued_at)))


def retry_refused(session: Session) -> int:
    result = session.execute(update(SyncOutbox).where(SyncOutbox.state == REFUSED)
                             .values(state=PENDING))
    return int(getattr(result, "rowcount", 0) or 0)


def retry(session: Session, keys: list[tuple[str, uuid.UUID]]) -> None:
    """Send these records again if the archive refused them (what it refused them for —
    a missing request, say — has been put right here)."""
    table = SyncOutbox.__table__
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        session.execute(update(table).where(
            table.c.state == REFUSED, table.c.record_id.in_([k[1] for k in chunk]))
            .values(state=PENDING))


def has_local(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(SyncOutbox.state == LOCAL))))


def local_ids(session: Session, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these record ids are kept on this laptop only."""
    if not ids:
        return set()
    return set(session.scalars(select(SyncOutbox.record_id).where(
        SyncOutbox.state == LOCAL, SyncOutbox.record_id.in_(ids))))


def keep_local(session: Session, entries: list[Entry] | None = None) -> int:
    """Keep these entries (None: every pending or refused one) on this laptop only."""
    statement = update(SyncOutbox).values(state=LOCAL, reason_code="", reason_zh="",
                                          reason_en="")
    if entries is None:
        result = session.execute(statement.where(SyncOutbox.state.in_((PENDING, REFUSED))))
        return int(getattr(result, "rowcount", 0) or 0)
    for entry in entries:
        session.execute(statement.where(_match(entry)))
    return len(entries)
