"""`fieldapp-archive tasks …`: make the tasks that are due (and send their e-mail), list
them, mark one done. Messages in the chosen language (`fieldapp-archive --lang`)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime

import click

from fieldapp.archive.cli_options import Fail, db_option
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.db import Database
from fieldapp.archive.mail import warnings_on_stderr
from fieldapp.archive.reports import end_of_day
from fieldapp.archive.tasks import (
    SCAN_DAYS,
    TaskView,
    list_tasks,
    mark_done,
    scan,
    views_of,
)
from fieldapp.archive.tasks_mail import mail_configured, send_pending
from fieldapp.base.errors import FieldappError
from fieldapp.base.i18n import pick
from fieldapp.base.timeutil import format_local
from fieldapp.reads.tasks import CAUSE_LABELS


def _database(ctx: click.Context) -> AbstractContextManager[Database]:
    from fieldapp.archive.cli import _database as database

    return database(ctx)


@click.group()
def tasks() -> None:
    """Tasks for account managers and the centre (docs/archive.md, "Tasks")."""


def _line(task: TaskView) -> str:
    who = task.assignee or pick("服务中心", "service centre")
    state = (pick(f"已完成 {format_local(task.done_at)} {task.done_by}",
                  f"done {format_local(task.done_at)} by {task.done_by}")
             if task.done_at else pick("待办", "open"))
    return "\t".join((str(task.number), format_local(task.created_at),
                      pick(*CAUSE_LABELS[task.cause]), task.customer_code, who, state,
                      pick(task.title_zh, task.title_en)))


@tasks.command("scan")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Scan as at the end of this day (default: now).")
@click.option("--days", type=click.IntRange(1, 3660), default=SCAN_DAYS, show_default=True,
              help="How far back to look for breached clocks and overdue complaints.")
@db_option
@click.pass_context
def scan_command(ctx: click.Context, today: datetime | None, days: int) -> None:
    """Make a task for every new finding, breached SLA clock and overdue complaint (once
    each), then send the e-mail of those not sent yet."""
    settings: ArchiveSettings = ctx.obj
    now = end_of_day(today.date()) if today else None
    mailing = mail_configured(settings)
    with _database(ctx) as db:
        try:
            with db.write() as session:
                made = scan(session, now=now, days=days, mail_configured=mailing)
                lines = [_line(view) for view in views_of(session, made)]
        except FieldappError as exc:
            raise Fail(exc.message()) from exc
        for line in lines:
            click.echo(line)
        click.echo(pick(f"新任务 {len(made)} 个。", f"{len(made)} new tasks."))
        if mailing:
            with warnings_on_stderr("fieldapp.archive.tasks"):
                result = send_pending(db, settings, now=now)
            click.echo(pick(f"邮件：已发送 {result.sent} 封，失败 {result.failed} 封"
                            "（下次扫描重试），"
                            f"无地址 {result.no_address} 个。",
                            f"E-mail: {result.sent} sent, {result.failed} failed (retried on "
                            f"the next scan), {result.no_address} without an address."))


@tasks.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only those not done.")
@db_option
@click.pass_context
def list_command(ctx: click.Context, open_only: bool) -> None:
    """One line per task, newest first: number, made, cause, customer, for whom, state,
    what."""
    with _database(ctx) as db, db.read() as session:
        found = list_tasks(session, open_only=open_only)
    for task in found:
        click.echo(_line(task))
    if not found:
        click.echo(pick("没有待办任务。", "No open tasks.") if open_only
                   else pick("还没有任务。", "No tasks yet."))


@tasks.command("done")
@click.argument("number", type=int)
@click.option("--by", "done_by", default="", help="Who did it (default: the service centre).")
@db_option
@click.pass_context
def done_command(ctx: click.Context, number: int, done_by: str) -> None:
    """Mark task NUMBER done, with who and when."""
    who = done_by.strip() or pick("服务中心", "the service centre")
    try:
        with _database(ctx) as db, db.write() as session:
            task = mark_done(session, number, done_by=who)
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    click.echo(pick(f"任务 {task.number} 已完成（{task.done_by}，{format_local(task.done_at)}）。",
                    f"Task {task.number} done ({task.done_by}, {format_local(task.done_at)})."))
