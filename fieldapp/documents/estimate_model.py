"""What the repair quotation (维修报价单, R3.2) shows, as a plain frozen dataclass.

`fieldapp.documents.estimate_views` builds it from a repair order and its events;
`fieldapp.documents.estimate_pdf` draws it. Like `workflow_model.py`, no ORM here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fieldapp.documents.model import FeeLineView, SignatureView
from fieldapp.documents.workflow_model import RepairDeviceView


@dataclass(frozen=True)
class RepairEstimateDocument:
    """维修报价单: the workshop's parts and labour lines, their exact total, when the device
    will be ready, how long the offer stands, and the customer's answer (who, when, how)."""

    repair_number: str
    request_number: str
    customer_name: str
    company_contact: str
    contact_phone: str
    device: RepairDeviceView
    fault_description: str
    lines: tuple[FeeLineView, ...]  # an estimate of one amount: one line of that amount
    total_fen: int
    estimated_by: str
    estimated_at: datetime
    expected_ready_at: datetime | None
    valid_until: datetime | None
    note: str
    lapsed: bool  # the offer ran out unanswered (at the time the document was made)
    decision: str | None = None  # approved / refused; None: not answered yet
    confirmation_method: str | None = None  # signature / phone / portal
    confirmed_by: str = ""
    confirmation_phone: str = ""
    confirmed_at: datetime | None = None
    confirmation_signature: SignatureView | None = None
    timezone: str = "Asia/Shanghai"


__all__ = ["RepairEstimateDocument"]
