"""A device's story (R2.1, R2.5): every request, slip, send-in repair, loaner lent and
finding for one device, newest first — one read for the desktop's device page, the
portal's and `fieldapp devices show`.

A device is found by what is printed on it: its serial number or asset tag, exactly as
typed or scanned (`find_devices`), then ignoring ASCII case. The history is built from
the device's own links: requests that name it, their slips, repair orders that name it
(or its requests), loaner events carrying one of its requests, findings whose evidence
names one of its requests, and a group customer's archive notes on it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fieldapp.base.errors import NotFound
from fieldapp.base.i18n import Language, pick
from fieldapp.records.events import EventKind
from fieldapp.records.service_requests import STATUS_LABELS as REQUEST_STATUS
from fieldapp.records.slips import STATUS_LABELS as SLIP_STATUS
from fieldapp.store.finding_models import Finding
from fieldapp.store.models import Device, ServiceRequest, Slip
from fieldapp.store.values import SubjectType
from fieldapp.store.workflow_models import ArchiveEntry, Event, Loaner, RepairOrder
from fieldapp.workflows.repair import STATUS_LABELS as REPAIR_STATUS
from fieldapp.workflows.repair import repair_state
from fieldapp.workflows.request_state import request_status

__all__ = ["KIND_LABELS", "DeviceHistory", "DeviceSummary", "HistoryEntry", "customer_devices",
           "device_history", "device_label", "device_summary", "find_devices", "one_device"]

KIND_LABELS: dict[str, tuple[str, str]] = {
    "request": ("服务请求", "Request"),
    "slip": ("服务单", "Slip"),
    "repair": ("送修单", "Repair"),
    "loaner": ("备机", "Loaner"),
    "finding": ("分析发现", "Finding"),
    "archive": ("档案记录", "Archive note"),
}
_LOANER_STATUS = {EventKind.LOANER_ISSUED: ("借出", "Lent"),
                  EventKind.LOANER_RETURNED: ("归还", "Returned")}
_SLIP_RESULT = {"solved": ("已解决", "solved"), "unsolved": ("未解决", "unsolved"),
                "escalated": ("已升级", "escalated")}


@dataclass(frozen=True)
class DeviceSummary:
    id: uuid.UUID
    customer_id: uuid.UUID
    customer_name: str
    device_type: str
    device_class: str
    brand: str
    model: str
    serial: str
    asset_tag: str
    site_name: str

    @property
    def label(self) -> str:
        """打印机 惠普 LaserJet M404dn"""
        return " ".join(p for p in (self.device_type, self.brand, self.model) if p)


@dataclass(frozen=True)
class HistoryEntry:
    kind: str  # KIND_LABELS' keys
    at: datetime  # aware UTC: when it happened (requested, started, received, lent …)
    number: str  # the record's human number (a loaner's asset tag)
    status_zh: str
    status_en: str
    text: str  # what it was about, as written (a finding: zh; see text_en)
    record_id: uuid.UUID
    text_en: str = ""  # a finding's English summary; otherwise the text as written

    def kind_label(self, language: Language | None = None) -> str:
        return pick(*KIND_LABELS[self.kind], language)

    def status(self, language: Language | None = None) -> str:
        return pick(self.status_zh, self.status_en, language)

    def about(self, language: Language | None = None) -> str:
        return pick(self.text, self.text_en or self.text, language)


@dataclass(frozen=True)
class DeviceHistory:
    device: DeviceSummary
    entries: tuple[HistoryEntry, ...]  # newest first

    def of_kind(self, kind: str) -> tuple[HistoryEntry, ...]:
        return tuple(e for e in self.entries if e.kind == kind)


def device_label(device: Device) -> str:
    return " ".join(p for p in (device.device_type, device.brand, device.model) if p)


def find_devices(session: Session, code: str, customer_id: uuid.UUID | None = None
                 ) -> list[Device]:
    """Devices whose serial number or asset tag is `code` (surrounding blanks ignored):
    exactly as typed first; if none, ignoring ASCII case (a scanner's lower-case mode)."""
    code = code.strip()
    if not code:
        return []
    for exact in (True, False):
        if exact:
            match = or_(Device.serial == code, Device.asset_tag == code)
        else:
            lowered = code.lower()
            match = or_(func.lower(Device.serial) == lowered,
                        func.lower(Device.asset_tag) == lowered)
        query = select(Device).where(match)
        if customer_id is not None:
            query = query.where(Device.customer_id == customer_id)
        found = list(session.scalars(query.order_by(Device.created_at, Device.id).limit(20)))
        if found:
            return found
    return []


def one_device(session: Session, code: str, customer_id: uuid.UUID | None = None) -> Device:
    """The one device `code` names (for a customer, if given); refused in one line when no
    device or several carry it."""
    found = find_devices(session, code, customer_id)
    shown = code.strip()[:60]
    if not found:
        raise NotFound(f"找不到序列号或资产编号为 {shown} 的设备。",
                       f"No device with serial number or asset tag {shown}.")
    if len(found) > 1:
        owners = "、".join(sorted({d.customer.name for d in found}))
        raise NotFound(f"序列号或资产编号 {shown} 对应 {len(found)} 台设备（{owners}），"
                       f"请用另一编号。",
                       f"{len(found)} devices carry {shown} ({owners}); use the other number.")
    return found[0]


def customer_devices(session: Session, customer_id: uuid.UUID, search: str = "",
                     limit: int = 500) -> list[DeviceSummary]:
    """The customer's devices (type, brand, model order); `search`: a part of the serial,
    asset tag, brand or model (ASCII case ignored)."""
    query = select(Device).where(Device.customer_id == customer_id)
    term = search.strip()
    if term:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in (
            Device.serial, Device.asset_tag, Device.brand, Device.model, Device.device_type))))
    query = query.order_by(Device.device_type, Device.brand, Device.model, Device.serial,
                           Device.id).limit(limit)
    return [device_summary(d) for d in session.scalars(query)]


