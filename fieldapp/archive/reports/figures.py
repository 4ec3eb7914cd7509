"""The figures of a service analysis report (服务分析报告), from SQL aggregates and streams.

Nothing here loads a customer's slips as objects: counts and sums are GROUP BY queries,
and the one pass that needs every request (SLA clocks, response and resolution times)
streams narrow rows (`yield_per`) and keeps only counters, the durations as integers
and the ten worst cases. The SLA results come from the core's own `clocks_for_request`
with the contract's terms (`fieldapp.records.sla_records.contract_terms`), so the laptop and the
archive agree on every clock.

Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at
rank ceil(p/100 · n) (1-based); the median is p = 50.
"""

from __future__ import annotations

import heapq
import json
import math
import uuid
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from fieldapp.archive.portal.photos import ShownPicture, shown_pictures_of_requests
from fieldapp.archive.reports.dossier import dossier_figures
from fieldapp.archive.reports.period import Period
from fieldapp.base.errors import NotFound
from fieldapp.records.events import EscalationKind, EventKind
from fieldapp.records.sla_records import RepairBack, contract_terms, repairs_back
from fieldapp.rules.validation import CHANNELS, FEE_KINDS
from fieldapp.sla import (
    Channel,
    ClockOutcome,
    ClockState,
    IntakeChannel,
    RequestFacts,
    ServiceKind,
    clock_outcome,
    clock_specs,
)
from fieldapp.store.finding_models import Finding
from fieldapp.store.models import Contract, Customer, Device, FeeLine, ServiceRequest, Site, Slip
from fieldapp.store.types import UTCDateTime
from fieldapp.store.values import SlipResult, SubjectType
from fieldapp.store.workflow_models import Complaint, Event, RepairOrder

CLOCK_STATES = ("met", "met_within_tolerance", "breached", "running", "not_applicable")
# Minutes: the buckets of the response/resolution distribution charts.
BUCKETS = (30, 60, 120, 180, 240)
WORST_CASES = 10
TOP_DEVICES = 10
# A question asked from afar is first answered by the answer itself, else by the arrival.
_ANSWERED_FROM_AFAR = (IntakeChannel.PHONE, IntakeChannel.LETTER, IntakeChannel.EMAIL)


@dataclass
class Figures:
    """Everything a report shows; plain JSON types so it is stored and re-rendered as is."""

    customer_code: str
    customer_name: str
    is_group: bool
    period_start: str
    period_end: str
    generated_at: str
    timezone: str
    requests_total: int = 0
    slips_total: int = 0
    requests_by_month: dict[str, dict[str, int]] = field(default_factory=dict)
    slips_by_month: dict[str, int] = field(default_factory=dict)
    sla: dict[str, dict[str, int]] = field(default_factory=dict)  # clock kind -> state -> n
    # of the breached: clocks still running past their deadline (open, not done late)
    sla_open_breached: dict[str, int] = field(default_factory=dict)
    worst: list[dict[str, Any]] = field(default_factory=list)
    response: dict[str, Any] = field(default_factory=dict)
    resolution: dict[str, Any] = field(default_factory=dict)
    repairs: dict[str, int] = field(default_factory=dict)
    escalations: dict[str, int] = field(default_factory=dict)
    complaints: dict[str, Any] = field(default_factory=dict)
    fees_fen: dict[str, int] = field(default_factory=dict)
    fees_total_fen: int = 0
    top_devices: list[dict[str, Any]] = field(default_factory=list)
    archive: dict[str, Any] = field(default_factory=dict)  # reviewed tracking notes
    dossier: dict[str, Any] = field(default_factory=dict)  # problem sets, suggestions
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fees_all_fen(self) -> int:
        """Every fee the customer was charged: the slips' confirmed fees and the repair
        orders' final fees (section 四) — the cover's 服务费用 and section 六's total."""
        return self.fees_total_fen + int(self.repairs.get("repair_fees_fen", 0))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Figures:
        return cls(**json.loads(text))


