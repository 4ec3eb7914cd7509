"""Living reports: a report is a versioned document (issue 20 item 2). When data that
reached the archive late changes a period already reported, the next `reports run` adds a
version with what changed ("服务请求 12→14；服务费用 ¥1,200.00→¥1,450.00"), keeping the
old ones; when nothing changed, nothing is added.

What counts as a change: one of the cover's headline figures (`HEADLINE`). The rest of
the figures follow from them or from the clock alone (how long an open item has been
open), which would otherwise issue a version on every run. What is re-checked: the
reports of the customers whose records reached the archive since the report was last
compared (the archive's change log), so a daily run costs what arrived, not every
report again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.archive.models import Change
from fieldapp.archive.reports.figures import Figures, compute_figures
from fieldapp.archive.reports.models import Report, ReportVersion
from fieldapp.archive.reports.period import Period
from fieldapp.base.errors import NotFound
from fieldapp.base.money import format_yuan
from fieldapp.store.finding_models import Finding
from fieldapp.store.models import Contract, Customer, Device, ServiceRequest, Slip
from fieldapp.store.workflow_models import (
    ArchiveEntry,
    Complaint,
    Event,
    OpenQuestion,
    ProblemSet,
    RepairOrder,
    ServiceSuggestion,
)

log = logging.getLogger("fieldapp.archive.reports")


def _sla(state: str) -> Callable[[Figures], int]:
    return lambda f: sum(s.get(state, 0) for s in f.sla.values())


# (key, zh, en, value, money): the figures a new version is issued for, cover order
HEADLINE: tuple[tuple[str, str, str, Callable[[Figures], int], bool], ...] = (
    ("requests", "服务请求", "requests", lambda f: f.requests_total, False),
    ("slips", "服务单", "slips", lambda f: f.slips_total, False),
    ("sla_met", "时限达标", "SLA met", lambda f: _sla("met")(f) + _sla(
        "met_within_tolerance")(f), False),
    ("sla_breached", "超时", "SLA breached", _sla("breached"), False),
    ("sla_running", "进行中", "running", _sla("running"), False),
    ("escalations", "服务升级", "escalations", lambda f: sum(f.escalations.values()), False),
    ("complaints", "客户投诉", "complaints", lambda f: int(f.complaints.get("total", 0)), False),
    ("repairs", "送修", "repairs", lambda f: int(f.repairs.get("orders", 0)), False),
    ("loaners", "备机", "loaners", lambda f: int(f.repairs.get("loaners_issued", 0)), False),
    ("fees", "服务费用", "fees", lambda f: f.fees_all_fen, True),
)


def change_summary(old: Figures, new: Figures) -> tuple[str, str] | None:
    """What moved between two states of a report's figures, (zh, en); None if nothing."""
    zh, en = [], []
    for _key, label_zh, label_en, value, money in HEADLINE:
        before, after = value(old), value(new)
        if before == after:
            continue
        shown = f"{format_yuan(before)}→{format_yuan(after)}" if money else f"{before}→{after}"
        zh.append(f"{label_zh} {shown}")
        en.append(f"{label_en} {shown}")
    return ("；".join(zh), "; ".join(en)) if zh else None


def change_seq(session: Session) -> int:
    """The archive's change-log position: every record that arrives moves it on."""
    return int(session.scalar(select(func.max(Change.seq))) or 0)


def first_version(session: Session, report: Report) -> None:
    session.add(ReportVersion(report_id=report.id, version=1, figures=report.figures,
                              change_zh="", change_en="", created_at=report.created_at))


def revise(session: Session, report: Report, *, now: datetime, seq: int) -> bool:
    """Recompute the report's figures; a new version if a headline figure moved. The
    report is marked checked up to `seq` either way; True if a version was added."""
    fig = compute_figures(session, report.customer_id,
                          Period(report.period_start, report.period_end), now)
    report.checked_seq = seq
    moved = change_summary(Figures.from_json(report.figures), fig)
    if moved is None:
        return False
    report.version += 1
    report.figures = fig.to_json()
    session.add(ReportVersion(report_id=report.id, version=report.version,
                              figures=report.figures, change_zh=moved[0], change_en=moved[1],
                              created_at=now))
    session.flush()
    log.info("report %s version %s: %s", report.id, report.version, moved[1])
    return True


