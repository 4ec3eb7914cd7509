"""Tables of the service workflows: events, send-in repairs, loaners, complaints,
open questions and group customers' archive entries (migration 0004).

Kept apart from `models.py` (the visit's tables), which imports this module at
its bottom so Alembic's metadata sees these tables. Rows here are written once by one
writer; what happens to them later (estimated, approved, lent, answered …) is an append-only
`Event`, and their state is derived by folding those events (see fieldapp/records/events.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.base.ids import new_uuid
from fieldapp.base.timeutil import utcnow
from fieldapp.store.models import Base, Customer, Device, Engineer, Record, ServiceRequest, Slip
from fieldapp.store.types import UTCDateTime


class Event(Base):
    """One shared fact, append-only (UPDATE and DELETE are refused by a trigger).

    `subject_id` and `request_id` carry no foreign key on purpose: events travel between
    laptops and the archive on their own and may arrive before the record they are about.
    """

    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # e.g. repair.estimated
    subject_type: Mapped[str] = mapped_column(String(20))  # repair/loaner/request/…
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON: strings and integers only
    actor_code: Mapped[str] = mapped_column(String(8))  # who recorded it (engineer/operator)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)  # what the person says
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # laptop clock


Index("ix_events_subject", Event.subject_type, Event.subject_id, Event.occurred_at)


class RepairOrder(Record):
    """A device taken in for repair (硬件送修, R3.1): the sealed, read-only intake."""

    __tablename__ = "repair_orders"

    number: Mapped[str] = mapped_column(String(32), unique=True)  # P-E07-20261124-001
    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service_requests.id"), index=True)
    slip_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("slips.id"))
    engineer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("engineers.id"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id"))
    company_contact: Mapped[str] = mapped_column(String(100))  # 公司联系人
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    fault_description: Mapped[str] = mapped_column(Text)  # 故障描述
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)  # 接受时间
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime)  # 到达时间
    departed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # 离开时间
    device_type: Mapped[str] = mapped_column(String(50), default="")
    device_class: Mapped[str] = mapped_column(String(30), default="other")
    device_grade: Mapped[str] = mapped_column(String(10), default="")
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    serial: Mapped[str] = mapped_column(String(100), default="")
    asset_tag: Mapped[str] = mapped_column(String(100), default="")
    accessories: Mapped[str] = mapped_column(String(300), default="")  # 随机附件
    engineer_signer: Mapped[str] = mapped_column(String(100))
    engineer_signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pad_width: Mapped[int] = mapped_column(Integer)
    pad_height: Mapped[int] = mapped_column(Integer)
    engineer_strokes: Mapped[str] = mapped_column(Text)
    engineer_signature_png: Mapped[bytes] = mapped_column(LargeBinary)
    seal: Mapped[str] = mapped_column(String(64))
    seal_document: Mapped[str] = mapped_column(Text)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    request: Mapped[ServiceRequest] = relationship()
    slip: Mapped[Slip | None] = relationship()
    engineer: Mapped[Engineer] = relationship()
    device: Mapped[Device | None] = relationship()


class Loaner(Record):
    """A same-class loaner device (同档次备机) the service centre keeps (R1.4)."""

    __tablename__ = "loaners"

    asset_tag: Mapped[str] = mapped_column(String(100), unique=True)
    device_class: Mapped[str] = mapped_column(String(30), index=True)  # desktop/laptop/printer
    grade: Mapped[str] = mapped_column(String(10), default="")  # A/B …
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Complaint(Record):
    """A customer's complaint as received (客户投诉, R5); handling is events."""

    __tablename__ = "complaints"

    number: Mapped[str] = mapped_column(String(32), unique=True)  # C-C01-20261125-001
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_requests.id"))
    about: Mapped[str] = mapped_column(String(20))  # engineer/technical_contact/…
    subject_name: Mapped[str] = mapped_column(String(100), default="")  # the person concerned
    engineer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("engineers.id"))
    slip_numbers: Mapped[str] = mapped_column(Text, default="")  # comma-separated
    description: Mapped[str] = mapped_column(Text)
    received_via: Mapped[str] = mapped_column(String(12))  # phone/letter/email/portal/in_person
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    response_hours: Mapped[int] = mapped_column(Integer, default=24)
    routed_to: Mapped[str] = mapped_column(String(20))  # account_manager/service_centre
    handler_name: Mapped[str] = mapped_column(String(100), default="")
    recorded_by: Mapped[str] = mapped_column(String(8))

    customer: Mapped[Customer] = relationship()
    request: Mapped[ServiceRequest | None] = relationship()
    engineer: Mapped[Engineer | None] = relationship()


class OpenQuestion(Record):
    """A question or request not answered on the spot, with a promised answer time (R1.6)."""

    __tablename__ = "open_questions"

    number: Mapped[str] = mapped_column(String(32), unique=True)  # Q-E07-20261124-001
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_requests.id"))
    slip_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("slips.id"))
    asked_by: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    promised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(8))

    customer: Mapped[Customer] = relationship()


class ArchiveEntry(Record):
    """A group customer's archive input after a service (R2.5); append-only."""

    __tablename__ = "archive_entries"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id"), index=True)
    slip_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("slips.id"))
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_requests.id"))
    kind: Mapped[str] = mapped_column(String(20))  # device_tracking/problem/suggestion
    text: Mapped[str] = mapped_column(Text)
    author_code: Mapped[str] = mapped_column(String(8))
    noted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    device: Mapped[Device | None] = relationship()
    slip: Mapped[Slip | None] = relationship()


class ProblemSet(Record):
    """A group customer's problem (问题集, R2.5) as raised after a visit (migration 0010).

    Write-once like the other records here: its tracking, solution, linked requests and
    the centre's review are append-only `problem.*` events (fieldapp.workflows.dossier).
    `request_id` is the request of the visit that raised it; more are linked by events.
    """

    __tablename__ = "problem_sets"

    number: Mapped[str] = mapped_column(String(32), unique=True)  # W-E07-20261124-001
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_requests.id"),
                                                         index=True)
    slip_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("slips.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id"))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[str] = mapped_column(String(8))  # the engineer's code
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)

    customer: Mapped[Customer] = relationship()
    request: Mapped[ServiceRequest | None] = relationship()
    device: Mapped[Device | None] = relationship()


class ServiceSuggestion(Record):
    """A service suggestion (服务建议, R2.5) made to a group customer after a visit; the
    customer's answer and its follow-up are `suggestion.*` events (migration 0010)."""

    __tablename__ = "service_suggestions"

    number: Mapped[str] = mapped_column(String(32), unique=True)  # J-E07-20261124-001
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_requests.id"),
                                                         index=True)
    slip_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("slips.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id"))
    suggestion: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(String(8))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    customer: Mapped[Customer] = relationship()
    request: Mapped[ServiceRequest | None] = relationship()
    device: Mapped[Device | None] = relationship()
