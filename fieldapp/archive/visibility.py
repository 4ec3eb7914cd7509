"""Which work records an engineer may see, decided in SQL on a few columns.

A request is an engineer's when they took it, it was assigned to them when taken, or it
is assigned to them now (derived: the last request.reassigned event) — or it was theirs
once: reassigned to them at some time, or visited by them. Their laptop holds it, so what
happens to it later (the reassignment that took it from them, a cancellation, the new
engineer's slip) must reach that laptop too, or it would go on showing the request as
theirs (issue 19, item 4).

A request is also visible as device history: it is one of the DEVICE_HISTORY latest
requests (by requested_at, then id) of a device that one of the engineer's requests
concerns. The pull sends that history with their request (fieldapp.archive.feed), so the
same rule decides what later changes of it reach them — a history request's new slip,
reassignment or cancellation arrives like one of their own (issue 19). The one limit: a
request that more than DEVICE_HISTORY newer requests of its device push out of the
window is no longer visible; a laptop that received it keeps it as it was, and the sync
check neither confirms nor denies it.

Whatever is recorded about a visible request is visible: its slips and repair orders,
events and open questions. Slips and repair orders are also theirs when they wrote them;
events, open questions, complaints, archive entries, problem sets and service suggestions
when they recorded them; loaner events are everybody's. Staff and admins see everything.

The pull feed and the sync check ask for a set of ids at once: only the owner columns
are read and every request involved is judged in one batch, so an engineer's pull costs
the archive a light query per page for the records that are not theirs — never the full
record with its signatures.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable

from sqlalchemy import RowMapping, select
from sqlalchemy.orm import Session

from fieldapp.archive.rules import Actor
from fieldapp.records.events import EventKind
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.store.tables import REFERENCE_TABLES, SYNC_MODELS
from fieldapp.store.values import SubjectType
from fieldapp.store.workflow_models import Event
from fieldapp.workflows.request_state import derive_many

_CHUNK = 500  # ids per IN (...): well under every database's bound-parameter limit
DEVICE_HISTORY = 20  # a device's latest requests an engineer with one of them may see

# the columns each work table is judged on
_OWNER_COLUMNS: dict[str, tuple[str, ...]] = {
    "service_requests": ("id",),
    "slips": ("engineer_id", "request_id"),
    "repair_orders": ("engineer_id", "request_id"),
    "events": ("subject_type", "actor_code", "request_id"),
    "open_questions": ("recorded_by", "request_id"),
    "complaints": ("recorded_by",),
    "archive_entries": ("author_code",),
    "problem_sets": ("raised_by", "request_id"),
    "service_suggestions": ("proposed_by", "request_id"),
}


def device_requests(session: Session, device_ids: Iterable[uuid.UUID]
                    ) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Every request of each of these devices, newest first (requested_at, then id): the
    first DEVICE_HISTORY are the device's history."""
    devices = sorted(set(device_ids))
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for start in range(0, len(devices), _CHUNK):
        for request_id, device_id in session.execute(
                select(ServiceRequest.id, ServiceRequest.device_id)
                .where(ServiceRequest.device_id.in_(devices[start:start + _CHUNK]))
                .order_by(ServiceRequest.device_id, ServiceRequest.requested_at.desc(),
                          ServiceRequest.id.desc())):
            if device_id is not None:  # the IN (...) leaves none out; for the type
                out.setdefault(device_id, []).append(request_id)
    return out


