"""A slip as plain data: what the visit services return and the desktop shows.

Callers never hold ORM rows (they would lazy-load later, after their session closed);
a service copies what a screen shows into these frozen dataclasses inside its transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy.orm import Session

from fieldapp.base.i18n import pick
from fieldapp.records import slips
from fieldapp.records.sla_records import SlaInputs, slip_sla_inputs
from fieldapp.seal.seal_status import seal_state
from fieldapp.seal.sealing import FileCheck
from fieldapp.seal.signatures import strokes_from_json
from fieldapp.sla import Channel
from fieldapp.store.models import Slip

STATUS_LABELS = slips.STATUS_LABELS  # (zh, en) of draft and sealed


@dataclass(frozen=True)
class FeeLineData:
    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount_fen: int


@dataclass(frozen=True)
class SignatureData:
    role: str
    signer_name: str
    signed_at: datetime
    strokes: list[list[list[int]]]


@dataclass(frozen=True)
class SlipData:
    id: uuid.UUID
    number: str
    status: str
    seal: str | None
    sealed_at: datetime | None
    request_number: str
    customer_name: str
    channel: str
    contact_name: str
    contact_phone: str
    site: str
    device: str
    fault_reported: str
    requested_at: datetime
    engineer_code: str
    engineer_name: str
    arrived_at: datetime | None
    started_at: datetime | None
    solved_at: datetime | None
    departed_at: datetime | None
    fault_found: str
    handling: str
    result: str
    fee_lines: tuple[FeeLineData, ...]
    total_fen: int
    signatures: tuple[SignatureData, ...]
    print_count: int
    amends_number: str | None
    amendment_reason: str
    request_id: uuid.UUID | None = None
    customer_is_group: bool = False
    # why the seal check failed (zh, en), checked each time the slip is shown: empty for
    # a draft and for a seal that holds (fieldapp.seal.seal_status)
    seal_problems: tuple[tuple[str, str], ...] = ()
    # how the request came in and what it asks (fieldapp.sla.IntakeChannel / ServiceKind)
    intake_channel: str = ""
    service_kind: str = ""
    hardware_fault: bool = False
    # the request's clocks as this slip's times stop them, counted at show time
    sla: SlaInputs | None = None

    @property
    def sealed(self) -> bool:
        return self.seal is not None

    @property
    def tampered(self) -> bool:
        return bool(self.seal_problems)

    @property
    def visited(self) -> bool:
        """On-site or send-in: arrival and departure belong on the slip (R2.2, R3.1)."""
        return self.channel in (Channel.ONSITE, Channel.SENDIN)

    def signature(self, role: str) -> SignatureData | None:
        return next((s for s in self.signatures if s.role == role), None)


class DeviceFacts(Protocol):
    """What names a device on screen (a `Device` row has it)."""

    @property
    def device_type(self) -> str: ...
    @property
    def brand(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def serial(self) -> str: ...
    @property
    def asset_tag(self) -> str: ...


def device_text(device: DeviceFacts | None) -> str:
    if device is None:
        return ""
    d = device
    parts = [d.device_type, d.brand, d.model]
    serial = f"{pick('序列号', 'S/N')} {d.serial}" if d.serial else ""
    ids = [serial, d.asset_tag]
    return " ".join(p for p in parts if p) + (f"（{' / '.join(i for i in ids if i)}）"
                                              if any(ids) else "")


def slip_data(session: Session, slip: Slip, files: FileCheck | None = None) -> SlipData:
    """`files`: the attached files to re-hash for the seal check (the editor's one slip)."""
    request = slip.request
    return SlipData(
        id=slip.id, number=slip.number, status=slip.status, seal=slip.seal,
        sealed_at=slip.sealed_at, request_number=request.number,
        customer_name=request.customer.name, channel=request.channel,
        contact_name=request.contact_name, contact_phone=request.contact_phone,
        site=(f"{request.site.name} {request.site.address}".strip() if request.site else ""),
        device=device_text(request.device), fault_reported=request.fault_reported,
        requested_at=request.requested_at, engineer_code=slip.engineer.code,
        engineer_name=slip.engineer.name, arrived_at=slip.arrived_at,
        started_at=slip.started_at, solved_at=slip.solved_at, departed_at=slip.departed_at,
        fault_found=slip.fault_found, handling=slip.handling, result=slip.result,
        fee_lines=tuple(FeeLineData(line.kind, line.description,
                                    Decimal(line.quantity_milli) / 1000,
                                    Decimal(line.unit_price_fen) / 100, line.amount_fen)
                        for line in slip.fee_lines),
        total_fen=slip.total_fen,
        signatures=tuple(SignatureData(s.role, s.signer_name, s.signed_at,
                                       strokes_from_json(s.strokes)) for s in slip.signatures),
        print_count=slips.print_count(session, slip),
        amends_number=slip.amends.number if slip.amends is not None else None,
        amendment_reason=slip.amendment_reason,
        request_id=request.id, customer_is_group=request.customer.is_group,
        seal_problems=tuple(seal_state(slip, files=files).problems),
        intake_channel=request.intake_channel, service_kind=request.service_kind,
        hardware_fault=bool(request.hardware_fault), sla=slip_sla_inputs(slip),
    )
