"""What a document shows, as plain data.

Renderers take these frozen dataclasses, never ORM rows, so the desktop app, the command
line and the archive server can all render the same slip without sharing a session.
`fieldapp.documents.views` builds them from stored records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

# A stroke point: x and y in pad units (0..width, 0..height), t in milliseconds since the
# signature began, pressure 0..1000 (a mouse draws at 500). Integers, so hashing is exact.
StrokePoint = tuple[int, int, int, int]
Stroke = tuple[StrokePoint, ...]


@dataclass(frozen=True)
class CompanyInfo:
    name: str
    hotline: str = ""
    address: str = ""
    logo_path: str | None = None
    # Base address of the archive's verify page; the QR code carries it with the seal.
    verify_url: str = ""
    complaint_hotline: str = ""
    # The identity settings not set yet (base.settings.IDENTITY_KEYS): the copy says the
    # company is not configured instead of printing a placeholder name and "—".
    unconfigured: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignatureView:
    role: str  # "engineer" or "customer"
    signer_name: str
    signed_at: datetime
    pad_width: int
    pad_height: int
    strokes: tuple[Stroke, ...]


@dataclass(frozen=True)
class FeeLineView:
    kind: str  # labour / parts / travel / other
    description: str
    quantity: Decimal
    unit_price_fen: int
    amount_fen: int


@dataclass(frozen=True)
class ClockView:
    """One SLA clock as the document prints it."""

    kind: str  # e.g. "onsite_arrival"
    label_zh: str
    label_en: str
    deadline: datetime | None
    stopped_at: datetime | None
    state: str  # on_track / at_risk / met / met_within_tolerance / breached / not_applicable


@dataclass(frozen=True)
class DeviceView:
    device_type: str = ""
    brand: str = ""
    model: str = ""
    serial: str = ""
    asset_tag: str = ""


@dataclass(frozen=True)
class PictureView:
    """One attachment on the copy's pictures page (issue 21)."""

    kind_zh: str
    kind_en: str
    caption: str
    captured_at: datetime | None
    name: str  # the file's name as added (shown for a PDF)
    jpeg: bytes | None  # a small JPEG of the picture; None: a document, or not here


@dataclass(frozen=True)
class SlipDocument:
    slip_number: str
    request_number: str
    channel: str  # phone / onsite / remote / sendin / letter
    customer_name: str
    contact_name: str
    contact_phone: str
    site_name: str
    site_address: str
    device: DeviceView
    engineer_code: str
    engineer_name: str
    requested_at: datetime
    arrived_at: datetime | None
    started_at: datetime | None
    solved_at: datetime | None
    departed_at: datetime | None
    fault_reported: str
    fault_found: str
    handling: str
    result: str  # solved / unsolved / escalated
    fee_lines: tuple[FeeLineView, ...]
    total_fen: int
    signatures: tuple[SignatureView, ...] = ()
    seal: str | None = None
    sealed_at: datetime | None = None
    clocks: tuple[ClockView, ...] = ()
    intake_channel: str = ""  # how the request came in (fieldapp.sla.IntakeChannel)
    service_kind: str = ""  # what it asked for (fieldapp.sla.ServiceKind)
    amends_number: str | None = None
    timezone: str = "Asia/Shanghai"
    extra: dict[str, str] = field(default_factory=dict)
    # the pictures page, when the copy carries one (setting `copy_pictures`)
    pictures: tuple[PictureView, ...] = ()
