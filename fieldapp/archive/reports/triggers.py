"""When a report or a finding is due (R6.3): periodic reports once their period has
ended and has enough data by the contract's schedule (reports/schedules.py), the summary
the schedule's number of days before a contract ends, and the patterns that may have
a deeper cause. Pure detection: nothing here writes; `runner` stores what is due.

Each finding says in words (zh/en) what it found, with the request numbers as evidence,
and carries a key (rule + subject + first evidence) so the same pattern is never
reported twice.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Row, and_, exists, func, select
from sqlalchemy.orm import Session

from fieldapp.archive.reports.figures import ClockReader, request_rows
from fieldapp.archive.reports.period import Period, half_of, quarter_of, year_of
from fieldapp.archive.reports.rules import ReportRules
from fieldapp.archive.reports.schedules import (
    Schedule,
    coverage,
    data_since,
    recipients_of,
    schedule_of,
)
from fieldapp.base.timeutil import to_local
from fieldapp.sla import ClockState
from fieldapp.store.finding_models import Finding
from fieldapp.store.models import Contract, Customer, Device, ServiceRequest

PERIODIC = (("quarterly", quarter_of), ("half_yearly", half_of), ("yearly", year_of))


@dataclass(frozen=True)
class DueReport:
    customer_id: uuid.UUID
    kind: str
    period: Period
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class FindingDraft:
    key: str
    customer_id: uuid.UUID
    rule: str
    window_start: date
    window_end: date
    summary_zh: str
    summary_en: str
    evidence: tuple[str, ...]  # request numbers


@dataclass(frozen=True)
class TooLittleData:
    """A periodic report the schedule promises whose period has too little data yet
    (数据不足): stored as such instead of a report that says next to nothing."""

    customer_id: uuid.UUID
    kind: str
    period: Period
    covered_days: int
    period_days: int
    requests: int
    min_coverage_percent: int
    min_requests: int


@dataclass(frozen=True)
class NothingDue:
    """A period the schedule does not promise, or with nothing to say about: an earlier
    "not enough data" outcome for it no longer stands (the schedule or the data changed)."""

    customer_id: uuid.UUID
    kind: str
    period: Period


def _requests_in(session: Session, customer_id: uuid.UUID, period: Period) -> int:
    return int(session.scalar(select(func.count()).select_from(ServiceRequest).where(
        ServiceRequest.customer_id == customer_id,
        ServiceRequest.requested_at >= period.start_utc,
        ServiceRequest.requested_at < period.end_utc)) or 0)


def _to_whom(session: Session, customer: Customer, schedule: Schedule) -> tuple[str, str]:
    people = recipients_of(session, customer, schedule)
    if not people:
        return "", ""
    return ("；报送：" + "、".join(zh for zh, _ in people),
            "; to: " + ", ".join(en for _, en in people))


def periodic_due(session: Session, today: date, rules: ReportRules
                 ) -> Iterator[DueReport | TooLittleData | NothingDue]:
    """Quarter, half-year and year reports whose period ended before today (within the
    look-back), that the schedule of the contract covering the period promises, and that
    have enough data by that schedule: at least `min_coverage_percent` of the period's days
    under contract and with data (schedules.coverage) and `min_requests` requests — else a
    `TooLittleData` (a period with no request and no day under contract with data, before
    the archive had data or outside every contract, is no outcome at all)."""
    earliest = today - timedelta(days=rules.periodic_lookback_days)
    since = data_since(session)
    for customer in session.scalars(select(Customer).order_by(Customer.code)):
        contracts = list(session.scalars(select(Contract).where(
            Contract.customer_id == customer.id)))
        for kind, period_of in PERIODIC:
            period = period_of(today)
            while True:
                period = period_of(period.start - timedelta(days=1))  # the one before
                if period.end < earliest:
                    break
                cover = coverage(session, customer.id, period, contracts,
                                 contract_end_days=rules.contract_end_days, since=since)
                if not cover.schedule.promises(kind):
                    yield NothingDue(customer.id, kind, period)
                    continue
                requests = _requests_in(session, customer.id, period)
                if requests == 0 and cover.covered_days == 0:
                    yield NothingDue(customer.id, kind, period)  # no contract or no data yet
                    continue
                wanted = cover.schedule
                if (requests < wanted.min_requests or 100 * cover.covered_days
                        < wanted.min_coverage_percent * cover.period_days):
                    yield TooLittleData(customer.id, kind, period, cover.covered_days,
                                        cover.period_days, requests,
                                        wanted.min_coverage_percent, wanted.min_requests)
                    continue
                to_zh, to_en = _to_whom(session, customer, wanted)
                yield DueReport(customer.id, kind, period,
                                f"定期报告（{period.start} 至 {period.end}）{to_zh}",
                                f"Periodic report ({period.start} to {period.end}){to_en}")


def contract_end_due(session: Session, today: date, rules: ReportRules) -> Iterator[DueReport]:
    """A summary of the contract's term, once, from the schedule's `contract_end_days`
    (default: the rules') before it ends, if the schedule promises one."""
    for contract in session.scalars(select(Contract).where(
            Contract.ends_on >= today, Contract.ends_on <= today + timedelta(days=366))
            .order_by(Contract.number)):
        schedule = schedule_of(session, contract.id, contract_end_days=rules.contract_end_days)
        if not schedule.promises("contract_end") or (
                contract.ends_on - today).days > schedule.contract_end_days:
            continue
        to_zh, to_en = _to_whom(session, contract.customer, schedule)
        yield DueReport(contract.customer_id, "contract_end",
                        Period(contract.starts_on, contract.ends_on),
                        f"服务合同 {contract.number} 将于 {contract.ends_on} 到期，期前总结{to_zh}",
                        f"Service contract {contract.number} ends on {contract.ends_on}: "
                        f"summary before it ends{to_en}")


def _local_day(moment: datetime) -> date:
    return to_local(moment).date()


def _bounds(today: date, days: int) -> Period:
    return Period(today - timedelta(days=days - 1), today)


def _device_label(device: Device | None) -> str:
    if device is None:
        return "?"
    name = " ".join(p for p in (device.brand, device.model) if p) or device.device_type
    tag = device.asset_tag or device.serial
    return f"{name}（{tag}）" if tag else name


def repeat_device(session: Session, today: date, rules: ReportRules) -> Iterator[FindingDraft]:
    """The same device with `repeat_device_failures` requests within `repeat_device_days`."""
    n, days = rules.repeat_device_failures, rules.repeat_device_days
    scan = _bounds(today, rules.scan_days)
    in_scan = and_(ServiceRequest.device_id.is_not(None),
                   ServiceRequest.requested_at >= scan.start_utc,
                   ServiceRequest.requested_at < scan.end_utc)
    busy = (select(ServiceRequest.device_id).where(in_scan).group_by(ServiceRequest.device_id)
            .having(func.count() >= n))
    rows = session.execute(
        select(ServiceRequest.device_id, ServiceRequest.customer_id, ServiceRequest.number,
               ServiceRequest.requested_at)
        .where(in_scan, ServiceRequest.device_id.in_(busy))
        .order_by(ServiceRequest.device_id, ServiceRequest.requested_at, ServiceRequest.number))
    groups: dict[uuid.UUID, list[Row[*tuple[Any, ...]]]] = {}
    for row in rows:
        groups.setdefault(row.device_id, []).append(row)
    for device_id, items in groups.items():
        for cluster in _clusters([(r.requested_at, r) for r in items], days,
                                 lambda members: len(members) >= n):
            rows_ = [r for _, r in cluster]
            first, last = _local_day(rows_[0].requested_at), _local_day(rows_[-1].requested_at)
            label = _device_label(session.get(Device, device_id))
            numbers = tuple(r.number for r in rows_)
            yield FindingDraft(
                f"repeat_device:{device_id}:{numbers[0]}", rows_[0].customer_id,
                "repeat_device", first, last,
                f"设备 {label} 在 {days} 天内故障 {len(rows_)} 次（{first} 至 {last}），"
                "可能存在更深层的原因，建议检修或更换。",
                f"Device {label} failed {len(rows_)} times within {days} days ({first} to "
                f"{last}); there may be a deeper cause, consider an overhaul or replacement.",
                numbers)


Item = TypeVar("Item")


def _clusters(items: list[tuple[datetime, Item]], days: int,
              enough: Callable[[list[Item]], bool]) -> Iterator[list[tuple[datetime, Item]]]:
    """Groups of time-sorted items that fit in `days` and satisfy `enough`: each starts at
    the earliest item that begins such a group and takes every item within `days` of it;
    the next group starts after it, so one pattern gives one finding."""
    i = 0
    while i < len(items):
        start = items[i][0]
        members = [item for item in items[i:] if item[0] - start <= timedelta(days=days)]
        if enough([m for _, m in members]):
            yield members
            i += len(members)
        else:
            i += 1


def same_fault(session: Session, today: date, rules: ReportRules) -> Iterator[FindingDraft]:
    """The same reported fault on `same_fault_devices` of a customer's devices within
    `same_fault_days` (faults compared as typed, without surrounding spaces)."""
    n, days = rules.same_fault_devices, rules.same_fault_days
    scan = _bounds(today, rules.scan_days)
    fault = func.trim(ServiceRequest.fault_reported)
    in_scan = and_(ServiceRequest.device_id.is_not(None),
                   ServiceRequest.requested_at >= scan.start_utc,
                   ServiceRequest.requested_at < scan.end_utc)
    common = (select(ServiceRequest.customer_id, fault.label("fault")).where(in_scan)
              .group_by(ServiceRequest.customer_id, fault)
              .having(func.count(func.distinct(ServiceRequest.device_id)) >= n).subquery())
    rows = session.execute(
        select(ServiceRequest.customer_id, fault.label("fault"), ServiceRequest.device_id,
               ServiceRequest.number, ServiceRequest.requested_at)
        .join(common, and_(common.c.customer_id == ServiceRequest.customer_id,
                           common.c.fault == fault))
        .where(in_scan)
        .order_by(ServiceRequest.customer_id, fault, ServiceRequest.requested_at,
                  ServiceRequest.number))
    groups: dict[tuple[uuid.UUID, str], list[Row[*tuple[Any, ...]]]] = {}
    for row in rows:
        groups.setdefault((row.customer_id, row.fault), []).append(row)
    for (customer_id, text), items in groups.items():
        for cluster in _clusters([(r.requested_at, r) for r in items], days,
                                 lambda ms: len({m.device_id for m in ms}) >= n):
            rows_ = [r for _, r in cluster]
            devices = len({r.device_id for r in rows_})
            first, last = _local_day(rows_[0].requested_at), _local_day(rows_[-1].requested_at)
            numbers = tuple(r.number for r in rows_)
            digest = hashlib.sha256(text.encode()).hexdigest()[:12]
            yield FindingDraft(
                f"same_fault:{customer_id}:{digest}:{numbers[0]}", customer_id, "same_fault",
                first, last,
                f"{days} 天内 {devices} 台设备报告同一故障“{text}”（{first} 至 {last}），"
                "可能有共同原因（批次、环境、软件），建议统一排查。",
                f"{devices} devices reported the same fault “{text}” within {days} days "
                f"({first} to {last}); there may be a common cause (batch, environment, "
                "software), worth one investigation.",
                numbers)


def sla_rising(session: Session, today: date, rules: ReportRules, now: datetime
               ) -> Iterator[FindingDraft]:
    """More SLA breaches among the requests of the last `sla_rising_days` than the
    `sla_rising_factor` times those of the days before (and at least the minimum).
    Quiet for one window after it fired for a customer."""
    days = rules.sla_rising_days
    recent, earlier = _bounds(today, days), _bounds(today - timedelta(days=days), days)
    quiet_since = today - timedelta(days=days - 1)
    customers = session.scalars(select(Customer).where(exists().where(
        ServiceRequest.customer_id == Customer.id,
        ServiceRequest.requested_at >= earlier.start_utc,
        ServiceRequest.requested_at < recent.end_utc)).order_by(Customer.code))
    for customer in customers:
        if session.scalar(select(exists().where(
                Finding.customer_id == customer.id, Finding.rule == "sla_rising",
                Finding.found_on >= quiet_since))):
            continue
        reader = ClockReader(session, customer)
        now_breaches: list[str] = []
        before = 0
        for row in request_rows(session, and_(
                ServiceRequest.customer_id == customer.id,
                ServiceRequest.requested_at >= earlier.start_utc,
                ServiceRequest.requested_at < recent.end_utc)):
            if not any(verdict is not None and verdict.state == ClockState.BREACHED
                       for _kind, verdict, _stopped in reader.outcomes(row, now)):
                continue  # a request counts once, however many of its clocks broke
            if row.requested_at >= recent.start_utc:
                now_breaches.append(row.number)
            else:
                before += 1
        if len(now_breaches) >= rules.sla_rising_min_breaches and (
                len(now_breaches) >= rules.sla_rising_factor * before):
            numbers = tuple(sorted(now_breaches))
            yield FindingDraft(
                f"sla_rising:{customer.id}:{recent.start}", customer.id, "sla_rising",
                recent.start, recent.end,
                f"{customer.name} 近 {days} 天服务超时 {len(numbers)} 次，此前 {days} 天 "
                f"{before} 次，超时明显上升，建议检查人员安排与响应流程。",
                f"{customer.name}: {len(numbers)} SLA breaches in the last {days} days "
                f"against {before} in the {days} days before — rising; review staffing and "
                "the response process.",
                numbers)


def findings_due(session: Session, today: date, rules: ReportRules, now: datetime
                 ) -> list[FindingDraft]:
    drafts = [*repeat_device(session, today, rules), *same_fault(session, today, rules),
              *sla_rising(session, today, rules, now)]
    known = set(session.scalars(select(Finding.key).where(
        Finding.key.in_([d.key for d in drafts])))) if drafts else set()
    return [d for d in drafts if d.key not in known]
