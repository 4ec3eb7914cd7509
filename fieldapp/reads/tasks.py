"""A task as staff see it: the archive's scan makes it (fieldapp.archive.tasks), the staff
API sends it, a staff laptop lists it (fieldapp.services.tasks) — one shape for all three."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any


class TaskCause(StrEnum):
    """Why a task was made (`archive_tasks.cause`)."""

    FINDING = "finding"  # a proactive finding (R6.3)
    SLA = "sla"  # a breached SLA clock
    COMPLAINT = "complaint"  # a complaint past its promised answer time


CAUSE_LABELS: dict[str, tuple[str, str]] = {  # (zh, en), keyed by the members (strings)
    TaskCause.FINDING: ("分析发现", "Finding"),
    TaskCause.SLA: ("SLA 超时", "SLA breached"),
    TaskCause.COMPLAINT: ("投诉逾期未答复", "Complaint overdue"),
}


class MailState(StrEnum):
    """Whether a task's e-mail has gone (`archive_tasks.mail_state`)."""

    OFF = "off"  # no SMTP server was configured when the task was made
    PENDING = "pending"  # to be sent; retried on every scan until it goes
    SENT = "sent"


@dataclass(frozen=True)
class TaskRow:
    number: int
    cause: str  # a TaskCause
    customer_code: str
    customer_name: str
    assignee: str  # "": the service centre
    reference: str
    title_zh: str
    title_en: str
    created_at: datetime
    done_at: datetime | None
    done_by: str


def task_row(task: Any) -> TaskRow:
    """The row of anything that has a task's fields (the archive's fuller view)."""
    return TaskRow(**{f.name: getattr(task, f.name) for f in fields(TaskRow)})