def device_summary(device: Device) -> DeviceSummary:
    return DeviceSummary(
        id=device.id, customer_id=device.customer_id, customer_name=device.customer.name,
        device_type=device.device_type, device_class=device.device_class, brand=device.brand,
        model=device.model, serial=device.serial, asset_tag=device.asset_tag,
        site_name=device.site.name if device.site is not None else "")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def device_history(session: Session, device_id: uuid.UUID) -> DeviceHistory:
    """Everything done for the device, newest first (ties: by kind, then number)."""
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound("找不到该设备。", "No such device.")
    entries: list[HistoryEntry] = []
    requests = list(session.scalars(select(ServiceRequest).where(
        ServiceRequest.device_id == device.id)))
    request_ids = [r.id for r in requests]
    numbers = {r.number for r in requests}
    for request in requests:
        status = str(request_status(session, request))
        zh, en = REQUEST_STATUS.get(status, (status, status))
        entries.append(HistoryEntry("request", _aware(request.requested_at), request.number,
                                    zh, en, request.fault_reported, request.id))
    if request_ids:
        for slip in session.scalars(select(Slip).where(Slip.request_id.in_(request_ids))):
            zh, en = SLIP_STATUS.get(slip.status, (slip.status, slip.status))
            if slip.result in _SLIP_RESULT:
                rzh, ren = _SLIP_RESULT[slip.result]
                zh, en = f"{zh}，{rzh}", f"{en}, {ren}"
            entries.append(HistoryEntry(
                "slip", _aware(slip.arrived_at or slip.started_at or slip.created_at),
                slip.number, zh, en, slip.fault_found or slip.handling, slip.id))
    repair_match = RepairOrder.device_id == device.id
    if request_ids:
        repair_match = or_(repair_match, RepairOrder.request_id.in_(request_ids))
    for order in session.scalars(select(RepairOrder).where(repair_match)):
        zh, en = REPAIR_STATUS[repair_state(session, order).status]
        entries.append(HistoryEntry("repair", _aware(order.received_at), order.number, zh, en,
                                    order.fault_description, order.id))
    if request_ids:
        loans = session.execute(
            select(Event, Loaner.asset_tag, Loaner.description)
            .join(Loaner, Loaner.id == Event.subject_id)
            .where(Event.subject_type == SubjectType.LOANER, Event.request_id.in_(request_ids),
                   Event.kind.in_(tuple(_LOANER_STATUS))))
        for event, asset_tag, description in loans:
            zh, en = _LOANER_STATUS[EventKind(event.kind)]
            entries.append(HistoryEntry("loaner", _aware(event.occurred_at), asset_tag, zh, en,
                                        description, event.id))
    if numbers:
        for finding in session.scalars(select(Finding).where(
                Finding.customer_id == device.customer_id)):
            named = {n.strip() for n in finding.evidence.split(",")}
            if named & numbers:
                entries.append(HistoryEntry(
                    "finding", _aware(finding.detected_at),
                    finding.found_on.isoformat(), "", "", finding.summary_zh, finding.id,
                    text_en=finding.summary_en))
    for note in session.scalars(select(ArchiveEntry).where(ArchiveEntry.device_id == device.id)):
        entries.append(HistoryEntry("archive", _aware(note.noted_at), note.author_code, "", "",
                                    note.text, note.id))
    kinds = list(KIND_LABELS)
    entries.sort(key=lambda e: (e.at, -kinds.index(e.kind), e.number), reverse=True)
    return DeviceHistory(device_summary(device), tuple(entries))

