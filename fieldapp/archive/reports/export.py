"""A stored report as PDF or CSV bytes."""

from __future__ import annotations

from typing import Literal

from fieldapp.archive.reports.csv_export import render_csv
from fieldapp.archive.reports.document import report_document
from fieldapp.archive.reports.figures import Figures
from fieldapp.archive.reports.models import Report
from fieldapp.base.i18n import Language, pick
from fieldapp.documents.model import CompanyInfo
from fieldapp.documents.report_pdf import render_report_pdf


def export_report(report: Report, fmt: Literal["pdf", "csv"], language: Language = "zh", *,
                  company: CompanyInfo | None = None) -> bytes:
    fig = Figures.from_json(report.figures)
    if fmt == "csv":
        return render_csv(fig)
    reason = pick(report.reason_zh, report.reason_en, language)
    doc = report_document(fig, number=str(report.id)[:13], kind=report.kind, reason=reason,
                          language=language)
    return render_report_pdf(doc, company or CompanyInfo(name="fieldapp"), language=language)
