"""The local store's tables, as SQLAlchemy 2.0 typed ORM classes.

Identity: every row has a client-made UUIDv7 (`id`); requests and slips also have a human
`number`. Money is integer fen. Times are aware UTC (`UTCDateTime`). The archive server
uses the same classes on PostgreSQL. See docs/data-model.md.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    event,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from fieldapp.base.ids import new_uuid
from fieldapp.base.timeutil import utcnow
from fieldapp.sla.request_clocks import legacy_channel, split_channel
from fieldapp.store.types import UTCDateTime

# Stable constraint names, so Alembic batch migrations on SQLite can find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Each mapped class here is a Table (DeclarativeBase types `__table__` as a FromClause,
    # which insert/update/delete do not take).
    __table__: ClassVar[Table]


class Record(Base):
    """Columns every synchronised record has."""

    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __init__(self, **kwargs: object) -> None:
        # The id is known as soon as the object exists, so the core need not flush to
        # hand it out (the write transaction's commit flushes once).
        kwargs.setdefault("id", new_uuid())
        super().__init__(**kwargs)


# --- reference data -------------------------------------------------------------------


class Customer(Record):
    __tablename__ = "customers"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)  # 集团用户
    account_manager: Mapped[str] = mapped_column(String(100), default="")  # 客户经理
    phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    # the language of the documents the customer is handed (客户联, send-in copies…):
    # theirs, whatever the engineer's screen shows; zh unless the customer asks for en
    # (migration 0007; the server default serves rows pushed by an older laptop)
    document_language: Mapped[str] = mapped_column(String(2), default="zh", server_default="zh")

    contacts: Mapped[list[Contact]] = relationship(back_populates="customer")
    sites: Mapped[list[Site]] = relationship(back_populates="customer")


class Contact(Record):
    __tablename__ = "contacts"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(100), default="")

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class Site(Record):
    __tablename__ = "sites"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    in_city: Mapped[bool] = mapped_column(Boolean, default=True)  # R1.2 applies inside the city

    customer: Mapped[Customer] = relationship(back_populates="sites")


class Device(Record):
    __tablename__ = "devices"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"))
    device_type: Mapped[str] = mapped_column(String(50))  # 台式机, 笔记本, 打印机 …
    device_class: Mapped[str] = mapped_column(String(30), default="other")  # loaner matching
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    serial: Mapped[str] = mapped_column(String(100), default="", index=True)
    asset_tag: Mapped[str] = mapped_column(String(100), default="", index=True)

    customer: Mapped[Customer] = relationship()
    site: Mapped[Site | None] = relationship()


class Engineer(Record):
    __tablename__ = "engineers"

    code: Mapped[str] = mapped_column(String(8), unique=True)  # used in human numbers
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(50), default="")
    skills: Mapped[str] = mapped_column(Text, default="")  # comma-separated tags
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def skill_list(self) -> list[str]:
        return [s.strip() for s in self.skills.split(",") if s.strip()]


class Contract(Record):
    __tablename__ = "contracts"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    number: Mapped[str] = mapped_column(String(50), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # JSON of fieldapp.sla.SlaTerms / ServiceCalendar; empty means the seed's defaults.
    sla_terms: Mapped[str] = mapped_column(Text, default="{}")
    service_calendar: Mapped[str] = mapped_column(Text, default="{}")

    customer: Mapped[Customer] = relationship()


# --- the work -------------------------------------------------------------------------


class ServiceRequest(Record):
    __tablename__ = "service_requests"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contacts.id"))
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id"), index=True)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contracts.id"))
    # How it came in vs what is asked (0009): each promise that applies runs its own clock
    # (fieldapp.sla.clock_specs). `channel` is the old single value, fixed when the request
    # is taken (legacy_channel of the two): a slip's seal names it, older laptops push it.
    channel: Mapped[str] = mapped_column(String(10))  # fieldapp.sla.Channel
    intake_channel: Mapped[str] = mapped_column(  # fieldapp.sla.IntakeChannel
        String(10), server_default="phone")
    service_kind: Mapped[str] = mapped_column(  # fieldapp.sla.ServiceKind
        String(10), server_default="answer")
    # A hardware fault: on site, R1.4's 4-hour repair clock runs too (send-in: always).
    hardware_fault: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default=false())
    contact_name: Mapped[str] = mapped_column(String(100), default="")  # 联系方式 as given
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    fault_reported: Mapped[str] = mapped_column(Text)  # 故障现象
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # 请求时间
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # R1.1 / R1.5
    assigned_engineer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("engineers.id"), index=True
    )
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    taken_by: Mapped[str] = mapped_column(String(8), default="")  # operator code
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    customer: Mapped[Customer] = relationship()
    contact: Mapped[Contact | None] = relationship()
    site: Mapped[Site | None] = relationship()
    device: Mapped[Device | None] = relationship()
    contract: Mapped[Contract | None] = relationship()
    assigned_engineer: Mapped[Engineer | None] = relationship()
    slips: Mapped[list[Slip]] = relationship(
        back_populates="request", order_by="Slip.created_at"
    )


def fill_request_kinds(values: dict[str, object]) -> None:
    """Complete a request's channel fields in place: the old `channel` alone (an older
    laptop, an old export) gives both new fields; the two alone give `channel`. Unknown
    values are left for the rules to refuse."""
    try:
        if values.get("channel") and not (values.get("intake_channel")
                                          and values.get("service_kind")):
            intake, kind = split_channel(str(values["channel"]))
            values.setdefault("intake_channel", intake.value)
            values.setdefault("service_kind", kind.value)
            values["intake_channel"] = values["intake_channel"] or intake.value
            values["service_kind"] = values["service_kind"] or kind.value
        elif not values.get("channel") and values.get("intake_channel") and values.get(
                "service_kind"):
            values["channel"] = legacy_channel(str(values["intake_channel"]),
                                               str(values["service_kind"])).value
    except ValueError:
        return


@event.listens_for(ServiceRequest, "before_insert")
def _fill_request_kinds(mapper: object, connection: object, target: ServiceRequest) -> None:
    values = {k: getattr(target, k) for k in ("channel", "intake_channel", "service_kind")}
    fill_request_kinds(values)
    for key, value in values.items():
        if value is not None:
            setattr(target, key, value)


# A customer's requests of a period (reports, the portal) without a table scan (0006).
Index("ix_service_requests_customer_requested", ServiceRequest.customer_id,
      ServiceRequest.requested_at)


class Slip(Record):
    """One engineer's handling of a request (服务单据)."""

    __tablename__ = "slips"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service_requests.id"), index=True)
    engineer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("engineers.id"), index=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 到达时间
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 服务开始时间
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 故障解决时间
    departed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 离开时间
    fault_found: Mapped[str] = mapped_column(Text, default="")  # 现场故障描述
    handling: Mapped[str] = mapped_column(Text, default="")  # 处理方式
    result: Mapped[str] = mapped_column(String(12), default="")  # solved/unsolved/escalated
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    seal: Mapped[str | None] = mapped_column(String(64))  # SHA-256 hex of seal_document
    seal_document: Mapped[str | None] = mapped_column(Text)  # canonical JSON, fieldapp.seal.sealing
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    amends_slip_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("slips.id"))
    amendment_reason: Mapped[str] = mapped_column(Text, default="")
    # the device key that signed the seal and its Ed25519 signature of it (format 3, 0008)
    seal_key_id: Mapped[str | None] = mapped_column(String(32))
    seal_signature: Mapped[str | None] = mapped_column(String(100))

    request: Mapped[ServiceRequest] = relationship(back_populates="slips")
    engineer: Mapped[Engineer] = relationship()
    amends: Mapped[Slip | None] = relationship(remote_side="Slip.id")
    fee_lines: Mapped[list[FeeLine]] = relationship(
        back_populates="slip",
        order_by="FeeLine.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="slip", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.fee_lines)

    @property
    def is_sealed(self) -> bool:
        return self.seal is not None

    def signature(self, role: str) -> Signature | None:
        return next((s for s in self.signatures if s.role == role), None)


Index("ix_slips_created_at", Slip.created_at)


class SealReceipt(Base):
    """The archive's countersignature of a sealed slip, kept on the laptop (0008): its
    canonical JSON body (fieldapp.seal.receipts) and the archive's Ed25519 signature of it.
    Laptop-only: never synced, and never part of a slip (a sealed slip does not change)."""

    __tablename__ = "seal_receipts"

    slip_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("slips.id"), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(100))


