"""The public check of a paper copy: does this slip number carry this seal?

Anyone may ask, so the answer says as little as it can: for a genuine copy the slip number,
when it was sealed and the customer's name — all printed on the copy the asker holds, and
only reachable with the right 256-bit seal. A wrong seal or an unknown number gets no
content at all. The archive also re-checks its own record (verify_slip), so a record
changed inside the database does not pass as genuine.

A PDF copy can be checked too (`verify_copy`): the slip number and seal come from its
metadata; the file must be byte for byte as it was made (its embedded digest), and the
text printed on it must carry the archive's number, seal and fee amounts — so a copy
rebuilt with other fees around a genuine seal is caught even though its digest was
recomputed.
"""

from __future__ import annotations

import dataclasses
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.receipts import receipt_of
from fieldapp.archive.seal_keys import ArchiveKeys
from fieldapp.documents.errors import DocumentError
from fieldapp.documents.payload import (
    file_digest_ok,
    printed_facts_missing,
    read_payload_from_pdf,
    slip_amounts,
)
from fieldapp.documents.qr import SEAL_PATTERN, parse_qr_payload
from fieldapp.seal.receipts import gap_label, sealing_gap_seconds
from fieldapp.seal.sealing import verify_slip
from fieldapp.store.models import Slip

GENUINE, MISMATCH, UNKNOWN, DAMAGED, INVALID, ALTERED = (
    "genuine", "mismatch", "unknown", "damaged", "invalid", "altered")
MAX_COPY_BYTES = 8 * 1024 * 1024  # a customer copy is well under 1 MB


@dataclass(frozen=True)
class Verdict:
    outcome: str
    slip_number: str = ""
    sealed_at: datetime | None = None
    customer_name: str = ""
    problem_zh: str = ""
    problem_en: str = ""
    copy_checked: bool = False  # a PDF copy was checked too: file intact, prints the record
    # the archive's receipt: when it first held this seal, and how long after the laptop
    # sealed it (the laptop's clock alone proves nothing; docs/seal.md)
    archived_at: datetime | None = None
    gap: tuple[str, str] | None = None  # (zh, en)
    seal_format: tuple[str, str] | None = None  # (zh, en) label; older formats say so
    device_key_id: str | None = None


def read_input(code: str, slip: str, seal: str) -> tuple[str, str]:
    """(slip number, seal) from the QR link's query (slip, seal), a pasted QR payload, or a
    slip number typed with its seal. DocumentError when it is none of those."""
    code = code.strip()
    if slip.strip() or not code:
        number, seal = slip.strip(), seal.strip().lower()
    elif "?" in code:
        return parse_qr_payload(code)
    else:
        number, seal = code, seal.strip().lower()
    if not number or len(number) > 32 or not SEAL_PATTERN.match(seal):
        raise DocumentError("请输入单据编号和 64 位校验码，或扫描单据上的二维码。",
                            "Enter the slip number and its 64-character seal, or scan the "
                            "QR code on the slip.")
    return number, seal


def verify(session: Session, *, number: str, seal: str) -> Verdict:
    slip = session.scalar(select(Slip).where(Slip.number == number))
    if slip is None or slip.seal is None:
        return Verdict(UNKNOWN, number)
    if not hmac.compare_digest(slip.seal, seal):
        return Verdict(MISMATCH, number)
    check = verify_slip(slip, ArchiveKeys(session))
    if not check.ok:
        return Verdict(DAMAGED, number)
    receipt = receipt_of(session, slip.id)
    fields = receipt.fields if receipt is not None else None
    return Verdict(GENUINE, slip.number, slip.sealed_at, slip.request.customer.name,
                   archived_at=datetime.fromisoformat(fields["archived_at"]) if fields else None,
                   gap=_gap(fields),
                   seal_format=check.format_label, device_key_id=check.key_id)


def _gap(fields: dict[str, Any] | None) -> tuple[str, str] | None:
    seconds = sealing_gap_seconds(fields) if fields else None
    return None if seconds is None else gap_label(seconds)


def verify_copy(session: Session, data: bytes) -> Verdict:
    """Check an uploaded PDF copy. DocumentError when it is no readable sealed copy."""
    if len(data) > MAX_COPY_BYTES:
        raise DocumentError("文件太大，不是服务单副本（上限 8 MB）。",
                            "The file is too large to be a slip copy (limit 8 MB).")
    payload = read_payload_from_pdf(data)
    if payload is None:
        raise DocumentError("这个 PDF 不是已签署的服务单副本（其中没有单据编号和校验码）。",
                            "This PDF is not a signed slip copy (it carries no slip number "
                            "and seal).")
    number, seal = payload
    if file_digest_ok(data) is False:
        return Verdict(ALTERED, number)
    verdict = verify(session, number=number, seal=seal)
    if verdict.outcome != GENUINE:
        return verdict
    slip = session.scalar(select(Slip).where(Slip.number == number))
    assert slip is not None and slip.seal is not None
    if printed_facts_missing(data, number=number, seal=slip.seal, amounts=slip_amounts(slip)):
        return Verdict(ALTERED, number)
    return dataclasses.replace(verdict, copy_checked=True)
