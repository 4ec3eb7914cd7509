"""Make what is due, once: `run_due` (the `reports run` command) and `request_report`
(the customer's ad-hoc request, called by the portal). A report is unique per customer,
kind and period; asking again returns the report already made. `run_due` follows each
contract's report schedule (schedules.py), stores a periodic report that has too little
data as such (`ReportSkip`), and re-checks reports already made against late data,
issuing a new version when their figures moved (versions.py).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive import crud
from fieldapp.archive.db import lock_change_log
from fieldapp.archive.reports.figures import compute_figures
from fieldapp.archive.reports.models import Report, ReportSkip
from fieldapp.archive.reports.period import Period
from fieldapp.archive.reports.rules import ReportRules
from fieldapp.archive.reports.schedules import coverage
from fieldapp.archive.reports.triggers import (
    DueReport,
    FindingDraft,
    NothingDue,
    TooLittleData,
    contract_end_due,
    findings_due,
    periodic_due,
)
from fieldapp.archive.reports.versions import change_seq, first_version, revise_due
from fieldapp.base.errors import FieldIssue, NotFound, ValidationError
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, to_local, utcnow
from fieldapp.store.finding_models import Finding
from fieldapp.store.models import Contract, Customer

log = logging.getLogger("fieldapp.archive.reports")


@dataclass
class RunResult:
    reports: list[Report] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    revised: list[Report] = field(default_factory=list)  # a new version issued
    too_little: list[ReportSkip] = field(default_factory=list)  # 数据不足, new or changed


def end_of_day(day: date, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """The moment day `day` is over (local midnight after it): `--today D` runs as then."""
    return datetime.combine(day + timedelta(days=1), time(), ZoneInfo(tz))


def _existing(session: Session, customer_id: uuid.UUID, kind: str, period: Period
              ) -> Report | None:
    return session.scalar(select(Report).where(
        Report.customer_id == customer_id, Report.kind == kind,
        Report.period_start == period.start, Report.period_end == period.end))


def make_report(session: Session, due: DueReport, *, now: datetime,
                requested_by: str = "") -> tuple[Report, bool]:
    """The report for `due`, made now unless it exists; (report, made)."""
    existing = _existing(session, due.customer_id, due.kind, due.period)
    if existing is not None:
        return existing, False
    figures = compute_figures(session, due.customer_id, due.period, now)
    report = Report(customer_id=due.customer_id, kind=due.kind, period_start=due.period.start,
                    period_end=due.period.end, requested_by=requested_by,
                    reason_zh=due.reason_zh, reason_en=due.reason_en,
                    figures=figures.to_json(), created_at=now)
    session.add(report)
    session.flush()
    report.checked_seq = change_seq(session)
    first_version(session, report)
    skipped = _skip_of(session, due.customer_id, due.kind, due.period)
    if skipped is not None:  # late data made the period worth a report after all
        session.delete(skipped)
    session.flush()
    log.info("report %s made: %s %s %s..%s", report.id, figures.customer_code, due.kind,
             due.period.start, due.period.end)
    return report, True


def _skip_of(session: Session, customer_id: uuid.UUID, kind: str, period: Period
             ) -> ReportSkip | None:
    return session.scalar(select(ReportSkip).where(
        ReportSkip.customer_id == customer_id, ReportSkip.kind == kind,
        ReportSkip.period_start == period.start, ReportSkip.period_end == period.end))


def _store_skip(session: Session, item: TooLittleData, now: datetime) -> ReportSkip | None:
    """Keep the "not enough data yet" outcome; the row if it is new or its numbers moved
    (None if unchanged, or if the period's report exists already)."""
    if _existing(session, item.customer_id, item.kind, item.period) is not None:
        return None
    row = _skip_of(session, item.customer_id, item.kind, item.period)
    numbers = (item.covered_days, item.period_days, item.requests,
               item.min_coverage_percent, item.min_requests)
    if row is not None and (row.covered_days, row.period_days, row.requests,
                            row.min_coverage_percent, row.min_requests) == numbers:
        return None
    row = row or ReportSkip(customer_id=item.customer_id, kind=item.kind,
                            period_start=item.period.start, period_end=item.period.end)
    (row.covered_days, row.period_days, row.requests, row.min_coverage_percent,
     row.min_requests) = numbers
    row.checked_at = now
    session.add(row)
    session.flush()
    return row


def _proactive_promised(session: Session, customer_id: uuid.UUID, today: date,
                        rules: ReportRules) -> bool:
    contracts = list(session.scalars(select(Contract).where(
        Contract.customer_id == customer_id)))
    return coverage(session, customer_id, Period(today, today), contracts,
                    contract_end_days=rules.contract_end_days).schedule.promises("proactive")


def _store_finding(session: Session, draft: FindingDraft, today: date, now: datetime
                   ) -> Finding:
    finding = Finding(key=draft.key, customer_id=draft.customer_id, rule=draft.rule,
                      found_on=today, window_start=draft.window_start,
                      window_end=draft.window_end, summary_zh=draft.summary_zh,
                      summary_en=draft.summary_en, evidence=",".join(draft.evidence),
                      detected_at=now, created_at=now, updated_at=now)
    session.add(finding)
    session.flush()
    crud.record_change(session, table="findings", record_id=finding.id, now=now)  # to laptops
    return finding


def run_due(session: Session, *, now: datetime | None = None,
            rules: ReportRules | None = None) -> RunResult:
    """Everything due at `now` (default: the current time), in the caller's transaction.
    Run it as often as you like: what exists already is not made again, and a report is
    re-issued (a new version) only when late data moved its figures."""
    now = now or utcnow()
    rules = rules or ReportRules()
    today = to_local(now - timedelta(microseconds=1)).date()  # end_of_day(D) is still D
    result = RunResult()
    lock_change_log(session)
    new_findings = [_store_finding(session, d, today, now)
                    for d in findings_due(session, today, rules, now)]
    result.findings = new_findings
    # before anything new is made: a report made now is as fresh as the data
    result.revised = revise_due(session, today, rules.periodic_lookback_days, now)
    due: list[DueReport] = list(contract_end_due(session, today, rules))
    for item in periodic_due(session, today, rules):
        if isinstance(item, TooLittleData):
            if (skip := _store_skip(session, item, now)) is not None:
                result.too_little.append(skip)
        elif isinstance(item, NothingDue):
            if (stale := _skip_of(session, item.customer_id, item.kind, item.period)):
                session.delete(stale)  # e.g. the schedule no longer promises that report
        else:
            due.append(item)
    by_customer: dict[uuid.UUID, list[Finding]] = {}
    for finding in new_findings:
        by_customer.setdefault(finding.customer_id, []).append(finding)
    for customer_id, found in by_customer.items():
        if not _proactive_promised(session, customer_id, today, rules):
            continue  # the finding stands (and makes its task); the contract wants no report
        start = min(f.window_start for f in found)
        due.append(DueReport(customer_id, "proactive", Period(start, today),
                             "主动报告：" + "；".join(f.summary_zh for f in found),
                             "Proactive report: " + " ".join(f.summary_en for f in found)))
    for item in due:
        report, made = make_report(session, item, now=now)
        if made:
            result.reports.append(report)
    return result


def request_report(session: Session, customer_id: uuid.UUID, period_start: date,
                   period_end: date, requested_by: str, *,
                   now: datetime | None = None) -> Report:
    """The customer's ad-hoc report (R6.3) for the days `period_start`..`period_end`
    (inclusive, local time), made at once in the caller's transaction and returned.

    The same customer and period asked again returns the report already made (its id is
    stable). Raises `ValidationError` (zh/en, field `period_end`/`period_start`/
    `requested_by`) for a period that is reversed, starts in the future or is longer than
    three years, and `NotFound` for an unknown customer; nothing is written then.
    """
    now = now or utcnow()
    today = to_local(now).date()
    issues: list[FieldIssue] = []
    if not requested_by.strip():
        issues.append(FieldIssue("requested_by", "required", "请注明请求人。",
                                 "Say who asked for the report."))
    if period_start > today:
        issues.append(FieldIssue("period_start", "in_future", "报告期不能从将来开始。",
                                 "The period cannot start in the future."))
    if period_end < period_start:
        issues.append(FieldIssue("period_end", "before_start", "报告期结束日期不能早于开始日期。",
                                 "The period cannot end before it starts."))
    elif (period_end - period_start).days > 3 * 366:
        issues.append(FieldIssue("period_end", "too_long", "报告期最长三年。",
                                 "A report covers three years at most."))
    if issues:
        raise ValidationError(issues)
    if session.get(Customer, customer_id) is None:
        raise NotFound("档案中没有该客户。", "The archive has no such customer.")
    who = requested_by.strip()
    due = DueReport(customer_id, "requested", Period(period_start, period_end),
                    f"应 {who} 的要求", f"At the request of {who}")
    report, _made = make_report(session, due, now=now, requested_by=requested_by.strip())
    return report


def staff_report(session: Session, customer_code: str, period_start: date, period_end: date,
                 requested_by: str, *, now: datetime | None = None) -> tuple[Report, bool]:
    """An ad-hoc report made by staff (a customer asked by phone; `fieldapp-archive reports
    make`, the desktop's staff view): the customer by its code, the period must be over by
    today. Same engine and store as `request_report` (kind "requested", on the portal);
    returns (report, made) — made False when that period's report already exists.

    Raises `NotFound` for an unknown code and `ValidationError` (zh/en) for a bad period;
    nothing is written then."""
    now = now or utcnow()
    code = customer_code.strip()
    customer = session.scalar(select(Customer).where(Customer.code == code)) if code else None
    if customer is None:
        raise NotFound(f"档案中没有客户 {code}。", f"The archive has no customer {code}.")
    today = to_local(now).date()
    if period_start <= today < period_end:  # starting in the future is request_report's
        raise ValidationError([FieldIssue(
            "period_end", "in_future", f"报告期不能延伸到将来：结束日期最晚为今天（{today}）。",
            f"The period cannot reach into the future: it ends today ({today}) at the latest.")])
    existing = (_existing(session, customer.id, "requested", Period(period_start, period_end))
                if period_start <= period_end else None)  # else request_report says why
    report = request_report(session, customer.id, period_start, period_end, requested_by,
                            now=now)
    return report, existing is None


def list_reports(session: Session, *, customer_id: uuid.UUID | None = None) -> list[Report]:
    query = select(Report).order_by(Report.created_at.desc(), Report.id)
    if customer_id is not None:
        query = query.where(Report.customer_id == customer_id)
    return list(session.scalars(query))


def get_report(session: Session, report_id: str) -> Report:
    try:
        key = uuid.UUID(report_id)
    except ValueError:
        key = None
    report = session.get(Report, key) if key else None
    if report is None:
        raise NotFound(f"没有编号为 {report_id} 的报告。", f"No report {report_id}.")
    return report


def list_skips(session: Session, *, customer_id: uuid.UUID | None = None) -> list[ReportSkip]:
    """The periodic reports waiting for enough data (数据不足), latest period first."""
    query = select(ReportSkip).order_by(ReportSkip.period_end.desc(), ReportSkip.kind)
    if customer_id is not None:
        query = query.where(ReportSkip.customer_id == customer_id)
    return list(session.scalars(query))