# What a changed record says about whose figures may have moved: the customer of each
# table's rows. Tables no report reads are passed over; a table in neither (one added
# later) makes every report be re-checked, so nothing is missed.
_NOT_IN_FIGURES = frozenset({"engineers", "sites", "contacts", "attachments", "loaners"})
_BY_REQUEST: dict[str, Any] = {"slips": Slip, "repair_orders": RepairOrder}
_OWN_CUSTOMER: dict[str, Any] = {
    "customers": Customer, "contracts": Contract, "devices": Device,
    "service_requests": ServiceRequest, "complaints": Complaint, "open_questions": OpenQuestion,
    "archive_entries": ArchiveEntry, "problem_sets": ProblemSet,
    "service_suggestions": ServiceSuggestion, "findings": Finding}


def _customers_of(session: Session, table: str, ids: list[uuid.UUID]) -> set[uuid.UUID] | None:
    if table in _OWN_CUSTOMER:
        model = _OWN_CUSTOMER[table]
        column = model.id if model is Customer else model.customer_id
        return set(session.scalars(select(column).where(model.id.in_(ids))))
    if table in _BY_REQUEST:
        model = _BY_REQUEST[table]
        return set(session.scalars(select(ServiceRequest.customer_id).join(
            model, model.request_id == ServiceRequest.id).where(model.id.in_(ids))))
    if table == "events":  # about a request, or about a customer's complaint or dossier
        found = set(session.scalars(select(ServiceRequest.customer_id).join(
            Event, Event.request_id == ServiceRequest.id).where(Event.id.in_(ids))))
        subjects = select(Event.subject_id).where(Event.id.in_(ids))
        for model in (Complaint, ProblemSet, ServiceSuggestion):
            found |= set(session.scalars(select(model.customer_id).where(
                model.id.in_(subjects))))
        return found
    return None


def touched_customers(session: Session, since: int) -> set[uuid.UUID] | None:
    """The customers whose records reached the archive after change-log position `since`;
    None when that cannot be told (a table not mapped above): re-check everyone."""
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, record_id in session.execute(select(Change.table_name, Change.record_id)
                                            .where(Change.seq > since)):
        by_table.setdefault(table, []).append(record_id)
    touched: set[uuid.UUID] = set()
    for table, ids in by_table.items():
        if table in _NOT_IN_FIGURES:
            continue
        for start in range(0, len(ids), 500):
            found = _customers_of(session, table, ids[start:start + 500])
            if found is None:
                return None
            touched |= found
    return touched


def revise_due(session: Session, today: date, lookback_days: int, now: datetime
               ) -> list[Report]:
    """Every report whose period ended within the look-back and that has not been compared
    with what reached the archive since: re-checked if its customer's records are among
    what arrived, and those whose figures moved get a version. A report whose customer
    had nothing new is only marked checked (its figures cannot have moved)."""
    seq = change_seq(session)
    stale = list(session.scalars(select(Report).where(
        Report.checked_seq < seq,
        Report.period_end >= today - timedelta(days=lookback_days))
        .order_by(Report.created_at, Report.id)))
    if not stale:
        return []
    touched = touched_customers(session, min(r.checked_seq for r in stale))
    revised = []
    for report in stale:
        if touched is not None and report.customer_id not in touched:
            report.checked_seq = seq
        elif revise(session, report, now=now, seq=seq):
            revised.append(report)
    return revised


def versions(session: Session, report: Report) -> list[ReportVersion]:
    """The report's versions, newest first."""
    return list(session.scalars(select(ReportVersion).where(
        ReportVersion.report_id == report.id).order_by(ReportVersion.version.desc())))


def version_of(session: Session, report: Report, number: int | None) -> ReportVersion:
    """Version `number` of the report (None: the latest); `NotFound` (zh/en) otherwise."""
    found = session.get(ReportVersion, (report.id, number or report.version))
    if found is None:
        raise NotFound(f"报告 {report.id} 没有第 {number} 版（共 {report.version} 版）。",
                       f"Report {report.id} has no version {number} "
                       f"({report.version} in all).")
    return found
