"""What the store's status and kind columns hold, one `StrEnum` per column.

A member is its string (`SlipStatus.SEALED == "sealed"`, `str()` and JSON give "sealed"),
so rows, exports and the sync wire hold the same text as before; code names the member
instead of repeating the literal. The request's channel is `fieldapp.sla.Channel` (its
clock depends on it); the workflows' states derived from events have theirs beside their
folds (`repair.RepairStatus`, `loaners.LoanerStatus`, …). Imports nothing of the app, so
every layer can use it.
"""

from __future__ import annotations

from enum import StrEnum


class RequestStatus(StrEnum):
    """`service_requests.status`: the taker writes open/assigned, later closed/cancelled;
    in_progress and resolved are derived (fieldapp.workflows.request_state), and stored only by
    older versions."""

    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class SlipStatus(StrEnum):
    """`slips.status`: a draft until both have signed, then sealed (read-only, R2.3)."""

    DRAFT = "draft"
    SEALED = "sealed"


class SlipResult(StrEnum):
    """`slips.result` (处理结果); empty ("") until the engineer chooses one."""

    SOLVED = "solved"
    UNSOLVED = "unsolved"
    ESCALATED = "escalated"


class FeeKind(StrEnum):
    """`fee_lines.kind`."""

    LABOUR = "labour"
    PARTS = "parts"
    TRAVEL = "travel"
    OTHER = "other"


class SignerRole(StrEnum):
    """`signatures.role`: the two signatures a slip is sealed with."""

    ENGINEER = "engineer"
    CUSTOMER = "customer"


class CopyKind(StrEnum):
    """`slip_prints.copy_kind`: the customer's copy or the company's."""

    CUSTOMER = "customer"
    COMPANY = "company"


class SubjectType(StrEnum):
    """`events.subject_type`: what an event is about (fieldapp.records.events.EVENT_KINDS
    gives each kind's)."""

    REPAIR = "repair"
    LOANER = "loaner"
    REQUEST = "request"
    COMPLAINT = "complaint"
    QUESTION = "question"
    PROBLEM = "problem"  # a group customer's problem set (问题集)
    SUGGESTION = "suggestion"  # a service suggestion (服务建议)
    ARCHIVE_ENTRY = "archive_entry"  # a main-device tracking note (its review only)


class ComplaintAbout(StrEnum):
    """`complaints.about`: whom or what the complaint is about (R5)."""

    ENGINEER = "engineer"
    TECHNICAL_CONTACT = "technical_contact"
    ACCOUNT_MANAGER = "account_manager"
    SERVICE_EVENT = "service_event"  # the service event as a whole


class ComplaintRouting(StrEnum):
    """`complaints.routed_to`: who answers it (R5.1 / R5.2)."""

    ACCOUNT_MANAGER = "account_manager"
    SERVICE_CENTRE = "service_centre"  # the customer service centre (hotline)


class OutboxState(StrEnum):
    """`sync_outbox.state` (fieldapp.store.outbox)."""

    PENDING = "pending"  # to push
    REFUSED = "refused"  # the archive said no; kept with its reason until it changes
    LOCAL = "local"  # never pushed: made before this laptop joined an archive
