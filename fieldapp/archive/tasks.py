"""Someone is told (R6.3, issue 20 item 5): a proactive finding, a breached SLA clock and
a complaint past its promised answer time each make a task for the customer's account
manager (客户经理), or the service centre when the customer has none.

`scan` is idempotent: a task's key names its cause (`finding:<finding key>`,
`sla:<request number>:<clock>`, `complaint:<complaint number>`), so scanning again makes
nothing new, and a task done stays done. It looks back `days` (default 30) for breached
clocks and overdue complaints; every finding not yet told gets its task. The e-mail
(`tasks_mail`) is sent after the tasks are stored, never inside their transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session

from fieldapp.archive.reports.figures import ClockReader, request_rows
from fieldapp.archive.reports.labels import name
from fieldapp.archive.tasks_models import Task
from fieldapp.base.errors import FieldIssue, NotFound, ValidationError, WorkflowError
from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.reads.tasks import MailState, TaskCause, TaskRow
from fieldapp.sla import ClockState
from fieldapp.store.finding_models import Finding
from fieldapp.store.models import Customer, ServiceRequest
from fieldapp.store.workflow_models import Complaint
from fieldapp.workflows.complaints import ComplaintStatus, complaint_state, response_due_at

log = logging.getLogger("fieldapp.archive.tasks")

SCAN_DAYS = 30
SCAN_LOCK_KEY = 0x7461736B73  # "tasks": the advisory lock of one scan at a time


@dataclass(frozen=True)
class TaskDraft:
    key: str
    cause: str
    customer_id: uuid.UUID
    reference: str
    title_zh: str
    title_en: str


def _customers(session: Session) -> dict[uuid.UUID, Customer]:
    return {c.id: c for c in session.scalars(select(Customer))}


def finding_drafts(session: Session, since: datetime) -> Iterator[TaskDraft]:
    """Every finding detected since `since`: the pattern is worth a look by someone."""
    for finding in session.scalars(select(Finding).where(Finding.detected_at >= since)
                                   .order_by(Finding.detected_at, Finding.key)):
        numbers = [n for n in finding.evidence.split(",") if n]
        yield TaskDraft(f"finding:{finding.key}", TaskCause.FINDING, finding.customer_id,
                        ",".join(numbers[:3]) + ("…" if len(numbers) > 3 else ""),
                        f"分析发现：{finding.summary_zh}", f"Finding: {finding.summary_en}")


def sla_drafts(session: Session, since: datetime, now: datetime) -> Iterator[TaskDraft]:
    """Every clock breached (judged at `now`, the reports' rules) of the requests made
    since `since`: one task per request and clock."""
    customer_ids = session.scalars(select(ServiceRequest.customer_id).where(
        ServiceRequest.requested_at >= since).distinct())
    for customer in session.scalars(select(Customer).where(Customer.id.in_(customer_ids))
                                    .order_by(Customer.code)):
        reader = ClockReader(session, customer)
        for row in request_rows(session, and_(ServiceRequest.customer_id == customer.id,
                                              ServiceRequest.requested_at >= since)):
            for kind, verdict, stopped in reader.outcomes(row, now):
                if verdict is None or verdict.state != ClockState.BREACHED:
                    continue
                zh, en = name("clock", kind, "zh"), name("clock", kind, "en")
                due = format_local(verdict.deadline)
                state_zh = "已超时完成" if stopped is not None else "仍未完成"
                state_en = "done late" if stopped is not None else "still open"
                yield TaskDraft(
                    f"sla:{row.number}:{kind}", TaskCause.SLA, customer.id, row.number,
                    f"{customer.name} 的请求 {row.number} {zh}超时（截止 {due}，{state_zh}）。",
                    f"Request {row.number} of {customer.name}: {en} breached (due {due}, "
                    f"{state_en}).")


def complaint_drafts(session: Session, since: datetime, now: datetime) -> Iterator[TaskDraft]:
    """Complaints received since `since`, not answered and past their promised answer time."""
    for complaint in session.scalars(select(Complaint).where(Complaint.received_at >= since)
                                     .order_by(Complaint.received_at, Complaint.number)):
        due = response_due_at(complaint)
        if due >= now:
            continue
        state = complaint_state(session, complaint)
        if state.first_response_at is not None or state.status == ComplaintStatus.CLOSED:
            continue
        when = format_local(due)
        yield TaskDraft(
            f"complaint:{complaint.number}", TaskCause.COMPLAINT, complaint.customer_id,
            complaint.number,
            f"投诉 {complaint.number} 承诺在 {when} 前答复，至今未答复。",
            f"Complaint {complaint.number} was promised an answer by {when}; "
            "none has been given.")


def scan(session: Session, *, now: datetime | None = None, days: int = SCAN_DAYS,
         mail_configured: bool = False) -> list[Task]:
    """Make the tasks due at `now` in the caller's transaction; the new ones, in order.
    `mail_configured`: their e-mail is pending (else "off": no server to send it)."""
    if days < 1:
        raise ValidationError([FieldIssue("days", "too_small", "回溯天数至少为 1。",
                                          "Look back at least 1 day.")])
    now = now or utcnow()
    if session.get_bind().dialect.name == "postgresql":  # SQLite writers queue already
        # two scans at once (cron and a hand) would both number the same cause: one waits
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCAN_LOCK_KEY})
    since = now - timedelta(days=days)
    drafts = [*finding_drafts(session, since), *sla_drafts(session, since, now),
              *complaint_drafts(session, since, now)]
    keys = [d.key for d in drafts]
    known = {k for i in range(0, len(keys), 500)  # IN lists stay small
             for k in session.scalars(select(Task.key).where(Task.key.in_(keys[i:i + 500])))}
    customers = _customers(session)
    number = session.scalar(select(func.coalesce(func.max(Task.number), 0))) or 0
    made: list[Task] = []
    for draft in drafts:
        if draft.key in known:
            continue
        known.add(draft.key)
        number += 1
        customer = customers.get(draft.customer_id)
        task = Task(number=number, key=draft.key, cause=draft.cause,
                    customer_id=draft.customer_id,
                    assignee=(customer.account_manager.strip() if customer else ""),
                    reference=draft.reference, title_zh=draft.title_zh,
                    title_en=draft.title_en, created_at=now, done_by="",
                    mail_state=MailState.PENDING if mail_configured else MailState.OFF,
                    mail_attempts=0)
        session.add(task)
        made.append(task)
    session.flush()
    if made:
        log.info("%d tasks made", len(made))
    return made


@dataclass(frozen=True)
class TaskView(TaskRow):
    """A task as staff see it (CLI, API, desktop), with what only the archive keeps."""

    id: uuid.UUID
    mail_state: str


def _view(task: Task, customer: Customer | None) -> TaskView:
    return TaskView(number=task.number, cause=task.cause,
                    customer_code=customer.code if customer else "",
                    customer_name=customer.name if customer else "", assignee=task.assignee,
                    reference=task.reference, title_zh=task.title_zh, title_en=task.title_en,
                    created_at=task.created_at, done_at=task.done_at, done_by=task.done_by,
                    id=task.id, mail_state=task.mail_state)


def views_of(session: Session, tasks: list[Task]) -> list[TaskView]:
    customers = _customers(session) if tasks else {}
    return [_view(task, customers.get(task.customer_id)) for task in tasks]


def list_tasks(session: Session, *, open_only: bool = False, limit: int = 500
               ) -> list[TaskView]:
    """Newest first; `open_only`: those not done."""
    query = (select(Task, Customer).outerjoin(Customer, Customer.id == Task.customer_id)
             .order_by(Task.number.desc()).limit(limit))
    if open_only:
        query = query.where(Task.done_at.is_(None))
    return [_view(task, customer) for task, customer in session.execute(query)]


def mark_done(session: Session, number: int, *, done_by: str, now: datetime | None = None
              ) -> TaskView:
    """Close task `number`, saying who and when. Refused when it is done already."""
    who = done_by.strip()
    if not who:
        raise ValidationError([FieldIssue("done_by", "required", "请注明由谁完成。",
                                          "Say who did it.")])
    task = session.scalar(select(Task).where(Task.number == number))
    if task is None:
        raise NotFound(f"没有编号为 {number} 的任务。", f"There is no task {number}.")
    if task.done_at is not None:
        raise WorkflowError(f"任务 {number} 已由 {task.done_by} 于 "
                           f"{format_local(task.done_at)} 完成。",
                           f"Task {number} was done by {task.done_by} on "
                           f"{format_local(task.done_at)}.")
    task.done_at, task.done_by = now or utcnow(), who[:100]
    session.flush()
    return _view(task, session.get(Customer, task.customer_id))