class Visibility:
    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor = session, actor
        self.me, self.code = actor.engineer_id, actor.user.engineer_code
        self._requests: dict[uuid.UUID, bool] = {}  # visible: theirs or device history
        self._mine: dict[uuid.UUID, bool] = {}  # theirs, now or once

    def visible_ids(self, table: str, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Those of these ids (of `table`) the actor may see; unknown ids are left out."""
        ids = list(ids)
        if self.actor.sees_everything or table in REFERENCE_TABLES:
            return set(ids)
        columns = _OWNER_COLUMNS.get(table)
        if columns is None:
            return set()
        table_obj = SYNC_MODELS[table].__table__
        rows: list[RowMapping] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            rows += self.session.execute(
                select(table_obj.c.id, *(table_obj.c[c] for c in columns))
                .where(table_obj.c.id.in_(chunk))).mappings().all()
        self.judge_requests(r["request_id"] if table != "service_requests" else r["id"]
                            for r in rows if r.get("request_id") or table == "service_requests")
        return {r["id"] for r in rows if self._row(table, r)}

    def request(self, request_id: uuid.UUID | None) -> bool:
        if request_id is None:
            return False
        if request_id not in self._requests:
            self.judge_requests([request_id])
        return self._requests[request_id]

    def judge_requests(self, request_ids: Iterable[uuid.UUID | None]) -> None:
        """Decide, in one batch, whether each of these requests is visible to the actor:
        theirs (now or once), or device history of theirs."""
        todo = sorted({r for r in request_ids if r is not None} - self._requests.keys())
        if not todo:
            return
        self._judge_mine(todo)
        history = self._device_history([r for r in todo if not self._mine[r]])
        for request_id in todo:
            self._requests[request_id] = self._mine[request_id] or request_id in history

    def _judge_mine(self, request_ids: list[uuid.UUID]) -> None:
        """Decide, in one batch, whether each of these requests is the actor's (now or
        once)."""
        todo = sorted(set(request_ids) - self._mine.keys())
        for start in range(0, len(todo), _CHUNK):
            chunk = todo[start:start + _CHUNK]
            rows = list(self.session.execute(
                select(ServiceRequest.id, ServiceRequest.status,
                       ServiceRequest.assigned_engineer_id, ServiceRequest.taken_by)
                .where(ServiceRequest.id.in_(chunk))))
            derived = derive_many(self.session, [(r.id, r.status, r.assigned_engineer_id)
                                                 for r in rows])
            for request_id in chunk:
                self._mine[request_id] = False
            for row in rows:
                self._mine[row.id] = (
                    (self.me is not None and self.me in (row.assigned_engineer_id,
                                                         derived[row.id].assignee_id))
                    or (bool(self.code) and row.taken_by == self.code))
            for request_id in self._formerly_mine([r for r in chunk if not self._mine[r]]):
                self._mine[request_id] = True

    def _device_history(self, request_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Those of these requests in the window of their device's latest requests, where
        one of the device's requests is the actor's."""
        if not request_ids or (self.me is None and not self.code):
            return set()
        devices: set[uuid.UUID] = set()
        for start in range(0, len(request_ids), _CHUNK):
            devices.update(d for d in self.session.scalars(
                select(ServiceRequest.device_id).where(
                    ServiceRequest.id.in_(request_ids[start:start + _CHUNK]))) if d)
        by_device = device_requests(self.session, devices)
        self._judge_mine([r for ids in by_device.values() for r in ids])
        wanted = set(request_ids)
        return {r for ids in by_device.values() if any(self._mine[i] for i in ids)
                for r in ids[:DEVICE_HISTORY] if r in wanted}

    def _formerly_mine(self, request_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Those of these requests once reassigned to this engineer or visited by them."""
        me = self.me
        if me is None or not request_ids:
            return set()
        found = set(self.session.scalars(select(Slip.request_id).where(
            Slip.request_id.in_(request_ids), Slip.engineer_id == me)))
        for request_id, payload in self.session.execute(
                select(Event.request_id, Event.payload).where(
                    Event.request_id.in_(request_ids), Event.kind == EventKind.REQUEST_REASSIGNED)):
            try:
                if json.loads(payload).get("engineer_id") == str(me) and request_id:
                    found.add(request_id)
            except (ValueError, AttributeError):
                continue  # a damaged payload names nobody
        return found

    def _row(self, table: str, row: RowMapping) -> bool:
        me, code = self.me, self.code
        if table == "service_requests":
            return self.request(row["id"])
        if table in ("slips", "repair_orders"):
            return (me is not None and row["engineer_id"] == me) or self.request(
                row["request_id"])
        if table == "events":
            return (row["subject_type"] == SubjectType.LOANER or row["actor_code"] == code
                    or self.request(row["request_id"]))
        if table == "open_questions":
            return bool(row["recorded_by"] == code) or self.request(row["request_id"])
        if table == "complaints":
            return bool(row["recorded_by"] == code)
        if table == "archive_entries":
            return bool(row["author_code"] == code)
        if table in ("problem_sets", "service_suggestions"):  # like open questions
            author = row["raised_by" if table == "problem_sets" else "proposed_by"]
            return bool(author == code) or self.request(row["request_id"])
        return False
