"""What the workflow documents show, as plain frozen dataclasses (like `model.py`).

The send-in repair's intake copy (R3.1) and return copy (R3.3), the loaner record
(同档次备机, R1.4) — the complaint feedback report's view is `complaint_model.py`.
`fieldapp.documents.workflow_views` builds them from stored records; the renderers in
`workflow_pdf.py` take only these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fieldapp.documents.model import ClockView, DeviceView, SignatureView


@dataclass(frozen=True)
class RepairDeviceView:
    """The device taken in: the slip's device fields plus class, grade and accessories."""

    device: DeviceView
    device_class: str = ""
    grade: str = ""
    accessories: str = ""  # 随机附件


@dataclass(frozen=True)
class RepairIntakeDocument:
    """送修单 (R3.1): what the engineer signed for when taking the device away."""

    repair_number: str
    request_number: str
    slip_number: str | None  # the on-site slip it came from, if any
    customer_name: str
    company_contact: str  # 公司联系人
    contact_phone: str
    site: str
    fault_description: str
    requested_at: datetime
    received_at: datetime  # 接受时间
    arrived_at: datetime  # 到达时间
    departed_at: datetime  # 离开时间
    device: RepairDeviceView
    engineer_code: str
    engineer_name: str
    engineer_signature: SignatureView
    seal: str
    sealed_at: datetime
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class LoanView:
    """A loaner lent for a repair, as the return copy lists it."""

    asset_tag: str
    description: str
    issued_at: datetime
    returned_at: datetime | None


@dataclass(frozen=True)
class RepairReturnDocument:
    """送修返还单 (R3.3): estimate, the customer's confirmation, delivery, final fee."""

    repair_number: str
    request_number: str
    customer_name: str
    company_contact: str
    contact_phone: str
    device: RepairDeviceView
    fault_description: str
    engineer_code: str
    engineer_name: str
    status: str  # the repair's derived state (returned, finished …)
    status_zh: str
    status_en: str
    requested_at: datetime
    received_at: datetime
    estimate_fen: int | None
    estimated_by: str
    estimated_at: datetime | None
    expected_ready_at: datetime | None
    estimate_note: str
    decision: str | None  # approved / refused
    confirmation_method: str | None  # signature / phone
    confirmed_by: str
    confirmation_phone: str
    confirmed_at: datetime | None
    confirmation_signature: SignatureView | None
    started_at: datetime | None
    finished_at: datetime | None
    work_done: str
    returned_at: datetime | None  # 交付时间
    final_fee_fen: int | None
    customer_signature: SignatureView | None
    clock: ClockView  # the 4-hour repair clock (R1.4)
    loaners: tuple[LoanView, ...] = ()
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class LoanerDocument:
    """备机借用单 (R1.4): which same-class loaner, for which repair, out and back, signed."""

    asset_tag: str
    device_class: str
    grade: str
    description: str
    repair_number: str
    request_number: str
    customer_name: str
    customer_device: DeviceView  # the customer's own device in repair
    issued_at: datetime
    goodwill: bool
    issue_engineer_signature: SignatureView
    issue_customer_signature: SignatureView
    returned_at: datetime | None = None
    condition: str = ""  # good / damaged / incomplete
    return_note: str = ""
    return_engineer_signature: SignatureView | None = None
    return_customer_signature: SignatureView | None = None
    issue_event_id: str = ""
    timezone: str = "Asia/Shanghai"
