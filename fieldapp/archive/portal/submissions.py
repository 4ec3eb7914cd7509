"""A customer's new service request or complaint from the portal, stored as a laptop's
record would be: built by the core (same validation), checked again by the archive's
rules for pushed records, and put on the change feed so the service centre's laptops
pull it (docs/sync-protocol.md)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fieldapp.archive import crud
from fieldapp.archive.db import lock_change_log
from fieldapp.archive.models import Received, User
from fieldapp.archive.rules import check_record
from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.base.ids import PORTAL_OPERATOR_CODE
from fieldapp.records.service_requests import take_request
from fieldapp.store.models import Customer, Device, ServiceRequest, Slip
from fieldapp.store.workflow_models import Complaint
from fieldapp.sync.wire import read_record
from fieldapp.workflows.complaints import open_complaint

# The "operator" of portal records: numbers R-WEB-20261201-001; no person may have this
# code (fieldapp.base.ids refuses it), so they are unique without the network.
PORTAL_OPERATOR = PORTAL_OPERATOR_CODE
PORTAL_CHANNEL = "portal"
PORTAL_VIA = "portal"


def publish(session: Session, *, table: str, record_id: uuid.UUID, user: User,
            now: datetime) -> None:
    """Log the record as received from the portal and move it to the end of the feed."""
    session.flush()
    record = read_record(session, table, record_id)
    assert record is not None
    reason = check_record(session, table, record, now)
    if reason is not None:  # the core refused nothing, so this would be a defect
        raise ValidationError([FieldIssue(table, reason[0], reason[1], reason[2])])
    lock_change_log(session)
    session.execute(insert(Received).values(
        table_name=table, record_id=record_id, content_hash=record["hash"], received_at=now,
        laptop_time=None, record_updated_at=now, clock_skew_seconds=0, device_id=None,
        user_id=user.id))
    crud.record_change(session, table=table, record_id=record_id, now=now)


def customer_devices(session: Session, customer_id: uuid.UUID) -> list[Device]:
    return list(session.scalars(select(Device).where(Device.customer_id == customer_id)
                                .order_by(Device.device_type, Device.brand, Device.id)
                                .limit(500)))


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


def submit_request(session: Session, *, user: User, customer_id: uuid.UUID, fault: str,
                   contact_name: str, contact_phone: str, device_id: str,
                   now: datetime) -> ServiceRequest:
    customer = session.get_one(Customer, customer_id)
    device = _own_device(session, customer_id, device_id)
    request = take_request(session, operator_code=PORTAL_OPERATOR, customer=customer,
                           channel=PORTAL_CHANNEL, fault_reported=fault, requested_at=now,
                           contact_name=contact_name, contact_phone=contact_phone,
                           device=device, now=now)
    publish(session, table="service_requests", record_id=request.id, user=user, now=now)
    return request


def submit_complaint(session: Session, *, user: User, customer_id: uuid.UUID, about: str,
                     description: str, subject_name: str, slip_number: str,
                     now: datetime) -> Complaint:
    customer = session.get_one(Customer, customer_id)
    slips: list[Slip] = []
    if slip_number.strip():
        slip = session.scalar(select(Slip).join(ServiceRequest).where(
            Slip.number == slip_number.strip(), ServiceRequest.customer_id == customer_id))
        if slip is None:  # another company's number gets the same answer as a typo
            raise ValidationError([FieldIssue("slip_number", "unknown",
                                              f"没有服务单 {slip_number.strip()}。",
                                              f"No slip {slip_number.strip()}.")])
        slips.append(slip)
    complaint = open_complaint(session, customer=customer, about=about,
                               description=description, received_via=PORTAL_VIA,
                               received_at=now, recorded_by=PORTAL_OPERATOR,
                               subject_name=subject_name, slips=slips, now=now)
    publish(session, table="complaints", record_id=complaint.id, user=user, now=now)
    return complaint
