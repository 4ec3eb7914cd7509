"""Report schedules per service contract (R6.3 "as the service agreement says"): which
reports a contract promises, to whom, from how much data, and when its end-of-contract
summary comes. A contract without a stored schedule gets `DEFAULTS` (docs/reports.md).

Which schedule applies to a period: the one of the customer's contract that covers most
of its days (the later contract on a tie). How much of the period is covered: its days
under any of the customer's contracts and on or after the day the archive's service data
begins (its first request of any customer: before that there is nothing to report on); a
customer with no contract at all counts the days from its own first request on.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.archive.reports.labels import KIND_LABELS
from fieldapp.archive.reports.models import ReportSchedule
from fieldapp.archive.reports.period import Period
from fieldapp.base.errors import FieldIssue, NotFound, ValidationError
from fieldapp.base.i18n import Language, pick
from fieldapp.base.timeutil import to_local, utcnow
from fieldapp.store.models import Contract, Customer, ServiceRequest

SCHEDULED_KINDS = ("quarterly", "half_yearly", "yearly", "contract_end", "proactive")
PERIODIC_KINDS = ("quarterly", "half_yearly", "yearly")
MAX_RECIPIENTS = 20


@dataclass(frozen=True)
class Schedule:
    kinds: tuple[str, ...]
    recipients: tuple[str, ...]  # "孙丽 <sunli@example.cn>"; empty: the defaults below
    min_coverage_percent: int  # of a periodic report's days under contract …
    min_requests: int  # … and requests in it, or the report waits (数据不足)
    contract_end_days: int
    stored: bool = False  # False: the defaults, nothing set for the contract
    updated_by: str = ""
    updated_at: datetime | None = None
    mail: bool = True  # made reports e-mailed to the recipients with an address (mailing.py)

    def promises(self, kind: str) -> bool:
        return kind in self.kinds


DEFAULTS = Schedule(kinds=SCHEDULED_KINDS, recipients=(), min_coverage_percent=50,
                    min_requests=1, contract_end_days=30)


def _from_row(row: ReportSchedule) -> Schedule:
    return Schedule(tuple(k for k in row.kinds.split(",") if k),
                    tuple(r for r in row.recipients.splitlines() if r.strip()),
                    row.min_coverage_percent, row.min_requests, row.contract_end_days,
                    True, row.updated_by, row.updated_at, row.mail)


def schedule_of(session: Session, contract_id: uuid.UUID, *,
                contract_end_days: int | None = None) -> Schedule:
    """The contract's schedule; the defaults (with `contract_end_days` from the run's rules
    when given) if none is stored."""
    row = session.get(ReportSchedule, contract_id)
    if row is not None:
        return _from_row(row)
    return replace(DEFAULTS, contract_end_days=contract_end_days or DEFAULTS.contract_end_days)


def default_recipients(customer: Customer) -> tuple[tuple[str, str], ...]:
    """Who gets a report when the schedule names nobody, (zh, en) each: the customer's
    contacts that have an e-mail address, then the account manager (客户经理)."""
    people = [(f"{c.name} <{c.email}>", f"{c.name} <{c.email}>") for c in customer.contacts
              if c.email.strip()]
    manager = customer.account_manager.strip()
    if manager:
        people.append((f"{manager}（客户经理）", f"{manager} (account manager)"))
    return tuple(people)


def recipients_of(session: Session, customer: Customer, schedule: Schedule
                  ) -> tuple[tuple[str, str], ...]:
    """The schedule's recipients, else the defaults; (zh, en) each."""
    if schedule.recipients:
        return tuple((r, r) for r in schedule.recipients)
    return default_recipients(customer)


def _overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> int:
    return max(0, (min(a_end, b_end) - max(a_start, b_start)).days + 1)


def _covered_days(period: Period, contracts: Iterable[Contract]) -> int:
    """Days of the period under at least one contract (overlapping contracts count once)."""
    days, cursor = 0, period.start
    for c in sorted(contracts, key=lambda c: c.starts_on):
        start, end = max(c.starts_on, cursor), min(c.ends_on, period.end)
        if start <= end:
            days += (end - start).days + 1
            cursor = end + timedelta(days=1)
    return days


