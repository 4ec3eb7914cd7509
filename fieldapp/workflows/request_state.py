"""A request's status and assignee, derived — never written by two machines (principle 2).

The `service_requests` row is written by whoever took the request (the service centre, or
the engineer who took it on site); its `status` column holds only that writer's own
decisions (open / assigned when taken, closed / cancelled later) and `assigned_engineer_id`
the engineer assigned when it was taken. Everything else is derived, the same way on every
laptop and on the archive, from the records other people write:

* assignee: the last `request.reassigned` event, else the engineer assigned when taken,
  else the engineer of the first slip (a request taken unassigned and then visited);
* status: closed / cancelled as the taker decided; else **resolved** once a sealed slip
  solved it or its send-in repair was returned; **in_progress** once a slip or a repair
  order exists; **assigned** when it has an assignee; else **open**.

Starting a slip, sealing one or reassigning therefore never rewrites the request row.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.records.events import EventKind, EventRecord, event_from_row, ordered
from fieldapp.store.models import Engineer, ServiceRequest, Slip
from fieldapp.store.values import RequestStatus, SlipResult, SubjectType
from fieldapp.store.workflow_models import Event, RepairOrder
from fieldapp.workflows.repair import RepairStatus, fold_repair

# Final as stored: the taker's closed/cancelled, and a "resolved" an older version wrote.
TAKER_FINAL = (RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.CANCELLED)
FINISHED = (RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.CANCELLED)


@dataclass(frozen=True)
class SlipFact:
    engineer_id: uuid.UUID
    sealed: bool
    result: str
    is_amendment: bool


@dataclass(frozen=True)
class DerivedRequest:
    status: RequestStatus
    assignee_id: uuid.UUID | None
    assignee_code: str | None


def derive(stored_status: str, stored_assignee: uuid.UUID | None,
           slips: Sequence[SlipFact], repair_statuses: Sequence[RepairStatus],
           reassigned: Sequence[EventRecord]) -> DerivedRequest:
    """Pure: the request's status and assignee from the facts about it (slips in creation
    order, its repairs' derived statuses, its `request.reassigned` events)."""
    assignee_id, code = stored_assignee, None
    if assignee_id is None and slips:
        assignee_id = slips[0].engineer_id
    for event in ordered(reassigned):
        if event.kind == EventKind.REQUEST_REASSIGNED:
            assignee_id = uuid.UUID(event.text("engineer_id"))
            code = event.text("engineer_code")
    if stored_status in TAKER_FINAL:
        status = RequestStatus(stored_status)
    elif (any(s.sealed and s.result == SlipResult.SOLVED for s in slips)
          or RepairStatus.RETURNED in repair_statuses):
        status = RequestStatus.RESOLVED
    elif (slips or repair_statuses
          or stored_status == RequestStatus.IN_PROGRESS):  # (older versions)
        status = RequestStatus.IN_PROGRESS
    elif assignee_id is not None:
        status = RequestStatus.ASSIGNED
    else:
        status = RequestStatus.OPEN
    return DerivedRequest(status, assignee_id, code)


def derive_many(session: Session, requests: Iterable[tuple[uuid.UUID, str, uuid.UUID | None]]
                ) -> dict[uuid.UUID, DerivedRequest]:
    """Derive (status, assignee) for many requests given as (id, stored status, stored
    assignee id), with one query per kind of fact."""
    rows = list(requests)
    ids = [r[0] for r in rows]
    slips: dict[uuid.UUID, list[SlipFact]] = defaultdict(list)
    repairs: dict[uuid.UUID, list[RepairStatus]] = defaultdict(list)
    reassigned: dict[uuid.UUID, list[EventRecord]] = defaultdict(list)
    repair_events: dict[uuid.UUID, list[EventRecord]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in session.execute(
                select(Slip.request_id, Slip.engineer_id, Slip.seal, Slip.result,
                       Slip.amends_slip_id, Slip.created_at, Slip.id)
                .where(Slip.request_id.in_(chunk)).order_by(Slip.created_at, Slip.id)):
            slips[row.request_id].append(SlipFact(row.engineer_id, row.seal is not None,
                                                  row.result or "", row.amends_slip_id
                                                  is not None))
        for event_row in session.scalars(select(Event).where(Event.request_id.in_(chunk))):
            event = event_from_row(event_row)
            if event.subject_type == SubjectType.REQUEST:
                reassigned[event.subject_id].append(event)
            elif event.subject_type == SubjectType.REPAIR:
                repair_events[event.subject_id].append(event)
        for order in session.execute(select(RepairOrder.id, RepairOrder.request_id,
                                            RepairOrder.received_at)
                                     .where(RepairOrder.request_id.in_(chunk))):
            state = fold_repair(repair_events.get(order.id, []), order.received_at)
            repairs[order.request_id].append(state.status)
    out: dict[uuid.UUID, DerivedRequest] = {}
    codes: dict[uuid.UUID, None] = {}
    for request_id, stored_status, stored_assignee in rows:
        derived = derive(stored_status, stored_assignee, slips[request_id], repairs[request_id],
                         reassigned[request_id])
        if derived.assignee_code is None and derived.assignee_id is not None:
            codes[derived.assignee_id] = None
        out[request_id] = derived
    if codes:
        found = dict(session.execute(select(Engineer.id, Engineer.code)
                                     .where(Engineer.id.in_(list(codes)))).all())
        out = {k: v if v.assignee_code or v.assignee_id is None
               else DerivedRequest(v.status, v.assignee_id, found.get(v.assignee_id))
               for k, v in out.items()}
    return out


def derived_request(session: Session, request: ServiceRequest) -> DerivedRequest:
    return derive_many(session, [(request.id, request.status,
                                  request.assigned_engineer_id)])[request.id]


def request_status(session: Session, request: ServiceRequest) -> RequestStatus:
    """The request's status, derived from its slips, repairs and events (see module doc)."""
    return derived_request(session, request).status


def request_is_finished(session: Session, request: ServiceRequest) -> bool:
    return request_status(session, request) in FINISHED


__all__ = [
    "FINISHED",
    "DerivedRequest",
    "SlipFact",
    "derive",
    "derive_many",
    "derived_request",
    "request_is_finished",
    "request_status",
]
