"""Building the documents' plain view objects from stored records and settings.

The one place that knows both the ORM and the document model: the desktop app, the
command line and the archive server call these, then hand the result to a renderer.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from fieldapp.base.settings import Settings, identity_missing, verify_address
from fieldapp.base.timeutil import utcnow
from fieldapp.documents.model import (
    ClockView,
    CompanyInfo,
    DeviceView,
    FeeLineView,
    SignatureView,
    SlipDocument,
)
from fieldapp.records.sla_records import slip_clocks
from fieldapp.seal.sealing import SIGNED_FORMATS
from fieldapp.seal.signatures import strokes_from_json
from fieldapp.sla import label as sla_label
from fieldapp.store.models import Slip
from fieldapp.store.values import SignerRole


def company_info(settings: Settings) -> CompanyInfo:
    """The issuer as set up; the QR's verify page is the archive's own when no other is
    set (`settings.verify_address`). What is not set is named, never filled in."""
    logo = str(settings.get("company_logo") or "") or None
    return CompanyInfo(
        name=str(settings.get("company_name")).strip(),
        hotline=str(settings.get("company_hotline")).strip(),
        address=str(settings.get("company_address")).strip(),
        logo_path=logo,
        verify_url=verify_address(str(settings.get("verify_url")),
                                  str(settings.get("archive_url"))),
        complaint_hotline=str(settings.get("complaint_hotline")).strip(),
        unconfigured=identity_missing(settings),
    )


def slip_document(slip: Slip, *, now: datetime | None = None,
                  timezone: str = "Asia/Shanghai") -> SlipDocument:
    """What the customer copy of `slip` shows, with its SLA clocks evaluated at `now`."""
    request = slip.request
    device = request.device
    site = request.site
    now = now or utcnow()
    signed = _signed_parties(slip)  # a sealed slip prints the parties it was signed for
    clocks = tuple(
        ClockView(kind=c.kind.value, label_zh=sla_label(c.kind, "zh"),
                  label_en=sla_label(c.kind, "en"), deadline=c.deadline,
                  stopped_at=c.stopped_at, state=c.state.value)
        for c in slip_clocks(slip, slip.sealed_at or now)
    )
    return SlipDocument(
        slip_number=slip.number,
        request_number=request.number,
        channel=request.channel,
        intake_channel=request.intake_channel,
        service_kind=request.service_kind,
        customer_name=signed["customer_name"] if signed else request.customer.name,
        contact_name=request.contact_name,
        contact_phone=request.contact_phone,
        site_name=signed["site_name"] if signed else site.name if site else "",
        site_address=signed["site_address"] if signed else site.address if site else "",
        device=DeviceView(*(signed["device"][k] for k in _DEVICE_KEYS)) if signed
        else DeviceView(device.device_type, device.brand, device.model, device.serial,
                        device.asset_tag) if device else DeviceView(),
        engineer_code=signed["engineer_code"] if signed else slip.engineer.code,
        engineer_name=signed["engineer_name"] if signed else slip.engineer.name,
        requested_at=request.requested_at,
        arrived_at=slip.arrived_at,
        started_at=slip.started_at,
        solved_at=slip.solved_at,
        departed_at=slip.departed_at,
        fault_reported=request.fault_reported,
        fault_found=slip.fault_found,
        handling=slip.handling,
        result=slip.result,
        fee_lines=tuple(
            FeeLineView(kind=f.kind, description=f.description,
                        quantity=Decimal(f.quantity_milli) / 1000,
                        unit_price_fen=f.unit_price_fen, amount_fen=f.amount_fen)
            for f in slip.fee_lines
        ),
        total_fen=slip.total_fen,
        signatures=tuple(
            SignatureView(role=s.role, signer_name=s.signer_name, signed_at=s.signed_at,
                          pad_width=s.pad_width, pad_height=s.pad_height,
                          strokes=tuple(tuple((x, y, t, p) for x, y, t, p in stroke)
                                        for stroke in strokes_from_json(s.strokes)))
            for s in sorted(slip.signatures, key=lambda s: s.role != SignerRole.ENGINEER)
        ),
        seal=slip.seal,
        sealed_at=slip.sealed_at,
        clocks=clocks,
        amends_number=slip.amends.number if slip.amends else None,
        timezone=timezone,
    )


_DEVICE_KEYS = ("device_type", "brand", "model", "serial", "asset_tag")


def _signed_parties(slip: Slip) -> dict[str, Any] | None:
    """The parties and device as sealed (format 3 and later): the copy prints what was
    signed, so renaming a customer later changes no copy, and the seal covers the copy."""
    if slip.seal_document is None or not any(f in slip.seal_document for f in SIGNED_FORMATS):
        return None
    try:
        document = json.loads(slip.seal_document)
        if document["format"] not in SIGNED_FORMATS:
            return None
        return {**document["parties"], "device": {k: document["device"][k]
                                                  for k in _DEVICE_KEYS}}
    except (ValueError, KeyError, TypeError):
        return None  # a damaged document: verify says so, and the copy is refused
