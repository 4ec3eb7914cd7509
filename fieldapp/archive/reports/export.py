"""A stored report as PDF or CSV bytes: its latest version, or the one asked for."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from fieldapp.archive.reports.csv_export import render_csv
from fieldapp.archive.reports.document import report_document
from fieldapp.archive.reports.figures import Figures
from fieldapp.archive.reports.models import Report, ReportVersion
from fieldapp.base.i18n import Language, pick
from fieldapp.base.timeutil import format_local
from fieldapp.documents.model import CompanyInfo
from fieldapp.documents.report_pdf import PictureSource, render_report_pdf


def version_note(version: ReportVersion, language: Language) -> str:
    """A re-issued report's first observation: which version, when, what changed."""
    when = format_local(version.created_at)
    return pick(f"本报告为第 {version.version} 版（{when} 修订）：后补的服务记录改变了本期数字——"
                f"{version.change_zh}。此前各版保留可查。",
                f"This is version {version.version} (revised {when}): records that arrived "
                f"late changed this period's figures — {version.change_en}. Earlier versions "
                "are kept.", language)


def export_report(report: Report, fmt: Literal["pdf", "csv"], language: Language = "zh", *,
                  company: CompanyInfo | None = None,
                  version: ReportVersion | None = None,
                  pictures: PictureSource | None = None) -> bytes:
    """`version`: one of the report's versions (versions.version_of); default the latest.
    `pictures`: thumbnails of the pictures the findings refer to (portal.photos.
    report_thumbnails); without, the PDF names and links them only."""
    fig = Figures.from_json(version.figures if version is not None else report.figures)
    if fmt == "csv":
        return render_csv(fig)
    reason = pick(report.reason_zh, report.reason_en, language)
    number = str(report.id)[:13]
    revised = version is not None and version.version > 1
    doc = report_document(fig, number=f"{number} v{version.version}" if revised and version
                          else number, kind=report.kind, reason=reason, language=language)
    if revised and version is not None:  # said on the cover, above everything it changed
        doc = replace(doc, kind=doc.kind + pick(f" · 第 {version.version} 版",
                                                f" · version {version.version}", language),
                      observations=(version_note(version, language), *doc.observations))
    return render_report_pdf(doc, company or CompanyInfo(name="fieldapp"), language=language,
                             pictures=pictures)
