"""Taking service requests (R2.1) and assigning them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from fieldapp.base.errors import WorkflowError
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, to_local, utcnow
from fieldapp.records.numbering import REQUEST, next_number
from fieldapp.records.reference import active_contract
from fieldapp.rules.requests import request_issues
from fieldapp.rules.validation import normalize_phone, raise_if
from fieldapp.store.lookup import by_number_or_id
from fieldapp.store.models import Contact, Customer, Device, Engineer, ServiceRequest, Site
from fieldapp.store.values import RequestStatus

OPEN_STATUSES = (RequestStatus.OPEN, RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS)
STATUS_LABELS: dict[str, tuple[str, str]] = {  # keyed by the members (strings)
    RequestStatus.OPEN: ("待分派", "Open"),
    RequestStatus.ASSIGNED: ("已分派", "Assigned"),
    RequestStatus.IN_PROGRESS: ("处理中", "In progress"),
    RequestStatus.RESOLVED: ("已解决", "Resolved"),
    RequestStatus.CLOSED: ("已关闭", "Closed"),
    RequestStatus.CANCELLED: ("已取消", "Cancelled"),
}


def take_request(
    session: Session,
    *,
    operator_code: str,
    customer: Customer,
    channel: str,
    fault_reported: str,
    requested_at: datetime,
    contact_name: str = "",
    contact_phone: str = "",
    contact: Contact | None = None,
    site: Site | None = None,
    device: Device | None = None,
    answered_at: datetime | None = None,
    engineer: Engineer | None = None,
    now: datetime | None = None,
    tz: str = DEFAULT_TIMEZONE,
) -> ServiceRequest:
    """Record a customer's request: who, which device, the fault as reported, when (R2.1).

    For phone calls and letters the answer time is what R1.1/R1.5 measure.
    """
    now = now or utcnow()
    if contact is not None:
        contact_name = contact_name or contact.name
        contact_phone = contact_phone or contact.phone
    owners = {field: item.customer_id for field, item in (
        ("contact_id", contact), ("site_id", site), ("device_id", device)) if item is not None}
    raise_if(request_issues(customer_id=customer.id, channel=channel,
                            fault_reported=fault_reported, contact_name=contact_name,
                            contact_phone=contact_phone, requested_at=requested_at,
                            answered_at=answered_at, now=now, owners=owners))
    request = ServiceRequest(
        number=next_number(session, REQUEST, operator_code, requested_at, tz),
        customer=customer, contact=contact, site=site or (device.site if device else None),
        device=device, channel=channel, fault_reported=fault_reported.strip(),
        contact_name=contact_name.strip(), contact_phone=normalize_phone(contact_phone),
        requested_at=requested_at, answered_at=answered_at, taken_by=operator_code,
        contract=active_contract(session, customer.id, to_local(requested_at, tz).date()),
        status=RequestStatus.ASSIGNED if engineer else RequestStatus.OPEN,
        assigned_engineer=engineer,
        created_at=now, updated_at=now,
    )
    session.add(request)
    return request


def assign_request(session: Session, request: ServiceRequest, engineer: Engineer) -> None:
    if request.status not in OPEN_STATUSES:
        raise WorkflowError(f"请求 {request.number} 已结束，不能再分派。",
                            f"Request {request.number} is finished and cannot be assigned.")
    request.assigned_engineer = engineer
    if request.status == RequestStatus.OPEN:
        request.status = RequestStatus.ASSIGNED
    session.flush()


def get_request(session: Session, number_or_id: str | uuid.UUID) -> ServiceRequest:
    return by_number_or_id(session, ServiceRequest, number_or_id, what_zh="服务请求",
                           what_en="service request")
