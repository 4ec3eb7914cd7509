"""The logged-in customer's own records, one page at a time.

Every query here filters on the customer's id first (an indexed column), so another
company's records cannot appear whatever id a URL carries, and a customer with 50,000 slips
loads one page of them. A page is fetched with one row more than shown: that row only says
whether there is a next page (no COUNT over everything).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from fieldapp.reads.device_history import DeviceHistory
from fieldapp.reads.queries import SlipFilter, SlipRow, _escape_like, list_slips
from fieldapp.records.service_requests import OPEN_STATUSES
from fieldapp.records.sla_records import _facts, contract_terms
from fieldapp.sla import ClockResult, clocks_for_request
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.store.values import SlipResult, SlipStatus
from fieldapp.store.workflow_models import ArchiveEntry, Complaint, RepairOrder
from fieldapp.workflows.complaints import complaint_state
from fieldapp.workflows.dossier import Review, entry_state
from fieldapp.workflows.repair import RepairOverview, RepairState, repair_overview
from fieldapp.workflows.request_state import derive_many

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    number: int
    more: bool


def _page(rows: list[Any], number: int, size: int) -> Page[Any]:
    return Page(rows[:size], number, len(rows) > size)


@dataclass(frozen=True)
class RequestRow:
    id: uuid.UUID
    number: str
    channel: str
    status: str  # derived (fieldapp.workflows.request_state)
    fault_reported: str
    requested_at: datetime
    intake_channel: str = ""  # how it came in (fieldapp.sla.IntakeChannel)
    service_kind: str = ""  # what it asks for (fieldapp.sla.ServiceKind)


def requests_page(session: Session, customer_id: uuid.UUID, *, number: int, size: int,
                  search: str = "") -> Page[RequestRow]:
    query = select(ServiceRequest.id, ServiceRequest.number, ServiceRequest.channel,
                   ServiceRequest.status, ServiceRequest.assigned_engineer_id,
                   ServiceRequest.fault_reported, ServiceRequest.requested_at,
                   ServiceRequest.intake_channel, ServiceRequest.service_kind).where(
        ServiceRequest.customer_id == customer_id)
    if search.strip():
        pattern = f"%{_escape_like(search.strip())}%"
        query = query.where(or_(ServiceRequest.number.like(pattern, escape="\\"),
                                ServiceRequest.fault_reported.like(pattern, escape="\\")))
    rows = session.execute(query.order_by(ServiceRequest.requested_at.desc(),
                                          ServiceRequest.id.desc())
                           .limit(size + 1).offset((number - 1) * size)).all()
    derived = derive_many(session, [(r.id, r.status, r.assigned_engineer_id) for r in rows])
    return _page([RequestRow(r.id, r.number, r.channel, derived[r.id].status,
                             r.fault_reported, r.requested_at, r.intake_channel,
                             r.service_kind) for r in rows], number, size)


def request_of(session: Session, customer_id: uuid.UUID, request_id: uuid.UUID
               ) -> ServiceRequest | None:
    return session.scalar(select(ServiceRequest).where(
        ServiceRequest.id == request_id, ServiceRequest.customer_id == customer_id))


def request_status(session: Session, request: ServiceRequest) -> str:
    return derive_many(session, [(request.id, request.status,
                                  request.assigned_engineer_id)])[request.id].status


def slips_page(session: Session, customer_id: uuid.UUID, *, number: int, size: int,
               search: str = "") -> Page[SlipRow]:
    term = search.strip()
    # A draft is listed (as in progress), but never found by its words: what a draft says
    # is not yet a fact, and a match would hint at it.
    status = SlipStatus.SEALED if term else None
    rows = list_slips(session, SlipFilter(search=term, customer_id=customer_id, status=status),
                      limit=size + 1, offset=(number - 1) * size)
    return _page(rows, number, size)


def slip_of(session: Session, customer_id: uuid.UUID, slip_id: uuid.UUID) -> Slip | None:
    return session.scalar(
        select(Slip).join(ServiceRequest, Slip.request_id == ServiceRequest.id)
        .where(Slip.id == slip_id, ServiceRequest.customer_id == customer_id))


def slips_of_request(session: Session, request: ServiceRequest) -> list[SlipRow]:
    slips = session.scalars(select(Slip).where(Slip.request_id == request.id)
                            .options(selectinload(Slip.engineer))
                            .order_by(Slip.created_at, Slip.id).limit(100))
    return [SlipRow(s.id, s.number, request.number, "", s.engineer.code, s.engineer.name,
                    request.channel, s.status, s.result, s.fault_found or request.fault_reported,
                    s.created_at, s.sealed_at) for s in slips]


@dataclass(frozen=True)
class RepairRow:
    id: uuid.UUID
    number: str
    request_number: str
    device: str
    received_at: datetime
    overview: RepairOverview


def repairs_page(session: Session, customer_id: uuid.UUID, *, number: int, size: int,
                 now: datetime) -> Page[RepairRow]:
    orders = session.scalars(
        select(RepairOrder).join(ServiceRequest, RepairOrder.request_id == ServiceRequest.id)
        .where(ServiceRequest.customer_id == customer_id)
        .options(selectinload(RepairOrder.request))
        .order_by(RepairOrder.received_at.desc(), RepairOrder.id.desc())
        .limit(size + 1).offset((number - 1) * size)).all()
    rows = [RepairRow(o.id, o.number, o.request.number,
                      " ".join(p for p in (o.device_type, o.brand, o.model) if p),
                      o.received_at, repair_overview(session, o, now)) for o in orders]
    return _page(rows, number, size)


@dataclass(frozen=True)
class ComplaintRow:
    id: uuid.UUID
    number: str
    about: str
    description: str
    received_at: datetime
    status: str


def complaints_page(session: Session, customer_id: uuid.UUID, *, number: int, size: int
                    ) -> Page[ComplaintRow]:
    complaints = session.scalars(
        select(Complaint).where(Complaint.customer_id == customer_id)
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
        .limit(size + 1).offset((number - 1) * size)).all()
    rows = [ComplaintRow(c.id, c.number, c.about, c.description, c.received_at,
                         complaint_state(session, c).status) for c in complaints]
    return _page(rows, number, size)


@dataclass(frozen=True)
class Summary:
    requests: int
    open_requests: int
    slips: int
    sealed_slips: int
    complaints: int


def summary(session: Session, customer_id: uuid.UUID) -> Summary:
    """Counts for the dashboard: indexed COUNTs, no rows loaded. Open requests are those
    the taker has not closed and no sealed slip solved (the derived status, in SQL)."""
    requests = session.scalar(select(func.count()).select_from(ServiceRequest).where(
        ServiceRequest.customer_id == customer_id)) or 0
    solved = exists().where(Slip.request_id == ServiceRequest.id, Slip.seal.is_not(None),
                            Slip.result == SlipResult.SOLVED)
    open_requests = session.scalar(select(func.count()).select_from(ServiceRequest).where(
        ServiceRequest.customer_id == customer_id, ServiceRequest.status.in_(OPEN_STATUSES),
        ~solved)) or 0
    slips = select(func.count()).select_from(Slip).join(
        ServiceRequest, Slip.request_id == ServiceRequest.id).where(
        ServiceRequest.customer_id == customer_id)
    complaints = session.scalar(select(func.count()).select_from(Complaint).where(
        Complaint.customer_id == customer_id)) or 0
    return Summary(requests, open_requests, session.scalar(slips) or 0,
                   session.scalar(slips.where(Slip.seal.is_not(None))) or 0, complaints)


def portal_request_clocks(request: ServiceRequest, now: datetime) -> list[ClockResult]:
    """The request's clocks as its sealed slips stop them: a draft's times are not facts
    yet (the laptop may still change them), so the portal does not count them."""
    terms, calendar = contract_terms(request.contract)
    sealed = [s for s in request.slips if s.seal is not None and s.amends_slip_id is None]
    return clocks_for_request(_facts(request, sealed), terms, calendar, now)


def complaint_of(session: Session, customer_id: uuid.UUID, complaint_id: uuid.UUID
                 ) -> Complaint | None:
    """The complaint if it is this customer's (else None: the same 404 as a typo)."""
    return session.scalar(select(Complaint).where(
        Complaint.id == complaint_id, Complaint.customer_id == customer_id))


