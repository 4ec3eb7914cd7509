"""`fieldapp-archive reports …`: make what is due, make one ad hoc, list, show, the
versions of one, and export any version.

Messages in the chosen language (`fieldapp-archive --lang`); `show` and `export` write the
report itself in `--lang`, by default the same."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.cli_options import Fail, db_option
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.db import Database
from fieldapp.archive.mail import mail_configured, warnings_on_stderr
from fieldapp.archive.reports import (
    ReportRules,
    RunResult,
    end_of_day,
    get_report,
    list_reports,
    list_skips,
    mailing,
    run_due,
    staff_report,
)
from fieldapp.archive.reports.export import export_report
from fieldapp.archive.reports.labels import name
from fieldapp.archive.reports.models import ReportSkip
from fieldapp.archive.reports.schedules import shortfall
from fieldapp.archive.reports.versions import version_of, versions
from fieldapp.base.errors import FieldappError
from fieldapp.base.files import write_file
from fieldapp.base.i18n import LANGUAGES, Language, current_language, is_language, pick
from fieldapp.documents.model import CompanyInfo
from fieldapp.store.models import Customer


def _database(ctx: click.Context) -> AbstractContextManager[Database]:
    from fieldapp.archive.cli import _database as database

    return database(ctx)


@click.group()
def reports() -> None:
    """Service analysis reports (服务分析报告) and proactive findings (docs/reports.md)."""


def _company(ctx: click.Context) -> CompanyInfo:
    from fieldapp.archive.portal.copies import company

    return company(ctx.obj)  # ArchiveSettings: FIELDAPP_ARCHIVE_COMPANY_NAME, …


@reports.command("run")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Run as at the end of this day (default: now).")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="JSON file overriding the rules' defaults.")
@db_option
@click.pass_context
def run(ctx: click.Context, today: datetime | None, rules_file: Path | None) -> None:
    """Make every report and finding that is due (idempotent)."""
    try:
        rules = ReportRules.load(rules_file)  # a bad file stops here, before anything is made
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    now = end_of_day(today.date()) if today else None
    settings: ArchiveSettings = ctx.obj
    with _database(ctx) as db:
        with db.write() as session:
            result = run_due(session, now=now, rules=rules)
            _echo_run(session, result)
            mailing.queue(session, [*result.reports, *result.revised], settings, now=now)
        if mail_configured(settings):  # after the run is stored: a server down delays mail only
            with warnings_on_stderr("fieldapp.archive.reports"):
                sent = mailing.send_pending(db, settings, _company(ctx), now=now)
            click.echo(pick(f"报告邮件：已发送 {sent.sent} 封，待发 {sent.waiting} 封"
                            "（下次运行重试）。",
                            f"Report e-mail: {sent.sent} sent, {sent.waiting} waiting "
                            "(retried on the next run)."))


def _echo_run(session: Session, result: RunResult) -> None:
    """What the run made, one line each, then the summary line."""
    lang = current_language()  # every word in the messages' language (--lang)
    for finding in result.findings:
        click.echo("\t".join((pick("发现", "finding"), name("rule", finding.rule, lang),
                              pick(finding.summary_zh, finding.summary_en))))
    for report in result.reports:
        click.echo("\t".join((pick("报告", "report"), str(report.id),
                              name("kind", report.kind, lang),
                              _period(report.period_start, report.period_end))))
    for report in result.revised:
        latest = version_of(session, report, None)
        click.echo("\t".join((pick("新版本", "new version"), str(report.id),
                              name("kind", report.kind, lang),
                              _period(report.period_start, report.period_end),
                              pick(f"第 {report.version} 版：{latest.change_zh}",
                                   f"version {report.version}: {latest.change_en}"))))
    codes = dict(session.execute(select(Customer.id, Customer.code)).all())
    for skip in result.too_little:
        click.echo("\t".join((pick("数据不足", "not enough data"),
                              codes.get(skip.customer_id, "?"), name("kind", skip.kind, lang),
                              _period(skip.period_start, skip.period_end),
                              _shortfall(skip))))
    click.echo(_run_summary(result))


def _shortfall(skip: ReportSkip, language: Language | None = None) -> str:
    return shortfall(skip.covered_days, skip.period_days, skip.requests,
                     skip.min_coverage_percent, skip.min_requests, language)


def _run_summary(result: RunResult) -> str:
    made, found = len(result.reports), len(result.findings)
    if not (result.revised or result.too_little):  # the line scripts have always read
        return pick(f"已生成报告 {made} 份、发现 {found} 条。",
                    f"{made} reports, {found} findings made")
    revised, waiting = len(result.revised), len(result.too_little)
    return pick(f"已生成报告 {made} 份、新版本 {revised} 份、发现 {found} 条；"
                f"数据不足暂不出具 {waiting} 份。",
                f"{made} reports, {revised} new versions, {found} findings made; "
                f"{waiting} waiting for enough data")


def _period(start: date, end: date, language: Language | None = None) -> str:
    return pick(f"{start} 至 {end}", f"{start} to {end}", language)


def _day(value: str, option: str) -> date:
    """A YYYY-MM-DD option, refused in one line of the messages' language."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Fail(pick(f"{option} 须为日期 YYYY-MM-DD，而不是 “{value}”。",
                        f"{option} must be a date YYYY-MM-DD, not '{value}'.")) from None


