"""A stored report as PDF or CSV bytes: its latest version, or the one asked for."""

from __future__ import annotations

from typing import Literal

from fieldapp.archive.reports.csv_export import render_csv
from fieldapp.archive.reports.document import report_document
from fieldapp.archive.reports.figures import Figures
from fieldapp.archive.reports.models import Report, ReportVersion
from fieldapp.base.i18n import Language, pick
from fieldapp.base.timeutil import format_local
from fieldapp.documents.model import CompanyInfo
from fieldapp.documents.report_pdf import render_report_pdf


def version_note(version: ReportVersion, language: Language) -> str:
    """The cover's line for a re-issued report: which version, when, what changed."""
    if version.version == 1:
        return ""
    when = format_local(version.created_at)
    return pick(f"第 {version.version} 版（{when} 修订）：{version.change_zh}",
                f"Version {version.version} (revised {when}): {version.change_en}", language)


def export_report(report: Report, fmt: Literal["pdf", "csv"], language: Language = "zh", *,
                  company: CompanyInfo | None = None,
                  version: ReportVersion | None = None) -> bytes:
    """`version`: one of the report's versions (versions.version_of); default the latest."""
    fig = Figures.from_json(version.figures if version is not None else report.figures)
    if fmt == "csv":
        return render_csv(fig)
    reason = pick(report.reason_zh, report.reason_en, language)
    number = str(report.id)[:13]
    if version is not None and version.version > 1:
        reason = f"{reason}\u3000{version_note(version, language)}"
        number = f"{number} v{version.version}"
    doc = report_document(fig, number=number, kind=report.kind, reason=reason,
                          language=language)
    return render_report_pdf(doc, company or CompanyInfo(name="fieldapp"), language=language)