@dataclass(frozen=True)
class Coverage:
    schedule: Schedule
    contract: Contract | None  # whose schedule applies; None: no contract covers the period
    covered_days: int  # under contract and with data
    period_days: int

    @property
    def percent(self) -> int:
        return 100 * self.covered_days // self.period_days if self.period_days else 0


def data_since(session: Session) -> date | None:
    """The first day the archive has service data for (its earliest request, local time);
    None while it has none."""
    first = session.scalar(select(func.min(ServiceRequest.requested_at)))
    return to_local(first).date() if first is not None else None


def coverage(session: Session, customer_id: uuid.UUID, period: Period,
             contracts: list[Contract], *, contract_end_days: int | None = None,
             since: date | None = None) -> Coverage:
    """The schedule that applies to the customer's `period` and how much of it is covered;
    `contracts` are the customer's (all of them, loaded once by the caller), `since` the
    archive's `data_since` (None: no data yet, nothing is covered)."""
    period_days = (period.end - period.start).days + 1
    overlapping = [c for c in contracts
                   if _overlap(c.starts_on, c.ends_on, period.start, period.end)]
    if overlapping:
        main = max(overlapping, key=lambda c: (
            _overlap(c.starts_on, c.ends_on, period.start, period.end), c.starts_on))
        with_data = (Period(max(period.start, since), period.end)
                     if since is not None and since <= period.end else None)
        return Coverage(schedule_of(session, main.id, contract_end_days=contract_end_days),
                        main, _covered_days(with_data, overlapping) if with_data else 0,
                        period_days)
    defaults = replace(DEFAULTS, contract_end_days=contract_end_days
                       or DEFAULTS.contract_end_days)
    if contracts:
        return Coverage(defaults, None, 0, period_days)
    first = session.scalar(select(func.min(ServiceRequest.requested_at)).where(
        ServiceRequest.customer_id == customer_id))
    if first is None:
        return Coverage(defaults, None, 0, period_days)
    own = max(period.start, to_local(first).date())
    return Coverage(defaults, None, _overlap(own, period.end, period.start, period.end),
                    period_days)


