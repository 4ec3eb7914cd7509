"""Taking service requests (R2.1) and assigning them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from fieldapp.base.errors import WorkflowError
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, to_local, utcnow
from fieldapp.records.numbering import REQUEST, next_number
from fieldapp.records.reference import active_contract
from fieldapp.rules.requests import channel_kinds, request_issues
from fieldapp.rules.validation import normalize_phone, raise_if
from fieldapp.sla.request_clocks import ServiceKind, legacy_channel
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
    intake_channel: str | None = None,
    service_kind: str | None = None,
    hardware_fault: bool = False,
    channel: str | None = None,
) -> ServiceRequest:
    """Record a customer's request: who, which device, the fault as reported, when (R2.1).

    How it came in (`intake_channel`) and what is asked (`service_kind`) choose its clocks:
    for phone calls and written requests the answer time is what R1.1/R1.5 measure;
    `hardware_fault` adds R1.4's 4 hours to on-site work. A caller not yet changed may
    give the old `channel` alone; it maps to both (`fieldapp.sla.split_channel`).
    """
    now = now or utcnow()
    if contact is not None:
        contact_name = contact_name or contact.name
        contact_phone = contact_phone or contact.phone
    owners = {field: item.customer_id for field, item in (
        ("contact_id", contact), ("site_id", site), ("device_id", device)) if item is not None}
    raise_if(request_issues(customer_id=customer.id, channel=channel,
                            intake_channel=intake_channel, service_kind=service_kind,
                            fault_reported=fault_reported, contact_name=contact_name,
                            contact_phone=contact_phone, requested_at=requested_at,
                            answered_at=answered_at, now=now, owners=owners))
    intake_channel, service_kind = channel_kinds(channel, intake_channel, service_kind)
    assert intake_channel is not None and service_kind is not None  # checked above
    request = ServiceRequest(
        number=next_number(session, REQUEST, operator_code, requested_at, tz),
        customer=customer, contact=contact, site=site or (device.site if device else None),
        device=device, channel=legacy_channel(intake_channel, service_kind).value,
        intake_channel=intake_channel, service_kind=service_kind,
        hardware_fault=bool(hardware_fault) or service_kind == ServiceKind.SENDIN,
        fault_reported=fault_reported.strip(),
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
