"""Each new task's one e-mail, through the configured SMTP server (docs/archive.md, "Tasks"):
to the account manager's address (`task_manager_emails`), else the centre's
(`task_centre_email`); Chinese with English below. Sent after the tasks are stored, one
short transaction per task, so a server that is down delays only the mail: the task stays
"pending" and the next scan tries again. The log line names the task number and the
error's kind only, never an address, a name or the text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import select

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.db import Database
from fieldapp.archive.mail import SEND_ERRORS, mail_configured, send_message
from fieldapp.archive.tasks_models import Task
from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.reads.tasks import CAUSE_LABELS, MailState
from fieldapp.store.models import Customer

log = logging.getLogger("fieldapp.archive.tasks")
__all__ = ["MailResult", "mail_configured", "message", "recipient", "send_pending"]


@dataclass(frozen=True)
class MailResult:
    sent: int = 0
    failed: int = 0
    no_address: int = 0


def recipient(settings: ArchiveSettings, assignee: str) -> str:
    """The assignee's address, else the centre's ("" when neither is known)."""
    return (settings.task_manager_emails.get(assignee.strip(), "").strip()
            if assignee.strip() else "") or settings.task_centre_email.strip()


def message(task: Task, customer: Customer | None, settings: ArchiveSettings,
            to: str) -> EmailMessage:
    zh_cause, en_cause = CAUSE_LABELS[task.cause]
    who_zh = task.assignee or "服务中心"
    who_en = task.assignee or "the service centre"
    cust_zh = f"{customer.name}（{customer.code}）" if customer else "—"
    cust_en = f"{customer.name} ({customer.code})" if customer else "—"
    when = format_local(task.created_at)
    msg = EmailMessage()
    msg["Subject"] = f"[任务 {task.number}] {zh_cause} / [Task {task.number}] {en_cause}"
    msg["From"] = settings.smtp_from.strip()
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(idstring=f"task-{task.number}")
    msg.set_content(
        f"{who_zh}：\n\n"
        f"新任务 {task.number}（{zh_cause}），客户：{cust_zh}\n"
        f"{task.title_zh}\n"
        f"生成时间：{when}\n"
        f"处理后请标记完成：fieldapp-archive tasks done {task.number}\n"
        "（或在桌面程序的“分析发现”页中标记）\n\n"
        "----\n\n"
        f"To {who_en}:\n\n"
        f"New task {task.number} ({en_cause}), customer: {cust_en}\n"
        f"{task.title_en}\n"
        f"Made: {when}\n"
        f"When it is handled, mark it done: fieldapp-archive tasks done {task.number}\n"
        "(or in the desktop's Findings tab)\n",
        charset="utf-8")
    return msg


def send_pending(db: Database, settings: ArchiveSettings, *, now: datetime | None = None
                 ) -> MailResult:
    """Send every open task's pending e-mail; what fails stays pending for the next scan."""
    if not mail_configured(settings):
        return MailResult()
    with db.read() as session:
        pending = list(session.scalars(select(Task.id).where(
            Task.mail_state == MailState.PENDING, Task.done_at.is_(None)).order_by(Task.number)))
    sent = failed = no_address = 0
    for task_id in pending:
        with db.write() as session:
            task = session.get(Task, task_id)
            if task is None or task.mail_state != MailState.PENDING:
                continue  # another scan sent it meanwhile
            to = recipient(settings, task.assignee)
            if not to:
                no_address += 1
                log.warning("task %s: no e-mail address for its assignee or the centre",
                            task.number)
                continue
            msg = message(task, session.get(Customer, task.customer_id), settings, to)
            task.mail_attempts += 1
            try:
                send_message(settings, msg)
            except SEND_ERRORS as exc:
                failed += 1
                # the kind of failure only: the server's reply may quote the address
                log.warning("task %s: e-mail not sent (%s), tried %d times; retried on the "
                            "next scan", task.number, type(exc).__name__, task.mail_attempts)
                continue
            task.mail_state, task.mailed_at = MailState.SENT, now or utcnow()
            sent += 1
    return MailResult(sent, failed, no_address)
