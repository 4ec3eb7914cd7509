"""The pull feed: what changed after a cursor that this user may see, page by page.

The cursor is the archive's own change sequence (`archive_changes.seq`), never a laptop
clock. A page carries the changed records the user may see, plus the rows they refer to
(so the laptop's foreign keys hold) and, for an engineer, the history of the devices in
their requests. Records are ordered parents first; the laptop stores a page and the new
cursor in one transaction.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fieldapp.archive.models import Change
from fieldapp.archive.rules import Actor
from fieldapp.archive.visibility import DEVICE_HISTORY, Visibility, device_requests
from fieldapp.records.events import EventKind
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.store.tables import SYNC_MODELS, TABLE_RANK
from fieldapp.store.workflow_models import Event, OpenQuestion, RepairOrder
from fieldapp.sync.wire import Values, read_records

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


def pull_page(session: Session, *, actor: Actor, cursor: int, limit: int,
              own: bool = False) -> Page:
    """`own`: also what this device pushed itself (a laptop re-pulling everything, its
    state in doubt: `fieldapp sync --full`)."""
    query = (select(Change.seq, Change.table_name, Change.record_id)
             .where(Change.seq > cursor).order_by(Change.seq).limit(limit + 1))
    last = None
    if not own:
        # This device's own changes are stepped over in the query, so a page fills with
        # what the device needs (after a push of 3,000 records: one page, not 16 empty
        # ones). The cursor still passes them: bounded by the last seq there is now, a
        # page that ends the feed moves the cursor to it, past trailing own changes.
        last = session.scalar(select(func.max(Change.seq)).where(Change.seq > cursor))
        if last is None:
            return Page([], cursor, False)
        query = query.where(Change.seq <= last, or_(Change.device_id.is_(None),
                                                    Change.device_id != actor.device.id))
    changes = list(session.execute(query))
    more = len(changes) > limit
    changes = changes[:limit]
    # the last change examined; a page that ends the feed has examined up to `last`
    next_cursor = last if last is not None and not more else (
        changes[-1].seq if changes else cursor)
    wanted: dict[str, list[uuid.UUID]] = {}
    for change in changes:
        if change.table_name in SYNC_MODELS:
            wanted.setdefault(change.table_name, []).append(change.record_id)
    # judged on the owner columns first: the full record is read only when it is sent
    visibility = Visibility(session, actor)
    out: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
    handed_over: set[uuid.UUID] = set()
    for table, ids in wanted.items():
        visible = visibility.visible_ids(table, ids)
        for record_id, record in read_records(session, table,
                                              [i for i in ids if i in visible]).items():
            out[(table, record_id)] = record
            row = record["row"]
            if table == "events" and row.get("kind") == EventKind.REQUEST_REASSIGNED and (
                    not actor.sees_everything) and _names(row, actor.engineer_id):
                handed_over.add(uuid.UUID(row["subject_id"]))
    if not actor.sees_everything:
        _add_request_history(session, out, [r for r in handed_over if visibility.request(r)])
        _add_device_history(session, out)
    _add_parents(session, out)
    ordered = sorted(out.items(), key=lambda kv: (TABLE_RANK[kv[0][0]], kv[0][1]))
    return Page([record for _, record in ordered], next_cursor, more)


def _names(event_row: dict[str, Any], engineer_id: uuid.UUID | None) -> bool:
    """Is this reassignment to `engineer_id`? (One from them brings them no history.)"""
    try:
        named: object = json.loads(event_row["payload"]).get("engineer_id")
        return named == str(engineer_id)
    except (ValueError, AttributeError, KeyError, TypeError):
        return False


def _add_request_history(session: Session, out: dict[tuple[str, uuid.UUID], Values],
                         request_ids: list[uuid.UUID]) -> None:
    """These requests with everything recorded about them so far — slips, repair orders,
    events, open questions — though none of it changed: a request handed to this
    engineer (reassigned), or a device's history."""
    if not request_ids:
        return
    for table, column in (("service_requests", ServiceRequest.id),
                          ("slips", Slip.request_id), ("repair_orders", RepairOrder.request_id),
                          ("events", Event.request_id),
                          ("open_questions", OpenQuestion.request_id)):
        model = SYNC_MODELS[table]
        ids: list[uuid.UUID] = []
        for start in range(0, len(request_ids), 500):
            ids += session.scalars(select(model.__table__.c.id).where(
                column.in_(request_ids[start:start + 500])))
        for record_id, record in read_records(session, table, ids).items():
            out.setdefault((table, record_id), record)


def _add_device_history(session: Session, out: dict[tuple[str, uuid.UUID], Values]) -> None:
    """The latest requests of the devices in this page's requests, with what is recorded
    about them: the same window that makes them visible (fieldapp.archive.visibility),
    so their later changes reach this laptop too."""
    devices = {uuid.UUID(r["row"]["device_id"]) for (t, _), r in out.items()
               if t == "service_requests" and r["row"].get("device_id")}
    history = device_requests(session, devices)
    _add_request_history(session, out, [r for ids in history.values()
                                        for r in ids[:DEVICE_HISTORY]])


def _add_parents(session: Session, out: dict[tuple[str, uuid.UUID], Values]) -> None:
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


def visible_slip(session: Session, *, actor: Actor, slip_id: uuid.UUID) -> Values | None:
    if slip_id not in Visibility(session, actor).visible_ids("slips", [slip_id]):
        return None
    return read_records(session, "slips", [slip_id]).get(slip_id)


