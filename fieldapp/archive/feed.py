"""The pull feed: what changed after a cursor that this user may see, page by page.

The cursor is the archive's own change sequence (`archive_changes.seq`), never a laptop
clock. A page carries the changed records the user may see, plus the rows they refer to
(so the laptop's foreign keys hold) and, for an engineer, the history of the devices in
their requests. Records are ordered parents first; the laptop stores a page and the new
cursor in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.models import Change
from fieldapp.archive.rules import Actor
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.sync.wire import REFERENCE_TABLES, SYNC_MODELS, TABLE_RANK, read_records

DEVICE_HISTORY = 20  # earlier requests per device sent along with an engineer's request

# table -> [(column, referenced table)], from the models' foreign keys
_PARENTS: dict[str, list[tuple[str, str]]] = {
    name: [(col.key, next(iter(col.foreign_keys)).column.table.name)
           for col in model.__table__.columns if col.foreign_keys]
    for name, model in SYNC_MODELS.items()
}


@dataclass
class Page:
    records: list[dict[str, Any]]
    cursor: int
    more: bool


def _visible(actor: Actor, table: str, record: dict[str, Any],
             requests: dict[uuid.UUID, dict[str, Any]]) -> bool:
    if actor.sees_everything or table in REFERENCE_TABLES:
        return True
    me, code = actor.engineer_id, actor.user.engineer_code
    row = record["row"]
    if table == "service_requests":
        return (me is not None and row.get("assigned_engineer_id") == str(me)) or (
            bool(code) and row.get("taken_by") == code)
    if table == "slips":
        if me is not None and row.get("engineer_id") == str(me):
            return True
        parent = requests.get(uuid.UUID(row["request_id"]))
        return parent is not None and _visible(actor, "service_requests", parent, {})
    return False


def pull_page(session: Session, *, actor: Actor, cursor: int, limit: int) -> Page:
    changes = list(session.execute(
        select(Change.seq, Change.table_name, Change.record_id)
        .where(Change.seq > cursor).order_by(Change.seq).limit(limit + 1)))
    more = len(changes) > limit
    changes = changes[:limit]
    next_cursor = changes[-1].seq if changes else cursor
    wanted: dict[str, list[uuid.UUID]] = {}
    for change in changes:
        if change.table_name in SYNC_MODELS:
            wanted.setdefault(change.table_name, []).append(change.record_id)
    found = {table: read_records(session, table, ids) for table, ids in wanted.items()}
    slip_requests = [uuid.UUID(r["row"]["request_id"]) for r in found.get("slips", {}).values()]
    requests = read_records(session, "service_requests", slip_requests) if slip_requests else {}
    out: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
    for table, records in found.items():
        for record_id, record in records.items():
            if _visible(actor, table, record, requests):
                out[(table, record_id)] = record
    if not actor.sees_everything:
        _add_device_history(session, out)
    _add_parents(session, out)
    ordered = sorted(out.items(), key=lambda kv: (TABLE_RANK[kv[0][0]], kv[0][1]))
    return Page([record for _, record in ordered], next_cursor, more)


def _add_device_history(session: Session, out: dict[tuple[str, uuid.UUID], dict]) -> None:
    devices = {r["row"]["device_id"] for (t, _), r in out.items()
               if t == "service_requests" and r["row"].get("device_id")}
    for device in devices:
        ids = list(session.scalars(
            select(ServiceRequest.id).where(ServiceRequest.device_id == uuid.UUID(device))
            .order_by(ServiceRequest.requested_at.desc()).limit(DEVICE_HISTORY)))
        for record_id, record in read_records(session, "service_requests", ids).items():
            out.setdefault(("service_requests", record_id), record)
        slip_ids = list(session.scalars(select(Slip.id).where(Slip.request_id.in_(ids))))
        for record_id, record in read_records(session, "slips", slip_ids).items():
            out.setdefault(("slips", record_id), record)


def _add_parents(session: Session, out: dict[tuple[str, uuid.UUID], dict]) -> None:
    """Add every row a record in the page refers to, transitively (bounded depth)."""
    todo = list(out.items())
    for _depth in range(6):
        missing: dict[str, set[uuid.UUID]] = {}
        for (table, _), record in todo:
            for column, parent in _PARENTS[table]:
                value = record["row"].get(column)
                if value and parent in SYNC_MODELS:
                    key = (parent, uuid.UUID(value))
                    if key not in out:
                        missing.setdefault(parent, set()).add(key[1])
        if not missing:
            return
        todo = []
        for parent, ids in missing.items():
            for record_id, record in read_records(session, parent, sorted(ids)).items():
                out[(parent, record_id)] = record
                todo.append(((parent, record_id), record))


def visible_slip(session: Session, *, actor: Actor, slip_id: uuid.UUID) -> dict | None:
    slips = read_records(session, "slips", [slip_id])
    record = slips.get(slip_id)
    if record is None:
        return None
    requests = read_records(session, "service_requests", [uuid.UUID(record["row"]["request_id"])])
    return record if _visible(actor, "slips", record, requests) else None


