"""The public check of a paper copy: does this slip number carry this seal?

Anyone may ask, so the answer says as little as it can: for a genuine copy the slip number,
when it was sealed and the customer's name — all printed on the copy the asker holds, and
only reachable with the right 256-bit seal. A wrong seal or an unknown number gets no
content at all. The archive also re-checks its own record (verify_slip), so a record
changed inside the database does not pass as genuine.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.documents.errors import DocumentError
from fieldapp.documents.qr import SEAL_PATTERN, parse_qr_payload
from fieldapp.sealing import verify_slip
from fieldapp.store.models import Slip

GENUINE, MISMATCH, UNKNOWN, DAMAGED, INVALID = (
    "genuine", "mismatch", "unknown", "damaged", "invalid")


@dataclass(frozen=True)
class Verdict:
    outcome: str
    slip_number: str = ""
    sealed_at: datetime | None = None
    customer_name: str = ""
    problem_zh: str = ""
    problem_en: str = ""


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
    check = verify_slip(slip)
    if not check.ok:
        return Verdict(DAMAGED, number)
    return Verdict(GENUINE, slip.number, slip.sealed_at, slip.request.customer.name)
