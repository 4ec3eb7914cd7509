"""Doing an engineer's work on a laptop through the core API (as the desktop app does)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import select

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import utcnow
from fieldapp.records import service_requests, slips
from fieldapp.records.reference import engineer_by_code
from fieldapp.rules.validation import FeeLineInput
from fieldapp.store import Store
from fieldapp.store.models import Customer, Device, ServiceRequest, Slip
from fieldapp.sync.credentials import save_token
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes


def dispatch(store: Store, code: str, customer_code: str = "HPLAW",
             operator: str = "C01") -> uuid.UUID:
    """The service centre (`operator`) takes a phone call and assigns it to `code`."""
    with store.write() as session:
        customer = session.scalar(select(Customer).where(Customer.code == customer_code))
        assert customer is not None
        request = service_requests.take_request(
            session, operator_code=operator, customer=customer, channel="onsite",
            fault_reported="服务器无法开机", requested_at=utcnow() - timedelta(hours=2),
            contact=customer.contacts[0], device=customer_devices(session, customer)[0],
            engineer=engineer_by_code(session, code))
        return request.id


def customer_devices(session, customer: Customer) -> list[Device]:
    return list(session.scalars(select(Device).where(Device.customer_id == customer.id)
                                .order_by(Device.id)))


def assigned_request(store: Store, code: str) -> ServiceRequest:
    with store.read() as session:
        engineer = engineer_by_code(session, code)
        request = session.scalar(select(ServiceRequest).where(
            ServiceRequest.assigned_engineer_id == engineer.id,
            ServiceRequest.status == "assigned").order_by(ServiceRequest.id.desc()))
        assert request is not None, f"no assigned request for {code}"
        return request


def seal_a_slip(store: Store, request_id, engineer_code: str, before_signing=None) -> Slip:
    """Start, fill in, price and sign a slip for this request; returns the sealed slip.
    `before_signing(session, slip)`: more work on the draft (pictures attached…)."""
    with store.write() as session:
        return seal_slip_in(session, session.get_one(ServiceRequest, request_id),
                            engineer_by_code(session, engineer_code), utcnow(), before_signing)


def seal_slip_in(session, request: ServiceRequest, engineer, now, before_signing=None) -> Slip:
    """`seal_a_slip` in the caller's transaction (many slips in one commit)."""
    start = max(request.requested_at, now - timedelta(minutes=90))
    slip = slips.start_slip(session, request, engineer, now=now)
    slips.update_slip(session, slip, {
        "arrived_at": start + timedelta(minutes=1),
        "started_at": start + timedelta(minutes=2),
        "solved_at": start + timedelta(minutes=30),
        "departed_at": start + timedelta(minutes=35),
        "fault_found": "硬盘坏道", "handling": "更换硬盘并恢复数据", "result": "solved"},
        now=now)
    slips.set_fee_lines(session, slip, [
        FeeLineInput("labour", "上门服务费", Decimal(1), Decimal(120)),
        FeeLineInput("parts", "硬盘", Decimal(1), Decimal("455.50"))])
    if before_signing is not None:
        before_signing(session, slip)
    for role, name in (("engineer", engineer.name), ("customer", "孙丽")):
        slips.sign_slip(session, slip, role=role, signer_name=name,
                        strokes=signature_strokes(len(name)), pad_width=PAD_WIDTH,
                        pad_height=PAD_HEIGHT, signed_at=start + timedelta(minutes=36),
                        now=now)
    assert slip.is_sealed
    return slip


def on_the_desktop(folder: Path, archive_url: str, token: str) -> Settings:
    """E01 王建国's desktop settings in `folder`, set up and logged in to this archive."""
    save_token(folder, archive_url, token)
    settings = Settings.in_dir(folder)
    for key, value in dict(archive_url=archive_url, operator_code="E01", operator_name="王建国",
                           role="engineer", setup_done=True).items():
        settings.set(key, value)
    settings.save()
    return settings


def on_the_command_line(laptop, archive_url: str) -> None:
    """`fieldapp --data-dir <laptop's folder> sync` talks to this archive as this laptop."""
    save_token(laptop.folder, archive_url, laptop.client.token)
    settings = Settings.in_dir(laptop.folder)
    settings.set("archive_url", archive_url)
    settings.save()


def draft_with_files(store: Store, contents: list[bytes], code: str = "E01"
                     ) -> tuple[uuid.UUID, list[str]]:
    """A new request for `code` and a draft slip on it with these files attached, as the
    desktop attaches pictures: the bytes in the file store beside the database, a row
    naming each (queued for the archive). Returns the slip's id and the files' hashes."""
    from fieldapp.store.attachment_models import Attachment, AttachmentKind, OwnerKind
    from fieldapp.store.blobs import blobs_beside

    blobs = blobs_beside(store.path)
    assert blobs is not None
    shas = [blobs.put(data) for data in contents]
    request_id = dispatch(store, code)
    with store.write() as session:
        slip = slips.start_slip(session, session.get_one(ServiceRequest, request_id),
                                engineer_by_code(session, code), now=utcnow())
        session.add_all(Attachment(
            owner_kind=OwnerKind.SLIP, owner_id=slip.id, position=position, sha256=sha,
            size=len(data), media_type="image/jpeg", width=2048, height=1536,
            caption=f"照片 {position + 1}", kind=AttachmentKind.DAMAGE, added_at=utcnow(),
            added_by=code) for position, (sha, data) in enumerate(zip(shas, contents,
                                                                       strict=True)))
        return slip.id, shas


class CutAfter(httpx.HTTPTransport):
    """The line drops after `chunks` file chunks went through."""

    def __init__(self, chunks: int) -> None:
        super().__init__()
        self.left = chunks

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and "/files/" in request.url.path:
            if self.left == 0:
                raise httpx.ConnectError("the line dropped")
            self.left -= 1
        return super().handle_request(request)
