"""The complaint feedback report (投诉反馈报告, R5.3) as plain data for the renderers.

Built by `fieldapp.workflows.complaints.complaint_feedback_report` from a closed complaint; like
`model.py`, frozen dataclasses only, so the desktop, the CLI and the archive server can
render it without a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ComplaintResponseView:
    text: str
    responder: str
    responded_at: datetime


@dataclass(frozen=True)
class ComplaintFeedbackReport:
    complaint_number: str
    customer_name: str
    customer_code: str
    about: str  # engineer / technical_contact / account_manager / service_event
    about_label_zh: str
    about_label_en: str
    subject_name: str  # the person complained about ("" for a whole service event)
    request_number: str | None
    slip_numbers: tuple[str, ...]
    description: str
    received_via: str
    received_at: datetime
    routed_to: str  # account_manager / service_centre
    routed_to_zh: str
    routed_to_en: str
    handler_name: str
    response_due_at: datetime
    responses: tuple[ComplaintResponseView, ...]
    first_response_at: datetime | None
    response_on_time: bool
    closed_at: datetime
    closed_by: str
    outcome: str
    customer_satisfied: str | None  # "yes" / "no" / None when not asked
    file_to_customer_archive: bool  # group customers (R5.4)
    timezone: str = "Asia/Shanghai"
