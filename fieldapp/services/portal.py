"""What a customer sends through the archive's portal: a service request, a complaint.

The portal's routes call these, as the desktop calls `services.requests` and
`services.complaints`: the same core code takes the request (`request_issues`, numbering,
the SLA clocks) and routes the complaint (R5.1/R5.2), in one transaction the service owns.
A customer only ever names their own: a device or slip number of anyone else is answered
as one that does not exist (never whose it is). `then(session, id)` runs in the same
transaction after the record is made — the archive puts it on its change feed there, so
the record and its feed entry are stored together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.base.ids import PORTAL_OPERATOR_CODE
from fieldapp.records.events import DECISIONS, ConfirmationMethod, Decision
from fieldapp.records.service_requests import take_request
from fieldapp.store.models import Customer, Device, ServiceRequest, Slip
from fieldapp.store.workflow_models import RepairOrder
from fieldapp.workflows.complaints import open_complaint
from fieldapp.workflows.repair import confirm_repair

__all__ = [
    "PORTAL_CHANNEL",
    "PORTAL_OPERATOR",
    "PORTAL_VIA",
    "DeviceChoice",
    "EstimateAnswer",
    "PortalComplaint",
    "PortalRequest",
    "Transactions",
    "answer_estimate",
    "customer_devices",
    "customer_repair",
    "submit_complaint",
    "submit_request",
]

# The "operator" of portal records: numbers R-WEB-20261201-001; no person may have this
# code (fieldapp.base.ids refuses it), so they are unique without the network.
PORTAL_OPERATOR = PORTAL_OPERATOR_CODE
PORTAL_CHANNEL = "portal"
PORTAL_VIA = "portal"

Then = Callable[[Session, uuid.UUID], None]


class Transactions(Protocol):
    """A database handing out read and write transactions: a laptop's `Store`, the
    archive's `Database`."""

    def write(self) -> AbstractContextManager[Session]: ...

    def read(self) -> AbstractContextManager[Session]: ...


@dataclass(frozen=True)
class PortalRequest:
    """A request as the customer typed it; `device_id` as the form sent it ("" none)."""

    fault: str
    contact_name: str
    contact_phone: str
    device_id: str = ""


@dataclass(frozen=True)
class PortalComplaint:
    about: str
    description: str
    subject_name: str = ""
    slip_number: str = ""  # a slip of theirs the complaint is about ("" none)


@dataclass(frozen=True)
class DeviceChoice:
    id: uuid.UUID
    device_type: str
    brand: str
    model: str
    serial: str
    asset_tag: str


def _devices(session: Session, customer_id: uuid.UUID) -> Iterator[Device]:
    yield from session.scalars(select(Device).where(Device.customer_id == customer_id)
                               .order_by(Device.device_type, Device.brand, Device.id)
                               .limit(500))


def customer_devices(db: Transactions, customer_id: uuid.UUID) -> list[DeviceChoice]:
    """The customer's devices, for the form's picker."""
    with db.read() as session:
        return [DeviceChoice(d.id, d.device_type, d.brand, d.model, d.serial,
                             d.asset_tag)
                for d in _devices(session, customer_id)]


def _own_device(session: Session, customer_id: uuid.UUID, raw: str) -> Device | None:
    if not raw:
        return None
    try:
        device = session.get(Device, uuid.UUID(raw))
    except ValueError:
        device = None
    if device is None or device.customer_id != customer_id:
        raise ValidationError([FieldIssue("device_id", "unknown", "请从列表中选择设备。",
                                          "Choose the device from the list.")])
    return device


def submit_request(db: Transactions, customer_id: uuid.UUID, entry: PortalRequest, *,
                   now: datetime, then: Then | None = None) -> uuid.UUID:
    """Take the customer's request (refused with every issue, nothing written); its id."""
    with db.write() as session:
        customer = session.get_one(Customer, customer_id)
        device = _own_device(session, customer_id, entry.device_id)
        request = take_request(session, operator_code=PORTAL_OPERATOR, customer=customer,
                               channel=PORTAL_CHANNEL, fault_reported=entry.fault,
                               requested_at=now, contact_name=entry.contact_name,
                               contact_phone=entry.contact_phone, device=device, now=now)
        session.flush()
        if then is not None:
            then(session, request.id)
        return request.id


def submit_complaint(db: Transactions, customer_id: uuid.UUID, entry: PortalComplaint, *,
                     now: datetime, then: Then | None = None) -> str:
    """Record and route the customer's complaint; its number."""
    with db.write() as session:
        customer = session.get_one(Customer, customer_id)
        slips: list[Slip] = []
        number = entry.slip_number.strip()
        if number:
            slip = session.scalar(select(Slip).join(ServiceRequest).where(
                Slip.number == number, ServiceRequest.customer_id == customer_id))
            if slip is None:  # another company's number gets the same answer as a typo
                raise ValidationError([FieldIssue("slip_number", "unknown",
                                                  f"没有服务单 {number}。", f"No slip {number}.")])
            slips.append(slip)
        complaint = open_complaint(session, customer=customer, about=entry.about,
                                   description=entry.description, received_via=PORTAL_VIA,
                                   received_at=now, recorded_by=PORTAL_OPERATOR,
                                   subject_name=entry.subject_name, slips=slips, now=now)
        session.flush()
        if then is not None:
            then(session, complaint.id)
        return complaint.number


@dataclass(frozen=True)
class EstimateAnswer:
    """The customer's 同意 / 不同意 of the quotation they were shown (R3.2), as the form
    sent it: `estimate_id` names that quotation, `confirmed_by` the person's typed name."""

    decision: str
    confirmed_by: str
    estimate_id: str
    account: str  # the portal account, kept in the event's note


def customer_repair(session: Session, customer_id: uuid.UUID, repair_id: uuid.UUID
                    ) -> RepairOrder | None:
    """The repair order if it is this customer's (else None: the same 404 as a typo)."""
    return session.scalar(select(RepairOrder).join(
        ServiceRequest, RepairOrder.request_id == ServiceRequest.id).where(
        RepairOrder.id == repair_id, ServiceRequest.customer_id == customer_id))


def answer_estimate(db: Transactions, customer_id: uuid.UUID, repair_id: uuid.UUID,
                    entry: EstimateAnswer, *, now: datetime, then: Then | None = None) -> None:
    """Record the answer as the core's `repair.confirmed` (method portal, by the portal's
    operator code), so a changed, lapsed or already answered quotation is refused with
    the core's message; `then(session, event_id)` runs in the same transaction."""
    if entry.decision not in DECISIONS:
        raise ValidationError([FieldIssue("decision", "invalid_choice",
                                          "请选择同意维修或不同意维修。",
                                          "Choose to approve or to decline the repair.")])
    try:
        shown = uuid.UUID(entry.estimate_id)
    except ValueError:
        raise ValidationError([FieldIssue("estimate_id", "unknown", "报价单已更新，请刷新页面。",
                                          "The quotation has changed; reload the page.")]
                              ) from None
    with db.write() as session:
        order = customer_repair(session, customer_id, repair_id)
        if order is None:
            raise ValidationError([FieldIssue("repair_id", "unknown", "没有这张维修单。",
                                              "No such repair order.")])
        event = confirm_repair(session, order, approved=entry.decision == Decision.APPROVED,
                               method=ConfirmationMethod.PORTAL,
                               confirmed_by=entry.confirmed_by.strip(),
                               actor_code=PORTAL_OPERATOR, occurred_at=now, estimate_id=shown,
                               note=f"客户门户账号 / portal account {entry.account}", now=now)
        session.flush()
        if then is not None:
            then(session, event.id)