def percentile(sorted_values: list[int], p: float) -> int | None:
    """Nearest-rank percentile of already sorted values; None for no values."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def distribution(values: list[int]) -> dict[str, Any]:
    values.sort()
    buckets = [0] * (len(BUCKETS) + 1)
    for v in values:
        buckets[next((i for i, b in enumerate(BUCKETS) if v < b), len(BUCKETS))] += 1
    return {"count": len(values), "median": percentile(values, 50),
            "p90": percentile(values, 90), "buckets": buckets}


def compute_figures(session: Session, customer_id: uuid.UUID, period: Period,
                    now: datetime) -> Figures:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("档案中没有该客户。", "The archive has no such customer.")
    fig = Figures(customer.code, customer.name, customer.is_group, period.start.isoformat(),
                  period.end.isoformat(), now.isoformat(), period.timezone)
    in_period = and_(ServiceRequest.customer_id == customer_id,
                     ServiceRequest.requested_at >= period.start_utc,
                     ServiceRequest.requested_at < period.end_utc)
    _requests_pass(session, fig, customer, in_period, period, now)
    _fees(session, fig, in_period)
    _top_devices(session, fig, in_period)
    _escalations(session, fig, in_period)
    _repairs(session, fig, in_period)
    _complaints(session, fig, customer_id, period)
    if customer.is_group:
        _archive(session, fig, customer_id, period)
    _findings(session, fig, customer_id, period)
    _pictures(session, fig, customer_id)
    return fig


_NO_REPAIR = RepairBack()


class RequestRow(NamedTuple):
    number: str
    channel: str
    intake_channel: str
    service_kind: str
    hardware_fault: bool
    requested_at: datetime
    answered_at: datetime | None
    contract_id: Any  # as the driver gives it (hex text on SQLite, UUID on PostgreSQL)
    in_city: bool
    arrival: datetime | None  # first visit's arrival
    solved: datetime | None  # first visit's solution
    slips: int
    device_returned: datetime | None = None  # sent in: the repaired device handed back
    repair_refused: bool = False  # sent in: every repair refused, the device back unrepaired


def _utc(value: str | datetime | None) -> datetime | None:
    """A stored UTC time as the driver gives it (text on SQLite) -> aware UTC; much
    cheaper than the ORM's per-value processing over a year of requests."""
    if value is None:
        return None
    if isinstance(value, str):
        try:  # parsing the offset is ~6x cheaper than `replace(tzinfo=UTC)` afterwards
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # the text carries its own offset
            return datetime.fromisoformat(value).astimezone(UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def request_rows(session: Session, where: Any) -> Iterator[RequestRow]:
    """One narrow row per request matching `where`, with its first visit's arrival and
    first solution and its repairs' ends (the facts its SLA clocks stop at), streamed.
    The repairs' ends are read first in one query (`repairs_back`): few requests have one."""
    r, s, site = ServiceRequest.__table__, Slip.__table__, Site.__table__
    visit = s.c.amends_slip_id.is_(None)  # an amendment corrects a visit, it is not one

    def raw(column: Any) -> Any:
        return type_coerce(column, String)  # no per-value processing; `_utc` reads it

    backs: dict[Any, RepairBack] = {}
    for request_id, back in repairs_back(session, select(r.c.id).where(where)).items():
        backs[request_id] = backs[request_id.hex] = back  # raw id: hex on SQLite, UUID on PG
    query = (
        select(raw(r.c.id), r.c.number, r.c.channel, r.c.intake_channel, r.c.service_kind,
               r.c.hardware_fault, raw(r.c.requested_at), raw(r.c.answered_at),
               raw(r.c.contract_id), site.c.in_city,
               raw(func.min(case((visit, s.c.arrived_at)))),
               raw(func.min(case((and_(visit, s.c.result == SlipResult.SOLVED), s.c.solved_at)))),
               func.count(s.c.id))
        .select_from(r.outerjoin(s, s.c.request_id == r.c.id)
                     .outerjoin(site, site.c.id == r.c.site_id))
        .where(where)
        .group_by(r.c.id, r.c.number, r.c.channel, r.c.intake_channel, r.c.service_kind,
                  r.c.hardware_fault, r.c.requested_at, r.c.answered_at,
                  r.c.contract_id, site.c.in_city)
    )
    result = session.execute(query.execution_options(yield_per=2000))
    for (request_id, number, channel, intake, kind, hardware, requested, answered, contract,
         in_city, arrival, solved, n) in result:
        back = backs.get(request_id, _NO_REPAIR)
        yield RequestRow(number, channel, intake, kind, bool(hardware),
                         _utc(requested), _utc(answered),  # type: ignore[arg-type]
                         contract, True if in_city is None else bool(in_city), _utc(arrival),
                         _utc(solved), n, back.returned_at, back.refused)


# Stored text -> member, looked up once per request instead of an Enum call.
_CHANNELS = {c.value: c for c in Channel}
_INTAKES = {c.value: c for c in IntakeChannel}
_KINDS = {k.value: k for k in ServiceKind}


class ClockReader:
    """The core's SLA verdicts for streamed request rows (`clock_specs` + `clock_outcome`,
    the rules `clocks_for_request` applies), each contract's terms read once."""

    def __init__(self, session: Session, customer: Customer) -> None:
        self.is_group = customer.is_group
        self.terms: dict[Any, Any] = {}
        for contract in session.scalars(select(Contract).where(
                Contract.customer_id == customer.id)):
            self.terms[contract.id] = self.terms[contract.id.hex] = contract_terms(contract)
        self.default = contract_terms(None)

    def outcomes(self, row: RequestRow, now: datetime
                 ) -> list[tuple[str, ClockOutcome | None, datetime | None]]:
        """(clock kind, verdict, stopped at) of every clock the request runs; the verdict
        is None when the clock does not apply."""
        facts = RequestFacts(_CHANNELS[row.channel], requested_at=row.requested_at,
                             intake_channel=_INTAKES.get(row.intake_channel),
                             service_kind=_KINDS.get(row.service_kind),
                             hardware_fault=row.hardware_fault,
                             answered_at=row.answered_at, in_city=row.in_city,
                             first_arrival_at=row.arrival, solved_at=row.solved,
                             device_returned_at=row.device_returned,
                             repair_refused=row.repair_refused,
                             is_group_customer=self.is_group)
        terms, calendar = self.terms.get(row.contract_id, self.default)
        return [(spec.kind.value, None if spec.not_applicable is not None else clock_outcome(
                    spec.kind, terms=terms, calendar=calendar, started_at=row.requested_at,
                    stopped_at=spec.stopped_at, now=now), spec.stopped_at)
                for spec in clock_specs(facts)]


def _requests_pass(session: Session, fig: Figures, customer: Customer, in_period: Any,
                   period: Period, now: datetime) -> None:
    reader = ClockReader(session, customer)
    month_names = period.months()
    month_starts = [datetime.combine(date.fromisoformat(f"{m}-01"), time(),
                                     ZoneInfo(period.timezone)).astimezone(UTC)
                    for m in month_names]  # UTC: comparing like with like is cheap
    by_month: list[dict[str, int]] = [dict.fromkeys(CHANNELS, 0) for _ in month_names]
    slips_by_month = [0] * len(month_names)
    sla: dict[str, Counter[str]] = {}
    worst: list[tuple[int, str, str, str, int]] = []  # min-heap of (minutes late, …)
    open_breached: Counter[str] = Counter()
    response: list[int] = []
    resolution: list[int] = []
    for row in request_rows(session, in_period):
        month = max(0, bisect_right(month_starts, row.requested_at) - 1)
        by_month[month][row.channel] += 1
        slips_by_month[month] += row.slips
        # the first response: the answer to a question, else the engineer's arrival
        answered = (row.answered_at if row.service_kind == ServiceKind.ANSWER
                    and row.intake_channel in _ANSWERED_FROM_AFAR else row.arrival)
        if answered is not None:
            response.append(_minutes(row.requested_at, answered))
        if row.solved is not None:
            resolution.append(_minutes(row.requested_at, row.solved))
        for kind, verdict, stopped in reader.outcomes(row, now):
            counts = sla.get(kind)
            if counts is None:
                counts = sla[kind] = Counter()
            if verdict is None:
                counts["not_applicable"] += 1
                continue
            state = verdict.state.value
            counts[state if state in CLOCK_STATES else "running"] += 1
            if verdict.state is ClockState.BREACHED:
                late = _minutes(verdict.cap_deadline or verdict.deadline, stopped or now)
                # an open clock past its deadline: open for this long, not "done N h late"
                open_for = _minutes(row.requested_at, now) if stopped is None else 0
                open_breached[kind] += stopped is None
                entry = (late, row.number, kind, "running" if stopped is None else "stopped",
                         open_for)
                if len(worst) < WORST_CASES:
                    heapq.heappush(worst, entry)
                else:
                    heapq.heappushpop(worst, entry)
    fig.requests_total = sum(sum(m.values()) for m in by_month)
    fig.slips_total = sum(slips_by_month)
    fig.requests_by_month = dict(zip(month_names, by_month, strict=True))
    fig.slips_by_month = dict(zip(month_names, slips_by_month, strict=True))
    fig.sla = {kind: {state: counts.get(state, 0) for state in CLOCK_STATES}
               for kind, counts in sorted(sla.items())}
    fig.sla_open_breached = {kind: open_breached[kind] for kind in fig.sla}
    fig.worst = [{"request": number, "clock": kind, "minutes_late": late, "stopped": stopped,
                  "open_minutes": open_for}
                 for late, number, kind, stopped, open_for in sorted(worst, reverse=True)]
    fig.response = distribution(response)
    fig.resolution = distribution(resolution)


def _minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def _fees(session: Session, fig: Figures, in_period: Any) -> None:
    """Fees of sealed slips (both signatures confirm them), without slips since amended:
    an amendment's fees replace the slip it corrects."""
    later = aliased(Slip)
    query = (
        select(FeeLine.kind, func.sum(FeeLine.amount_fen))
        .join(Slip, Slip.id == FeeLine.slip_id)
        .join(ServiceRequest, ServiceRequest.id == Slip.request_id)
        .where(in_period, Slip.seal.is_not(None),
               Slip.id.not_in(select(later.amends_slip_id)
                              .where(later.amends_slip_id.is_not(None))))
        .group_by(FeeLine.kind)
    )
    fees = {kind: int(total or 0) for kind, total in session.execute(query)}
    fig.fees_fen = {kind: fees.get(kind, 0) for kind in FEE_KINDS}
    fig.fees_total_fen = sum(fig.fees_fen.values())


def _top_devices(session: Session, fig: Figures, in_period: Any) -> None:
    count = func.count(ServiceRequest.id)
    query = (
        select(Device.device_type, Device.brand, Device.model, Device.serial, Device.asset_tag,
               count.label("n"))
        .join(Device, Device.id == ServiceRequest.device_id)
        .where(in_period)
        .group_by(Device.id, Device.device_type, Device.brand, Device.model, Device.serial,
                  Device.asset_tag)
        .order_by(count.desc(), Device.serial)
        .limit(TOP_DEVICES)
    )
    fig.top_devices = [
        {"device": " ".join(p for p in (row.brand, row.model) if p) or row.device_type,
         "type": row.device_type, "serial": row.serial, "asset_tag": row.asset_tag,
         "requests": row.n}
        for row in session.execute(query)]


def _escalations(session: Session, fig: Figures, in_period: Any) -> None:
    query = (select(Event.payload).join(ServiceRequest, ServiceRequest.id == Event.request_id)
             .where(Event.kind == EventKind.REQUEST_ESCALATED, in_period))
    kinds: Counter[str] = Counter()
    for payload in session.scalars(query.execution_options(yield_per=1000)):
        kinds[json.loads(payload).get("escalation_kind", "")] += 1
    fig.escalations = {k: kinds.get(k, 0) for k in EscalationKind}


def _repairs(session: Session, fig: Figures, in_period: Any) -> None:
    orders = (select(RepairOrder.id)
              .join(ServiceRequest, ServiceRequest.id == RepairOrder.request_id).where(in_period))
    total = session.scalar(select(func.count()).select_from(orders.subquery())) or 0
    kinds = dict(session.execute(
        select(Event.kind, func.count()).where(Event.subject_type == SubjectType.REPAIR,
                                               Event.subject_id.in_(orders))
        .group_by(Event.kind)).all())
    repair_fee = 0
    for payload in session.scalars(select(Event.payload).where(
            Event.kind == EventKind.REPAIR_RETURNED, Event.subject_id.in_(orders))):
        repair_fee += int(json.loads(payload).get("final_fee_fen", 0))
    order_ids = {str(i) for i in session.scalars(orders)}
    loaners = 0
    if order_ids:
        for payload in session.scalars(select(Event.payload).where(
                Event.kind == EventKind.LOANER_ISSUED).execution_options(yield_per=1000)):
            loaners += json.loads(payload).get("repair_order_id") in order_ids
    fig.repairs = {"orders": total, "returned": kinds.get(EventKind.REPAIR_RETURNED, 0),
                   "refused": kinds.get(EventKind.REPAIR_CLOSED_REFUSED, 0),
                   "in_progress": total - kinds.get(EventKind.REPAIR_RETURNED, 0)
                   - kinds.get(EventKind.REPAIR_CLOSED_REFUSED, 0),
                   "loaners_issued": loaners, "repair_fees_fen": repair_fee}


def _complaints(session: Session, fig: Figures, customer_id: uuid.UUID, period: Period) -> None:
    first_response = type_coerce(
        func.min(case((Event.kind == EventKind.COMPLAINT_RESPONDED, Event.occurred_at))),
        UTCDateTime)
    closed = func.sum(case((Event.kind == EventKind.COMPLAINT_CLOSED, 1), else_=0))
    satisfied = func.sum(case((and_(Event.kind == EventKind.COMPLAINT_CLOSED,
                                    Event.payload.like('%"customer_satisfied":"yes"%')), 1),
                              else_=0))
    query = (
        select(Complaint.number, Complaint.about, Complaint.received_at,
               Complaint.response_hours, first_response.label("responded"),
               closed.label("closed"), satisfied.label("satisfied"))
        .outerjoin(Event, and_(Event.subject_type == SubjectType.COMPLAINT,
                               Event.subject_id == Complaint.id))
        .where(Complaint.customer_id == customer_id,
               Complaint.received_at >= period.start_utc, Complaint.received_at < period.end_utc)
        .group_by(Complaint.id, Complaint.number, Complaint.about, Complaint.received_at,
                  Complaint.response_hours)
        .order_by(Complaint.received_at)
    )
    about: Counter[str] = Counter()
    out = {"total": 0, "responded": 0, "responded_in_time": 0, "closed": 0, "satisfied": 0}
    late: list[str] = []
    for row in session.execute(query.execution_options(yield_per=1000)):
        out["total"] += 1
        about[row.about] += 1
        out["closed"] += int(row.closed or 0) > 0
        out["satisfied"] += int(row.satisfied or 0) > 0
        if row.responded is not None:
            out["responded"] += 1
            hours = (row.responded - row.received_at).total_seconds() / 3600
            if hours <= row.response_hours:
                out["responded_in_time"] += 1
            else:
                late.append(row.number)
    fig.complaints = {**out, "by_about": dict(sorted(about.items())), "late": late[:10]}


def _archive(session: Session, fig: Figures, customer_id: uuid.UUID, period: Period) -> None:
    fig.dossier, fig.archive = dossier_figures(session, customer_id, period)


def _findings(session: Session, fig: Figures, customer_id: uuid.UUID, period: Period) -> None:
    rows = session.scalars(select(Finding).where(
        Finding.customer_id == customer_id, Finding.found_on >= period.start,
        Finding.found_on <= period.end).order_by(Finding.found_on, Finding.key))
    fig.findings = [{"rule": f.rule, "found_on": f.found_on.isoformat(), "zh": f.summary_zh,
                     "en": f.summary_en, "evidence": f.evidence} for f in rows]


PICTURES_LISTED = 60  # pictures a finding or worst case names by id; its count counts all


def _pictures(session: Session, fig: Figures, customer_id: uuid.UUID) -> None:
    """The pictures the customer sees on the portal (portal.photos: their sealed slips,
    repair orders, complaints; not removed) of the requests each finding names as
    evidence and of each worst breach: one query for the period, whatever the findings.
    Each gets `pictures` only when it has some (older figures have no such key)."""
    evidence = [[n for n in f["evidence"].split(",") if n] for f in fig.findings]
    wanted = {n for numbers in evidence for n in numbers} | {w["request"] for w in fig.worst}
    if not wanted:
        return
    by_request: dict[str, list[ShownPicture]] = {}
    for picture in shown_pictures_of_requests(session, customer_id, wanted):
        by_request.setdefault(picture.request_number, []).append(picture)
    for finding, numbers in zip(fig.findings, evidence, strict=True):
        found = picture_figures([p for n in dict.fromkeys(numbers)
                                 for p in by_request.get(n, ())])
        if found:
            finding["pictures"] = found
    for worst in fig.worst:
        found = picture_figures(by_request.get(worst["request"], []))
        if found:
            worst["pictures"] = found


def picture_figures(pictures: list[ShownPicture]) -> dict[str, Any]:
    """{count, kinds: {kind: n}, records: [{kind, id, number, request, pictures: [{id,
    kind}]}]} in plain JSON types (stored with the report's versions); {} for none. The
    records are where the customer sees the pictures on the portal; the first
    PICTURES_LISTED pictures are named with theirs (a report stays small whatever a
    finding names), `count` and `kinds` count them all."""
    if not pictures:
        return {}
    records: dict[str, dict[str, Any]] = {}
    for p in pictures[:PICTURES_LISTED]:
        record = records.setdefault(str(p.owner_id), {
            "kind": p.owner_kind, "id": str(p.owner_id), "number": p.owner_number,
            "request": p.request_number, "pictures": []})
        record["pictures"].append({"id": str(p.id), "kind": p.kind})
    return {"count": len(pictures), "kinds": dict(Counter(p.kind for p in pictures)),
            "records": list(records.values())}
