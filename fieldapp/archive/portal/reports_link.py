"""The one place the portal meets the analysis reports (服务分析报告, R6.1/R6.3):
this customer's reports with their versions (a report re-issued after late data keeps
its history), the PDF of any version, the periodic reports waiting for enough data, and a
report asked for from the portal.

Reports live in `fieldapp.archive.reports` (docs/reports.md); every query here is
scoped to the logged-in customer, so another customer's report id answers "not found".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.files.store import FileStore
from fieldapp.archive.portal.copies import company
from fieldapp.archive.portal.photos import report_thumbnails
from fieldapp.archive.reports import request_report as _request_report
from fieldapp.archive.reports.export import export_report
from fieldapp.archive.reports.labels import KIND_LABELS
from fieldapp.archive.reports.models import Report, ReportSkip, ReportVersion
from fieldapp.archive.reports.schedules import shortfall
from fieldapp.base.i18n import Language, pick, term


@dataclass(frozen=True)
class VersionRow:
    version: int
    created_at: datetime
    change: str  # what moved since the version before, in the page's language


@dataclass(frozen=True)
class ReportRow:
    id: str  # opaque (a UUID), used in the download address
    title: str
    period_start: date
    period_end: date
    status: str  # badge kind
    status_text: str
    created_at: datetime | None
    version: int = 1
    history: tuple[VersionRow, ...] = ()  # newest first; one entry: never re-issued


@dataclass(frozen=True)
class WaitingRow:
    title: str
    period_start: date
    period_end: date
    why: str  # 数据不足，暂不出具：…


def _title(kind: str, language: Language) -> str:
    return term(KIND_LABELS, kind, language)


def list_reports(session: Session, customer_id: uuid.UUID, *, limit: int, offset: int,
                 language: Language = "zh") -> list[ReportRow]:
    """This customer's reports, newest first, one page, each with its versions."""
    reports = list(session.scalars(
        select(Report).where(Report.customer_id == customer_id)
        .order_by(Report.created_at.desc(), Report.id).offset(offset).limit(limit)))
    history: dict[uuid.UUID, list[VersionRow]] = {}
    if reports:
        for v in session.scalars(select(ReportVersion).where(
                ReportVersion.report_id.in_([r.id for r in reports]))
                .order_by(ReportVersion.version.desc())):
            history.setdefault(v.report_id, []).append(VersionRow(
                v.version, v.created_at, pick(v.change_zh, v.change_en, language)))
    return [ReportRow(str(r.id), _title(r.kind, language), r.period_start, r.period_end,
                      *_status(r.version, language), r.created_at, r.version,
                      tuple(history.get(r.id, ()))) for r in reports]


def _status(version: int, language: Language) -> tuple[str, str]:
    if version == 1:
        return "ok", pick("已生成", "Ready", language)
    return "in_progress", pick(f"第 {version} 版（已修订）", f"Version {version} (revised)",
                               language)


def list_waiting(session: Session, customer_id: uuid.UUID, *, language: Language = "zh"
                 ) -> list[WaitingRow]:
    """This customer's periodic reports not issued yet for want of data, latest first."""
    skips = session.scalars(select(ReportSkip).where(ReportSkip.customer_id == customer_id)
                            .order_by(ReportSkip.period_end.desc(), ReportSkip.kind).limit(12))
    return [WaitingRow(_title(k.kind, language), k.period_start, k.period_end,
                       shortfall(k.covered_days, k.period_days, k.requests,
                                 k.min_coverage_percent, k.min_requests, language))
            for k in skips]


def report_pdf(session: Session, customer_id: uuid.UUID, report_id: uuid.UUID | None, *,
               settings: ArchiveSettings, language: Language = "zh",
               version: int | None = None, store: FileStore | None = None
               ) -> tuple[str, bytes] | None:
    """(file name, PDF) of this customer's report, its latest version or `version`; None
    if missing, another's, or no such version. `store`: the archive's files, for the
    thumbnails of the pictures its findings refer to."""
    report = session.get(Report, report_id) if report_id is not None else None
    if report is None or report.customer_id != customer_id:
        return None
    issued = session.get(ReportVersion, (report.id, version or report.version))
    if issued is None:
        return None
    pdf = export_report(report, "pdf", language, company=company(settings), version=issued,
                        pictures=report_thumbnails(session, store, customer_id)
                        if store is not None else None)
    suffix = f"-v{issued.version}" if report.version > 1 else ""
    return (f"report-{report.period_start}-{report.period_end}-{report.kind}{suffix}.pdf",
            pdf)


def request_report(session: Session, *, customer_id: uuid.UUID, period_start: date,
                   period_end: date, requested_by: str) -> Report:
    return _request_report(session, customer_id, period_start, period_end, requested_by)