@reports.command("make")
@click.option("--customer", "customer_code", required=True, help="The customer's code.")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD",
              help="First day of the period (Beijing time).")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD",
              help="Last day of the period, inclusive; today at the latest.")
@click.option("--requested-by", default="", help="Who asked (default: the service centre).")
@click.option("--lang", "--language", "lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the observations and of -o (default: the messages').")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write it: FILE.pdf or FILE.csv.")
@db_option
@click.pass_context
def make(ctx: click.Context, customer_code: str, start: str, end: str, requested_by: str,
         lang: str | None, output: Path | None) -> None:
    """Make an ad-hoc report for any customer and period, as the scheduled ones are made:
    stored once per customer and period, shown on the customer's portal."""
    from fieldapp.archive.reports.figures import Figures
    from fieldapp.archive.reports.observations import observations

    period_start, period_end = _day(start, "--from"), _day(end, "--to")
    if output is not None and output.suffix.lower() not in (".pdf", ".csv"):
        raise Fail(pick("输出文件须以 .pdf 或 .csv 结尾。", "The output must end in .pdf or .csv."))
    language = lang if is_language(lang) else current_language()
    who = requested_by.strip() or pick("服务中心", "the service centre", language)
    fmt: Literal["pdf", "csv"] = "csv" if output and output.suffix.lower() == ".csv" else "pdf"
    try:
        with _database(ctx) as db, db.write() as session:
            report, made = staff_report(session, customer_code, period_start, period_end, who)
            fig = Figures.from_json(report.figures)
            data = (export_report(report, fmt, language, company=_company(ctx))
                    if output is not None else b"")
            report_id, kind = str(report.id), name("kind", report.kind, language)
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    period = _period(period_start, period_end)
    who_for = f"{fig.customer_name}（{fig.customer_code}）"
    click.echo(pick(f"已生成{kind} {report_id}：{who_for}，{period}。",
                    f"{kind} {report_id} made: {fig.customer_name} ({fig.customer_code}), "
                    f"{period}.") if made else
               pick(f"该期报告已有：{report_id}（{who_for}，{period}），未重新生成。",
                    f"That period's report exists: {report_id} ({fig.customer_code}, {period}); "
                    "nothing new made."))
    for line in observations(fig, language):
        click.echo(f"- {line}")
    if output is not None:
        try:
            write_file(output, data)
        except FieldappError as exc:
            raise Fail(exc.message()) from exc
        click.echo(pick(f"已写入 {output}（{len(data)} 字节）。",
                        f"{output} written ({len(data)} bytes)."))


