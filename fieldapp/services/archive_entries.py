"""A group customer's archive input after a service (客户档案, R2.5) as services.

Main-device tracking, problem-set entries and service suggestions, linked to the slip and
optionally one of the customer's devices; append-only. Pass `now` (tests freeze it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from fieldapp.base.i18n import Language, pick
from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.records import slips
from fieldapp.services.visit_view import device_text
from fieldapp.store import Store
from fieldapp.store.models import Device
from fieldapp.workflows import group_archive
from fieldapp.workflows.group_archive import KIND_LABELS

__all__ = ["ArchiveContext", "NewEntry", "add", "context"]

SHOWN_ENTRIES = 8  # the latest ones, as a reminder of what the archive holds


@dataclass(frozen=True)
class ArchiveContext:
    customer_name: str
    is_group: bool  # only group customers have an archive (R2.5)
    devices: tuple[tuple[uuid.UUID, str], ...]  # the customer's, by type
    device_id: uuid.UUID | None  # the request's device
    entries: tuple[str, ...]  # "2026-11-24 12:30 [问题集] …", oldest first


@dataclass(frozen=True)
class NewEntry:
    kind: str  # group_archive.KINDS
    text: str
    author_code: str
    device_id: uuid.UUID | None = None


def context(store: Store, slip_id: uuid.UUID, *, language: Language) -> ArchiveContext:
    with store.read() as session:
        slip = slips.get_slip(session, slip_id)
        customer = slip.request.customer
        devices = session.scalars(select(Device).where(Device.customer_id == customer.id)
                                  .order_by(Device.device_type)).all()
        entries = tuple(
            f"{format_local(e.noted_at)} [{pick(*KIND_LABELS[e.kind], language)}] {e.text}"
            for e in group_archive.archive_entries(session, customer)
        ) if customer.is_group else ()
        return ArchiveContext(customer.name, customer.is_group,
                              tuple((d.id, device_text(d)) for d in devices),
                              slip.request.device_id, entries[-SHOWN_ENTRIES:])


def add(store: Store, slip_id: uuid.UUID, entry: NewEntry, *, now: datetime | None = None
        ) -> None:
    """Add the entry for the slip's customer, noted now; refused for a customer who is no
    group customer, for empty text, or a device of another customer."""
    now = now or utcnow()
    with store.write() as session:
        slip = slips.get_slip(session, slip_id)
        device = session.get(Device, entry.device_id) if entry.device_id else None
        group_archive.add_archive_entry(session, customer=slip.request.customer, slip=slip,
                                        device=device, kind=entry.kind, text=entry.text,
                                        author_code=entry.author_code, noted_at=now, now=now)
