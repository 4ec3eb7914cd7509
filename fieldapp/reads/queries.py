"""Read-only list queries shared by the command line, the desktop models and the server.

They select only the columns a list shows and page with LIMIT/OFFSET, so a store with
100,000 slips lists its first page without loading the rest.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVarTuple

from sqlalchemy import ColumnElement, Row, Select, Uuid, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session

from fieldapp.store import search as search_index
from fieldapp.store.models import Customer, Engineer, ServiceRequest, Slip
from fieldapp.store.types import UTCDateTime
from fieldapp.store.values import SlipResult, SubjectType

if TYPE_CHECKING:
    from fieldapp.workflows.request_state import DerivedRequest


@dataclass(frozen=True)
class SlipRow:
    id: uuid.UUID
    number: str
    request_number: str
    customer_name: str
    engineer_code: str
    engineer_name: str
    channel: str
    status: str
    result: str
    fault: str
    created_at: datetime
    sealed_at: datetime | None
    intake_channel: str = ""  # how the request came in (fieldapp.sla.IntakeChannel)
    service_kind: str = ""  # what it asks for (fieldapp.sla.ServiceKind)


@dataclass(frozen=True)
class SlipFilter:
    search: str = ""
    status: str | None = None
    customer_id: uuid.UUID | None = None
    engineer_id: uuid.UUID | None = None
    channel: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    service_kind: str | None = None  # what the slip's request asks (fieldapp.sla.ServiceKind)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_condition(session: Session, term: str, *, ordered: bool) -> ColumnElement[bool]:
    if search_index.usable_for(session, term):
        if ordered and search_index.plan(session, term) == "walk":
            # common (打印机, 蓝): check slips in the list's order until the page is full
            return search_index.slip_has_term(session, term, Slip.id)
        return Slip.id.in_(search_index.slip_ids_matching(session, term))  # collect, sort
    # PostgreSQL (the archive) and terms the index cannot take: LIKE over the columns.
    pattern = f"%{_escape_like(term)}%"
    return or_(
        Slip.number.like(pattern, escape="\\"),
        ServiceRequest.number.like(pattern, escape="\\"),
        Customer.name.like(pattern, escape="\\"),
        Slip.fault_found.like(pattern, escape="\\"),
        Slip.handling.like(pattern, escape="\\"),
        ServiceRequest.fault_reported.like(pattern, escape="\\"),
        Slip.id.in_(search_index.device_slip_ids(term)),  # the device's serial, asset tag
    )


_Columns = TypeVarTuple("_Columns")


def _filtered(session: Session, query: Select[*_Columns], flt: SlipFilter, *,
              joined: bool) -> Select[*_Columns]:
    """Apply the filter; joins the request and customer only if `joined` is False and a
    condition needs them (counting needs no joins: every slip has both)."""
    term = flt.search.strip()
    condition = _search_condition(session, term, ordered=joined) if term else None
    needs_request = bool(flt.customer_id or flt.channel or flt.service_kind) or (
        term and not search_index.usable_for(session, term))
    if needs_request and not joined:
        query = query.join(ServiceRequest, Slip.request_id == ServiceRequest.id).join(
            Customer, ServiceRequest.customer_id == Customer.id)
    if condition is not None:
        query = query.where(condition)
    if flt.status:
        query = query.where(Slip.status == flt.status)
    if flt.customer_id:
        query = query.where(ServiceRequest.customer_id == flt.customer_id)
    if flt.engineer_id:
        query = query.where(Slip.engineer_id == flt.engineer_id)
    if flt.channel:
        query = query.where(ServiceRequest.channel == flt.channel)
    if flt.service_kind:
        query = query.where(ServiceRequest.service_kind == flt.service_kind)
    if flt.since:
        query = query.where(Slip.created_at >= flt.since)
    if flt.until:
        query = query.where(Slip.created_at < flt.until)
    return query


def list_slips(session: Session, flt: SlipFilter | None = None, *, limit: int = 50,
               offset: int = 0, after: tuple[datetime, uuid.UUID] | None = None
               ) -> list[SlipRow]:
    """One page of slips, newest first.

    Page with `offset`, or (cheaper deep in a long list) with `after`: the
    ``(created_at, id)`` of the last row of the previous page (keyset pagination).
    """
    query = (
        select(Slip.id, Slip.number, ServiceRequest.number, Customer.name, Engineer.code,
               Engineer.name, ServiceRequest.channel, Slip.status, Slip.result,
               func.coalesce(func.nullif(Slip.fault_found, ""), ServiceRequest.fault_reported),
               Slip.created_at, Slip.sealed_at, ServiceRequest.intake_channel,
               ServiceRequest.service_kind)
        .join(ServiceRequest, Slip.request_id == ServiceRequest.id)
        .join(Customer, ServiceRequest.customer_id == Customer.id)
        .join(Engineer, Slip.engineer_id == Engineer.id)
    )
    query = _filtered(session, query, flt or SlipFilter(), joined=True)
    if after is not None:
        query = query.where(tuple_(Slip.created_at, Slip.id) < tuple_(
            literal(after[0], UTCDateTime()), literal(after[1], Uuid())))
    query = query.order_by(Slip.created_at.desc(), Slip.id.desc()).limit(limit).offset(offset)
    return [SlipRow(*row) for row in session.execute(query)]


def count_slips(session: Session, flt: SlipFilter | None = None) -> int:
    flt = flt or SlipFilter()
    term = flt.search.strip()
    if term and flt == SlipFilter(search=flt.search):  # the search is the only filter
        counted = search_index.count_matching(session, term)
        if counted is not None:
            return counted
    query = _filtered(session, select(func.count()).select_from(Slip), flt, joined=False)
    return session.scalar(query) or 0


@dataclass(frozen=True)
class RequestRow:
    id: uuid.UUID
    number: str
    customer_name: str
    channel: str
    status: str
    fault_reported: str
    requested_at: datetime
    answered_at: datetime | None
    engineer_code: str | None
    engineer_name: str | None
    intake_channel: str = ""  # how it came in (fieldapp.sla.IntakeChannel)
    service_kind: str = ""  # what it asks for (fieldapp.sla.ServiceKind)
    hardware_fault: bool = False


@dataclass(frozen=True)
class RequestFilter:
    """What a request list narrows by. `statuses` and `engineer_id` apply to the **derived**
    status and assignee (fieldapp.workflows.request_state); the dates to the request time."""

    search: str = ""
    statuses: tuple[str, ...] = ()
    customer_id: uuid.UUID | None = None
    engineer_id: uuid.UUID | None = None
    channel: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    intake_channel: str | None = None
    service_kind: str | None = None


def _request_conditions(flt: RequestFilter) -> list[ColumnElement[bool]]:
    """The filter in SQL: its plain columns exactly, the derived status and assignee as a
    superset that `derive_many` then narrows (so fewer rows are derived)."""
    from fieldapp.store.workflow_models import Event
    from fieldapp.workflows.request_state import FINISHED, TAKER_FINAL

    conditions: list[ColumnElement[bool]] = []
    term = flt.search.strip()
    if term:
        pattern = f"%{_escape_like(term)}%"
        conditions.append(or_(ServiceRequest.number.like(pattern, escape="\\"),
                              Customer.name.like(pattern, escape="\\"),
                              ServiceRequest.fault_reported.like(pattern, escape="\\"),
                              ServiceRequest.device_id.in_(
                                  search_index.device_ids_matching(term))))
    if flt.customer_id:
        conditions.append(ServiceRequest.customer_id == flt.customer_id)
    if flt.channel:
        conditions.append(ServiceRequest.channel == flt.channel)
    if flt.intake_channel:
        conditions.append(ServiceRequest.intake_channel == flt.intake_channel)
    if flt.service_kind:
        conditions.append(ServiceRequest.service_kind == flt.service_kind)
    if flt.since:
        conditions.append(ServiceRequest.requested_at >= flt.since)
    if flt.until:
        conditions.append(ServiceRequest.requested_at < flt.until)
    if flt.statuses and not set(flt.statuses) & set(FINISHED):
        # Still open: not closed by its taker, and no sealed slip solved it.
        conditions.append(ServiceRequest.status.not_in(TAKER_FINAL))
        conditions.append(~select(Slip.id).where(
            Slip.request_id == ServiceRequest.id, Slip.seal.is_not(None),
            Slip.result == SlipResult.SOLVED).exists())
    if flt.engineer_id:
        # Assigned to them when taken, or taken unassigned (a slip may make them the
        # assignee), or reassigned since (the events decide).
        conditions.append(or_(
            ServiceRequest.assigned_engineer_id == flt.engineer_id,
            ServiceRequest.assigned_engineer_id.is_(None),
            select(Event.id).where(Event.request_id == ServiceRequest.id,
                                   Event.subject_type == SubjectType.REQUEST).exists()))
    return conditions


def _derived_match(flt: RequestFilter, derived: DerivedRequest) -> bool:
    return ((not flt.statuses or derived.status in flt.statuses)
            and (not flt.engineer_id or derived.assignee_id == flt.engineer_id))


def _merged(flt: RequestFilter | None, status: str | None,
            statuses: tuple[str, ...] | None, engineer_id: uuid.UUID | None,
            search: str) -> RequestFilter:
    flt = flt or RequestFilter()
    wanted = tuple(dict.fromkeys((*flt.statuses, *(statuses or ()), *((status,) if status
                                                                     else ()))))
    return replace(flt, statuses=wanted, engineer_id=engineer_id or flt.engineer_id,
                   search=search or flt.search)


def list_requests(session: Session, flt: RequestFilter | None = None, *,
                  status: str | None = None, statuses: tuple[str, ...] | None = None,
                  engineer_id: uuid.UUID | None = None, search: str = "", limit: int = 50,
                  offset: int = 0) -> list[RequestRow]:
    """One page of requests, newest first, with the **derived** status and assignee
    (fieldapp.workflows.request_state): filters on status and engineer apply to the derived values.
    The keywords add to `flt` (the command line passes them alone)."""
    from fieldapp.workflows.request_state import derive_many

    flt = _merged(flt, status, statuses, engineer_id, search)
    query = (
        select(ServiceRequest.id, ServiceRequest.number, Customer.name, ServiceRequest.channel,
               ServiceRequest.status, ServiceRequest.fault_reported,
               ServiceRequest.requested_at, ServiceRequest.answered_at,
               ServiceRequest.assigned_engineer_id, ServiceRequest.intake_channel,
               ServiceRequest.service_kind, ServiceRequest.hardware_fault)
        .join(Customer, ServiceRequest.customer_id == Customer.id)
        .where(*_request_conditions(flt))
        .order_by(ServiceRequest.requested_at.desc(), ServiceRequest.id.desc())
    )
    filtered = bool(flt.statuses or flt.engineer_id)
    out: list[tuple[Row[*tuple[Any, ...]], DerivedRequest]] = []
    skip = offset
    chunk = max(limit + offset, 200) if filtered else limit
    start = 0 if filtered else offset
    while len(out) < limit:
        rows = session.execute(query.limit(chunk).offset(start)).all()
        derived = derive_many(session, [(r.id, r.status, r.assigned_engineer_id) for r in rows])
        for row in rows:
            d = derived[row.id]
            if not _derived_match(flt, d):
                continue
            if filtered and skip:
                skip -= 1
                continue
            out.append((row, d))
            if len(out) == limit:
                break
        if len(rows) < chunk:
            break
        start += chunk
    names = dict(session.execute(select(Engineer.id, Engineer.name).where(
        Engineer.id.in_([d.assignee_id for _, d in out if d.assignee_id]))).all())
    return [RequestRow(r.id, r.number, r.name, r.channel, d.status, r.fault_reported,
                       r.requested_at, r.answered_at, d.assignee_code,
                       names.get(d.assignee_id) if d.assignee_id else None,
                       r.intake_channel, r.service_kind, bool(r.hardware_fault))
            for r, d in out]


def count_requests(session: Session, flt: RequestFilter | None = None) -> int:
    """How many requests `list_requests` lists for `flt` in all its pages."""
    from fieldapp.workflows.request_state import derive_many

    flt = flt or RequestFilter()
    conditions = _request_conditions(flt)
    joined = select(ServiceRequest.id).join(Customer, ServiceRequest.customer_id == Customer.id)
    if not (flt.statuses or flt.engineer_id):
        return session.scalar(select(func.count()).select_from(
            joined.where(*conditions).subquery())) or 0
    rows = session.execute(select(ServiceRequest.id, ServiceRequest.status,
                                  ServiceRequest.assigned_engineer_id)
                           .join(Customer, ServiceRequest.customer_id == Customer.id)
                           .where(*conditions)).all()
    derived = derive_many(session, [(r.id, r.status, r.assigned_engineer_id) for r in rows])
    return sum(_derived_match(flt, d) for d in derived.values())