@dataclass(frozen=True)
class Step:
    """One step of a repair's progress: (zh, en) and when (None: not yet)."""

    zh: str
    en: str
    at: datetime | None


def repair_progress(state: RepairState) -> list[Step]:
    """The repair's status history from its folded events, in the order they happen; a
    refused repair shows the refusal and the return unrepaired instead of the repair."""
    steps = [Step("接收设备", "Device received", state.received_at),
             Step("报价", "Estimated", state.estimated_at)]
    if state.decision == "refused":
        return [*steps, Step("客户不同意维修", "Declined by the customer", state.confirmed_at),
                Step("未经维修归还", "Returned unrepaired", state.closed_at)]
    return [*steps, Step("客户同意维修", "Approved by the customer", state.confirmed_at),
            Step("开始维修", "Repair started", state.started_at),
            Step("修复完成", "Repaired", state.finished_at),
            Step("交付客户", "Returned to you", state.returned_at)]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def without_draft_figures(session: Session, story: DeviceHistory) -> DeviceHistory:
    """A device's story with each draft slip as 处理中 / in progress: no arrival time, no
    result, no findings — they are not facts until the slip is sealed. A tracking note
    the centre has not reviewed is 待审核 without its words; one it returned is left out
    (fieldapp.reads.dossier)."""
    slip_ids = [e.record_id for e in story.entries if e.kind == "slip"]
    drafts = {row.id: row.created_at for row in session.execute(
        select(Slip.id, Slip.created_at).where(Slip.id.in_(slip_ids), Slip.seal.is_(None)))
        } if slip_ids else {}
    notes = {e.record_id: entry_state(session, session.get_one(ArchiveEntry, e.record_id))
             .record_verdict.review for e in story.entries if e.kind == "archive"}
    if not drafts and all(r == Review.REVIEWED for r in notes.values()):
        return story
    entries = [dataclasses.replace(e, at=_aware(drafts[e.record_id]), status_zh="处理中",
                                   status_en="In progress", text="", text_en="")
               if e.kind == "slip" and e.record_id in drafts else
               dataclasses.replace(e, status_zh="待审核", status_en="Awaiting review", text="",
                                   text_en="")
               if notes.get(e.record_id) == Review.SUBMITTED else e
               for e in story.entries if notes.get(e.record_id) != Review.RETURNED]
    entries.sort(key=lambda e: e.at, reverse=True)
    return dataclasses.replace(story, entries=tuple(entries))