def schedule_row(contract: Contract, schedule: Schedule,
                 recipients: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """One contract's schedule as plain values (the CLI's --json and the staff API)."""
    return {"contract": contract.number, "customer": contract.customer.code,
            "starts_on": contract.starts_on.isoformat(), "ends_on": contract.ends_on.isoformat(),
            "kinds": list(schedule.kinds), "recipients": list(schedule.recipients),
            "recipients_in_effect": [{"zh": zh, "en": en} for zh, en in recipients],
            "min_coverage_percent": schedule.min_coverage_percent,
            "min_requests": schedule.min_requests,
            "contract_end_days": schedule.contract_end_days, "mail": schedule.mail,
            "default": not schedule.stored,
            "updated_by": schedule.updated_by,
            "updated_at": schedule.updated_at.isoformat() if schedule.updated_at else None}


def contract_by_number(session: Session, number: str) -> Contract:
    contract = session.scalar(select(Contract).where(Contract.number == number.strip()))
    if contract is None:
        raise NotFound(f"没有编号为 {number} 的服务合同。", f"No service contract {number}.")
    return contract


def _check(kinds: tuple[str, ...], recipients: tuple[str, ...], min_coverage_percent: int,
           min_requests: int, contract_end_days: int) -> None:
    issues = []
    unknown = [k for k in kinds if k not in SCHEDULED_KINDS]
    if unknown:
        known = "、".join(f"{k}（{KIND_LABELS[k][0]}）" for k in SCHEDULED_KINDS)
        issues.append(FieldIssue(
            "kinds", "unknown", f"未知的报告类型：{', '.join(unknown)}；可选：{known}。",
            f"Unknown report kinds: {', '.join(unknown)}; choose from "
            f"{', '.join(SCHEDULED_KINDS)}."))
    if not 0 <= min_coverage_percent <= 100:
        issues.append(FieldIssue("min_coverage_percent", "range",
                                 "最低覆盖比例须在 0 到 100（%）之间。",
                                 "The minimum coverage is a percentage from 0 to 100."))
    if not 0 <= min_requests <= 100_000:
        issues.append(FieldIssue("min_requests", "range", "最少请求数须在 0 到 100000 之间。",
                                 "The minimum number of requests is from 0 to 100000."))
    if not 1 <= contract_end_days <= 366:
        issues.append(FieldIssue("contract_end_days", "range",
                                 "到期总结提前天数须在 1 到 366 之间。",
                                 "The summary comes 1 to 366 days before the contract ends."))
    if len(recipients) > MAX_RECIPIENTS or any(len(r) > 200 for r in recipients):
        issues.append(FieldIssue("recipients", "too_many",
                                 f"收件人最多 {MAX_RECIPIENTS} 位，每位不超过 200 个字符。",
                                 f"At most {MAX_RECIPIENTS} recipients of 200 characters each."))
    if issues:
        raise ValidationError(issues)


def set_schedule(session: Session, contract_number: str, *, updated_by: str,
                 kinds: tuple[str, ...] | None = None,
                 recipients: tuple[str, ...] | None = None,
                 min_coverage_percent: int | None = None, min_requests: int | None = None,
                 contract_end_days: int | None = None, mail: bool | None = None,
                 now: datetime | None = None) -> tuple[Contract, Schedule]:
    """Store the contract's schedule: what is given replaces, the rest stays as it was (the
    defaults for a contract without one). Raises `NotFound` for an unknown contract and
    `ValidationError` (zh/en) for a bad value; nothing is written then."""
    contract = contract_by_number(session, contract_number)
    old = schedule_of(session, contract.id)
    new = Schedule(
        tuple(dict.fromkeys(k.strip() for k in kinds if k.strip())) if kinds is not None
        else old.kinds,
        tuple(r.strip() for r in recipients if r.strip()) if recipients is not None
        else old.recipients,
        old.min_coverage_percent if min_coverage_percent is None else min_coverage_percent,
        old.min_requests if min_requests is None else min_requests,
        old.contract_end_days if contract_end_days is None else contract_end_days,
        mail=old.mail if mail is None else mail)
    _check(new.kinds, new.recipients, new.min_coverage_percent, new.min_requests,
           new.contract_end_days)
    row = session.get(ReportSchedule, contract.id) or ReportSchedule(contract_id=contract.id)
    row.kinds, row.recipients = ",".join(new.kinds), "\n".join(new.recipients)
    row.min_coverage_percent, row.min_requests = new.min_coverage_percent, new.min_requests
    row.contract_end_days, row.updated_by = new.contract_end_days, updated_by.strip()[:100]
    row.mail = new.mail
    row.updated_at = now or utcnow()
    session.add(row)
    session.flush()
    return contract, _from_row(row)


def reset_schedule(session: Session, contract_number: str) -> Contract:
    """Back to the defaults (the stored schedule removed)."""
    contract = contract_by_number(session, contract_number)
    row = session.get(ReportSchedule, contract.id)
    if row is not None:
        session.delete(row)
        session.flush()
    return contract


def shortfall(covered_days: int, period_days: int, requests: int, min_coverage_percent: int,
              min_requests: int, language: Language | None = None) -> str:
    """Why a periodic report waits (数据不足), in words: the period's days under contract
    and with data, and its requests, against what the schedule asks."""
    share = 100 * covered_days // period_days if period_days else 0
    return pick(
        f"数据不足，暂不出具：本期在合同期内且有服务数据的天数 {covered_days}/{period_days}"
        f"（{share}%，需至少 {min_coverage_percent}%），服务请求 {requests} 个"
        f"（需至少 {min_requests} 个）。",
        f"Not enough data yet: {covered_days} of the period's {period_days} days under "
        f"contract and with service data ({share}%, at least {min_coverage_percent}% needed) "
        f"and {requests} requests (at least {min_requests} needed).", language)