class FeeLine(Record):
    __tablename__ = "fee_lines"

    slip_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("slips.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # labour/parts/travel/other
    description: Mapped[str] = mapped_column(String(200), default="")
    quantity_milli: Mapped[int] = mapped_column(Integer, default=1000)  # 1.5 m cable = 1500
    unit_price_fen: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Integer)

    slip: Mapped[Slip] = relationship(back_populates="fee_lines")


class Signature(Record):
    """A signature as vector strokes (exact, hashable) plus a rendered PNG."""

    __tablename__ = "signatures"
    __table_args__ = (UniqueConstraint("slip_id", "role"),)

    slip_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("slips.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # engineer/customer
    signer_name: Mapped[str] = mapped_column(String(100))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pad_width: Mapped[int] = mapped_column(Integer)
    pad_height: Mapped[int] = mapped_column(Integer)
    strokes: Mapped[str] = mapped_column(Text)  # canonical JSON, see fieldapp.seal.signatures
    image_png: Mapped[bytes] = mapped_column(LargeBinary)

    slip: Mapped[Slip] = relationship(back_populates="signatures")


# --- local bookkeeping ----------------------------------------------------------------


class NumberSequence(Base):
    """Last sequence handed out per (kind, operator, local day) for human numbers."""

    __tablename__ = "number_sequences"

    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    operator_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class SlipPrint(Record):
    """A copy printed or saved; sealed slips stay untouched, so the count lives here."""

    __tablename__ = "slip_prints"

    slip_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("slips.id"), index=True)
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    copies: Mapped[int] = mapped_column(Integer, default=1)
    copy_kind: Mapped[str] = mapped_column(String(10), default="customer")
    layout: Mapped[str] = mapped_column(String(10), default="a4")
    destination: Mapped[str] = mapped_column(String(200), default="")


# --- synchronisation with the archive (laptop side; see docs/sync-protocol.md) ------------


class SyncOutbox(Base):
    """A record changed here and not yet acknowledged by the archive.

    Written in the same transaction as the change (fieldapp.store.outbox). A slip stands
    for itself, its fee lines and its signatures. `version` grows with every change, so an
    acknowledgement only clears the version that was sent. A refused record stays here
    with the archive's reason until it changes again or is retried.
    """

    __tablename__ = "sync_outbox"

    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason_code: Mapped[str] = mapped_column(String(40), default="")
    reason_zh: Mapped[str] = mapped_column(Text, default="")
    reason_en: Mapped[str] = mapped_column(Text, default="")


class SyncState(Base):
    """Small named values of the sync: pull cursor, last success, clock skew…"""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# The workflows' tables live in their own module; importing it here registers them on
# Base.metadata for Alembic and the archive server.
from fieldapp.store import (  # noqa: E402, F401
    attachment_models,
    finding_models,
    workflow_models,
)
