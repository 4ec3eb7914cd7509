"""Taking service requests (R2.1) and assigning them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from fieldapp.errors import FieldIssue, WorkflowError
from fieldapp.numbering import REQUEST, next_number
from fieldapp.reference import active_contract
from fieldapp.store.lookup import by_number_or_id
from fieldapp.store.models import Contact, Customer, Device, Engineer, ServiceRequest, Site
from fieldapp.timeutil import DEFAULT_TIMEZONE, to_local, utcnow
from fieldapp.validation import (
    CHANNELS,
    choice_issue,
    normalize_phone,
    raise_if,
    required,
    text_issues,
    timeline_issues,
)

OPEN_STATUSES = ("open", "assigned", "in_progress")
STATUS_LABELS = {
    "open": ("待分派", "Open"),
    "assigned": ("已分派", "Assigned"),
    "in_progress": ("处理中", "In progress"),
    "resolved": ("已解决", "Resolved"),
    "closed": ("已关闭", "Closed"),
    "cancelled": ("已取消", "Cancelled"),
}


def request_issues(*, customer_id: uuid.UUID | None, channel: str | None,
                   fault_reported: str, contact_name: str, contact_phone: str,
                   requested_at: datetime | None, answered_at: datetime | None,
                   now: datetime) -> list[FieldIssue]:
    """Everything wrong with a request as typed, all at once (R2.1): a form shows each
    issue next to its field before saving; `take_request` refuses with the same list."""
    issues = [] if customer_id is not None else [required("customer_id")]
    issues += choice_issue("channel", channel or "", CHANNELS)
    issues += text_issues({"fault_reported": fault_reported, "contact_name": contact_name,
                           "contact_phone": contact_phone}, required_fields=("fault_reported",))
    if not contact_name.strip() and not contact_phone.strip():
        issues.append(FieldIssue("contact_name", "required", "请填写联系人或联系电话。",
                                 "Enter a contact name or phone number."))
    if requested_at is None:
        issues.append(required("requested_at"))
        return issues
    issues += timeline_issues({"requested_at": requested_at}, now)
    if answered_at is not None:
        if answered_at < requested_at:
            issues.append(FieldIssue("answered_at", "out_of_order", "响应时间不能早于请求时间。",
                                     "The answer time cannot be before the request time."))
        issues += timeline_issues({"answered_at": answered_at}, now)
    return issues


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
    issues = request_issues(customer_id=customer.id, channel=channel,
                            fault_reported=fault_reported, contact_name=contact_name,
                            contact_phone=contact_phone, requested_at=requested_at,
                            answered_at=answered_at, now=now)
    for obj, field in ((site, "site_id"), (device, "device_id"), (contact, "contact_id")):
        if obj is not None and obj.customer_id != customer.id:
            issues.append(FieldIssue(field, "wrong_customer", "所选项目不属于该客户。",
                                     "The selected item belongs to another customer."))
    raise_if(issues)
    request = ServiceRequest(
        number=next_number(session, REQUEST, operator_code, requested_at, tz),
        customer=customer, contact=contact, site=site or (device.site if device else None),
        device=device, channel=channel, fault_reported=fault_reported.strip(),
        contact_name=contact_name.strip(), contact_phone=normalize_phone(contact_phone),
        requested_at=requested_at, answered_at=answered_at, taken_by=operator_code,
        contract=active_contract(session, customer.id, to_local(requested_at, tz).date()),
        status="assigned" if engineer else "open", assigned_engineer=engineer,
        created_at=now, updated_at=now,
    )
    session.add(request)
    return request


def assign_request(session: Session, request: ServiceRequest, engineer: Engineer) -> None:
    if request.status not in OPEN_STATUSES:
        raise WorkflowError(f"请求 {request.number} 已结束，不能再分派。",
                            f"Request {request.number} is finished and cannot be assigned.")
    request.assigned_engineer = engineer
    if request.status == "open":
        request.status = "assigned"
    session.flush()


def mark_answered(session: Session, request: ServiceRequest, answered_at: datetime,
                  now: datetime | None = None) -> None:
    issues = timeline_issues({"answered_at": answered_at}, now or utcnow())
    if answered_at < request.requested_at:
        issues.append(FieldIssue("answered_at", "out_of_order", "响应时间不能早于请求时间。",
                                 "The answer time cannot be before the request time."))
    raise_if(issues)
    request.answered_at = answered_at
    session.flush()


def get_request(session: Session, number_or_id: str | uuid.UUID) -> ServiceRequest:
    return by_number_or_id(session, ServiceRequest, number_or_id, what_zh="服务请求",
                           what_en="service request")
