"""The core's (zh, en) label tables the pages show, by one name each."""

from __future__ import annotations

from fieldapp.documents.labels import CLOCK_STATES, FEE_KINDS
from fieldapp.records import service_requests, slips
from fieldapp.rules.validation import CHANNEL_LABELS, RESULT_LABELS
from fieldapp.sla import INTAKE_LABELS, SERVICE_KIND_LABELS
from fieldapp.workflows import complaints, repair

TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "request_status": service_requests.STATUS_LABELS,
    "slip_status": slips.STATUS_LABELS,
    "channel": CHANNEL_LABELS,
    "intake_channel": INTAKE_LABELS,
    "service_kind": SERVICE_KIND_LABELS,
    "result": RESULT_LABELS,
    "clock_state": CLOCK_STATES,
    "fee_kind": FEE_KINDS,
    "repair_status": repair.STATUS_LABELS,
    "complaint_status": complaints.STATUS_LABELS,
    "complaint_about": complaints.ABOUT_LABELS,
}