@reports.command("list")
@click.option("--customer", "customer_code", default=None, help="Only this customer's.")
@click.option("--json", "as_json", is_flag=True)
@db_option
@click.pass_context
def list_command(ctx: click.Context, customer_code: str | None, as_json: bool) -> None:
    with _database(ctx) as db, db.read() as session:
        codes = dict(session.execute(select(Customer.id, Customer.code)).all())
        customer_id = next((i for i, c in codes.items() if c == customer_code), None)
        if customer_code and customer_id is None:
            raise Fail(pick(f"没有客户 {customer_code}。", f"Unknown customer {customer_code}."))
        rows: list[dict[str, Any]] = [
                {"id": str(r.id), "customer": codes.get(r.customer_id, "?"), "kind": r.kind,
                 "period_start": r.period_start.isoformat(),
                 "period_end": r.period_end.isoformat(), "created_at": r.created_at.isoformat(),
                 "version": r.version}
                for r in list_reports(session, customer_id=customer_id)]
        skips: list[dict[str, Any]] = [{"customer": codes.get(k.customer_id, "?"), "kind": k.kind,
                  "period_start": k.period_start.isoformat(),
                  "period_end": k.period_end.isoformat(), "covered_days": k.covered_days,
                  "period_days": k.period_days, "requests": k.requests,
                  "min_coverage_percent": k.min_coverage_percent,
                  "min_requests": k.min_requests, "text": _shortfall(k)}
                 for k in list_skips(session, customer_id=customer_id)]
    if as_json:  # a list of the reports, as ever; --waiting adds nothing to it
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    lang = current_language()  # the table in words; --json keeps the codes
    for r in rows:
        click.echo("\t".join((r["id"], r["customer"], name("kind", r["kind"], lang),
                              _period(date.fromisoformat(r["period_start"]),
                                      date.fromisoformat(r["period_end"])), r["created_at"],
                              pick(f"第 {r['version']} 版", f"version {r['version']}"))))
    for k in skips:
        click.echo("\t".join((pick("数据不足", "not enough data"), str(k["customer"]),
                              name("kind", str(k["kind"]), lang),
                              _period(date.fromisoformat(str(k["period_start"])),
                                      date.fromisoformat(str(k["period_end"]))),
                              str(k["text"]))))


@reports.command("show")
@click.argument("report_id")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the report (default: the messages' language).")
@db_option
@click.pass_context
def show(ctx: click.Context, report_id: str, lang: str | None) -> None:
    """The report's observations and its key figures."""
    from fieldapp.archive.reports.figures import Figures
    from fieldapp.archive.reports.observations import observations

    with _database(ctx) as db, db.read() as session:
        report = get_report(session, report_id)
        fig = Figures.from_json(report.figures)
    language = lang if is_language(lang) else current_language()
    period = _period(date.fromisoformat(fig.period_start), date.fromisoformat(fig.period_end),
                     language)
    click.echo(f"{fig.customer_name} ({fig.customer_code}) {name('kind', report.kind, language)}"
               f" {period}")
    for line in observations(fig, language):
        click.echo(f"- {line}")


@reports.command("versions")
@click.argument("report_id")
@click.option("--json", "as_json", is_flag=True)
@db_option
@click.pass_context
def versions_command(ctx: click.Context, report_id: str, as_json: bool) -> None:
    """A report's versions, newest first, each with what changed."""
    try:
        with _database(ctx) as db, db.read() as session:
            report = get_report(session, report_id)
            rows: list[dict[str, Any]] = [
                {"version": v.version, "created_at": v.created_at.isoformat(),
                     "change_zh": v.change_zh, "change_en": v.change_en}
                    for v in versions(session, report)]
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        change = pick(row["change_zh"], row["change_en"]) or pick("首版", "first issue")
        click.echo("\t".join((pick(f"第 {row['version']} 版", f"version {row['version']}"),
                              str(row["created_at"]), str(change))))


@reports.command("export")
@click.argument("report_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="FILE.pdf or FILE.csv (the suffix picks the format).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the report (default: the messages' language).")
@click.option("--version", "version", type=click.IntRange(min=1), default=None,
              help="That version of the report (default: the latest).")
@db_option
@click.pass_context
def export(ctx: click.Context, report_id: str, output: Path, lang: str | None,
           version: int | None) -> None:
    """Write a report (its latest version, or --version N) as PDF or CSV."""
    from fieldapp.archive.portal.photos import configured_store, report_thumbnails

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "csv"):
        raise Fail(pick("输出文件须以 .pdf 或 .csv 结尾。", "The output must end in .pdf or .csv."))
    lang = lang or current_language()
    try:
        with _database(ctx) as db, db.read() as session:
            report = get_report(session, report_id)
            issued = version_of(session, report, version)
            store = configured_store(ctx.obj) if fmt == "pdf" else None
            data = export_report(report, fmt, lang, company=_company(ctx),  # type: ignore[arg-type]
                                 version=issued, pictures=report_thumbnails(
                                     session, store, report.customer_id) if store else None)
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    try:
        write_file(output, data)  # whole or not at all
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    click.echo(pick(f"已写入 {output}（{len(data)} 字节）。",
                    f"{output} written ({len(data)} bytes)."))
