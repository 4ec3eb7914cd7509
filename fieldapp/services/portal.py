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
from fieldapp.records.service_requests import take_request
from fieldapp.store.models import Customer, Device, ServiceRequest, Slip
from fieldapp.workflows.complaints import open_complaint

__all__ = ["PORTAL_CHANNEL", "PORTAL_OPERATOR", "PORTAL_VIA", "DeviceChoice", "PortalComplaint",
           "PortalRequest", "Transactions", "customer_devices", "submit_complaint",
           "submit_request"]

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
