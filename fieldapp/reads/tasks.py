"""A task as staff see it: the archive's scan makes it (fieldapp.archive.tasks), the staff
API sends it, a staff laptop lists it (fieldapp.services.tasks) — one shape for all three."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TaskRow:
    number: int
    cause: str  # finding / sla / complaint
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
