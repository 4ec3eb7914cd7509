"""Group customers' archive input after a service (R2.5).

After a service for a group customer (集团用户) the engineer adds main-device tracking notes
(主要设备管理和跟踪), problem-set entries (问题集管理) and service suggestions (服务建议).
Each is an append-only row (the database refuses UPDATE and DELETE); a correction is a new
entry.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue, WorkflowError
from fieldapp.base.timeutil import utcnow
from fieldapp.rules.validation import blank_issue, choice_issue, future_issue, raise_if
from fieldapp.store.models import Customer, Device, Slip
from fieldapp.store.workflow_models import ArchiveEntry


class ArchiveEntryKind(StrEnum):
    """`archive_entries.kind`: the three parts of a group customer's archive (R2.5)."""

    DEVICE_TRACKING = "device_tracking"
    PROBLEM = "problem"
    SUGGESTION = "suggestion"


KIND_LABELS: dict[str, tuple[str, str]] = {  # keyed by the members (strings)
    ArchiveEntryKind.DEVICE_TRACKING: ("主要设备管理和跟踪", "Main-device tracking"),
    ArchiveEntryKind.PROBLEM: ("问题集", "Problem set"),
    ArchiveEntryKind.SUGGESTION: ("服务建议", "Service suggestion"),
}
KINDS = tuple(KIND_LABELS)


def archive_entry_issues(*, kind: str, text: str, noted_at: datetime, now: datetime,
                         customer_id: uuid.UUID | None = None,
                         device_customer_id: uuid.UUID | None = None) -> list[FieldIssue]:
    """An archive entry's rule (fieldapp.rules), the laptop's and the archive's ingest's.
    `device_customer_id`: the customer of the device it is about, which must be its own."""
    issues = choice_issue("kind", kind, KINDS)
    issues += blank_issue("text", text, "请填写内容。", "Please enter the text.")
    issues += future_issue("noted_at", noted_at, now, "时间不能晚于当前时间。",
                           "The time cannot be in the future.")
    if device_customer_id is not None and device_customer_id != customer_id:
        issues.append(FieldIssue("device_id", "wrong_customer", "设备不属于该客户。",
                                 "The device belongs to another customer."))
    return issues


def add_archive_entry(session: Session, *, customer: Customer, kind: str, text: str,
                      author_code: str, noted_at: datetime, device: Device | None = None,
                      slip: Slip | None = None, now: datetime | None = None) -> ArchiveEntry:
    if not customer.is_group:
        raise WorkflowError(f"{customer.name} 不是集团用户，无客户档案条目。",
                            f"{customer.name} is not a group customer; no archive entries.")
    now = now or utcnow()
    issues = archive_entry_issues(kind=kind, text=text, noted_at=noted_at, now=now,
                                  customer_id=customer.id,
                                  device_customer_id=device.customer_id if device else None)
    if slip is not None and slip.request.customer_id != customer.id:
        issues.append(FieldIssue("slip_id", "wrong_customer", "服务单不属于该客户。",
                                 "The slip belongs to another customer."))
    raise_if(issues)
    entry = ArchiveEntry(customer_id=customer.id, device=device, slip=slip,
                         request_id=slip.request_id if slip else None, kind=kind,
                         text=text.strip(), author_code=author_code, noted_at=noted_at,
                         created_at=now, updated_at=now)
    session.add(entry)
    session.flush()
    return entry


def archive_entries(session: Session, customer: Customer, *, kind: str | None = None,
                    device: Device | None = None) -> list[ArchiveEntry]:
    query = select(ArchiveEntry).where(ArchiveEntry.customer_id == customer.id)
    if kind is not None:
        query = query.where(ArchiveEntry.kind == kind)
    if device is not None:
        query = query.where(ArchiveEntry.device_id == device.id)
    return list(session.scalars(query.order_by(ArchiveEntry.noted_at, ArchiveEntry.id)))
