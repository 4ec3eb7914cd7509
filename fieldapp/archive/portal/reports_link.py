"""The one place the portal meets the analysis reports (服务分析报告, R6.1/R6.3):
this customer's reports, their PDFs, and a report asked for from the portal.

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
from fieldapp.archive.portal.copies import company
from fieldapp.archive.reports import request_report as _request_report
from fieldapp.archive.reports.export import export_report
from fieldapp.archive.reports.labels import KIND_LABELS
from fieldapp.archive.reports.models import Report
from fieldapp.base.i18n import Language, pick, term


@dataclass(frozen=True)
class ReportRow:
    id: str  # opaque (a UUID), used in the download address
    title: str
    period_start: date
    period_end: date
    status: str  # badge kind
    status_text: str
    created_at: datetime | None


def _title(kind: str, language: Language) -> str:
    return term(KIND_LABELS, kind, language)


def list_reports(session: Session, customer_id: uuid.UUID, *, limit: int, offset: int,
                 language: Language = "zh") -> list[ReportRow]:
    """This customer's reports, newest first, one page."""
    reports = session.scalars(
        select(Report).where(Report.customer_id == customer_id)
        .order_by(Report.created_at.desc(), Report.id).offset(offset).limit(limit))
    ready = pick("已生成", "Ready", language)
    return [ReportRow(str(r.id), _title(r.kind, language), r.period_start, r.period_end,
                      "ok", ready, r.created_at) for r in reports]


def report_pdf(session: Session, customer_id: uuid.UUID, report_id: uuid.UUID | None, *,
               settings: ArchiveSettings, language: Language = "zh"
               ) -> tuple[str, bytes] | None:
    """(file name, PDF) of this customer's report; None if missing or another's."""
    report = session.get(Report, report_id) if report_id is not None else None
    if report is None or report.customer_id != customer_id:
        return None
    pdf = export_report(report, "pdf", language, company=company(settings))
    return f"report-{report.period_start}-{report.period_end}-{report.kind}.pdf", pdf


def request_report(session: Session, *, customer_id: uuid.UUID, period_start: date,
                   period_end: date, requested_by: str) -> Report:
    return _request_report(session, customer_id, period_start, period_end, requested_by)
